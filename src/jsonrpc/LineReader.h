// Newline framing of the input stream: yields one line at a time from a file descriptor, and
// reports (then skips) any line longer than the limit instead of buffering it without bound.
#pragma once

#include <cstddef>
#include <string>

namespace nemo::jsonrpc {

class LineReader {
 public:
  enum class Status { Line, Oversized, EndOfInput };

  LineReader(int fd, std::size_t maxLineBytes);

  // Blocks until a whole line (without its "\n", and without a trailing "\r"), an oversized
  // line (fully skipped), or the end of input. Empty lines are skipped.
  Status next(std::string& line);

 private:
  bool fill();  // reads more bytes; false at end of input

  int fd_;
  std::size_t maxLineBytes_;
  std::string buffer_;
  std::size_t start_ = 0;     // first unconsumed byte of buffer_
  std::size_t scanned_ = 0;   // bytes from start_ already known to hold no newline
  bool discarding_ = false;   // inside an oversized line: drop bytes up to the next newline
};

}  // namespace nemo::jsonrpc
