#include "nemo/chat/ChatTurns.h"

#include <cctype>
#include <charconv>

#include <spdlog/spdlog.h>

#include "http/SseParser.h"
#include "nemo/api/Draft.h"
#include "support/Random.h"
#include "support/Secrets.h"

namespace nemo::chat {
namespace {

std::string newTurnId() { return "turn_" + support::randomHex(16); }

std::shared_ptr<const nlohmann::json> readDraft(api::NemoClient& client, const std::string& sessionId,
                                                const api::CallControl& control) {
  auto state = client.state(sessionId, control);
  if (!state.ok()) return nullptr;
  return std::make_shared<const nlohmann::json>(api::draftOf(state.data));
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

ChatTurns::ChatTurns(std::shared_ptr<api::NemoClient> client, ChatTurnOptions options)
    : client_(std::move(client)), options_(options), turns_(options.keepFinished) {}

void ChatTurns::cancelAll() { turns_.stopAll(); }

ChatTurns::Started ChatTurns::start(const std::string& sessionId, const std::string& message) {
  std::lock_guard lock(starting_);
  if (auto running = runningIn(sessionId)) return {running, true};
  ChatTurnView view;
  view.sessionId = sessionId;
  auto context = client_->errorContext();
  auto turn = turns_.start(
      newTurnId(), view, [this, message](ChatTurn& running) { run(running, message); },
      [context](ChatTurnView& failed, const std::string& why, bool began) {
        spdlog::error("a chat turn broke: {}", why);
        auto said = began ? "The chat turn failed inside the server (" + why +
                                "). Call state to see the timeline before sending anything again."
                          : "The server could not start the chat turn (" + why +
                                "); the message was not sent. Please try again.";
        failed.error = api::makeApiError(api::code::kLocal, 0, said, context);
      });
  return {turn, false};
}

std::shared_ptr<ChatTurn> ChatTurns::find(const std::string& turnId) const { return turns_.find(turnId); }

std::shared_ptr<ChatTurn> ChatTurns::runningIn(const std::string& sessionId) const {
  return turns_.findRunning([&](const ChatTurnView& view) { return view.sessionId == sessionId; });
}

api::ApiError errorInStream(const ChatError& said, const api::ErrorContext& context) {
  // A business code inside the stream ("errorCode":"1002" or 1002) means what the same code means
  // in a JSON answer; anything else is the editor's own trouble.
  int businessCode = 0;
  auto [end, problem] = std::from_chars(said.code.data(), said.code.data() + said.code.size(), businessCode);
  if (problem == std::errc() && end == said.code.data() + said.code.size() && businessCode != 0) {
    return api::makeApiError(businessCode, 0, said.message, context);
  }
  auto error = api::makeApiError(api::code::kServerError, 0, said.message, context);
  error.message = "The video editor reported an error: " + said.message;
  return error;
}

void ChatTurns::run(ChatTurn& turn, const std::string& message) {
  const std::string sessionId = turn.view().sessionId;
  // A rate-limit wait inside the turn's requests is said as the turn's progress.
  api::CallControl control{turn.stopToken(), [&turn](const std::string& note) {
                        turn.report({support::JobProgress::Kind::Note, note, std::nullopt});
                      }};
  // The timeline before the turn: if the agent says nothing, the difference is the answer.
  auto before = readDraft(*client_, sessionId, control);
  turn.update([&](ChatTurnView& view) { view.timelineBefore = before; });
  if (turn.stopRequested()) {
    // Cancelled while the timeline was read: the message never went out.
    turn.finish(support::JobState::Cancelled, [](ChatTurnView& view) { view.cancelled = true; });
    return;
  }

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
        turn.report({support::JobProgress::Kind::Text, std::string(releasable.substr(shown.size())), std::nullopt});
      }
      shown = releasable;
      turn.update([&](ChatTurnView& view) {
        view.text = shown;
        view.tools = transcript.toolNames();
      });
      if (chatEvent.kind == ChatEventKind::ToolCall) {
        turn.report({support::JobProgress::Kind::Step, describeAgentTool(chatEvent.toolName), std::nullopt});
      } else if (chatEvent.kind == ChatEventKind::Heartbeat) {
        turn.report({support::JobProgress::Kind::Heartbeat, "Still working...", std::nullopt});
      }
    }
  };
  parser.onHeartbeat = [&] { turn.report({support::JobProgress::Kind::Heartbeat, "Still working...", std::nullopt}); };

  nlohmann::json body{{"app_name", "nemo_agent"},
                      {"user_id", "me"},
                      {"session_id", sessionId},
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
    if (auto after = readDraft(*client_, sessionId, control)) {
      changes = api::diffDrafts(api::Draft::fromJson(*before), api::Draft::fromJson(*after));
    }
  }
  std::optional<api::ApiError> error;
  if (parser.failed() && !cancelled) {
    // Our reader stopped the stream: not a cancel by anyone, and not the network's fault.
    error = api::makeApiError(api::code::kServerError, 0, "an event of the chat stream was too large",
                              client_->errorContext());
    error->message = "The video editor sent a message larger than " +
                     std::to_string(http::SseParser::kDefaultMaxEventBytes / (1024 * 1024)) +
                     " MB, which was not read. The turn was not re-sent; call state to see what changed.";
  } else if (outcome.error && !cancelled) {
    error = outcome.error;
  } else if (cut) {
    error = api::makeApiError(api::code::kNetwork, 0, "the chat stream was cut off before the turn ended",
                              client_->errorContext());
  } else if (transcript.error()) {
    error = errorInStream(*transcript.error(), client_->errorContext());
  }
  auto ending = cancelled ? support::JobState::Cancelled : error ? support::JobState::Failed : support::JobState::Completed;
  turn.finish(ending, [&](ChatTurnView& view) {
    view.text = transcript.text();
    view.tools = transcript.toolNames();
    view.cancelled = cancelled;
    view.cut = cut;
    view.changes = changes;
    view.error = error;
  });
  spdlog::info("chat turn {} ended ({} chars{}{})", turn.id(), transcript.text().size(), cut ? ", cut" : "",
               cancelled ? ", cancelled" : "");
}

}  // namespace nemo::chat
