// An incremental Server-Sent Events parser (WHATWG "event stream interpretation"), fed the
// body of a streaming response in whatever chunks the network delivers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace nemo::http {

struct SseEvent {
  std::string type = "message";  // the `event:` field, "message" when the event named none
  std::string data;              // `data:` lines joined with '\n'
  std::string id;                // the last event id in force when this event was dispatched
};

// Not thread-safe: one parser per stream, fed from one thread. Callbacks run synchronously
// inside feed(); the parser throws nothing itself, so anything thrown comes from a callback.
class SseParser {
 public:
  static constexpr std::size_t kDefaultMaxEventBytes = 8u * 1024u * 1024u;

  explicit SseParser(std::size_t maxEventBytes = kDefaultMaxEventBytes);

  // An event with non-empty data. Data that is empty or only whitespace (a bare `data:`, an
  // event of only `event:`/`id:` lines) is a keep-alive and goes to onHeartbeat instead.
  std::function<void(const SseEvent&)> onEvent;
  // Comment lines (":ping") and empty events: the backend is alive but has nothing to say.
  std::function<void()> onHeartbeat;

  // Ignored after finish() or once failed().
  void feed(std::string_view chunk);
  // End of stream: a partly received event is discarded (as the spec says), not dispatched,
  // and endedMidEvent() tells the caller that the stream was cut rather than complete.
  void finish();

  bool finished() const { return finished_; }
  bool endedMidEvent() const { return endedMidEvent_; }
  // One event (or one line) grew beyond the bound: the stream is abandoned, nothing more is
  // dispatched. A misbehaving server cannot make us buffer without limit.
  bool failed() const { return failed_; }

  const std::string& lastEventId() const { return lastEventId_; }
  // The server's requested reconnection delay, from the last valid `retry:` field.
  std::optional<std::int64_t> retryMs() const { return retryMs_; }
  std::size_t eventsDispatched() const { return eventsDispatched_; }
  std::size_t heartbeats() const { return heartbeats_; }

 private:
  void appendToLine(std::string_view bytes);
  void processLine(std::string_view line);
  void processField(std::string_view field, std::string_view value);
  void dispatch();
  void fail();

  std::size_t maxEventBytes_;
  std::string line_;
  std::string data_;
  std::string eventType_;
  std::string idBuffer_;
  std::string lastEventId_;
  std::optional<std::int64_t> retryMs_;
  bool blockHasFields_ = false;  // a field line arrived since the last blank line
  bool skipLeadingLf_ = false;   // the previous chunk ended in CR: a LF now belongs to it
  bool firstLine_ = true;        // a UTF-8 BOM is only stripped from the very first line
  bool finished_ = false;
  bool endedMidEvent_ = false;
  bool failed_ = false;
  std::size_t eventsDispatched_ = 0;
  std::size_t heartbeats_ = 0;
};

}  // namespace nemo::http
