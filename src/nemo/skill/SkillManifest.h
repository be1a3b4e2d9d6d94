// The skill manifests (manifests/<slug>/SKILL.md, Agent Skills format): YAML front matter checked against
// schemas/skill-manifest.schema.json, giving the slug, version and limits that drive headers and checks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nemo::skill {

// The skill served when --skill is not given: the first of the published skills.
inline constexpr const char* kDefaultSkill = "video-generator-free-no-limits";

// One entry of the skill's prompts menu (manifests/<slug>/prompts.json, beside SKILL.md: the
// Agent Skills front matter holds strings only).
struct SkillPrompt {
  struct Argument {
    std::string name;
    std::string description;
    bool required = false;
  };
  std::string name;
  std::string title;
  std::string description;
  std::string text;  // {argument} placeholders, [optional parts]
  std::vector<Argument> arguments;
};

struct SkillManifest {
  std::string slug;          // front matter `name`; sent as X-Skill-Source
  std::string displayName;   // `metadata.display-name`
  std::string description;
  std::string version;       // `metadata.version`; sent as X-Skill-Version
  std::uint64_t uploadMaxBytes = 0;  // `metadata.upload-max-mb` in MiB (1024 * 1024 bytes)
  std::vector<std::string> formats;  // `metadata.formats`: lower-case extensions without the dot, e.g. "mp4"
  std::vector<std::string> examplePrompts;  // `metadata.example-prompts`, one a line
  std::vector<SkillPrompt> prompts;  // the bundled prompts menu; empty for a skill read from a folder
  std::string body;          // the markdown after the front matter: the agent's instructions
};

// Either a manifest or a message a person can act on (it names the failing field).
struct ManifestParse {
  std::optional<SkillManifest> manifest;
  std::string error;

  explicit operator bool() const { return manifest.has_value(); }
};

// Parses a whole SKILL.md. Never throws. Safe to call from any thread.
ManifestParse parseSkillManifest(std::string_view text);

// Parses a prompts menu (a JSON array of {name, title, description, text, arguments}); an entry
// that is not of that shape is an error naming it. Never throws.
std::optional<std::vector<SkillPrompt>> parsePromptMenu(std::string_view text, std::string& error);

// The manifest compiled into the binary for `slug`; an unknown slug gives an error listing
// the known ones. Never throws.
ManifestParse loadBundledManifest(std::string_view slug);

// The slugs of the manifests compiled into the binary, sorted.
std::vector<std::string> bundledSkillSlugs();

}  // namespace nemo::skill
