// Tests of the skill manifests: the five bundled SKILL.md files against the seeds' values, and
// the errors a broken front matter gives (each must name the field at fault).
#include "nemo/skill/SkillManifest.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "support/EmbeddedFiles.h"

using namespace nemo::skill;

namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;

const std::vector<std::string> kAllFormats{"mp4", "mov", "avi", "webm", "mkv", "jpg", "png",
                                           "gif", "webp", "mp3", "wav", "m4a", "aac"};

// A valid manifest whose front matter lines can be swapped one at a time: top-level fields by
// their name, metadata entries by "metadata.<key>" (an empty line drops the field).
std::string manifestWith(const std::map<std::string, std::string>& replace = {}) {
  std::map<std::string, std::string> lines{
      {"name", "name: demo-skill"},
      {"description", "description: \"A demo: nothing more.\""},
      {"metadata.display-name", "  display-name: Demo Skill"},
      {"metadata.version", "  version: \"2.3.4\""},
      {"metadata.upload-max-mb", "  upload-max-mb: \"50\""},
      {"metadata.formats", "  formats: mp4 png"},
      {"metadata.example-prompts", "  example-prompts: |-\n    make a video\n    export it"},
      {"metadata.mcp-command", "  mcp-command: nemo-video-mcp"},
      {"metadata.mcp-args", "  mcp-args: --skill demo-skill"},
  };
  for (const auto& [key, line] : replace) lines[key] = line;
  std::string top;
  std::string metadata;
  for (const auto& [key, line] : lines) {
    if (line.empty()) continue;
    (key.starts_with("metadata.") ? metadata : top) += line + "\n";
  }
  if (!lines.contains("metadata")) top += "metadata:\n" + metadata;
  return "---\n" + top + "---\n# Demo\nBody text.\n";
}

std::string errorOf(const std::string& text) {
  const ManifestParse parsed = parseSkillManifest(text);
  REQUIRE_FALSE(parsed);
  REQUIRE_FALSE(parsed.manifest.has_value());
  return parsed.error;
}

}  // namespace

TEST_CASE("the five published skills are bundled", "[nemo][manifest]") {
  CHECK(bundledSkillSlugs() == std::vector<std::string>{"ai-to-video", "video-generation-free",
                                                        "video-generator-free-gemini",
                                                        "video-generator-free-no-limits", "video-making-free-ai"});
  CHECK(std::string(kDefaultSkill) == "video-generator-free-no-limits");
  CHECK(loadBundledManifest(kDefaultSkill));
}

TEST_CASE("the manifest schema itself is valid JSON and bundled", "[nemo][manifest]") {
  const auto schema = nemo::support::embeddedFile("schemas/skill-manifest.schema.json");
  REQUIRE(schema.has_value());
  CHECK(nlohmann::json::accept(*schema));
}

TEST_CASE("each bundled manifest carries its seed's values", "[nemo][manifest]") {
  struct Expected {
    const char* slug;
    const char* displayName;
    std::uint64_t uploadMaxMb;
    const char* firstPrompt;
  };
  // Limits as the seeds state them ("Max file size is ..."); no seed gives a version, so 1.0.0.
  const Expected expected = GENERATE(
      Expected{"video-generator-free-no-limits", "Video Generator Free No Limits", 200, "generate my text or images"},
      Expected{"video-making-free-ai", "Video Making Free AI", 500, "create my video clips or images"},
      Expected{"video-generator-free-gemini", "Video Generator Free Gemini", 500,
               "generate a short text prompt describing a 30-second explainer video into a 1080p MP4"},
      Expected{"video-generation-free", "Video Generation Free", 500, "generate my text prompts"},
      Expected{"ai-to-video", "AI to Video", 50, "convert my text or prompts"});

  INFO(expected.slug);
  const ManifestParse parsed = loadBundledManifest(expected.slug);
  INFO(parsed.error);
  REQUIRE(parsed);
  const SkillManifest& m = *parsed.manifest;
  CHECK(m.slug == expected.slug);
  CHECK(m.displayName == expected.displayName);
  CHECK(m.version == "1.0.0");
  CHECK(m.uploadMaxBytes == expected.uploadMaxMb * kMiB);
  CHECK(m.formats == kAllFormats);
  REQUIRE(m.examplePrompts.size() == 3);
  CHECK(m.examplePrompts[0] == expected.firstPrompt);
  CHECK_FALSE(m.description.empty());

  // The body is the agent's guide: it must route every intent and explain the handles and errors.
  const auto lines = std::count(m.body.begin(), m.body.end(), '\n');
  CHECK(lines >= 55);
  CHECK(lines <= 100);
  CHECK(m.body.find("---") != 0);
  for (const char* needle : {"create_session", "`chat`", "`upload`", "`credits`", "`state`", "`export`", "turn_id",
                             "render_id", "导出", "积分", "余额", "状态", "上传", "1001", "1002", "2001", "4001",
                             "4002", "402", "429", "Timeline ("}) {
    INFO(needle);
    CHECK(m.body.find(needle) != std::string::npos);
  }
  CHECK(m.body.find(std::to_string(expected.uploadMaxMb) + " MB") != std::string::npos);
}

TEST_CASE("only ai-to-video takes documents as chat attachments", "[nemo][manifest]") {
  const auto ai = loadBundledManifest("ai-to-video");
  REQUIRE(ai);
  CHECK(ai.manifest->body.find("attachments") != std::string::npos);
  CHECK(ai.manifest->body.find(".docx") != std::string::npos);
  const auto other = loadBundledManifest("video-making-free-ai");
  REQUIRE(other);
  CHECK(other.manifest->body.find("attachments") == std::string::npos);
}

TEST_CASE("a valid manifest is read field by field", "[nemo][manifest]") {
  const ManifestParse parsed = parseSkillManifest(manifestWith());
  INFO(parsed.error);
  REQUIRE(parsed);
  const SkillManifest& m = *parsed.manifest;
  CHECK(parsed.error.empty());
  CHECK(m.slug == "demo-skill");
  CHECK(m.displayName == "Demo Skill");
  CHECK(m.description == "A demo: nothing more.");
  CHECK(m.version == "2.3.4");
  CHECK(m.uploadMaxBytes == 50 * kMiB);
  CHECK(m.formats == std::vector<std::string>{"mp4", "png"});
  CHECK(m.examplePrompts == std::vector<std::string>{"make a video", "export it"});
  CHECK(m.body == "# Demo\nBody text.\n");
}

TEST_CASE("front matter framing variants", "[nemo][manifest]") {
  SECTION("CRLF line ends and a BOM") {
    std::string text = "\xEF\xBB\xBF";
    for (char c : manifestWith()) {
      if (c == '\n') text += '\r';
      text += c;
    }
    const auto parsed = parseSkillManifest(text);
    INFO(parsed.error);
    REQUIRE(parsed);
    CHECK(parsed.manifest->version == "2.3.4");
  }
  SECTION("'...' closes the front matter and the body may be empty") {
    std::string text = manifestWith();
    text = text.substr(0, text.rfind("---\n# Demo")) + "...";
    const auto parsed = parseSkillManifest(text);
    INFO(parsed.error);
    REQUIRE(parsed);
    CHECK(parsed.manifest->body.empty());
  }
  SECTION("extra metadata keys are tolerated, and the optional Agent Skills fields") {
    CHECK(parseSkillManifest(manifestWith({{"metadata.zz", "  homepage: https://example.com"},
                                           {"license", "license: MIT"},
                                           {"compatibility", "compatibility: Needs the network"},
                                           {"allowed-tools", "allowed-tools: Read Bash(ls:*)"}})));
  }
  SECTION("the ClawHub block under metadata.openclaw") {
    const auto parsed = parseSkillManifest(manifestWith(
        {{"metadata.openclaw", "  openclaw:\n    emoji: x\n    primaryEnv: NEMO_TOKEN\n    requires:\n      config:\n"
                               "        - mcp.servers.demo-skill"}}));
    INFO(parsed.error);
    CHECK(parsed);
  }
}

TEST_CASE("broken front matter names what is wrong", "[nemo][manifest]") {
  SECTION("no front matter at all") {
    CHECK_THAT(errorOf("# Just markdown\n"), Catch::Contains("no YAML front matter"));
    CHECK_THAT(errorOf(""), Catch::Contains("no YAML front matter"));
  }
  SECTION("front matter never closed") {
    std::string text = manifestWith();
    text = text.substr(0, text.rfind("---\n"));
    CHECK_THAT(errorOf(text), Catch::Contains("not closed"));
  }
  SECTION("empty front matter") {
    CHECK_THAT(errorOf("---\n---\nbody\n"), Catch::Contains("mapping"));
  }
  SECTION("bad YAML, with its line") {
    const std::string error = errorOf(manifestWith({{"version", "version: [1.0.0"}}));
    CHECK_THAT(error, Catch::Contains("not valid YAML") && Catch::Contains("line"));
  }
  SECTION("bytes that are not UTF-8 (found by fuzz-skill-manifest)") {
    CHECK(errorOf(manifestWith({{"name", "name: demo\x98\x98\x98\x98\x98\x98\x98"}})) ==
          "front matter is not valid UTF-8");
  }
  SECTION("missing version") {
    CHECK(errorOf(manifestWith({{"metadata.version", ""}})) ==
          "front matter is missing the required field 'metadata.version'");
  }
  SECTION("missing metadata") {
    CHECK(errorOf(manifestWith({{"metadata", ""}})) == "front matter is missing the required field 'metadata'");
  }
  SECTION("a top-level field outside the Agent Skills format") {
    CHECK_THAT(errorOf(manifestWith({{"version", "version: 2.3.4"}})),
               Catch::StartsWith("front matter field 'version' is not part of the Agent Skills format"));
    CHECK_THAT(errorOf(manifestWith({{"display_name", "display_name: Demo"}})),
               Catch::StartsWith("front matter field 'display_name' is not part"));
  }
  SECTION("metadata values are strings") {
    CHECK(errorOf(manifestWith({{"metadata.version", "  version: 1.0"}})) ==
          "front matter field 'metadata.version' must be a string (got 1.0)");
    CHECK(errorOf(manifestWith({{"metadata.zz", "  zz: [a, b]"}})) ==
          "front matter field 'metadata.zz' must be a string (got [\"a\",\"b\"])");
  }
  SECTION("version not semver") {
    CHECK_THAT(errorOf(manifestWith({{"metadata.version", "  version: \"v1\""}})),
               Catch::StartsWith("front matter field 'metadata.version' must match") && Catch::Contains("\"v1\""));
  }
  SECTION("upload limit of the wrong form or range") {
    CHECK_THAT(errorOf(manifestWith({{"metadata.upload-max-mb", "  upload-max-mb: \"2.5\""}})),
               Catch::StartsWith("front matter field 'metadata.upload-max-mb' must match") &&
                   Catch::EndsWith("(got \"2.5\")"));
    CHECK_THAT(errorOf(manifestWith({{"metadata.upload-max-mb", "  upload-max-mb: \"0\""}})),
               Catch::StartsWith("front matter field 'metadata.upload-max-mb' must match"));
    CHECK(errorOf(manifestWith({{"metadata.upload-max-mb", "  upload-max-mb: \"999999\""}})) ==
          "front matter field 'metadata.upload-max-mb' must be at most 102400 (got \"999999\")");
    CHECK_THAT(errorOf(manifestWith({{"metadata.upload-max-mb", "  upload-max-mb: \"99999999999999999999\""}})),
               Catch::StartsWith("front matter field 'metadata.upload-max-mb' must match"));
  }
  SECTION("unknown format") {
    CHECK_THAT(errorOf(manifestWith({{"metadata.formats", "  formats: mp4 exe"}})),
               Catch::StartsWith("front matter field 'metadata.formats' must match") &&
                   Catch::EndsWith("(got \"mp4 exe\")"));
  }
  SECTION("bad slug") {
    CHECK_THAT(errorOf(manifestWith({{"name", "name: Demo_Skill"}})),
               Catch::StartsWith("front matter field 'name' must match"));
    CHECK_THAT(errorOf(manifestWith({{"name", "name: demo--skill"}})),
               Catch::StartsWith("front matter field 'name' must match"));
  }
  SECTION("a description longer than the format allows") {
    CHECK_THAT(errorOf(manifestWith({{"description", "description: " + std::string(1025, 'x')}})),
               Catch::StartsWith("front matter field 'description'"));
  }
  SECTION("a ClawHub field of the wrong type") {
    CHECK_THAT(errorOf(manifestWith({{"metadata.openclaw", "  openclaw:\n    os: linux"}})),
               Catch::StartsWith("front matter field 'metadata.openclaw.os' must be an array"));
    CHECK_THAT(errorOf(manifestWith({{"metadata.openclaw", "  openclaw:\n    primaryEnv: nemo token"}})),
               Catch::StartsWith("front matter field 'metadata.openclaw.primaryEnv' must match"));
  }
  SECTION("duplicate key") {
    CHECK(errorOf(manifestWith({{"zz", "name: other"}})) == "front matter field 'name' appears twice");
  }
  SECTION("launch line for another skill") {
    CHECK(errorOf(manifestWith({{"metadata.mcp-args", "  mcp-args: --skill other"}})) ==
          "front matter field 'metadata.mcp-args' must contain \"--skill demo-skill\"");
  }
  SECTION("a key that is not a name") {
    CHECK(errorOf("---\n? [a]\n: b\n---\n") == "front matter has a key that is not a plain name at the top level");
  }
  SECTION("an alias that refers to itself") {
    CHECK_THAT(errorOf("---\na: &x [*x]\n---\n"), Catch::StartsWith("front matter is nested too deeply"));
  }
  SECTION("an oversized front matter is refused before it is parsed") {
    const std::string huge = "description: \"" + std::string(20000, 'x') + "\"";
    CHECK(errorOf(manifestWith({{"description", huge}})) == "front matter is larger than 16 KiB");
  }
  SECTION("a long bad value is quoted only in part") {
    // Also: std::regex recurses per character, so a long name must not crash the pattern check.
    std::string name;
    while (name.size() < 15000) name += "a-";
    const std::string error = errorOf(manifestWith({{"name", "name: " + name + "a"}}));
    CHECK_THAT(error, Catch::StartsWith("front matter field 'name'") && Catch::EndsWith("...)"));
    CHECK(error.size() < 300);
  }
  SECTION("a front matter that is a list") {
    CHECK_THAT(errorOf("---\n- a\n- b\n---\n"), Catch::Contains("mapping"));
  }
}

TEST_CASE("an unknown skill lists the known ones", "[nemo][manifest]") {
  const ManifestParse parsed = loadBundledManifest("no-such-skill");
  REQUIRE_FALSE(parsed);
  CHECK_THAT(parsed.error, Catch::StartsWith("unknown skill 'no-such-skill'"));
  for (const auto& slug : bundledSkillSlugs()) CHECK_THAT(parsed.error, Catch::Contains(slug));
  CHECK_FALSE(loadBundledManifest("../schemas/skill-manifest.schema.json"));
  CHECK_FALSE(loadBundledManifest(""));
}

TEST_CASE("every bundled skill has a prompts menu a person picks from", "[nemo][manifest]") {
  for (const auto& slug : nemo::skill::bundledSkillSlugs()) {
    auto parsed = nemo::skill::loadBundledManifest(slug);
    INFO(slug << ": " << parsed.error);
    REQUIRE(parsed);
    CHECK(parsed.manifest->prompts.size() >= 2);
    for (const auto& prompt : parsed.manifest->prompts) CHECK(prompt.name.rfind("example-", 0) != 0);
  }
  std::string error;
  CHECK_FALSE(nemo::skill::parsePromptMenu(R"([{"name":"Bad Name","title":"t","description":"d","text":"x"}])", error));
  CHECK(error.find("Bad Name") != std::string::npos);
  CHECK(nemo::skill::parsePromptMenu(R"([{"name":"ok","title":"t","description":"d","text":"x {a}",
                                       "arguments":[{"name":"a","description":"an a","required":true}]}])",
                                   error)
            ->at(0)
            .arguments.at(0)
            .required);
}
