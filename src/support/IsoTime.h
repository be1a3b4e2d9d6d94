// Times as ISO 8601 UTC text to the second ("2026-11-29T23:06:03Z"): what the state files and the
// protocol carry, and comparable as plain text.
#pragma once

#include <chrono>
#include <ctime>
#include <optional>
#include <string>

namespace nemo::support {

std::string isoTime(std::chrono::system_clock::time_point when);
std::string isoTimeNow();
// The time such a text says, read from its first 19 characters as UTC (a fraction or zone after
// them is ignored); nullopt when they are no such time. time_t, not system_clock: its nanosecond
// count ends in 2262, and "never" dates go further.
std::optional<std::time_t> parseIsoTime(const std::string& text);

}  // namespace nemo::support
