// Small helpers shared by the fuzz targets: bytes into a readable file descriptor, and a
// finding reported with a sentence before the crash that libFuzzer records.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace nemo::fuzz {

// A memory-backed file holding `bytes`, positioned at its start: reads end with EOF, as a
// closed pipe does, with no writer thread. The caller closes it.
int memoryFileWith(std::string_view bytes);
// Everything a memory-backed file holds (read from its start).
std::string contentsOf(int fd);

// A broken promise that is not a crash (a wrong answer): says what and aborts, so libFuzzer
// saves the input as a finding.
[[noreturn]] void finding(const std::string& what);

inline std::string_view asText(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace nemo::fuzz
