#include "support/IsoTime.h"

#include <ctime>
#include <iomanip>
#include <sstream>

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

std::optional<std::time_t> parseIsoTime(const std::string& text) {
  if (text.size() < 19) return std::nullopt;
  std::tm tm{};
  std::istringstream in(text.substr(0, 19));
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  if (in.fail()) return std::nullopt;
  return ::timegm(&tm);
}

}  // namespace nemo::support
