// Normalizes chat stream payloads of both documented shapes into ChatEvents, and keeps one
// turn's text once even though ADK sends it twice (as chunks, then as a whole).
#include "nemo/chat/ChatEvents.h"

#include <algorithm>
#include <cctype>

#include "support/UntrustedJson.h"

namespace nemo::chat {

namespace {

using nlohmann::json;

const json* member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string stringMember(const json& object, const char* key) {
  const json* value = member(object, key);
  return value && value->is_string() ? value->get<std::string>() : std::string();
}

// Codes come as strings or numbers depending on the backend; a message wants text either way.
std::string scalarText(const json* value) {
  if (!value || value->is_null()) return {};
  if (value->is_string()) return value->get<std::string>();
  if (value->is_number() || value->is_boolean()) return value->dump();
  return value->dump(-1, ' ', false, json::error_handler_t::replace);
}

json memberOrNull(const json& object, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    if (const json* value = member(object, key)) return *value;
  }
  return nullptr;
}

ChatEvent errorEvent(ChatShape shape, std::string message, std::string code) {
  ChatEvent event;
  event.kind = ChatEventKind::Error;
  event.shape = shape;
  event.text = message.empty() ? (code.empty() ? std::string("unknown error") : "error " + code)
                               : std::move(message);
  event.errorCode = std::move(code);
  return event;
}

// `{"error": "..."}` or `{"error": {"message": .., "code": ..}}`.
ChatEvent errorFromValue(ChatShape shape, const json& error) {
  if (error.is_object()) {
    return errorEvent(shape, scalarText(member(error, "message")), scalarText(member(error, "code")));
  }
  return errorEvent(shape, scalarText(&error), {});
}

void parseNemo(const json& payload, const std::string& type, std::vector<ChatEvent>& out) {
  ChatEvent event;
  event.shape = ChatShape::Nemo;
  if (type == "text") {
    event.kind = ChatEventKind::TextFinal;
    event.text = stringMember(payload, "content");
    if (event.text.empty()) event.text = stringMember(payload, "text");
    if (event.text.empty()) return;
  } else if (type == "tool_call") {
    event.kind = ChatEventKind::ToolCall;
    event.toolName = stringMember(payload, "name");
    event.toolCallId = stringMember(payload, "id");
    event.payload = memberOrNull(payload, {"args", "arguments", "input"});
  } else if (type == "tool_result") {
    event.kind = ChatEventKind::ToolResult;
    event.toolName = stringMember(payload, "name");
    event.toolCallId = stringMember(payload, "id");
    event.payload = memberOrNull(payload, {"result", "output", "content"});
  } else if (type == "heartbeat" || type == "ping") {
    event.kind = ChatEventKind::Heartbeat;
  } else if (type == "error") {
    const json* error = member(payload, "error");
    std::string message = stringMember(payload, "message");
    if (message.empty()) message = stringMember(payload, "content");
    if (message.empty() && error) {
      out.push_back(errorFromValue(ChatShape::Nemo, *error));
      return;
    }
    out.push_back(errorEvent(ChatShape::Nemo, std::move(message), scalarText(member(payload, "code"))));
    return;
  } else {
    return;
  }
  out.push_back(std::move(event));
}

void parseAdk(const json& payload, std::vector<ChatEvent>& out) {
  const json* partialFlag = member(payload, "partial");
  const bool partial = partialFlag && partialFlag->is_boolean() && partialFlag->get<bool>();
  const json* content = member(payload, "content");
  const json* parts = content ? member(*content, "parts") : nullptr;
  if (parts && parts->is_array()) {
    // Consecutive text parts belong to one message; ADK's final aggregate may split it.
    std::string text;
    auto flushText = [&] {
      if (text.empty()) return;
      ChatEvent event;
      event.kind = partial ? ChatEventKind::TextPartial : ChatEventKind::TextFinal;
      event.text = std::move(text);
      text.clear();
      out.push_back(std::move(event));
    };
    for (const json& part : *parts) {
      if (!part.is_object()) continue;
      const json* thought = member(part, "thought");
      if (thought && thought->is_boolean() && thought->get<bool>()) continue;
      if (const json* partText = member(part, "text"); partText && partText->is_string()) {
        text += partText->get<std::string>();
        continue;
      }
      const json* call = member(part, "functionCall");
      const json* response = member(part, "functionResponse");
      if (call && !call->is_object()) call = nullptr;
      if (response && !response->is_object()) response = nullptr;
      if (!call && !response) continue;
      flushText();
      ChatEvent event;
      const json& body = call ? *call : *response;
      event.kind = call ? ChatEventKind::ToolCall : ChatEventKind::ToolResult;
      event.toolName = stringMember(body, "name");
      event.toolCallId = stringMember(body, "id");
      event.payload = memberOrNull(body, {call ? "args" : "response"});
      out.push_back(std::move(event));
    }
    flushText();
  }
  std::string code = scalarText(member(payload, "errorCode"));
  std::string message = scalarText(member(payload, "errorMessage"));
  if (!code.empty() || !message.empty()) {
    out.push_back(errorEvent(ChatShape::Adk, std::move(message), std::move(code)));
  } else if (const json* error = member(payload, "error"); error && !error->is_null()) {
    out.push_back(errorFromValue(ChatShape::Adk, *error));
  }
}

std::string collapseWhitespace(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

// Whether an ADK final event is the aggregate of the chunks before it (and so replaces them)
// rather than a new message.
bool repeatsChunks(std::string_view chunks, std::string_view final) {
  if (final.starts_with(chunks) || chunks.starts_with(final)) return true;
  return collapseWhitespace(chunks) == collapseWhitespace(final);
}

}  // namespace

std::vector<ChatEvent> chatEventsFromJson(const nlohmann::json& payload) {
  std::vector<ChatEvent> out;
  if (payload.is_array()) {
    for (const json& element : payload) {
      auto events = chatEventsFromJson(element);
      out.insert(out.end(), std::make_move_iterator(events.begin()), std::make_move_iterator(events.end()));
    }
    return out;
  }
  if (!payload.is_object()) return out;
  // NemoVideo's shape is told by a string `type`; ADK events carry no `type` at the top.
  if (const json* type = member(payload, "type"); type && type->is_string()) {
    parseNemo(payload, type->get<std::string>(), out);
    return out;
  }
  parseAdk(payload, out);
  return out;
}

std::vector<ChatEvent> parseChatEvents(std::string_view ssePayload) {
  json payload = support::parseJsonOrDiscarded(ssePayload);
  if (payload.is_discarded()) return {};
  return chatEventsFromJson(payload);
}

std::string ChatTranscript::add(const ChatEvent& event) {
  switch (event.kind) {
    case ChatEventKind::TextPartial: {
      if (event.text.empty()) return {};
      std::string live;
      if (!pending_) {
        live = startMessage();
        pendingStart_ = text_.size();
        pending_ = true;
      }
      text_ += event.text;
      return live + event.text;
    }
    case ChatEventKind::TextFinal: {
      if (event.text.empty()) return {};
      if (event.shape == ChatShape::Nemo) {
        text_ += event.text;
        return event.text;
      }
      if (pending_) {
        pending_ = false;
        const std::string chunks = text_.substr(pendingStart_);
        if (repeatsChunks(chunks, event.text)) {
          text_.resize(pendingStart_);
          text_ += event.text;
          // What the live view has not shown yet; a rewrite cannot be shown as a delta.
          return event.text.starts_with(chunks) ? event.text.substr(chunks.size()) : std::string();
        }
      }
      std::string live = startMessage();
      text_ += event.text;
      return live + event.text;
    }
    case ChatEventKind::ToolCall:
      if (event.toolCallId.empty() ||
          std::find(toolCallIds_.begin(), toolCallIds_.end(), event.toolCallId) == toolCallIds_.end()) {
        ++toolCalls_;
        if (!event.toolCallId.empty()) toolCallIds_.push_back(event.toolCallId);
      }
      noteTool(event.toolName);
      return {};
    case ChatEventKind::ToolResult:
      noteTool(event.toolName);
      return {};
    case ChatEventKind::Heartbeat:
      ++heartbeats_;
      return {};
    case ChatEventKind::Error:
      if (!error_) error_ = ChatError{event.text, event.errorCode};
      return {};
  }
  return {};
}

std::string ChatTranscript::addPayload(std::string_view ssePayload) {
  std::string live;
  for (const ChatEvent& event : parseChatEvents(ssePayload)) live += add(event);
  return live;
}

std::string ChatTranscript::startMessage() {
  std::string separator;
  if (text_.empty() || text_.ends_with("\n\n")) return separator;
  separator = text_.ends_with('\n') ? "\n" : "\n\n";
  text_ += separator;
  return separator;
}

void ChatTranscript::noteTool(const std::string& name) {
  if (name.empty()) return;
  for (const std::string& seen : toolNames_) {
    if (seen == name) return;
  }
  toolNames_.push_back(name);
}

}  // namespace nemo::chat
