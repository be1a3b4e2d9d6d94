// Tells from the install path which skill platform started the server (X-Skill-Platform).
// Pure path logic plus one readlink; never throws.
#include "nemo/api/Platform.h"

#include <system_error>
#include <vector>

namespace nemo::api {
namespace {

namespace fs = std::filesystem;

// Components of an absolute path, normalised, without the empty one a trailing slash leaves.
std::vector<fs::path> components(const fs::path& path) {
  std::vector<fs::path> parts;
  for (const auto& part : path.lexically_normal()) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

// True when `path` lies strictly inside `folder`, comparing whole components.
bool isInside(const std::vector<fs::path>& path, const std::vector<fs::path>& folder) {
  if (path.size() <= folder.size()) return false;
  for (std::size_t i = 0; i < folder.size(); ++i) {
    if (path[i] != folder[i]) return false;
  }
  return true;
}

std::string platformUnder(const std::vector<fs::path>& exe, const fs::path& home) {
  // OpenClaw is ClawHub's agent: its skill folders count as ClawHub installs.
  if (isInside(exe, components(home / ".clawhub")) || isInside(exe, components(home / ".openclaw"))) return "clawhub";
  if (isInside(exe, components(home / ".cursor" / "skills"))) return "cursor";
  return "unknown";
}

}  // namespace

std::string detectSkillPlatform(const fs::path& realExecutablePath, const fs::path& home) {
  // A relative or empty path says nothing about where the skill is installed.
  if (!realExecutablePath.is_absolute() || !home.is_absolute()) return "unknown";
  const auto exe = components(realExecutablePath);
  std::string platform = platformUnder(exe, home);
  if (platform != "unknown") return platform;
  // The executable path is canonical but $HOME may pass through a symlink (/home -> /data/home).
  std::error_code ec;
  const fs::path realHome = fs::canonical(home, ec);
  if (!ec && realHome != home.lexically_normal()) platform = platformUnder(exe, realHome);
  return platform;
}

std::string skillOfFolder(const fs::path& realExecutablePath) {
  const fs::path folder = realExecutablePath.parent_path();
  std::error_code ec;
  if (folder.empty() || !fs::is_regular_file(folder / "SKILL.md", ec)) return {};
  return folder.filename().string();
}

fs::path currentExecutablePath() {
  std::error_code ec;
  const fs::path link = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  const fs::path real = fs::canonical(link, ec);
  return ec ? link : real;
}

}  // namespace nemo::api
