// The editor's streamed words as progress lines a person can read: whole sentences, at most one
// line per second, never a fragment cut mid-word ("Generat"). Claude Code shows each progress
// message as it comes, replacing the one before.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace nemo::tools {

class SentenceProgress {
 public:
  using Clock = std::chrono::steady_clock;
  explicit SentenceProgress(std::chrono::milliseconds minGap = std::chrono::seconds(1)) : minGap_(minGap) {}

  // Adds a streamed chunk; returns the finished sentences to show now, or "" (nothing is due,
  // or the last line went out less than minGap ago: the words wait for the next line).
  std::string add(std::string_view chunk, Clock::time_point now = Clock::now());

  // What is waiting, up to its last whole word (a heartbeat while the editor is quiet); "" if none.
  std::string flush(Clock::time_point now = Clock::now());

  // Everything still waiting: the stream has ended, so its last words are whole.
  std::string finish(Clock::time_point now = Clock::now()) { return take(pending_.size(), now); }

 private:
  std::string take(std::size_t end, Clock::time_point now);

  std::chrono::milliseconds minGap_;
  std::string pending_;
  Clock::time_point lastShown_{};
};

}  // namespace nemo::tools
