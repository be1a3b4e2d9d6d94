// An incremental Server-Sent Events parser: line splitting across chunk boundaries, fields,
// dispatch on a blank line, keep-alives reported separately from events.
#include "http/SseParser.h"

#include <algorithm>
#include <limits>

namespace nemo::http {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool isBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

// The spec accepts only ASCII digits; anything else leaves the old value in force.
std::optional<std::int64_t> parseRetry(std::string_view value) {
  if (value.empty()) return std::nullopt;
  std::int64_t result = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    if (result > (std::numeric_limits<std::int64_t>::max() - 9) / 10) return std::nullopt;
    result = result * 10 + (c - '0');
  }
  return result;
}

}  // namespace

SseParser::SseParser(std::size_t maxEventBytes) : maxEventBytes_(maxEventBytes) {}

void SseParser::feed(std::string_view chunk) {
  if (finished_ || failed_ || chunk.empty()) return;
  std::size_t pos = 0;
  if (skipLeadingLf_) {
    skipLeadingLf_ = false;
    if (chunk.front() == '\n') pos = 1;
  }
  while (pos < chunk.size() && !failed_) {
    const std::size_t end = chunk.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) {
      appendToLine(chunk.substr(pos));
      return;
    }
    appendToLine(chunk.substr(pos, end - pos));
    if (failed_) return;
    processLine(line_);
    line_.clear();
    if (chunk[end] == '\r') {
      if (end + 1 == chunk.size()) {
        skipLeadingLf_ = true;
      } else if (chunk[end + 1] == '\n') {
        pos = end + 2;
        continue;
      }
    }
    pos = end + 1;
  }
}

void SseParser::finish() {
  if (finished_) return;
  finished_ = true;
  if (failed_) return;
  // A trailing comment without its line end carries no event, so it is not a cut event.
  const bool partialLineIsField = !line_.empty() && line_.front() != ':';
  endedMidEvent_ = blockHasFields_ || partialLineIsField;
  line_.clear();
  data_.clear();
  eventType_.clear();
  blockHasFields_ = false;
}

void SseParser::appendToLine(std::string_view bytes) {
  if (line_.size() + data_.size() + bytes.size() > maxEventBytes_) {
    fail();
    return;
  }
  line_.append(bytes);
}

void SseParser::processLine(std::string_view line) {
  if (firstLine_) {
    firstLine_ = false;
    if (line.substr(0, kUtf8Bom.size()) == kUtf8Bom) line.remove_prefix(kUtf8Bom.size());
  }
  if (line.empty()) {
    dispatch();
    return;
  }
  if (line.front() == ':') {
    ++heartbeats_;
    if (onHeartbeat) onHeartbeat();
    return;
  }
  blockHasFields_ = true;
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    processField(line, {});
    return;
  }
  std::string_view value = line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  processField(line.substr(0, colon), value);
}

void SseParser::processField(std::string_view field, std::string_view value) {
  if (field == "data") {
    if (data_.size() + value.size() + 1 > maxEventBytes_) {
      fail();
      return;
    }
    data_.append(value);
    data_.push_back('\n');
  } else if (field == "event") {
    eventType_.assign(value);
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) idBuffer_.assign(value);
  } else if (field == "retry") {
    if (auto retry = parseRetry(value)) retryMs_ = retry;
  }
  // Unknown fields are ignored, as the spec requires.
}

void SseParser::dispatch() {
  lastEventId_ = idBuffer_;
  const bool hadFields = blockHasFields_;
  blockHasFields_ = false;
  if (!data_.empty() && data_.back() == '\n') data_.pop_back();
  SseEvent event;
  event.data.swap(data_);
  if (!eventType_.empty()) event.type.swap(eventType_);
  eventType_.clear();
  if (!hadFields) return;  // a stray blank line between events says nothing
  if (isBlank(event.data)) {
    ++heartbeats_;
    if (onHeartbeat) onHeartbeat();
    return;
  }
  event.id = lastEventId_;
  ++eventsDispatched_;
  if (onEvent) onEvent(event);
}

void SseParser::fail() {
  failed_ = true;
  line_.clear();
  data_.clear();
  eventType_.clear();
  blockHasFields_ = false;
}

}  // namespace nemo::http
