#include "support/Paths.h"

#include <cstdlib>
#include <pwd.h>
#include <unistd.h>

namespace nemo::support {
namespace {

std::filesystem::path fromEnvironment(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return {};
  return value;
}

}  // namespace

std::filesystem::path homeDirectory() {
  if (auto home = fromEnvironment("HOME"); !home.empty()) return home;
  if (const auto* entry = ::getpwuid(::getuid()); entry != nullptr && entry->pw_dir != nullptr) return entry->pw_dir;
  return "/tmp";
}

std::filesystem::path configDirectory() {
  auto base = fromEnvironment("XDG_CONFIG_HOME");
  if (base.empty()) base = homeDirectory() / ".config";
  return base / "nemo-video-mcp";
}

std::filesystem::path stateDirectory() {
  auto base = fromEnvironment("XDG_STATE_HOME");
  if (base.empty()) base = homeDirectory() / ".local" / "state";
  return base / "nemo-video-mcp";
}

std::filesystem::path outputDirectory() {
  if (auto dir = fromEnvironment("NEMO_OUTPUT_DIR"); !dir.empty()) return dir;
  return homeDirectory() / "Videos" / "NemoVideo";
}

std::filesystem::path expandUserPath(const std::string& given) {
  std::filesystem::path path = given.rfind("~/", 0) == 0 ? homeDirectory() / given.substr(2) : std::filesystem::path(given);
  std::error_code ec;
  auto absolute = std::filesystem::absolute(path, ec);
  return ec ? path : absolute;
}

}  // namespace nemo::support
