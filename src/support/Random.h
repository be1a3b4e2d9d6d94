// Random numbers for ids and temporary file names, straight from the kernel (getrandom).
// Not std::random_device: the libstdc++ that the release binaries link statically implements it
// with arc4random, which only glibc 2.36 has, and every user would then need glibc 2.36.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace nemo::support {

// A uniformly random 64-bit number. Any thread may call it.
std::uint64_t randomNumber();
// `digits` random lower-case hex digits, e.g. for "task_<32 digits>".
std::string randomHex(std::size_t digits);

}  // namespace nemo::support
