// The MCP protocol on top of a JSON-RPC connection: both eras (the 2025 initialize handshake
// and the stateless 2026-07-28 revision with server/discover and per-request _meta), tools,
// prompts, progress and log notifications. Knows nothing of NemoVideo.
// Threads: the connection's reader thread calls onRequest/onNotification; tool calls run on
// their own threads from a TaskGroup.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "jsonrpc/Connection.h"
#include "mcp/Tasks.h"
#include "mcp/ToolRegistry.h"
#include "support/TaskGroup.h"

namespace nemo::mcp {

struct ServerIdentity {
  std::string name;
  std::string title;
  std::string version;
  std::string instructions;
};

struct PromptArgument {
  std::string name;
  std::string description;
  bool required = false;
};

struct Prompt {
  std::string name;
  std::string title;
  std::string description;
  std::string text;  // the user message: {argument} is replaced, a [part] with a missing argument left out
  std::vector<PromptArgument> arguments;
};

// The prompt's text with the given arguments filled in (values are inserted as they are,
// never read as template syntax). Missing required arguments are the caller's to refuse.
std::string expandPromptText(const std::string& text, const json& arguments);

class Server final : public jsonrpc::Handler {
 public:
  Server(ServerIdentity identity, ToolRegistry& tools, std::vector<Prompt> prompts, TaskOptions taskOptions = {});
  ~Server() override;

  // Serves until the input ends; then cancels running calls and waits at most drainTimeout.
  // Returns true when everything drained in time.
  bool serve(int inFd, int outFd, jsonrpc::ConnectionOptions options = {});

  void onRequest(jsonrpc::Request request, jsonrpc::Reply reply) override;
  void onNotification(const std::string& method, const json& params) override;

 private:
  struct Era {
    bool modern = false;
    std::string logLevel;  // modern: from _meta; empty means no log notifications
    std::string clientName;  // modern: from _meta clientInfo
  };
  json serverInfo() const;
  json capabilities() const;
  json complete(json result, const Era& era) const;  // adds resultType and serverInfo
  void handleInitialize(const json& params, jsonrpc::Reply& reply);
  void handleToolsCall(jsonrpc::Request& request, jsonrpc::Reply reply, const Era& era);
  // tasks/get, tasks/cancel, tasks/update (the tasks extension).
  void handleTasks(const std::string& method, const json& params, jsonrpc::Reply& reply, const Era& era);
  // Runs a tool call on its own thread. With `taskCapable`, the call is handed to a task when it
  // outlives the first window; `resumedTask` names a saved task taken up again after a restart.
  void runTool(const RegisteredTool* tool, json arguments, std::stop_token requestStop, std::shared_ptr<jsonrpc::Reply> reply,
               const Era& era, ToolContext::ProgressSink progress, ToolContext::LogSink log, bool taskCapable,
               const std::string& resumedTask = {});
  void handlePromptsGet(const json& params, jsonrpc::Reply& reply, const Era& era);
  json promptListing() const;
  // A tool result as sent: message and next copied into the structured content, next appended
  // to the text, checked against the output schema, secrets redacted.
  static json toolResultJson(const RegisteredTool& tool, ToolResult result);
  static ToolResult invalidArguments(const ArgumentProblem& problem);
  const std::string& cachedToolsList(const Era& era);  // serialized once per era: the list never changes

  ServerIdentity identity_;
  ToolRegistry& tools_;
  std::vector<Prompt> prompts_;
  std::shared_ptr<jsonrpc::Connection> connection_;
  support::TaskGroup tasks_;
  TaskStore taskStore_;
  std::atomic<bool> initialized_{false};
  std::atomic<bool> clientLogged_{false};  // the 2026 era names the client on every request: log it once
  std::string legacyToolsList_;  // only touched on the reader thread
  std::string modernToolsList_;
  std::mutex logLevelMutex_;
  std::string legacyLogLevel_ = "warning";  // set by logging/setLevel
  std::string legacyClientName_;             // from initialize; guarded by logLevelMutex_
};

}  // namespace nemo::mcp
