// The `create_session` tool: a new NemoVideo editing session (a project with its own
// timeline), remembered as the current one so later calls may leave the id out.
#include "nemo/api/Language.h"
#include "tools/ToolSupport.h"

namespace nemo::tools {

void registerCreateSessionTool(mcp::ToolRegistry& registry, const Services& services) {
  auto error = registry.add("create_session", [services](const nlohmann::json& arguments, mcp::ToolContext& context) {
    auto taskName = arguments.value("task_name", std::string("project"));
    auto created = createSession(services, context, taskName, arguments.value("language", std::string()));
    if (created.error) return errorResult(*created.error);
    auto language = arguments.value("language", std::string());
    if (language.empty()) language = api::languageFromEnvironment();
    std::string text = "Session ready (" + created.sessionId + "). It is now the current session: chat, upload, "
                       "state and export use it when no session_id is given.";
    nlohmann::json structured{
        {"session_id", created.sessionId}, {"task_id", created.taskId}, {"task_name", taskName}, {"language", language}};
    if (!created.notSaved.empty()) {
      // Still current for this server process; only a restarted agent would not find it.
      text += " It could not be saved to the session list (" + created.notSaved + "): note its id to resume it "
              "after a restart.";
      structured["not_saved"] = created.notSaved;
    }
    return mcp::ToolResult::success(text, structured)
        .withNext("Call upload with the user's files, or chat with what the video should be; both use session " +
                  created.sessionId + ".");
  });
  if (error) throw std::logic_error(*error);
}

}  // namespace nemo::tools
