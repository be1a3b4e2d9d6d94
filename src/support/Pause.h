// A sleep that a stop request ends at once: the rate-limit wait inside a request, whether the
// request belongs to a background job (whose stop token it is given) or to a tool call.
#pragma once

#include <chrono>
#include <stop_token>

namespace nemo::support {

// Sleeps until `until` or a stop request, whichever is first. False when stopped.
bool pauseUntil(std::chrono::steady_clock::time_point until, const std::stop_token& stop);

}  // namespace nemo::support
