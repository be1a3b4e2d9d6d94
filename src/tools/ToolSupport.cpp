#include "tools/ToolSupport.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "nemo/Language.h"
#include "support/JsonAccess.h"

namespace nemo::tools {

api::CallControl callControl(mcp::ToolContext& context) {
  return api::CallControl{context.stop(), [&context](const std::string& line) { context.progress(line); }};
}

mcp::ToolResult errorResult(const api::ApiError& error) {
  return mcp::ToolResult::failure(error.message, nlohmann::json{{"error", error.toJson()}});
}

mcp::ToolResult localFailure(const std::string& message, nlohmann::json extra) {
  extra["error"] = {{"code", api::code::kLocal}, {"message", message}};
  return mcp::ToolResult::failure(message, std::move(extra));
}

}  // namespace nemo::tools

namespace nemo::tools {

std::string resolveSessionId(const nlohmann::json& arguments, const Services& services) {
  auto given = arguments.value("session_id", std::string());
  if (!given.empty()) {
    services.sessions->makeCurrent(given);
    return given;
  }
  auto current = services.sessions->current();
  return current ? current->sessionId : std::string();
}

NewSession createSession(const Services& services, mcp::ToolContext& context, const std::string& taskName,
                         std::string language) {
  if (language.empty()) language = api::languageFromEnvironment();
  context.progress("Creating a NemoVideo session...");
  auto result = services.client->createSession(taskName, language, callControl(context));
  if (!result.ok()) return {{}, {}, result.error};
  auto sessionId = support::textAt(result.data, "session_id");
  if (sessionId.empty()) {
    return {{}, {}, api::makeApiError(api::code::kServerError, 0, "the answer had no session_id",
                                  services.client->errorContext())};
  }
  auto taskId = support::textAt(result.data, "task_id");
  context.log("info", "Created NemoVideo session " + sessionId);
  if (auto saveError = services.sessions->add({sessionId, taskId, taskName, language, api::isoTimeNow()})) {
    spdlog::warn("could not remember the session: {}", *saveError);
  }
  return {sessionId, taskId, std::nullopt};
}

std::chrono::seconds waitSeconds(const nlohmann::json& arguments, const mcp::ToolContext& context) {
  // Clients known to wait for a result without a deadline of their own below 110 s.
  const bool patient = context.clientName() == "claude-code";
  auto value = arguments.value("wait_seconds", static_cast<double>(patient ? kPatientClientWaitSeconds
                                                                           : kDefaultWaitSeconds));
  return std::chrono::seconds(static_cast<long>(std::clamp(value, 0.0, static_cast<double>(kMaxWaitSeconds))));
}

}  // namespace nemo::tools
