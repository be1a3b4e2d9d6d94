#include "FuzzEnvironment.h"

#include <stdlib.h>

#include <cstdlib>
#include <stdexcept>

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

namespace nemo::fuzz {
namespace {

std::filesystem::path makeHome() {
  // In memory when the machine has it: the state files are written (and fsynced) on every input.
  std::error_code ec;
  auto base = std::filesystem::is_directory("/dev/shm", ec) ? std::filesystem::path("/dev/shm")
                                                            : std::filesystem::temp_directory_path();
  std::string pattern = (base / "nemo-fuzz-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  std::filesystem::path home = pattern;
  ::setenv("HOME", home.c_str(), 1);
  ::setenv("XDG_CONFIG_HOME", (home / "config").c_str(), 1);
  ::setenv("XDG_STATE_HOME", (home / "state").c_str(), 1);
  ::setenv("NEMO_OUTPUT_DIR", (home / "videos").c_str(), 1);
  ::setenv("LANG", "en_US.UTF-8", 1);
  ::unsetenv("NEMO_TOKEN");
  std::atexit([] {
    std::error_code ec;
    std::filesystem::remove_all(prepareEnvironment(), ec);
  });

  auto logger = std::make_shared<spdlog::logger>("fuzz", std::make_shared<spdlog::sinks::null_sink_mt>());
  logger->set_level(spdlog::level::trace);
  spdlog::set_default_logger(logger);
  return home;
}

}  // namespace

const std::filesystem::path& prepareEnvironment() {
  static const std::filesystem::path home = makeHome();
  return home;
}

void resetDisk() {
  const auto& home = prepareEnvironment();
  std::error_code ec;
  for (const char* folder : {"config", "state"}) std::filesystem::remove_all(home / folder, ec);
}

}  // namespace nemo::fuzz
