// The one writer of the protocol channel: every message leaves as one newline-terminated line,
// written whole under a mutex, so concurrent replies and notifications never interleave.
#pragma once

#include <atomic>
#include <mutex>
#include <string_view>

#include <nlohmann/json.hpp>

namespace nemo::jsonrpc {

class OutputChannel {
 public:
  explicit OutputChannel(int fd) : fd_(fd) {}

  // Thread-safe. Returns false once the channel is broken (the peer closed its end).
  bool send(const nlohmann::json& message);
  bool sendLine(std::string_view serialized);

  bool broken() const { return broken_.load(); }

 private:
  int fd_;
  std::mutex mutex_;
  std::atomic<bool> broken_{false};
};

}  // namespace nemo::jsonrpc
