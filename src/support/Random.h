// Random numbers for ids and temporary file names, straight from the kernel (getrandom).
// Not std::random_device: the libstdc++ that the release binaries link statically implements it
// with arc4random, which only glibc 2.36 has, and every user would then need glibc 2.36.
#pragma once

#include <cstdint>

namespace nemo::support {

// A uniformly random 64-bit number. Any thread may call it.
std::uint64_t randomNumber();

}  // namespace nemo::support
