#include "tools/ToolSupport.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "nemo/api/Language.h"
#include "support/JsonAccess.h"

namespace nemo::tools {

api::CallControl callControl(mcp::ToolContext& context, std::chrono::steady_clock::time_point deadline) {
  return api::CallControl{context.stop(), [&context](const std::string& line) { context.progress(line); }, deadline};
}

api::CallControl callControl(mcp::ToolContext& context, const Services& services) {
  return callControl(context, std::chrono::steady_clock::now() + services.defaultWait);
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
  if (!given.empty()) return given;
  auto current = services.sessions->current();
  return current ? current->sessionId : std::string();
}

void confirmSession(const std::string& sessionId, const Services& services) {
  if (auto error = services.sessions->use(sessionId)) {
    spdlog::warn("could not record the use of session {}: {}", sessionId, *error);
  }
}

std::string describeSession(const api::SessionRecord& session) {
  std::string text = session.sessionId;
  if (!session.taskName.empty() && session.taskName != "project") text += " \"" + session.taskName + "\"";
  if (!session.createdAt.empty()) text += ", created " + session.createdAt;
  if (!session.lastUsedAt.empty()) text += ", last used " + session.lastUsedAt;
  return text;
}

nlohmann::json knownSessionsJson(const Services& services) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& session : services.sessions->all()) {
    list.push_back({{"session_id", session.sessionId},
                    {"task_name", session.taskName},
                    {"created_at", session.createdAt},
                    {"last_used_at", session.lastUsedAt}});
  }
  return list;
}

mcp::ToolResult noSessionFailure(const Services& services, nlohmann::json extra) {
  std::string message = "No session is current in this conversation. Call create_session to start one";
  auto known = services.sessions->all();
  if (known.empty()) {
    message += ".";
  } else {
    message += ", or pass the session_id of a known session (the most recent first):";
    for (std::size_t i = 0; i < known.size() && i < 5; ++i) message += "\n- " + describeSession(known[i]);
  }
  extra["sessions"] = knownSessionsJson(services);
  return localFailure(message, std::move(extra))
      .withNext(known.empty() ? "Call create_session, then repeat this call."
                              : "Call create_session for a new video, or repeat this call with session_id \"" +
                                    known.front().sessionId + "\" (the most recent) to resume that one.");
}

mcp::ToolResult sessionErrorResult(const api::ApiError& error, const nlohmann::json& arguments, const Services& services,
                                   nlohmann::json extra) {
  auto named = arguments.value("session_id", std::string());
  auto current = services.sessions->current();
  extra["error"] = error.toJson();
  if (error.code != api::code::kSessionNotFound || named.empty() || (current && current->sessionId == named)) {
    return mcp::ToolResult::failure(error.message, std::move(extra));
  }
  // A mistyped or foreign id: say so, and that the user's own session is untouched.
  std::string message = "NemoVideo does not know the session \"" + named + "\" (mistyped, or from another account). "
                        "Nothing was changed. ";
  message += current ? "The current session is still " + current->sessionId + ": leave session_id out to use it."
                     : "Call state without session_id to list the known sessions, or create_session to start one.";
  extra["error"]["message"] = message;
  return mcp::ToolResult::failure(message, std::move(extra))
      .withNext(current ? "Repeat the call without session_id (the current session " + current->sessionId + ")."
                        : "Call state without session_id to list the known sessions.");
}

NewSession createSession(const Services& services, mcp::ToolContext& context, const std::string& taskName,
                         std::string language) {
  if (language.empty()) language = api::languageFromEnvironment();
  context.progress("Creating a NemoVideo session...");
  auto result = services.client->createSession(taskName, language, callControl(context, services));
  if (!result.ok()) return {{}, {}, result.error, {}};
  auto sessionId = support::textAt(result.data, "session_id");
  if (sessionId.empty()) {
    return {{}, {}, api::makeApiError(api::code::kServerError, 0, "the answer had no session_id",
                                  services.client->errorContext()), {}};
  }
  auto taskId = support::textAt(result.data, "task_id");
  context.log("info", "Created NemoVideo session " + sessionId);
  NewSession created{sessionId, taskId, std::nullopt, {}};
  if (auto saveError = services.sessions->add({sessionId, taskId, taskName, language, api::isoTimeNow(), {}})) {
    spdlog::warn("could not remember the session: {}", *saveError);
    created.notSaved = *saveError;
  }
  return created;
}

std::chrono::seconds waitSeconds(const nlohmann::json& arguments, const Services& services,
                                 const mcp::ToolContext& context) {
  // Clients known to wait for a result without a deadline of their own below 110 s.
  const bool patient = context.clientName() == "claude-code";
  auto fallback = services.defaultWait;
  if (patient && fallback == std::chrono::seconds(kDefaultWaitSeconds)) fallback = std::chrono::seconds(kPatientClientWaitSeconds);
  auto value = arguments.value("wait_seconds", static_cast<double>(fallback.count()));
  return std::chrono::seconds(static_cast<long>(std::clamp(value, 0.0, static_cast<double>(kMaxWaitSeconds))));
}

std::optional<mcp::ToolResult> waitForRunningTurn(const std::string& sessionId, const Services& services,
                                                  mcp::ToolContext& context,
                                                  std::chrono::steady_clock::time_point deadline) {
  auto turn = services.turns->runningIn(sessionId);
  if (!turn) return std::nullopt;
  context.progress("Waiting for the video editor to finish its current turn first...");
  auto waited = turn->wait(
      deadline, context.stop(),
      [&context](const support::JobProgress&) { context.progress("Waiting for the video editor's current turn to end..."); },
      {services.progressInterval});
  if (waited == support::WaitEnd::Finished) return std::nullopt;
  return runningTurnFailure(*turn);
}

mcp::ToolResult runningTurnFailure(const chat::ChatTurn& turn) {
  return localFailure("The video editor is still working on this session (turn_id " + turn.id() +
                          "), so the timeline is not finished yet. Wait for it first: call chat with turn_id \"" +
                          turn.id() + "\" and no message, then try again. Do not send the chat message again.",
                      {{"running_turn_id", turn.id()}})
      .withNext("Call chat with turn_id \"" + turn.id() + "\" and no message; when it is done, repeat this call. "
                "Never send the chat message again.");
}

std::chrono::seconds callWait(const nlohmann::json& arguments, const Services& services,
                              const mcp::ToolContext& context) {
  if (context.mayRunAsTask()) return kTaskWait;
  return waitSeconds(arguments, services, context);
}

}  // namespace nemo::tools
