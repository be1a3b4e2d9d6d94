// Chat turns that outlive a tool call: each turn reads its SSE stream on a background thread,
// so a call may return after its bounded wait and a later call (with the turn's id) picks up
// where it left off. A turn is sent once and never re-sent by us: a repeated generation turn
// would be charged twice. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "nemo/ApiError.h"
#include "nemo/ChatEvents.h"
#include "nemo/Draft.h"
#include "nemo/NemoClient.h"
#include "support/TaskGroup.h"

namespace nemo::api {

// Something a waiting caller may relay as progress.
struct TurnActivity {
  enum class Kind { Text, Tool, Heartbeat } kind;
  std::string text;  // Text: a live chunk; Tool: a readable line ("editing the timeline...")
};

struct TurnSnapshot {
  std::string turnId;
  std::string sessionId;
  bool done = false;
  std::string text;                  // the turn's text so far, each part once
  std::vector<std::string> tools;    // tools the backend's agent used
  std::optional<ApiError> error;     // the backend's error, a cut stream, a failed send
  bool cut = false;                  // the stream broke before its end
  bool cancelled = false;
  std::vector<std::string> changes;  // a silent turn: what changed on the timeline
  std::chrono::steady_clock::time_point started;
  std::chrono::steady_clock::time_point finished;
};

class ChatTurn {
 public:
  ChatTurn(std::string id, std::string sessionId);
  const std::string& id() const { return id_; }
  const std::string& sessionId() const { return sessionId_; }

  // Waits until the turn ends, the deadline passes or `stop` is requested, handing each new
  // activity (since this caller's cursor) to onActivity, and a heartbeat when nothing happened
  // for `heartbeatEvery`. Returns the snapshot at that moment.
  TurnSnapshot wait(std::chrono::steady_clock::time_point deadline, const std::stop_token& stop,
                    const std::function<void(const TurnActivity&)>& onActivity,
                    std::chrono::milliseconds heartbeatEvery);
  TurnSnapshot snapshot() const;
  void cancel() { stop_.request_stop(); }

 private:
  friend class ChatTurns;
  void push(TurnActivity activity);
  void setProgress(const std::string& text, const std::vector<std::string>& tools);  // the turn so far
  void finish(std::function<void(TurnSnapshot&)> fill);

  std::string id_;
  std::string sessionId_;
  std::stop_source stop_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<TurnActivity> activities_;
  TurnSnapshot state_;
};

struct ChatTurnOptions {
  std::chrono::seconds idleTimeout{180};       // no byte for this long: the stream is dead
  std::chrono::minutes keepFinished{60};       // finished turns answer their turn_id this long
};

class ChatTurns {
 public:
  ChatTurns(std::shared_ptr<NemoClient> client, ChatTurnOptions options = {});
  ~ChatTurns();

  // Sends the message on a background thread and returns the turn at once.
  std::shared_ptr<ChatTurn> start(const std::string& sessionId, const std::string& message);
  std::shared_ptr<ChatTurn> find(const std::string& turnId);
  // A turn still changing the session's timeline, if any.
  std::shared_ptr<ChatTurn> runningIn(const std::string& sessionId);
  // Stops every running turn (shutdown).
  void cancelAll();

 private:
  void run(const std::shared_ptr<ChatTurn>& turn, const std::string& message);
  void forgetOldTurns();  // caller holds mutex_

  std::shared_ptr<NemoClient> client_;
  ChatTurnOptions options_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<ChatTurn>> turns_;
  support::TaskGroup threads_;  // last member: joined first, while the rest still lives
};

// A readable progress line for a tool the backend's agent used.
std::string describeAgentTool(const std::string& toolName);

// The error of an error event inside the chat stream: a NemoVideo code in it (1002, "2001")
// gets that code's handling, as in a JSON answer.
ApiError errorInStream(const ChatError& said, const ErrorContext& context);

}  // namespace nemo::api
