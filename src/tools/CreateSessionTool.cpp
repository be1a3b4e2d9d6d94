// The `create_session` tool: a new NemoVideo editing session (a project with its own
// timeline), remembered as the current one so later calls may leave the id out.
#include <spdlog/spdlog.h>

#include "nemo/Language.h"
#include "tools/ToolSupport.h"

namespace nemo::tools {
namespace {

std::string textOf(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return {};
  return value.dump();
}

}  // namespace

void registerCreateSessionTool(mcp::ToolRegistry& registry, const Services& services) {
  auto error = registry.add("create_session", [services](const nlohmann::json& arguments, mcp::ToolContext& context) {
    auto language = arguments.value("language", std::string());
    if (language.empty()) language = api::languageFromEnvironment();
    auto taskName = arguments.value("task_name", std::string("project"));
    context.progress("Creating a NemoVideo session...");
    auto result = services.client->createSession(taskName, language, callControl(context));
    if (!result.ok()) return errorResult(*result.error);
    auto sessionId = textOf(result.data.value("session_id", nlohmann::json()));
    auto taskId = textOf(result.data.value("task_id", nlohmann::json()));
    if (sessionId.empty()) {
      return mcp::ToolResult::failure("NemoVideo created no session (its answer had no session_id). Please try again.",
                                      {{"error", {{"code", api::code::kServerError}}}});
    }
    context.log("info", "Created NemoVideo session " + sessionId);
    api::SessionRecord record{sessionId, taskId, taskName, language, api::isoTimeNow()};
    if (auto saveError = services.sessions->add(record)) {
      spdlog::warn("could not remember the session: {}", *saveError);
    }
    return mcp::ToolResult::success(
        "Session ready (" + sessionId + "). It is now the current session: chat, upload, state and export use it "
        "when no session_id is given.",
        {{"session_id", sessionId}, {"task_id", taskId}, {"task_name", taskName}, {"language", language}});
  });
  if (error) throw std::logic_error(*error);
}

}  // namespace nemo::tools
