// Runs a helper program (pdftotext, unzip) and collects its stdout, with a time and size limit.
// Plain POSIX rather than Boost.Process: Boost's path handling builds std::locale(""), which
// throws when LANG names a locale that is not installed, and that must not crash a user's server.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace nemo::support {

struct ProgramRun {
  bool started = false;
  int exitCode = -1;      // -1 when it did not exit by itself (killed at the time limit)
  bool timedOut = false;
  std::string output;     // stdout, at most maxOutput bytes
};

// True when `name` is an executable file in one of the PATH folders.
bool programOnPath(const std::string& name);

ProgramRun runProgram(const std::string& name, const std::vector<std::string>& args, std::chrono::milliseconds timeout,
                      std::size_t maxOutput);

}  // namespace nemo::support
