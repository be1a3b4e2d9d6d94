#include "nemo/ChatTurns.h"

#include <charconv>

#include <spdlog/spdlog.h>

#include "http/SseParser.h"
#include "support/Random.h"
#include "support/Secrets.h"

namespace nemo::api {
namespace {

std::string newTurnId() { return "turn_" + support::randomHex(16); }

std::optional<Draft> readDraft(NemoClient& client, const std::string& sessionId, const CallControl& control) {
  auto state = client.state(sessionId, control);
  if (!state.ok()) return std::nullopt;
  return Draft::fromJson(draftOf(state.data));
}

}  // namespace

std::string describeAgentTool(const std::string& toolName) {
  std::string lower;
  for (char c : toolName) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto has = [&](const char* word) { return lower.find(word) != std::string::npos; };
  if (has("generate") || has("gen_")) return "generating media (" + toolName + ")...";
  if (has("music") || has("bgm") || has("audio")) return "working on the audio (" + toolName + ")...";
  if (has("text") || has("title") || has("subtitle") || has("caption")) return "editing text on the timeline (" + toolName + ")...";
  if (has("upload") || has("media") || has("asset")) return "handling media (" + toolName + ")...";
  return "editing the timeline (" + toolName + ")...";
}

ChatTurn::ChatTurn(std::string id, std::string sessionId) : id_(std::move(id)), sessionId_(std::move(sessionId)) {
  state_.turnId = id_;
  state_.sessionId = sessionId_;
  state_.started = std::chrono::steady_clock::now();
}

void ChatTurn::push(TurnActivity activity) {
  {
    std::lock_guard lock(mutex_);
    activities_.push_back(std::move(activity));
  }
  changed_.notify_all();
}

void ChatTurn::setProgress(const std::string& text, const std::vector<std::string>& tools) {
  std::lock_guard lock(mutex_);
  state_.text = text;
  state_.tools = tools;
}

void ChatTurn::finish(std::function<void(TurnSnapshot&)> fill) {
  {
    std::lock_guard lock(mutex_);
    fill(state_);
    state_.done = true;
    state_.finished = std::chrono::steady_clock::now();
  }
  changed_.notify_all();
}

TurnSnapshot ChatTurn::snapshot() const {
  std::lock_guard lock(mutex_);
  return state_;
}

TurnSnapshot ChatTurn::wait(std::chrono::steady_clock::time_point deadline, const std::stop_token& stop,
                            const std::function<void(const TurnActivity&)>& onActivity,
                            std::chrono::milliseconds heartbeatEvery) {
  // A stop of the waiting call wakes the wait at once.
  std::stop_callback wake(stop, [this] {
    { std::lock_guard lock(mutex_); }  // a waiter between its check and its wait must not miss this
    changed_.notify_all();
  });
  std::unique_lock lock(mutex_);
  // A waiter relays only what happens from now on: what came before is in its result's text.
  std::size_t cursor = activities_.size();
  auto lastSignal = std::chrono::steady_clock::now();
  for (;;) {
    while (cursor < activities_.size()) {
      auto activity = activities_[cursor++];
      lock.unlock();
      if (onActivity) onActivity(activity);
      lock.lock();
      lastSignal = std::chrono::steady_clock::now();
    }
    if (state_.done || stop.stop_requested()) break;
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    if (now - lastSignal >= heartbeatEvery) {
      lock.unlock();
      if (onActivity) onActivity(TurnActivity{TurnActivity::Kind::Heartbeat, "Still working..."});
      lock.lock();
      lastSignal = std::chrono::steady_clock::now();
      continue;
    }
    changed_.wait_until(lock, std::min(deadline, lastSignal + heartbeatEvery));
  }
  return state_;
}

ChatTurns::ChatTurns(std::shared_ptr<NemoClient> client, ChatTurnOptions options)
    : client_(std::move(client)), options_(options) {}

ChatTurns::~ChatTurns() {
  cancelAll();
  threads_.waitAll(std::chrono::seconds(5));
}

void ChatTurns::cancelAll() {
  std::lock_guard lock(mutex_);
  for (auto& [id, turn] : turns_) turn->cancel();
}

std::shared_ptr<ChatTurn> ChatTurns::start(const std::string& sessionId, const std::string& message) {
  auto turn = std::make_shared<ChatTurn>(newTurnId(), sessionId);
  {
    std::lock_guard lock(mutex_);
    forgetOldTurns();
    turns_[turn->id()] = turn;
  }
  auto failTurn = [this, turn](const std::string& why) {
    turn->finish([&](TurnSnapshot& state) {
      state.error = makeApiError(code::kLocal, 0, why, client_->errorContext());
    });
  };
  bool started = threads_.spawn([this, turn, message, failTurn] {
    try {
      run(turn, message);
    } catch (const std::exception& e) {
      spdlog::error("chat turn {} failed: {}", turn->id(), e.what());
      failTurn(std::string("The chat turn failed inside the server (") + e.what() + "). Call state to see the timeline.");
    }
  });
  if (!started) failTurn("The server could not start the chat turn (out of threads). Please try again.");
  return turn;
}

std::shared_ptr<ChatTurn> ChatTurns::find(const std::string& turnId) {
  std::lock_guard lock(mutex_);
  auto found = turns_.find(turnId);
  return found == turns_.end() ? nullptr : found->second;
}

std::shared_ptr<ChatTurn> ChatTurns::runningIn(const std::string& sessionId) {
  std::lock_guard lock(mutex_);
  for (const auto& [id, turn] : turns_) {
    if (turn->sessionId() == sessionId && !turn->snapshot().done) return turn;
  }
  return nullptr;
}

void ChatTurns::forgetOldTurns() {
  auto now = std::chrono::steady_clock::now();
  for (auto it = turns_.begin(); it != turns_.end();) {
    auto snap = it->second->snapshot();
    if (snap.done && now - snap.finished > options_.keepFinished) {
      it = turns_.erase(it);
    } else {
      ++it;
    }
  }
}

ApiError errorInStream(const ChatError& said, const ErrorContext& context) {
  // A business code inside the stream ("errorCode":"1002" or 1002) means what the same code means
  // in a JSON answer; anything else is the editor's own trouble.
  int businessCode = 0;
  auto [end, problem] = std::from_chars(said.code.data(), said.code.data() + said.code.size(), businessCode);
  if (problem == std::errc() && end == said.code.data() + said.code.size() && businessCode != 0) {
    return makeApiError(businessCode, 0, said.message, context);
  }
  auto error = makeApiError(code::kServerError, 0, said.message, context);
  error.message = "The video editor reported an error: " + said.message;
  return error;
}

void ChatTurns::run(const std::shared_ptr<ChatTurn>& turn, const std::string& message) {
  CallControl control{turn->stop_.get_token(), {}};
  // The timeline before the turn: if the agent says nothing, the difference is the answer.
  auto before = readDraft(*client_, turn->sessionId(), control);

  ChatTranscript transcript;
  std::string shown;  // the text released so far: progress and partial replies
  http::SseParser parser;
  parser.onEvent = [&](const http::SseEvent& event) {
    for (const auto& chatEvent : parseChatEvents(event.data)) {
      transcript.add(chatEvent);
      // Released on the accumulated text, never chunk by chunk: a token streamed in pieces is held
      // back until it is whole, so that redaction at the edge recognises it.
      const std::string& text = transcript.text();
      auto releasable = std::string_view(text).substr(0, support::releasableLength(text));
      if (releasable.size() > shown.size() && releasable.substr(0, shown.size()) == shown) {
        turn->push({TurnActivity::Kind::Text, std::string(releasable.substr(shown.size()))});
      }
      shown = releasable;
      turn->setProgress(shown, transcript.toolNames());
      if (chatEvent.kind == ChatEventKind::ToolCall) {
        turn->push({TurnActivity::Kind::Tool, describeAgentTool(chatEvent.toolName)});
      } else if (chatEvent.kind == ChatEventKind::Heartbeat) {
        turn->push({TurnActivity::Kind::Heartbeat, "Still working..."});
      }
    }
  };
  parser.onHeartbeat = [&] { turn->push({TurnActivity::Kind::Heartbeat, "Still working..."}); };

  nlohmann::json body{{"app_name", "nemo_agent"},
                      {"user_id", "me"},
                      {"session_id", turn->sessionId()},
                      {"new_message", {{"parts", nlohmann::json::array({{{"text", message}}})}}}};
  auto outcome = client_->stream(
      "/run_sse", body,
      [&](std::string_view chunk) {
        parser.feed(chunk);
        return !parser.failed();
      },
      options_.idleTimeout, control);
  parser.finish();

  bool cancelled = control.stop.stop_requested();
  bool cut = !cancelled && outcome.transport.ok() == false && outcome.transport.failure != http::Failure::None &&
             outcome.transport.failure != http::Failure::Cancelled;
  // An event over the parser's bound ends the read early: the text is incomplete, like a cut.
  if ((parser.endedMidEvent() || parser.failed()) && !cancelled) cut = true;

  std::vector<std::string> changes;
  if (!outcome.error && !cut && !cancelled && !transcript.hasText() && before) {
    // Only a diff of two real reads says what changed; without the "before", every track would
    // read as "added".
    if (auto after = readDraft(*client_, turn->sessionId(), control)) changes = diffDrafts(*before, *after);
  }
  turn->finish([&](TurnSnapshot& state) {
    state.text = transcript.text();
    state.tools = transcript.toolNames();
    state.cancelled = cancelled;
    state.cut = cut;
    state.changes = changes;
    if (parser.failed() && !cancelled) {
      // Our reader stopped the stream: not a cancel by anyone, and not the network's fault.
      state.error = makeApiError(code::kServerError, 0, "an event of the chat stream was too large",
                                 client_->errorContext());
      state.error->message = "The video editor sent a message larger than " +
                             std::to_string(http::SseParser::kDefaultMaxEventBytes / (1024 * 1024)) +
                             " MB, which was not read. The turn was not re-sent; call state to see what changed.";
    } else if (outcome.error && !cancelled) {
      state.error = outcome.error;
    } else if (cut) {
      state.error = makeApiError(code::kNetwork, 0, "the chat stream was cut off before the turn ended",
                                 client_->errorContext());
    } else if (transcript.error()) {
      state.error = errorInStream(*transcript.error(), client_->errorContext());
    }
  });
  spdlog::info("chat turn {} ended ({} chars{}{})", turn->id(), transcript.text().size(), cut ? ", cut" : "",
               cancelled ? ", cancelled" : "");
}

}  // namespace nemo::api
