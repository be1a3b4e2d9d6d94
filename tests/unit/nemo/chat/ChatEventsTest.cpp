// Tests of the chat event normalizer and the turn transcript: both stream shapes, and ADK's
// partial chunks followed by a repeating final event kept once.
#include <catch2/catch.hpp>

#include "nemo/chat/ChatEvents.h"

#include <string>
#include <vector>

namespace {

using nemo::chat::ChatEventKind;
using nemo::chat::ChatShape;
using nemo::chat::ChatTranscript;
using nemo::chat::parseChatEvents;

std::string adkText(const std::string& text, bool partial) {
  return std::string(R"({"id":"e1","invocationId":"inv-1","author":"nemo_agent","timestamp":1718000000.5,"partial":)") +
         (partial ? "true" : "false") + R"(,"content":{"role":"model","parts":[{"text":")" + text + R"("}]},"actions":{}})";
}

// Feeds payloads and returns the live text shown along the way.
std::string feedAll(ChatTranscript& transcript, const std::vector<std::string>& payloads) {
  std::string live;
  for (const auto& payload : payloads) live += transcript.addPayload(payload);
  return live;
}

}  // namespace

TEST_CASE("parseChatEvents reads ADK text, partial and final") {
  auto partial = parseChatEvents(adkText("Sure", true));
  REQUIRE(partial.size() == 1);
  CHECK(partial[0].kind == ChatEventKind::TextPartial);
  CHECK(partial[0].shape == ChatShape::Adk);
  CHECK(partial[0].text == "Sure");

  auto final = parseChatEvents(adkText("Sure, done.", false));
  REQUIRE(final.size() == 1);
  CHECK(final[0].kind == ChatEventKind::TextFinal);

  // No `partial` key at all is a complete event.
  auto plain = parseChatEvents(R"({"content":{"parts":[{"text":"Hi"},{"text":" there"}]}})");
  REQUIRE(plain.size() == 1);
  CHECK(plain[0].kind == ChatEventKind::TextFinal);
  CHECK(plain[0].text == "Hi there");
}

TEST_CASE("parseChatEvents reads ADK function calls and responses") {
  auto events = parseChatEvents(
      R"({"author":"nemo_agent","content":{"role":"model","parts":[{"text":"Adding it."},)"
      R"({"functionCall":{"id":"fc-1","name":"add_text_track","args":{"text":"Urban Dreams","start":0}}}]}})");
  REQUIRE(events.size() == 2);
  CHECK(events[0].kind == ChatEventKind::TextFinal);
  CHECK(events[0].text == "Adding it.");
  CHECK(events[1].kind == ChatEventKind::ToolCall);
  CHECK(events[1].toolName == "add_text_track");
  CHECK(events[1].toolCallId == "fc-1");
  CHECK(events[1].payload["text"] == "Urban Dreams");

  auto response = parseChatEvents(
      R"({"content":{"role":"user","parts":[{"functionResponse":{"id":"fc-1","name":"add_text_track","response":{"ok":true}}}]}})");
  REQUIRE(response.size() == 1);
  CHECK(response[0].kind == ChatEventKind::ToolResult);
  CHECK(response[0].toolName == "add_text_track");
  CHECK(response[0].payload["ok"] == true);
}

TEST_CASE("parseChatEvents drops the model's thoughts") {
  auto events = parseChatEvents(R"({"content":{"parts":[{"text":"planning...","thought":true},{"text":"Done."}]}})");
  REQUIRE(events.size() == 1);
  CHECK(events[0].text == "Done.");
}

TEST_CASE("parseChatEvents reads errors in every shape") {
  auto adk = parseChatEvents(R"({"errorCode":"RESOURCE_EXHAUSTED","errorMessage":"Quota exceeded"})");
  REQUIRE(adk.size() == 1);
  CHECK(adk[0].kind == ChatEventKind::Error);
  CHECK(adk[0].text == "Quota exceeded");
  CHECK(adk[0].errorCode == "RESOURCE_EXHAUSTED");

  auto bare = parseChatEvents(R"({"error":"session expired"})");
  REQUIRE(bare.size() == 1);
  CHECK(bare[0].kind == ChatEventKind::Error);
  CHECK(bare[0].text == "session expired");

  auto nested = parseChatEvents(R"({"error":{"message":"out of credits","code":2001}})");
  REQUIRE(nested.size() == 1);
  CHECK(nested[0].text == "out of credits");
  CHECK(nested[0].errorCode == "2001");

  auto codeOnly = parseChatEvents(R"({"errorCode":500})");
  REQUIRE(codeOnly.size() == 1);
  CHECK(codeOnly[0].text == "error 500");
}

TEST_CASE("parseChatEvents reads NemoVideo's own shape") {
  auto text = parseChatEvents(R"({"type":"text","content":"Here is your video."})");
  REQUIRE(text.size() == 1);
  CHECK(text[0].kind == ChatEventKind::TextFinal);
  CHECK(text[0].shape == ChatShape::Nemo);
  CHECK(text[0].text == "Here is your video.");

  auto call = parseChatEvents(R"({"type":"tool_call","name":"generate_video","args":{"prompt":"city"}})");
  REQUIRE(call.size() == 1);
  CHECK(call[0].kind == ChatEventKind::ToolCall);
  CHECK(call[0].toolName == "generate_video");
  CHECK(call[0].payload["prompt"] == "city");

  auto result = parseChatEvents(R"({"type":"tool_result","name":"generate_video","result":{"url":"https://x/y.mp4"}})");
  REQUIRE(result.size() == 1);
  CHECK(result[0].kind == ChatEventKind::ToolResult);
  CHECK(result[0].payload["url"] == "https://x/y.mp4");

  auto heartbeat = parseChatEvents(R"({"type":"heartbeat"})");
  REQUIRE(heartbeat.size() == 1);
  CHECK(heartbeat[0].kind == ChatEventKind::Heartbeat);
}

TEST_CASE("parseChatEvents ignores what it does not know, safely") {
  for (const char* payload :
       {"", "not json", "[", "42", "\"text\"", "null", "[]", "{}", R"({"type":"usage","tokens":5})",
        R"({"type":7})", R"({"content":"just a string"})", R"({"content":{"parts":"nope"}})",
        R"({"content":{"parts":[1,null,{"text":5},{"functionCall":"x"},{"functionResponse":[]}]}})", R"({"partial":"yes"})",
        R"({"type":"text","content":{"nested":true}})", R"({"error":null})"}) {
    INFO(payload);
    CHECK(parseChatEvents(std::string(payload)).empty());
  }
}

TEST_CASE("ChatTranscript keeps ADK's streamed text once") {
  ChatTranscript transcript;
  std::string live = feedAll(transcript, {adkText("Sure", true), adkText(", I'll", true), adkText(" add a title.", true)});
  CHECK(live == "Sure, I'll add a title.");
  CHECK(transcript.addPayload(adkText("Sure, I'll add a title.", false)).empty());
  CHECK(transcript.text() == "Sure, I'll add a title.");
}

TEST_CASE("ChatTranscript keeps two messages of one turn, each once") {
  ChatTranscript transcript;
  std::string live = feedAll(transcript, {
                                             adkText("Sure", true),
                                             adkText(", I'll", true),
                                             adkText(" add a title.", true),
                                             adkText("Sure, I'll add a title.", false),
                                             R"({"partial":true,"content":{"parts":[{"functionCall":{"id":"c1","name":"add_text","args":{}}}]}})",
                                             R"({"content":{"parts":[{"functionCall":{"id":"c1","name":"add_text","args":{}}}]}})",
                                             R"({"content":{"parts":[{"functionResponse":{"name":"add_text","response":{}}}]}})",
                                             adkText("Done", true),
                                             adkText("! The title is in.", true),
                                             adkText("Done! The title is in.", false),
                                         });
  CHECK(transcript.text() == "Sure, I'll add a title.\n\nDone! The title is in.");
  CHECK(live == transcript.text());
  CHECK(transcript.toolNames() == std::vector<std::string>{"add_text"});
  CHECK(transcript.toolCalls() == 1);
  CHECK_FALSE(transcript.error());
}

TEST_CASE("ChatTranscript appends finals that follow no chunks") {
  ChatTranscript transcript;
  feedAll(transcript, {adkText("First.", false), adkText("Second.", false)});
  CHECK(transcript.text() == "First.\n\nSecond.");
}

TEST_CASE("ChatTranscript shows only the unseen tail when a final extends its chunks") {
  ChatTranscript transcript;
  CHECK(transcript.addPayload(adkText("Adding", true)) == "Adding");
  CHECK(transcript.addPayload(adkText("Adding the title now.", false)) == " the title now.");
  CHECK(transcript.text() == "Adding the title now.");
}

TEST_CASE("ChatTranscript keeps chunks a different final does not repeat") {
  ChatTranscript transcript;
  feedAll(transcript, {adkText("Working on it", true), adkText("All done.", false)});
  CHECK(transcript.text() == "Working on it\n\nAll done.");
}

TEST_CASE("ChatTranscript keeps chunks of a cut stream") {
  ChatTranscript transcript;
  feedAll(transcript, {adkText("Half a", true), adkText(" sentence", true)});
  CHECK(transcript.text() == "Half a sentence");
}

TEST_CASE("ChatTranscript appends NemoVideo text plainly") {
  ChatTranscript transcript;
  std::string live = feedAll(transcript, {R"({"type":"text","content":"Generating "})", R"({"type":"heartbeat"})",
                                          R"({"type":"tool_call","name":"generate_video","args":{}})",
                                          R"({"type":"text","content":"your video."})",
                                          R"({"type":"tool_result","name":"generate_video","result":{}})",
                                          R"({"type":"tool_call","name":"add_bgm","args":{}})"});
  CHECK(transcript.text() == "Generating your video.");
  CHECK(live == "Generating your video.");
  CHECK(transcript.heartbeats() == 1);
  CHECK(transcript.toolNames() == std::vector<std::string>{"generate_video", "add_bgm"});
}

TEST_CASE("ChatTranscript keeps the first error") {
  ChatTranscript transcript;
  feedAll(transcript, {adkText("Let me", true), R"({"error":"model overloaded"})", R"({"error":"stream closed"})"});
  REQUIRE(transcript.error());
  CHECK(transcript.error()->message == "model overloaded");
  CHECK(transcript.text() == "Let me");
}
