// A NemoVideo cloud in memory, as an http::HttpClient: a valid answer for every endpoint of
// nemo-api.md, except the answers a fuzz target scripts. Never touches the network or the disk.
#pragma once

#include <array>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>

#include "http/HttpClient.h"

namespace nemo::fuzz {

enum class Endpoint {
  Token, Session, Chat, Upload, Credits, State, RenderStart, RenderStatus, RenderCancel, Download, Unknown,
};
inline constexpr std::size_t kEndpoints = static_cast<std::size_t>(Endpoint::Unknown) + 1;

struct Answer {
  long status = 200;
  std::string body;
  std::size_t chunkBytes = 0;  // streamed answers (the chat): bytes per chunk, 0 for one chunk
};

// Thread-safe: tool calls, chat turns and render pollers call it at once.
class FakeBackend final : public http::HttpClient {
 public:
  // Replaces an endpoint's answer for its next `times` calls (0: for good); then the canned
  // answer comes back. A render status answered once and then 404 ends the poller at once.
  void script(Endpoint endpoint, Answer answer, int times = 0);
  // After `script(..., times)` ran out, this answer instead of the canned one.
  void fallback(Endpoint endpoint, Answer answer);

  http::Result send(const http::Request& request) override;

  static Endpoint endpointOf(const http::Request& request);
  static Answer canned(Endpoint endpoint);

 private:
  Answer answerFor(Endpoint endpoint);

  std::mutex mutex_;
  struct Slot {
    std::optional<Answer> scripted;
    int timesLeft = 0;  // 0 with a scripted answer: every call
    std::optional<Answer> fallback;
  };
  std::array<Slot, kEndpoints> slots_;
};

}  // namespace nemo::fuzz
