// Fuzzes the chat stream as it arrives: the real SseParser fed the bytes whole and in chunks (both
// must give the same events), each event read by the chat event reader into a turn's transcript.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "FuzzInput.h"
#include "http/SseParser.h"
#include "nemo/chat/ChatEvents.h"

using namespace nemo;

namespace {

// Everything a reader of the parser can observe, to compare two ways of feeding it.
struct Observed {
  std::vector<http::SseEvent> events;
  std::size_t heartbeats = 0;
  bool failed = false;
  bool endedMidEvent = false;
  std::string lastEventId;
  std::optional<std::int64_t> retryMs;

  bool operator==(const Observed& other) const {
    if (events.size() != other.events.size()) return false;
    for (std::size_t i = 0; i < events.size(); ++i) {
      const auto &a = events[i], &b = other.events[i];
      if (a.type != b.type || a.data != b.data || a.id != b.id) return false;
    }
    return heartbeats == other.heartbeats && failed == other.failed && endedMidEvent == other.endedMidEvent &&
           lastEventId == other.lastEventId && retryMs == other.retryMs;
  }
};

// A small event bound, so that inputs of a few KB reach the "too large" path too.
constexpr std::size_t kMaxEventBytes = 4096;

Observed parse(std::string_view stream, std::size_t chunkBytes) {
  Observed seen;
  http::SseParser parser(kMaxEventBytes);
  parser.onEvent = [&](const http::SseEvent& event) { seen.events.push_back(event); };
  parser.onHeartbeat = [&] { ++seen.heartbeats; };
  for (std::size_t at = 0; at < stream.size(); at += chunkBytes) parser.feed(stream.substr(at, chunkBytes));
  parser.finish();
  seen.failed = parser.failed();
  seen.endedMidEvent = parser.endedMidEvent();
  seen.lastEventId = parser.lastEventId();
  seen.retryMs = parser.retryMs();
  if (seen.heartbeats != parser.heartbeats() || seen.events.size() != parser.eventsDispatched()) {
    fuzz::finding("the parser's counters disagree with its callbacks");
  }
  return seen;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return -1;
  std::size_t chunkBytes = 1 + data[0] % 32;  // the network cuts anywhere, even inside "\r\n"
  auto stream = fuzz::asText(data + 1, size - 1);

  auto whole = parse(stream, stream.empty() ? 1 : stream.size());
  auto chunked = parse(stream, chunkBytes);
  if (!(whole == chunked)) fuzz::finding("chunks of " + std::to_string(chunkBytes) + " bytes change the events");

  chat::ChatTranscript transcript;
  std::string live;
  for (const auto& event : whole.events) live += transcript.addPayload(event.data);
  (void)transcript.text();
  // The whole input as one event's data too: most of the reader's work is in the JSON shapes.
  chat::ChatTranscript direct;
  direct.addPayload(stream);
  return 0;
}
