// What a tool is to the MCP layer: its descriptor (from schemas/<name>.json), the context a
// running call gets (cancellation, progress, log messages) and the result it returns.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

#include <nlohmann/json.hpp>

namespace nemo::mcp {

using nlohmann::json;

// A tool's answer. Failures the user can act on are results with isError, never exceptions.
// Some clients give the model only the structured content, others only the text; so the
// server copies `message` and `next` into the structured content and `next` into the text:
// whichever the model reads, it reads the sentence for the person and the next step.
struct ToolResult {
  std::string text;     // what a text-reading client shows; empty: the structured content, serialized
  json structured = json::object();
  bool isError = false;
  std::string message;  // the sentence for the person (structuredContent.message); empty: `text`
  std::string next;     // exactly what to call next, and what never to do; empty when nothing follows

  static ToolResult success(std::string text, json structured) {
    return ToolResult{std::move(text), std::move(structured), false, {}, {}};
  }
  static ToolResult failure(std::string text, json structured = json::object()) {
    return ToolResult{std::move(text), std::move(structured), true, {}, {}};
  }
  ToolResult&& withNext(std::string step) && {
    next = std::move(step);
    return std::move(*this);
  }
  ToolResult&& withMessage(std::string sentence) && {
    message = std::move(sentence);
    return std::move(*this);
  }
};

// What a call may do under the tasks extension: run to the end of the work (the client polls a
// task instead of waiting), and name the arguments that take the work up again after a restart.
struct TaskHooks {
  bool enabled = false;
  std::function<void(const json& arguments)> resumeWith;
};

// Handed to a running tool call. Thread-safe; progress is a no-op without a progress token.
class ToolContext {
 public:
  using ProgressSink = std::function<void(double progress, std::optional<double> total, const std::string& message)>;
  using LogSink = std::function<void(const std::string& level, const std::string& message)>;

  ToolContext(std::stop_token stop, ProgressSink progress, LogSink log, TaskHooks task = {}, std::string clientName = {})
      : stop_(std::move(stop)),
        progress_(std::move(progress)),
        log_(std::move(log)),
        task_(std::move(task)),
        clientName_(std::move(clientName)) {}

  // The client declared the tasks extension: a long call becomes a task, so the tool may wait for
  // the whole work rather than returning a handle at its bounded wait.
  bool mayRunAsTask() const { return task_.enabled; }
  // The arguments with which this tool, called again, takes the same work up (after a restart).
  void resumeWith(const json& arguments) const {
    if (task_.resumeWith) task_.resumeWith(arguments);
  }

  const std::stop_token& stop() const { return stop_; }
  // The client's own name (clientInfo.name: "claude-code", "claude-ai", "cursor-vscode"...), or
  // "" when it gave none: some clients wait longer for a result than others.
  const std::string& clientName() const { return clientName_; }
  bool cancelled() const { return stop_.stop_requested(); }
  bool reportsProgress() const { return static_cast<bool>(progress_); }

  // A progress line; percent (0-100) when the work knows how far it is. Values sent to the
  // client always increase, as the protocol requires.
  void progress(const std::string& message, std::optional<double> percent = std::nullopt);

  // A log message to the client (when it asked for them at this level), and to stderr.
  void log(const std::string& level, const std::string& message);

 private:
  std::stop_token stop_;
  ProgressSink progress_;
  LogSink log_;
  TaskHooks task_;
  std::string clientName_;
  std::mutex mutex_;
  double last_ = 0;
};

// Puts the sentence for the person and the next step into the structured content: a client that
// hands the model only structuredContent (Claude Code) must not lose them. What every client gets.
void completeStructured(ToolResult& result);

using ToolHandler = std::function<ToolResult(const json& arguments, ToolContext& context)>;

}  // namespace nemo::mcp
