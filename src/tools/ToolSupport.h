// What every tool file shares: the services a tool call may use, and the translation of a
// NemoVideo error into an MCP tool result (isError, the person's message, the code).
#pragma once

#include <memory>
#include <string>

#include "mcp/Tool.h"
#include "mcp/ToolRegistry.h"
#include "nemo/api/NemoClient.h"
#include "nemo/api/Sessions.h"
#include "nemo/chat/ChatTurns.h"
#include "nemo/renders/Renders.h"

namespace nemo::tools {

struct Services {
  std::shared_ptr<api::NemoClient> client;
  std::shared_ptr<api::Sessions> sessions;
  std::shared_ptr<chat::ChatTurns> turns;
  std::shared_ptr<renders::Renders> renders;
  std::chrono::milliseconds progressInterval{10'000};  // the longest silence while a call waits
  // How long a call may take when it has no wait_seconds: many clients give up at 60 s.
  std::chrono::seconds defaultWait{45};
};

// The session a call means: the one it names, else this process's current one; empty when there
// is none. Naming a session does not make it current: only NemoVideo accepting the call does.
std::string resolveSessionId(const nlohmann::json& arguments, const Services& services);
// After NemoVideo accepted a call on the session: it becomes current, and its use is recorded.
void confirmSession(const std::string& sessionId, const Services& services);

// The known sessions of this origin, as the results list them.
nlohmann::json knownSessionsJson(const Services& services);
std::string describeSession(const api::SessionRecord& session);
// "No session is current": create one, or resume a known one (listed in `sessions`).
mcp::ToolResult noSessionFailure(const Services& services, nlohmann::json extra = nlohmann::json::object());
// A NemoVideo error of a call on a session. 1002 for an id the call named (and that is not the
// current one) says the id is unknown and nothing changed, rather than "your session is gone".
mcp::ToolResult sessionErrorResult(const api::ApiError& error, const nlohmann::json& arguments, const Services& services,
                                   nlohmann::json extra = nlohmann::json::object());

// A new session (default language, task "project"), recorded as current; its id, or the error.
struct NewSession {
  std::string sessionId;
  std::string taskId;
  std::optional<api::ApiError> error;
  std::string notSaved;  // why the session list could not be saved (it is current in memory all the same)
};
NewSession createSession(const Services& services, mcp::ToolContext& context, const std::string& taskName = "project",
                         std::string language = {});

// How long a call may wait. Claude Code moves a call past 120 s into the background (where it
// dies with the conversation) and Claude Desktop gives up after about 60 s whatever progress
// says: services.defaultWait (45 s) by default, never more than 110 s (the schemas say the
// same). Claude Code itself waits for a result as long as it takes to come: there the built-in
// default is 100 s, so that a 30-90 s render or a generation turn ends in one call instead of
// costing the model another turn (NEMO_DEFAULT_WAIT_SECONDS, when set, applies to every client).
constexpr int kDefaultWaitSeconds = 45;
constexpr int kPatientClientWaitSeconds = 100;
constexpr int kMaxWaitSeconds = 110;
std::chrono::seconds waitSeconds(const nlohmann::json& arguments, const Services& services,
                                 const mcp::ToolContext& context);
// The same, unless the call may become a task (the client declared the tasks extension): then it
// waits for the whole work, up to kTaskWait, since the client polls the task instead of the call.
inline constexpr std::chrono::minutes kTaskWait{20};
std::chrono::seconds callWait(const nlohmann::json& arguments, const Services& services,
                              const mcp::ToolContext& context);

// Progress lines of the NemoVideo layer go to the MCP progress channel, and its requests and
// waits end by `deadline`, whatever the backend does (time_point::max(): no bound).
api::CallControl callControl(mcp::ToolContext& context, std::chrono::steady_clock::time_point deadline);
// Work on a session waits for a chat turn still changing its timeline (an export must not render
// a half-made one): until `deadline` at most. Nullopt when the session is free; else the isError
// result that names the running turn and says to wait for it.
std::optional<mcp::ToolResult> waitForRunningTurn(const std::string& sessionId, const Services& services,
                                                  mcp::ToolContext& context,
                                                  std::chrono::steady_clock::time_point deadline);
// The isError result for work refused because `turn` still edits the session.
mcp::ToolResult runningTurnFailure(const chat::ChatTurn& turn);

// The same, ending within the default wait from now.
api::CallControl callControl(mcp::ToolContext& context, const Services& services);

mcp::ToolResult errorResult(const api::ApiError& error);
// A failure found here, before or without NemoVideo (code -4, "refused locally"); `extra`
// joins the structured content (e.g. a status field the tool's schema wants).
mcp::ToolResult localFailure(const std::string& message, nlohmann::json extra = nlohmann::json::object());

// Registers each tool of its own file (one function per tool file).
void registerCreditsTool(mcp::ToolRegistry& registry, const Services& services);
void registerCreateSessionTool(mcp::ToolRegistry& registry, const Services& services);
void registerStateTool(mcp::ToolRegistry& registry, const Services& services);

// What the skill's manifest allows to be uploaded.
struct UploadLimits {
  std::vector<std::string> formats;
  std::uint64_t maxBytes = 0;
};
void registerUploadTool(mcp::ToolRegistry& registry, const Services& services, const UploadLimits& limits);
void registerExportTool(mcp::ToolRegistry& registry, const Services& services);
// The chat tool answers routed intents (export, credits, state, upload) with those tools, found
// in the registry at call time.
void registerChatTool(mcp::ToolRegistry& registry, const Services& services);

}  // namespace nemo::tools
