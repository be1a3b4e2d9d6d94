// Tests of the install-platform detection behind X-Skill-Platform: whole-folder prefix matching,
// trailing slashes, dot segments, a symlinked home, and the running binary's own path.
#include "nemo/api/Platform.h"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

using nemo::api::currentExecutablePath;
using nemo::api::detectSkillPlatform;
using nemo::api::skillOfFolder;
namespace fs = std::filesystem;

TEST_CASE("platform from the install path", "[nemo][platform]") {
  const fs::path home = "/home/u";
  CHECK(detectSkillPlatform("/home/u/.clawhub/skills/ai-to-video/bin/nemo-video-mcp", home) == "clawhub");
  CHECK(detectSkillPlatform("/home/u/.clawhub/nemo-video-mcp", home) == "clawhub");
  CHECK(detectSkillPlatform("/home/u/.cursor/skills/ai-to-video/nemo-video-mcp", home) == "cursor");
  // OpenClaw is ClawHub's agent: an install there reports clawhub too.
  CHECK(detectSkillPlatform("/home/u/.openclaw/skills/ai-to-video/nemo-video-mcp", home) == "clawhub");
  CHECK(detectSkillPlatform("/home/u/.openclawx/skills/ai-to-video/nemo-video-mcp", home) == "unknown");
  CHECK(detectSkillPlatform("/usr/local/bin/nemo-video-mcp", home) == "unknown");
  CHECK(detectSkillPlatform("/home/u/bin/nemo-video-mcp", home) == "unknown");
}

TEST_CASE("platform folders are matched whole, not as string prefixes", "[nemo][platform]") {
  const fs::path home = "/home/u";
  CHECK(detectSkillPlatform("/home/u/.clawhubx/nemo-video-mcp", home) == "unknown");
  CHECK(detectSkillPlatform("/home/u/.clawhub-old/nemo-video-mcp", home) == "unknown");
  CHECK(detectSkillPlatform("/home/u/.cursor/skillsx/nemo-video-mcp", home) == "unknown");
  CHECK(detectSkillPlatform("/home/u/.cursor/nemo-video-mcp", home) == "unknown");
  CHECK(detectSkillPlatform("/home/user/.clawhub/nemo-video-mcp", home) == "unknown");
  CHECK(detectSkillPlatform("/home/u2/.cursor/skills/x/nemo-video-mcp", home) == "unknown");
  // Another user's platform folder is not ours.
  CHECK(detectSkillPlatform("/home/v/.clawhub/nemo-video-mcp", home) == "unknown");
  // The folder itself holds no installed binary.
  CHECK(detectSkillPlatform("/home/u/.clawhub", home) == "unknown");
  CHECK(detectSkillPlatform("/home/u/.cursor/skills/", home) == "unknown");
}

TEST_CASE("platform detection normalises both paths", "[nemo][platform]") {
  CHECK(detectSkillPlatform("/home/u/.clawhub/a/nemo-video-mcp", "/home/u/") == "clawhub");
  CHECK(detectSkillPlatform("/home/u/.cursor/skills/a/nemo-video-mcp", "/home//u/./") == "cursor");
  CHECK(detectSkillPlatform("/home/u/x/../.clawhub/a/nemo-video-mcp", "/home/u") == "clawhub");
  CHECK(detectSkillPlatform("/home/u/.clawhub/../bin/nemo-video-mcp", "/home/u") == "unknown");
  CHECK(detectSkillPlatform("/.clawhub/nemo-video-mcp", "/") == "clawhub");
}

TEST_CASE("platform detection needs absolute paths", "[nemo][platform]") {
  CHECK(detectSkillPlatform("", "/home/u") == "unknown");
  CHECK(detectSkillPlatform("/home/u/.clawhub/nemo-video-mcp", "") == "unknown");
  CHECK(detectSkillPlatform(".clawhub/nemo-video-mcp", ".") == "unknown");
  CHECK(detectSkillPlatform("/home/u/.clawhub/nemo-video-mcp", "home/u") == "unknown");
}

TEST_CASE("a home reached through a symlink still matches the real path", "[nemo][platform]") {
  const fs::path root = fs::temp_directory_path() / ("nemo-platform-test-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "real-home" / ".cursor" / "skills" / "s");
  fs::create_directory_symlink(root / "real-home", root / "link-home");
  const fs::path exe = fs::canonical(root / "real-home") / ".cursor" / "skills" / "s" / "nemo-video-mcp";
  CHECK(detectSkillPlatform(exe, root / "link-home") == "cursor");
  CHECK(detectSkillPlatform(exe, root / "real-home") == "cursor");
  fs::remove_all(root);
}

TEST_CASE("the running binary's own path is absolute and canonical", "[nemo][platform]") {
  const fs::path exe = currentExecutablePath();
  REQUIRE_FALSE(exe.empty());
  CHECK(exe.is_absolute());
  CHECK(fs::exists(exe));
  CHECK(exe == fs::canonical(exe));
  CHECK(exe.filename() == "unit-tests");
}

TEST_CASE("a binary beside a SKILL.md serves the skill its folder is named after", "[nemo][platform]") {
  const fs::path root = fs::temp_directory_path() / ("nemo-skill-folder-test-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "ai-to-video");
  fs::create_directories(root / "no-manifest");
  { std::ofstream(root / "ai-to-video" / "SKILL.md") << "---\nname: ai-to-video\n---\n"; }
  CHECK(skillOfFolder(root / "ai-to-video" / "nemo-video-mcp") == "ai-to-video");
  CHECK(skillOfFolder(root / "no-manifest" / "nemo-video-mcp").empty());
  CHECK(skillOfFolder("nemo-video-mcp").empty());
  CHECK(skillOfFolder("").empty());
  fs::remove_all(root);
}
