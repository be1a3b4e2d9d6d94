// Where the skill is installed, for the X-Skill-Platform header: ClawHub, Cursor, or unknown.
// Judged from the real path of the running binary, since the binary lives inside the skill's folder.
#pragma once

#include <filesystem>
#include <string>

namespace nemo::api {

// "clawhub" when the path lies under <home>/.clawhub/ or <home>/.openclaw/, "cursor" under <home>/.cursor/skills/,
// otherwise "unknown". Folders are compared whole, so <home>/.clawhubx/ is "unknown".
// Pass the canonical executable path (currentExecutablePath()); `home` may be a symlink.
std::string detectSkillPlatform(const std::filesystem::path& realExecutablePath, const std::filesystem::path& home);

// The skill a binary installed inside a skill folder serves: the folder's name when a SKILL.md
// lies beside the binary (Agent Skills: the folder is named after the skill), else "".
std::string skillOfFolder(const std::filesystem::path& realExecutablePath);

// The running binary's path with symlinks resolved (/proc/self/exe); empty if it cannot be read.
std::filesystem::path currentExecutablePath();

}  // namespace nemo::api
