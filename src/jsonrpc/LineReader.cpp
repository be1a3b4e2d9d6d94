#include "jsonrpc/LineReader.h"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace nemo::jsonrpc {

namespace {
constexpr std::size_t kReadChunk = 64 * 1024;
}

LineReader::LineReader(int fd, std::size_t maxLineBytes) : fd_(fd), maxLineBytes_(maxLineBytes) {}

bool LineReader::fill() {
  // Compact before growing so the buffer never holds more than one line plus one chunk.
  if (start_ > 0 && start_ >= buffer_.size() / 2) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  auto old = buffer_.size();
  buffer_.resize(old + kReadChunk);
  ssize_t got;
  do {
    got = ::read(fd_, buffer_.data() + old, kReadChunk);
  } while (got < 0 && errno == EINTR);
  buffer_.resize(old + (got > 0 ? static_cast<std::size_t>(got) : 0));
  return got > 0;
}

LineReader::Status LineReader::next(std::string& line) {
  for (;;) {
    auto newline = buffer_.find('\n', start_ + scanned_);
    if (newline == std::string::npos) {
      scanned_ = buffer_.size() - start_;
      if (scanned_ > maxLineBytes_) {
        // Too long: forget what we have and drop bytes until the line ends.
        buffer_.clear();
        start_ = scanned_ = 0;
        if (!discarding_) {
          discarding_ = true;
          return Status::Oversized;
        }
      }
      if (!fill()) {
        // A last line without a newline still counts, unless it was being discarded.
        bool hadLine = !discarding_ && buffer_.size() > start_;
        if (hadLine) line.assign(buffer_, start_, std::string::npos);
        buffer_.clear();
        start_ = scanned_ = 0;
        if (hadLine && !line.empty()) return Status::Line;
        return Status::EndOfInput;
      }
      continue;
    }
    auto lineStart = start_;
    auto length = newline - start_;
    start_ = newline + 1;
    scanned_ = 0;
    if (discarding_) {
      discarding_ = false;
      continue;
    }
    if (length > maxLineBytes_) return Status::Oversized;
    if (length > 0 && buffer_[lineStart + length - 1] == '\r') --length;
    if (length == 0) continue;
    line.assign(buffer_, lineStart, length);
    return Status::Line;
  }
}

}  // namespace nemo::jsonrpc
