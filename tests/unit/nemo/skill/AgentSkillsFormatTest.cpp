// Every SKILL.md in manifests/ against the rules of the open Agent Skills format that the schema
// cannot state (folder name, block-style YAML, body length, "when to use"), the ClawHub block,
// the plugin files beside each skill, and the attribution headers the server derives from it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "app/CommandLine.h"
#include "app/Configuration.h"
#include "nemo/skill/SkillManifest.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path kManifests = fs::path(NEMO_SOURCE_DIR) / "manifests";

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<fs::path> skillFolders() {
  std::vector<fs::path> folders;
  for (const auto& entry : fs::directory_iterator(kManifests)) {
    if (entry.is_directory()) folders.push_back(entry.path());
  }
  std::sort(folders.begin(), folders.end());
  return folders;
}

std::string frontMatterOf(const std::string& text) {
  const auto end = text.find("\n---\n", 4);
  REQUIRE(text.starts_with("---\n"));
  REQUIRE(end != std::string::npos);
  return text.substr(4, end - 4);
}

// The reference validator (skills-ref) reads front matter with strictyaml, which refuses flow
// style ([a, b] and {a: b}); so every collection must be written in block style.
void requireBlockStyle(const YAML::Node& node, const std::string& where) {
  if (node.IsSequence() || node.IsMap()) {
    INFO(where);
    CHECK(node.Style() != YAML::EmitterStyle::Flow);
  }
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) requireBlockStyle(node[i], where + "[" + std::to_string(i) + "]");
  } else if (node.IsMap()) {
    for (const auto& entry : node) requireBlockStyle(entry.second, where + "." + entry.first.Scalar());
  }
}

}  // namespace

TEST_CASE("every skill folder holds a SKILL.md in the Agent Skills format", "[nemo][manifest][format]") {
  const auto folders = skillFolders();
  REQUIRE(folders.size() == nemo::skill::bundledSkillSlugs().size());
  for (const auto& folder : folders) {
    const std::string slug = folder.filename().string();
    INFO(slug);
    const std::string text = readFile(folder / "SKILL.md");
    const YAML::Node front = YAML::Load(frontMatterOf(text));

    // name: matches the folder (the server's parse checks its pattern and length).
    CHECK(front["name"].as<std::string>() == slug);
    // Only the format's own top-level fields.
    for (const auto& entry : front) {
      const std::string key = entry.first.Scalar();
      INFO(key);
      CHECK((key == "name" || key == "description" || key == "license" || key == "compatibility" ||
             key == "metadata" || key == "allowed-tools"));
    }
    requireBlockStyle(front, "front matter");
    // description: what it does and when to use it.
    const std::string description = front["description"].as<std::string>();
    CHECK(description.size() <= 1024);
    CHECK(description.find("Use when") != std::string::npos);
    // metadata: a map of strings; `openclaw` is the one object (ClawHub reads nothing else).
    for (const auto& entry : front["metadata"]) {
      INFO(entry.first.Scalar());
      if (entry.first.Scalar() == "openclaw") {
        CHECK(entry.second.IsMap());
      } else {
        CHECK(entry.second.IsScalar());
      }
    }
    // Body under 500 lines, as the format recommends.
    const std::string body = text.substr(text.find("\n---\n", 4) + 5);
    CHECK(std::count(body.begin(), body.end(), '\n') < 500);

    // ClawHub / OpenClaw: the skill is ready only where this skill's MCP server is registered
    // (the installer registers it under mcp.servers.<slug>), and the token is optional.
    const YAML::Node openclaw = front["metadata"]["openclaw"];
    REQUIRE(openclaw.IsMap());
    CHECK(openclaw["primaryEnv"].as<std::string>() == "NEMO_TOKEN");
    CHECK_FALSE(openclaw["requires"]["env"].IsDefined());
    REQUIRE(openclaw["requires"]["config"].IsSequence());
    CHECK(openclaw["requires"]["config"][0].as<std::string>() == "mcp.servers." + slug);

    // The server reads the same file (schema included) without complaint.
    const auto parsed = nemo::skill::parseSkillManifest(text);
    INFO(parsed.error);
    CHECK(parsed);
  }
}

TEST_CASE("each skill folder is also a Claude Code and a Cursor plugin of that one skill", "[nemo][manifest][format]") {
  for (const auto& folder : skillFolders()) {
    const std::string slug = folder.filename().string();
    INFO(slug);
    const auto manifest = nemo::skill::loadBundledManifest(slug);
    REQUIRE(manifest);
    for (const char* file : {".claude-plugin/plugin.json", ".cursor-plugin/plugin.json"}) {
      INFO(file);
      const json plugin = json::parse(readFile(folder / file));
      CHECK(plugin["name"] == slug);
      CHECK(plugin["version"] == manifest.manifest->version);
      CHECK(plugin["skills"] == json::array({"./"}));
    }
    // Cursor's manifest takes no field beyond those its reference lists.
    const json cursor = json::parse(readFile(folder / ".cursor-plugin/plugin.json"));
    for (const auto& [key, value] : cursor.items()) {
      INFO(key);
      CHECK(std::set<std::string>{"name", "displayName", "description", "version", "author", "publisher", "homepage",
                                  "repository", "license", "logo", "keywords", "category", "tags", "commands",
                                  "agents", "skills", "rules", "hooks", "variables", "mcpServers"}
                .contains(key));
    }
    CHECK(cursor["mcpServers"] == "./.mcp.json");
    // The plugin starts the server through the npm package, for this very skill.
    const json mcp = json::parse(readFile(folder / ".mcp.json"));
    CHECK(mcp["mcpServers"][slug]["command"] == "npx");
    CHECK(mcp["mcpServers"][slug]["args"] == json::array({"-y", "nemo-video-mcp", "--skill", slug}));
  }
  // The marketplace lists every skill folder as a plugin.
  const json market = json::parse(readFile(fs::path(NEMO_SOURCE_DIR) / ".claude-plugin" / "marketplace.json"));
  std::vector<std::string> listed;
  for (const auto& plugin : market["plugins"]) {
    listed.push_back(plugin["name"].get<std::string>());
    CHECK(plugin["source"] == "./manifests/" + plugin["name"].get<std::string>());
  }
  CHECK(listed == nemo::skill::bundledSkillSlugs());
}

TEST_CASE("the attribution headers come from the skill's name and metadata version", "[nemo][manifest][format]") {
  for (const auto& slug : nemo::skill::bundledSkillSlugs()) {
    INFO(slug);
    nemo::app::Options options;
    options.skill = slug;
    const auto configuration = nemo::app::resolveConfiguration(options);
    REQUIRE(configuration.error.empty());
    const YAML::Node front = YAML::Load(frontMatterOf(readFile(kManifests / slug / "SKILL.md")));
    CHECK(configuration.client.skillSlug == front["name"].as<std::string>());
    CHECK(configuration.client.skillVersion == front["metadata"]["version"].as<std::string>());
  }
}
