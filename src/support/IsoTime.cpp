#include "support/IsoTime.h"

#include <ctime>

namespace nemo::support {

std::string isoTime(std::chrono::system_clock::time_point when) {
  auto seconds = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string isoTimeNow() { return isoTime(std::chrono::system_clock::now()); }

}  // namespace nemo::support
