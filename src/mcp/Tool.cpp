#include "mcp/Tool.h"

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>

#include "support/Secrets.h"

namespace nemo::mcp {

void ToolContext::progress(const std::string& message, std::optional<double> percent) {
  spdlog::debug("progress: {}", message);
  if (!progress_) return;
  double value;
  std::optional<double> total;
  {
    std::lock_guard lock(mutex_);
    if (percent && std::isfinite(*percent)) {
      value = std::max(std::clamp(*percent, 0.0, 100.0), last_ + 0.01);
      if (value <= 100.0) total = 100.0;
    } else {
      value = last_ + 1.0;
    }
    last_ = value;
  }
  progress_(value, total, support::redactSecrets(message));
}

void ToolContext::log(const std::string& level, const std::string& message) {
  auto clean = support::redactSecrets(message);
  if (level == "error") spdlog::error("{}", clean);
  else if (level == "warning") spdlog::warn("{}", clean);
  else spdlog::info("{}", clean);
  if (log_) log_(level, clean);
}

void completeStructured(ToolResult& result) {
  if (!result.structured.is_object()) result.structured = json{{"value", std::move(result.structured)}};
  auto message = result.message.empty() ? result.text : result.message;
  if (!message.empty() && !result.structured.contains("message")) result.structured["message"] = message;
  if (!result.next.empty()) result.structured["next"] = result.next;
}

}  // namespace nemo::mcp
