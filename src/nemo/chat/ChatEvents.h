// The chat stream's events in one normalized form, whichever of the two documented shapes
// (Google ADK or NemoVideo's own) the backend sends, and the transcript of one chat turn.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nemo::chat {

enum class ChatEventKind { TextPartial, TextFinal, ToolCall, ToolResult, Heartbeat, Error };

// Which documented shape an event came in: the two disagree on how text accumulates.
enum class ChatShape { Adk, Nemo };

struct ChatEvent {
  ChatEventKind kind = ChatEventKind::Heartbeat;
  ChatShape shape = ChatShape::Adk;
  std::string text;        // TextPartial/TextFinal: the text; Error: the message
  std::string toolName;    // ToolCall/ToolResult
  std::string toolCallId;  // ToolCall/ToolResult, when the backend gave one
  nlohmann::json payload;  // ToolCall: the arguments; ToolResult: the result; else null
  std::string errorCode;   // Error: the backend's code, when it gave one
};

// One SSE `data` payload → its events, in order. Text that is not JSON, or JSON of no known
// shape, gives an empty list: the stream's vocabulary may grow, and that must not fail a turn.
// Text parts marked `thought` (model reasoning) are dropped: they are not for the user.
std::vector<ChatEvent> parseChatEvents(std::string_view ssePayload);
// The same for a payload already parsed (named apart: a string converts to both).
std::vector<ChatEvent> chatEventsFromJson(const nlohmann::json& payload);

struct ChatError {
  std::string message;
  std::string code;  // empty when the backend gave none
};

// Accumulates one turn. ADK streams text as partial chunks and then repeats the whole text in
// one final event; the final replaces the chunks so the turn's text is kept once. NemoVideo's
// `text` events are plain appends. Separate messages within a turn are joined by a blank line.
class ChatTranscript {
 public:
  // Returns the text to show live now (may be empty). Concatenating every return value gives
  // text(), except when a final event rewrites what its chunks said.
  std::string add(const ChatEvent& event);
  // parseChatEvents + add for each; returns the live text of them all.
  std::string addPayload(std::string_view ssePayload);

  // The turn's text so far, including chunks not yet confirmed by a final event.
  const std::string& text() const { return text_; }
  bool hasText() const { return !text_.empty(); }
  // Tool names in the order first seen (calls and results), each once.
  const std::vector<std::string>& toolNames() const { return toolNames_; }
  // Calls counted once per call id, should a call be both streamed and repeated in an aggregate.
  std::size_t toolCalls() const { return toolCalls_; }
  std::size_t heartbeats() const { return heartbeats_; }
  // The first error of the turn: the root cause, not its echoes.
  const std::optional<ChatError>& error() const { return error_; }

 private:
  std::string startMessage();
  void noteTool(const std::string& name);

  std::string text_;
  std::size_t pendingStart_ = 0;  // where the unconfirmed partial chunks begin in text_
  bool pending_ = false;          // partial chunks arrived that no final has confirmed
  std::vector<std::string> toolNames_;
  std::vector<std::string> toolCallIds_;
  std::size_t toolCalls_ = 0;
  std::size_t heartbeats_ = 0;
  std::optional<ChatError> error_;
};

}  // namespace nemo::chat
