#include "support/Random.h"

#include <cerrno>
#include <chrono>
#include <sys/random.h>

namespace nemo::support {

std::uint64_t randomNumber() {
  std::uint64_t value = 0;
  // Up to 256 bytes come whole once the kernel's pool is ready; EINTR can only come before that.
  ssize_t got;
  do {
    got = ::getrandom(&value, sizeof value, 0);
  } while (got < 0 && errno == EINTR);
  if (got != static_cast<ssize_t>(sizeof value)) {
    // No getrandom (a kernel before 3.17): ids only need to differ, so the clock will do.
    value ^= static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) *
             0x9e3779b97f4a7c15ULL;
  }
  return value;
}

std::string randomHex(std::size_t digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(digits);
  for (std::size_t i = 0; i < digits; ++i) out += kHex[randomNumber() % 16];
  return out;
}

}  // namespace nemo::support
