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
    auto result = services.client->credits(callControl(context, services));
    if (!result.ok()) return errorResult(*result.error);
    // Reported as fact, so never a default: an answer without a readable balance is unreadable
    // (a broken answer is not "0 credits"). A missing frozen or total is derived, not invented.
    auto readable = [&](const char* key) { return !result.data.contains(key) || support::numberAt(result.data, key); };
    auto availableRead = support::numberAt(result.data, "available");
    if (!result.data.is_object() || !availableRead || !readable("frozen") || !readable("total")) {
      auto unreadable = api::makeApiError(api::code::kServerError, 0, "the credit balance answer could not be read",
                                          services.client->errorContext());
      unreadable.message = "NemoVideo's answer about the credit balance could not be read (no number where the "
                           "balance should be). Please try again in a moment.";
      return errorResult(unreadable);
    }
    double available = *availableRead;
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
