// Reads a SKILL.md: splits off the YAML front matter, turns it into JSON, checks it against the
// embedded schema and fills a SkillManifest. yaml-cpp throws; nothing escapes this file.
#include "nemo/skill/SkillManifest.h"

#include <algorithm>
#include <charconv>
#include <regex>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>
#include <yaml-cpp/yaml.h>

#include "support/EmbeddedFiles.h"
#include "support/UntrustedJson.h"
#include "support/Utf8.h"

namespace nemo::skill {
namespace {

using nlohmann::json;

constexpr std::string_view kSchemaPath = "schemas/skill-manifest.schema.json";
constexpr std::string_view kManifestDir = "manifests/";
constexpr std::string_view kManifestFile = "/SKILL.md";
// Bounds far above any real manifest (ours are under 1 KiB, 3 levels deep). They keep a hostile
// file from exhausting the stack: in yaml-cpp, in toJson, and in std::regex, which recurses per
// character when valijson matches a `pattern`.
constexpr int kMaxDepth = 32;
constexpr std::size_t kMaxFrontMatterBytes = 16 * 1024;
// A quoted value in an error message is cut here, so a long description cannot flood the log.
constexpr std::size_t kMaxQuotedValue = 80;
// Largest upload limit a manifest may give, in MiB (100 GiB).
constexpr std::uint64_t kMaxUploadMb = 102400;

ManifestParse failure(std::string message) { return ManifestParse{std::nullopt, std::move(message)}; }

struct FrontMatter {
  std::string_view yaml;
  std::string_view body;
  std::string error;
};

// One line without its terminator (and without a CR, so CRLF files work), and the rest after it.
std::pair<std::string_view, std::string_view> nextLine(std::string_view text) {
  const auto end = text.find('\n');
  std::string_view line = text.substr(0, end);
  std::string_view rest = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  return {line, rest};
}

FrontMatter splitFrontMatter(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // editors on Windows add a BOM
  auto [first, rest] = nextLine(text);
  if (first != "---") {
    return {{}, {}, "no YAML front matter: SKILL.md must start with a line '---'"};
  }
  const std::string_view yaml = rest;
  while (!rest.empty()) {
    const std::size_t offset = yaml.size() - rest.size();
    auto [line, after] = nextLine(rest);
    if (line == "---" || line == "...") return {yaml.substr(0, offset), after, {}};
    rest = after;
  }
  return {{}, {}, "front matter is not closed: no second line '---' after the first"};
}

// YAML 1.2 core schema resolution of an untagged plain scalar, so that `version: 1.0` is a number (refused where
// metadata wants a string) and `version: 1.0.0` a string, as a YAML reader in any other language sees them.
json plainScalar(const std::string& s) {
  static const std::regex kInteger("[-+]?[0-9]+");
  static const std::regex kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (s.size() > 64) return s;  // no number is this long; and std::regex recursion stays shallow
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (std::regex_match(s, kInteger)) {
    const char* begin = s.data() + (s.front() == '+' ? 1 : 0);
    std::int64_t value = 0;
    auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), value);
    if (ec == std::errc{} && ptr == s.data() + s.size()) return value;
  }
  if (std::regex_match(s, kFloat)) {
    double value = 0;
    const char* begin = s.data() + (s.front() == '+' ? 1 : 0);
    auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), value);
    if (ec == std::errc{} && ptr == s.data() + s.size()) return value;
  }
  return s;
}

// Converts a YAML node to JSON; on failure returns nullopt and sets `error`.
std::optional<json> toJson(const YAML::Node& node, const std::string& where, int depth, std::string& error) {
  if (depth > kMaxDepth) {
    error = "front matter is nested too deeply at '" + where + "'";
    return std::nullopt;
  }
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return json(nullptr);
    case YAML::NodeType::Scalar:
      // "?" marks a plain scalar; quoted scalars ("!") and explicit tags stay strings.
      return node.Tag() == "?" ? plainScalar(node.Scalar()) : json(node.Scalar());
    case YAML::NodeType::Sequence: {
      json array = json::array();
      for (std::size_t i = 0; i < node.size(); ++i) {
        auto item = toJson(node[i], where + "[" + std::to_string(i) + "]", depth + 1, error);
        if (!item) return std::nullopt;
        array.push_back(std::move(*item));
      }
      return array;
    }
    case YAML::NodeType::Map: {
      json object = json::object();
      for (const auto& entry : node) {
        if (!entry.first.IsScalar()) {
          error = "front matter has a key that is not a plain name " +
                  (where.empty() ? std::string("at the top level") : "under '" + where + "'");
          return std::nullopt;
        }
        const std::string key = entry.first.Scalar();
        const std::string path = where.empty() ? key : where + "." + key;
        if (object.contains(key)) {
          error = "front matter field '" + path + "' appears twice";
          return std::nullopt;
        }
        auto value = toJson(entry.second, path, depth + 1, error);
        if (!value) return std::nullopt;
        object[key] = std::move(*value);
      }
      return object;
    }
  }
  return json(nullptr);
}

// Parsed once: the schema is fixed at build time, and a unit test proves it parses.
// (valijson::Schema cannot be copied or moved, so the constructor builds it in place.)
struct CompiledSchema {
  json document;
  valijson::Schema schema;
  std::string error;

  CompiledSchema() {
    const auto text = support::embeddedFile(kSchemaPath);
    if (!text) {
      error = std::string(kSchemaPath) + " is not compiled into the binary";
      return;
    }
    document = json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded()) {
      error = std::string(kSchemaPath) + " is not valid JSON";
      return;
    }
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(document);
    parser.populateSchema(adapter, schema);
  }
};

const CompiledSchema& manifestSchema() {
  static const CompiledSchema compiled;
  return compiled;
}

// The schema rule a property's value must follow: its own under "properties", else the
// "additionalProperties" schema (metadata's "any other key is a string").
const json* ruleForProperty(const json* rule, const std::string& name) {
  if (!rule) return nullptr;
  if (rule->contains("properties") && (*rule)["properties"].contains(name)) return &(*rule)["properties"][name];
  if (rule->contains("additionalProperties") && (*rule)["additionalProperties"].is_object()) {
    return &(*rule)["additionalProperties"];
  }
  return nullptr;
}

std::string typeName(const json& type) {
  if (!type.is_string()) return "one of " + type.dump();
  const std::string name = type.get<std::string>();
  return (name == "integer" || name == "array" || name == "object" ? "an " : "a ") + name;
}

// Turns valijson's deepest error into a sentence that names the field, what it must be, and what it was.
std::string describeError(const valijson::ValidationResults::Error& error, const json& schema, const json& document) {
  std::string path;
  const json* value = &document;
  const json* rule = &schema;
  for (const auto& part : error.context) {
    if (part.size() < 2 || part.front() != '[' || part.back() != ']') continue;  // "<root>"
    const std::string name = part.substr(1, part.size() - 2);
    if (value && value->is_array()) {
      path += "[" + name + "]";
      std::size_t index = 0;
      std::from_chars(name.data(), name.data() + name.size(), index);
      value = index < value->size() ? &(*value)[index] : nullptr;
      rule = rule && rule->contains("items") ? &(*rule)["items"] : nullptr;
    } else {
      path += (path.empty() ? "" : ".") + name;
      value = value && value->is_object() && value->contains(name) ? &(*value)[name] : nullptr;
      rule = ruleForProperty(rule, name);
    }
  }

  const std::string& text = error.description;
  static const std::regex kUnknown("Object contains a property that could not be validated.*: '([^']*)'\\.");
  std::smatch unknown;
  if (std::regex_match(text, unknown, kUnknown)) {
    const std::string name = (path.empty() ? "" : path + ".") + unknown[1].str();
    if (path.empty()) {
      return "front matter field '" + name + "' is not part of the Agent Skills format (the fields are name, "
             "description, license, compatibility, metadata, allowed-tools; put others under metadata)";
    }
    return "front matter field '" + name + "' is not known";
  }
  static const std::regex kMissing("Missing required property '([^']*)'.*");
  std::smatch missing;
  if (std::regex_match(text, missing, kMissing)) {
    return "front matter is missing the required field '" + (path.empty() ? "" : path + ".") + missing[1].str() + "'";
  }
  const std::string field = path.empty() ? "front matter" : "front matter field '" + path + "'";
  std::string got;
  if (value) {
    // `replace` because dump() would throw on invalid UTF-8 from the file.
    got = value->dump(-1, ' ', false, json::error_handler_t::replace);
    if (got.size() > kMaxQuotedValue) got = got.substr(0, kMaxQuotedValue) + "...";
    got = " (got " + got + ")";
  }
  if (rule && text.find("'type' constraint") != std::string::npos && rule->contains("type")) {
    return field + " must be " + typeName((*rule)["type"]) + got;
  }
  if (rule && text.find("'pattern' constraint") != std::string::npos && rule->contains("pattern")) {
    return field + " must match " + (*rule)["pattern"].get<std::string>() + got;
  }
  if (rule && text.find("enum") != std::string::npos && rule->contains("enum")) {
    std::string allowed;
    for (const auto& item : (*rule)["enum"]) allowed += (allowed.empty() ? "" : ", ") + item.get<std::string>();
    return field + " must be one of " + allowed + got;
  }
  // valijson prints bounds as doubles ("1.000000"); the schema's own number reads better.
  if (rule && text.starts_with("Expected number greater") && rule->contains("minimum")) {
    return field + " must be at least " + (*rule)["minimum"].dump() + got;
  }
  if (rule && text.starts_with("Expected number less") && rule->contains("maximum")) {
    return field + " must be at most " + (*rule)["maximum"].dump() + got;
  }
  return field + ": " + text + got;
}

// Metadata values are strings (Agent Skills): lists are written as words or as lines.
std::vector<std::string> splitOn(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(separator, start), text.size());
    std::string item = text.substr(start, end - start);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\r')) item.pop_back();
    if (!item.empty()) out.push_back(std::move(item));
    start = end + 1;
  }
  return out;
}
std::vector<std::string> words(const std::string& text) { return splitOn(text, ' '); }
std::vector<std::string> lines(const std::string& text) { return splitOn(text, '\n'); }

ManifestParse parseUnguarded(std::string_view text) {
  const FrontMatter split = splitFrontMatter(text);
  if (!split.error.empty()) return failure(split.error);
  if (split.yaml.size() > kMaxFrontMatterBytes) {
    return failure("front matter is larger than " + std::to_string(kMaxFrontMatterBytes / 1024) + " KiB");
  }
  // valijson counts a string's characters (minLength) by reading past the end of a bad sequence.
  if (!support::isValidUtf8(split.yaml)) return failure("front matter is not valid UTF-8");

  YAML::Node root;
  try {
    root = YAML::Load(std::string(split.yaml));
  } catch (const YAML::Exception& e) {
    // The front matter starts on line 2 of the file; yaml-cpp counts from 0.
    return failure("front matter is not valid YAML (line " + std::to_string(e.mark.line + 2) + ", column " +
                   std::to_string(e.mark.column + 1) + "): " + e.msg);
  }
  if (!root.IsMap()) return failure("front matter must be a YAML mapping of keys such as 'name:' and 'version:'");

  std::string error;
  const auto document = toJson(root, "", 0, error);
  if (!document) return failure(error);

  const CompiledSchema& compiled = manifestSchema();
  if (!compiled.error.empty()) return failure(compiled.error);
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(*document);
  if (!validator.validate(compiled.schema, target, &results)) {
    // Containers repeat their children's failures with less detail; the deepest error says most.
    valijson::ValidationResults::Error deepest;
    valijson::ValidationResults::Error current;
    while (results.popError(current)) {
      if (deepest.description.empty() || current.context.size() > deepest.context.size()) deepest = current;
    }
    return failure(describeError(deepest, compiled.document, *document));
  }

  const json& doc = *document;
  const json& metadata = doc["metadata"];
  SkillManifest manifest;
  manifest.slug = doc["name"].get<std::string>();
  manifest.displayName = metadata["display-name"].get<std::string>();
  manifest.description = doc["description"].get<std::string>();
  manifest.version = metadata["version"].get<std::string>();
  // The schema allows 1 to 999999 (digits only); the bound keeps the byte count far from overflow.
  const std::uint64_t uploadMaxMb = std::stoull(metadata["upload-max-mb"].get<std::string>());
  if (uploadMaxMb > kMaxUploadMb) {
    return failure("front matter field 'metadata.upload-max-mb' must be at most " + std::to_string(kMaxUploadMb) +
                   " (got \"" + std::to_string(uploadMaxMb) + "\")");
  }
  // MiB rather than MB: a client check a little looser than the backend's never refuses a file
  // the backend would take, and the backend's own 4002 still covers the rest.
  manifest.uploadMaxBytes = uploadMaxMb * 1024 * 1024;
  manifest.formats = words(metadata["formats"].get<std::string>());
  manifest.examplePrompts = lines(metadata["example-prompts"].get<std::string>());
  manifest.body = std::string(split.body);

  // The launch line must start this very skill, or a client would send another skill's headers.
  const auto args = words(metadata["mcp-args"].get<std::string>());
  const auto flag = std::find(args.begin(), args.end(), "--skill");
  if (flag == args.end() || std::next(flag) == args.end() || *std::next(flag) != manifest.slug) {
    return failure("front matter field 'metadata.mcp-args' must contain \"--skill " + manifest.slug + "\"");
  }
  return ManifestParse{std::move(manifest), {}};
}

std::string manifestPath(std::string_view slug) {
  return std::string(kManifestDir) + std::string(slug) + std::string(kManifestFile);
}

}  // namespace

ManifestParse parseSkillManifest(std::string_view text) {
  try {
    return parseUnguarded(text);
  } catch (const std::exception& e) {
    // yaml-cpp and nlohmann may throw from corners not handled above (bad conversions, allocation).
    return failure(std::string("could not read the manifest: ") + e.what());
  }
}

std::vector<std::string> bundledSkillSlugs() {
  std::set<std::string> slugs;
  for (const auto& file : support::embeddedFiles()) {
    const std::string_view path = file.path;
    if (!path.starts_with(kManifestDir) || !path.ends_with(kManifestFile)) continue;
    const std::string_view slug =
        path.substr(kManifestDir.size(), path.size() - kManifestDir.size() - kManifestFile.size());
    if (!slug.empty() && slug.find('/') == std::string_view::npos) slugs.emplace(slug);
  }
  return {slugs.begin(), slugs.end()};
}

std::optional<std::vector<SkillPrompt>> parsePromptMenu(std::string_view text, std::string& error) {
  auto menu = support::parseJsonOrDiscarded(text);
  if (!menu.is_array()) {
    error = "the prompts menu is not a JSON array";
    return std::nullopt;
  }
  auto textOf = [](const json& object, const char* key) {
    return object.contains(key) && object[key].is_string() ? object[key].get<std::string>() : std::string();
  };
  static const std::regex kName("[a-z0-9]+(-[a-z0-9]+)*");
  std::vector<SkillPrompt> prompts;
  for (const auto& entry : menu) {
    if (!entry.is_object()) {
      error = "a prompts menu entry is not an object";
      return std::nullopt;
    }
    SkillPrompt prompt{textOf(entry, "name"), textOf(entry, "title"), textOf(entry, "description"),
                       textOf(entry, "text"), {}};
    if (!std::regex_match(prompt.name, kName) || prompt.title.empty() || prompt.description.empty() ||
        prompt.text.empty()) {
      error = "prompt '" + prompt.name + "' needs a name of [a-z0-9-], a title, a description and a text";
      return std::nullopt;
    }
    const auto& arguments = entry.contains("arguments") ? entry["arguments"] : json::array();
    if (!arguments.is_array()) {
      error = "prompt '" + prompt.name + "': arguments must be a list";
      return std::nullopt;
    }
    for (const auto& argument : arguments) {
      SkillPrompt::Argument parsed{textOf(argument, "name"), textOf(argument, "description"),
                                   argument.is_object() && argument.value("required", false) == true};
      if (parsed.name.empty() || parsed.description.empty()) {
        error = "prompt '" + prompt.name + "': each argument needs a name and a description";
        return std::nullopt;
      }
      prompt.arguments.push_back(std::move(parsed));
    }
    prompts.push_back(std::move(prompt));
  }
  return prompts;
}

ManifestParse loadBundledManifest(std::string_view slug) {
  const std::string path = manifestPath(slug);
  const auto text = support::embeddedFile(path);
  if (!text) {
    std::string known;
    for (const auto& name : bundledSkillSlugs()) known += (known.empty() ? "" : ", ") + name;
    return failure("unknown skill '" + std::string(slug) + "'; known skills: " + (known.empty() ? "(none)" : known));
  }
  ManifestParse parsed = parseSkillManifest(*text);
  if (!parsed) return failure(path + ": " + parsed.error);
  if (parsed.manifest->slug != slug) {
    return failure(path + ": front matter field 'name' is '" + parsed.manifest->slug + "', not '" +
                   std::string(slug) + "'");
  }
  const std::string menuPath = "manifests/" + std::string(slug) + "/prompts.json";
  if (const auto menu = support::embeddedFile(menuPath)) {
    std::string error;
    auto prompts = parsePromptMenu(*menu, error);
    if (!prompts) return failure(menuPath + ": " + error);
    parsed.manifest->prompts = std::move(*prompts);
  }
  return parsed;
}

}  // namespace nemo::skill
