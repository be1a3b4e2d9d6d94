// The MCP tasks extension (io.modelcontextprotocol/tasks, revision 2026-07-28): a tools/call from a
// client that declared the extension, still running after a first window, is answered with a task
// handle; the call goes on and its final CallToolResult is kept for tasks/get until the task
// expires. Tasks whose tool gave arguments to resume it are saved, so that a tasks/* request after
// a restart of the server runs the tool again with them. Knows nothing of NemoVideo.
// No task of ours ever asks the client for input (input_required) or fails with a JSON-RPC error
// (failed): a tool's failure is a completed task whose result has isError, as the extension says.
// Thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

#include <nlohmann/json.hpp>

#include "support/SharedJsonFile.h"

namespace nemo::mcp {

using nlohmann::json;

inline constexpr const char* kTasksExtension = "io.modelcontextprotocol/tasks";
inline constexpr int kMissingRequiredClientCapability = -32021;

struct TaskOptions {
  std::chrono::milliseconds firstWindow{5000};  // a call done by then is answered as usual
  // A task is kept this long after its call ended; never dropped while the call runs. The ttlMs a
  // client sees counts from createdAt, as the extension defines it, so it grows to match.
  std::chrono::milliseconds ttl{std::chrono::hours(1)};
  std::chrono::milliseconds pollInterval{2000};
  std::filesystem::path file;  // where resumable tasks are saved; empty: nowhere
};

class TaskStore {
 public:
  explicit TaskStore(TaskOptions options);

  const TaskOptions& options() const { return options_; }

  // A task for a call being handed over to the background, visible to tasks/get from now on.
  // `stop` cancels the call. Returns the CreateTaskResult (without resultType).
  json create(const std::string& taskId, const std::string& tool, std::stop_source stop);
  // Saves what runs the tool again for this task after a restart (e.g. {"render_id": ...}).
  void setResume(const std::string& taskId, const json& arguments);
  void setStatusMessage(const std::string& taskId, const std::string& message);
  // The call ended with this CallToolResult. A task asked to cancel ends cancelled (no result),
  // unless `workDone`: the work finished before the cancel could take effect, and its result stays.
  void complete(const std::string& taskId, json callToolResult, bool workDone = false);

  // The detailed task for tasks/get; nullopt when unknown or expired.
  std::optional<json> detailed(const std::string& taskId);
  // Asks the call to stop. False when the task is unknown.
  bool cancel(const std::string& taskId);

  // A saved task of an earlier server process: its tool and arguments, to run it again.
  struct Saved {
    std::string tool;
    json arguments;
    std::string createdAt;
  };
  std::optional<Saved> saved(const std::string& taskId);
  // Takes a saved task up again under its id (running; complete() ends it as usual).
  void adopt(const std::string& taskId, const Saved& saved, std::stop_source stop);

 private:
  struct Task {
    std::string tool;
    std::string status = "working";  // working, completed, cancelled
    std::string statusMessage;
    std::string createdAt;
    std::string lastUpdatedAt;
    std::chrono::system_clock::time_point created;  // what a client adds ttlMs to
    std::optional<std::chrono::system_clock::time_point> ended;
    std::chrono::steady_clock::time_point expires;  // set when the call ends
    std::stop_source stop;
    bool cancelRequested = false;
    json result;
    // What setResume saved, and when: a task still working is saved again before its saved
    // entry expires, so that a crash after an hour of work can still take it up.
    std::optional<json> resumeArguments;
    std::chrono::steady_clock::time_point savedAt;
  };
  json view(const std::string& taskId, const Task& task) const;
  void prune();  // caller holds mutex_
  void forget(const std::string& taskId);  // drops the saved entry, if any
  void pruneSaved();  // drops the saved entries that expired, if any

  TaskOptions options_;
  std::optional<support::SharedJsonFile> file_;
  std::mutex mutex_;
  std::map<std::string, Task> tasks_;
};

// True when the request's per-request capabilities declare the tasks extension.
bool declaresTasks(const json& meta);

}  // namespace nemo::mcp
