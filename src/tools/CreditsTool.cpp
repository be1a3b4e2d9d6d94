// The `credits` tool: the account's NemoVideo credit balance (available, frozen, total).
#include "support/JsonAccess.h"
#include "tools/ToolSupport.h"

namespace nemo::tools {
namespace {

std::string format(double value) {
  auto text = std::to_string(value);
  text.erase(text.find_last_not_of('0') + 1);
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

}  // namespace

void registerCreditsTool(mcp::ToolRegistry& registry, const Services& services) {
  auto error = registry.add("credits", [services](const nlohmann::json&, mcp::ToolContext& context) {
    context.progress("Checking the NemoVideo credit balance...");
    auto result = services.client->credits(callControl(context));
    if (!result.ok()) return errorResult(*result.error);
    double available = support::numberAt(result.data, "available").value_or(0);
    double frozen = support::numberAt(result.data, "frozen").value_or(0);
    double total = support::numberAt(result.data, "total").value_or(available + frozen);
    auto text = "Credits: " + format(available) + " available" +
                (frozen > 0 ? ", " + format(frozen) + " reserved for running jobs" : std::string()) + " (" +
                format(total) + " in total).";
    return mcp::ToolResult::success(text, {{"available", available}, {"frozen", frozen}, {"total", total}});
  });
  if (error) throw std::logic_error(*error);
}

}  // namespace nemo::tools
