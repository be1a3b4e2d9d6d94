// Chat turns that outlive a tool call: each turn reads its SSE stream as a background job, so a
// call may return after its bounded wait and a later call (with the turn's id) picks up where it
// left off. A turn is sent once and never re-sent by us: a repeated generation turn would be
// charged twice. Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nemo/api/ApiError.h"
#include "nemo/api/NemoClient.h"
#include "nemo/chat/ChatEvents.h"
#include "support/BackgroundJobs.h"

namespace nemo::chat {

// A turn as far as it got. Its job relays the editor's words (Text), what it does (Step:
// "editing the timeline (add_clip)...") and signs of life (Heartbeat).
struct ChatTurnView {
  std::string sessionId;
  std::string text;                  // the turn's text so far, each part once
  std::vector<std::string> tools;    // tools the backend's agent used
  std::optional<api::ApiError> error;     // the backend's error, a cut stream, a failed send
  bool cut = false;                  // the stream broke before its end
  bool cancelled = false;
  std::vector<std::string> changes;  // a silent turn: what changed on the timeline
  // The draft (NemoVideo's JSON) as it was before the message went out, once read. Comparing it
  // with the draft afterwards tells what a turn changed when its words do not: a turn that said
  // nothing, or one whose words were lost in a restart of the server.
  std::shared_ptr<const nlohmann::json> timelineBefore;
};
using ChatTurn = support::BackgroundJob<ChatTurnView>;

struct ChatTurnOptions {
  std::chrono::seconds idleTimeout{180};  // no byte for this long: the stream is dead
  std::chrono::minutes keepFinished{60};  // finished turns answer their turn_id this long
};

class ChatTurns {
 public:
  ChatTurns(std::shared_ptr<api::NemoClient> client, ChatTurnOptions options = {});

  struct Started {
    std::shared_ptr<ChatTurn> turn;
    bool alreadyRunning = false;  // the session's running turn: nothing was sent
  };
  // Sends the message in the background and returns the turn at once, unless a turn still runs
  // in the session: checked and started in one step, so that two calls never send two turns.
  Started start(const std::string& sessionId, const std::string& message);
  std::shared_ptr<ChatTurn> find(const std::string& turnId) const;
  // A turn still changing the session's timeline, if any.
  std::shared_ptr<ChatTurn> runningIn(const std::string& sessionId) const;
  // Stops every running turn (shutdown).
  void cancelAll();

 private:
  void run(ChatTurn& turn, const std::string& message);

  std::shared_ptr<api::NemoClient> client_;
  ChatTurnOptions options_;
  std::mutex starting_;  // a session's check for a running turn and the start of a new one
  support::BackgroundJobs<ChatTurnView> turns_;  // last member: stopped and joined first
};

// A readable progress line for a tool the backend's agent used.
std::string describeAgentTool(const std::string& toolName);

// The error of an error event inside the chat stream: a NemoVideo code in it (1002, "2001")
// gets that code's handling, as in a JSON answer.
api::ApiError errorInStream(const ChatError& said, const api::ErrorContext& context);

}  // namespace nemo::chat
