// Tests of the SSE parser: a recorded stream gives the same events however the network splits
// it, and a stream cut mid-event is told apart from a complete one.
#include <catch2/catch.hpp>

#include "http/SseParser.h"

#include <string>
#include <vector>

namespace {

using nemo::http::SseEvent;
using nemo::http::SseParser;

// "H" for a heartbeat, else "type|id|data", in arrival order.
struct Recorder {
  std::vector<std::string> log;

  void attach(SseParser& parser) {
    parser.onEvent = [this](const SseEvent& event) { log.push_back(event.type + "|" + event.id + "|" + event.data); };
    parser.onHeartbeat = [this] { log.push_back("H"); };
  }
};

// Both documented shapes, CRLF and LF and CR line ends, comments, multi-line data, empty data.
const std::string kRecorded =
    ": connected\r\n"
    "\r\n"
    "data: {\"partial\":true,\"content\":{\"parts\":[{\"text\":\"Sure\"}]}}\r\n"
    "\r\n"
    "data:\n"
    "\n"
    "id: 7\n"
    "data: {\"type\":\"text\",\n"
    "data:  \"content\":\"two lines\"}\n"
    "\n"
    ":ping\r"
    "event: update\r"
    "data:no-space\r"
    "\r"
    "data: {\"type\":\"heartbeat\"}\r\n"
    "retry: 1500\r\n"
    "\r\n"
    "data: {\"content\":{\"parts\":[{\"text\":\"Sure, done.\"}]},\"partial\":false}\n"
    "\n";

const std::vector<std::string> kExpected = {
    "H",
    "message||{\"partial\":true,\"content\":{\"parts\":[{\"text\":\"Sure\"}]}}",
    "H",
    "message|7|{\"type\":\"text\",\n \"content\":\"two lines\"}",
    "H",
    "update|7|no-space",
    "message|7|{\"type\":\"heartbeat\"}",
    "message|7|{\"content\":{\"parts\":[{\"text\":\"Sure, done.\"}]},\"partial\":false}",
};

std::vector<std::string> parseInPieces(const std::vector<std::string_view>& pieces, SseParser& parser) {
  Recorder recorder;
  recorder.attach(parser);
  for (auto piece : pieces) parser.feed(piece);
  parser.finish();
  return recorder.log;
}

}  // namespace

TEST_CASE("SseParser parses a recorded stream in one piece") {
  SseParser parser;
  CHECK(parseInPieces({kRecorded}, parser) == kExpected);
  CHECK_FALSE(parser.endedMidEvent());
  CHECK_FALSE(parser.failed());
  CHECK(parser.lastEventId() == "7");
  CHECK(parser.retryMs() == 1500);
  CHECK(parser.eventsDispatched() == 5);
  CHECK(parser.heartbeats() == 3);
}

TEST_CASE("SseParser gives the same events at every split point") {
  const std::string_view whole = kRecorded;
  for (std::size_t split = 0; split <= whole.size(); ++split) {
    SseParser parser;
    INFO("split at " << split);
    CHECK(parseInPieces({whole.substr(0, split), whole.substr(split)}, parser) == kExpected);
    CHECK_FALSE(parser.endedMidEvent());
  }
}

TEST_CASE("SseParser gives the same events fed byte by byte") {
  std::vector<std::string_view> bytes;
  const std::string_view whole = kRecorded;
  for (std::size_t i = 0; i < whole.size(); ++i) bytes.push_back(whole.substr(i, 1));
  SseParser parser;
  CHECK(parseInPieces(bytes, parser) == kExpected);
  CHECK_FALSE(parser.endedMidEvent());
}

TEST_CASE("SseParser treats CR at a chunk's end and LF at the next one's start as one line end") {
  SseParser parser;
  Recorder recorder;
  recorder.attach(parser);
  parser.feed("data: a\r");
  parser.feed("\ndata: b\r");
  parser.feed("\n\r");
  parser.feed("\n");
  parser.finish();
  CHECK(recorder.log == std::vector<std::string>{"message||a\nb"});
  CHECK_FALSE(parser.endedMidEvent());
}

TEST_CASE("SseParser does not dispatch an unterminated last event, and says so") {
  SECTION("data line without its blank line") {
    SseParser parser;
    CHECK(parseInPieces({"data: one\n\n", "data: {\"type\":\"text\",\"content\":\"cut\"}\n"}, parser) ==
          std::vector<std::string>{"message||one"});
    CHECK(parser.endedMidEvent());
  }
  SECTION("a line cut in the middle") {
    SseParser parser;
    CHECK(parseInPieces({"data: one\n\ndata: {\"type\":\"te"}, parser) == std::vector<std::string>{"message||one"});
    CHECK(parser.endedMidEvent());
  }
  SECTION("a trailing comment is not an event") {
    SseParser parser;
    CHECK(parseInPieces({"data: one\n\n:keep-alive"}, parser) == std::vector<std::string>{"message||one"});
    CHECK_FALSE(parser.endedMidEvent());
  }
  SECTION("a clean end") {
    SseParser parser;
    parseInPieces({"data: one\n\n"}, parser);
    CHECK(parser.finished());
    CHECK_FALSE(parser.endedMidEvent());
  }
}

TEST_CASE("SseParser follows the spec's field rules") {
  SseParser parser;
  Recorder recorder;
  recorder.attach(parser);
  parser.feed("\xEF\xBB\xBF" "data:  two spaces\n\n");  // a BOM, then only one space is stripped
  parser.feed("data\n\n");                               // a field with no colon: empty value
  parser.feed("unknown: x\ndata: y\n\n");
  parser.feed("retry: 12a\nid: 9\ndata: z\n\n");         // an invalid retry is ignored
  parser.feed("event: named\n\n");                       // no data: a keep-alive, not an event
  parser.feed("data: after\n\n");                        // the event type does not leak on
  parser.finish();
  CHECK(recorder.log == std::vector<std::string>{"message|| two spaces", "H", "message||y", "message|9|z", "H",
                                                 "message|9|after"});
  CHECK_FALSE(parser.retryMs().has_value());
}

TEST_CASE("SseParser gives up on an event larger than its bound") {
  SseParser parser(64);
  Recorder recorder;
  recorder.attach(parser);
  parser.feed("data: small\n\n");
  parser.feed("data: " + std::string(40, 'x') + "\n");
  parser.feed("data: " + std::string(40, 'y') + "\n\n");
  parser.feed("data: later\n\n");
  parser.finish();
  CHECK(parser.failed());
  CHECK(recorder.log == std::vector<std::string>{"message||small"});
}

TEST_CASE("SseParser bounds a single endless line") {
  SseParser parser(1024);
  for (int i = 0; i < 100; ++i) parser.feed(std::string(100, 'a'));
  CHECK(parser.failed());
}
