// The `credits` tool: the account's NemoVideo credit balance (available, frozen, total).
#include "tools/ToolSupport.h"

namespace nemo::tools {
namespace {

double numberOf(const nlohmann::json& data, const char* key) {
  if (!data.contains(key)) return 0;
  const auto& value = data[key];
  if (value.is_number()) return value.get<double>();
  if (value.is_string()) {
    try {
      return std::stod(value.get<std::string>());
    } catch (...) {
    }
  }
  return 0;
}

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
    double available = numberOf(result.data, "available");
    double frozen = numberOf(result.data, "frozen");
    double total = result.data.contains("total") ? numberOf(result.data, "total") : available + frozen;
    auto text = "Credits: " + format(available) + " available" +
                (frozen > 0 ? ", " + format(frozen) + " reserved for running jobs" : std::string()) + " (" +
                format(total) + " in total).";
    return mcp::ToolResult::success(text, {{"available", available}, {"frozen", frozen}, {"total", total}});
  });
  if (error) throw std::logic_error(*error);
}

}  // namespace nemo::tools
