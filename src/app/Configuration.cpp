#include "app/Configuration.h"

#include <algorithm>
#include <cstdlib>

#include <spdlog/spdlog.h>

#include "http/HttpClient.h"
#include "nemo/api/Platform.h"
#include "support/Paths.h"

namespace nemo::app {
namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

std::optional<long> environmentNumber(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  char* end = nullptr;
  long number = std::strtol(value, &end, 10);
  if (end == value || *end != '\0' || number <= 0) {
    spdlog::warn("ignoring {}={}: expected a positive whole number", name, value);
    return std::nullopt;
  }
  return number;
}

Configuration resolveConfiguration(const Options& options) {
  Configuration configuration;
  const auto executable = api::currentExecutablePath();
  std::string slug = options.skill;
  configuration.skillChosenBy = "--skill or NEMO_SKILL";
  if (slug.empty()) {
    // A binary copied into a skill folder (~/.openclaw/skills/<slug>/) serves that skill by itself.
    const std::string folder = api::skillOfFolder(executable);
    const auto known = skill::bundledSkillSlugs();
    const bool bundled = std::find(known.begin(), known.end(), folder) != known.end();
    slug = bundled ? folder : std::string(skill::kDefaultSkill);
    configuration.skillChosenBy = bundled ? "the skill folder this binary is installed in" : "the default";
  }
  auto parsed = skill::loadBundledManifest(slug);
  if (!parsed) {
    configuration.error = parsed.error;
    return configuration;
  }
  configuration.manifest = parsed.manifest;
  const auto& manifest = *parsed.manifest;

  auto& config = configuration.client;
  config.baseUrl = options.baseUrl.empty() ? std::string(api::kProductionBaseUrl) : options.baseUrl;
  if (config.baseUrl.rfind("https://", 0) != 0 &&
      !(config.baseUrl.rfind("http://", 0) == 0 && http::isLoopbackUrl(config.baseUrl))) {
    configuration.error = "the base URL must use https (plain http is allowed only for loopback hosts): " + config.baseUrl;
    return configuration;
  }
  config.skillSlug = manifest.slug;
  config.skillVersion = manifest.version;
  config.skillPlatform = api::detectSkillPlatform(executable, support::homeDirectory());
  if (const char* token = std::getenv("NEMO_TOKEN"); token != nullptr && *token != '\0') config.environmentToken = token;
  if (auto wait = environmentNumber("NEMO_RATE_LIMIT_WAIT_MS")) config.rateLimitWait = std::chrono::milliseconds(*wait);
  config.acceptedFormats = joined(manifest.formats);
  config.uploadLimit = std::to_string(manifest.uploadMaxBytes / (1024 * 1024)) + " MB";
  return configuration;
}

}  // namespace nemo::app
