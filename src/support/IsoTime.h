// Times as ISO 8601 UTC text to the second ("2026-11-29T23:06:03Z"): what the state files and the
// protocol carry, and comparable as plain text.
#pragma once

#include <chrono>
#include <string>

namespace nemo::support {

std::string isoTime(std::chrono::system_clock::time_point when);
std::string isoTimeNow();

}  // namespace nemo::support
