#include "app/App.h"

#include <cstdlib>
#include <iostream>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "http/HttpClient.h"
#include "mcp/Protocol.h"
#include "mcp/Server.h"
#include "nemo/Credentials.h"
#include "nemo/NemoClient.h"
#include "nemo/Platform.h"
#include "nemo/Sessions.h"
#include "nemo/SkillManifest.h"
#include "support/Logging.h"
#include "support/Paths.h"
#include "tools/ToolSupport.h"

namespace nemo::app {
namespace {

constexpr const char* kInstructions =
    "NemoVideo makes and edits videos in the cloud. Typical flow: create_session, upload the user's media, chat "
    "with the video editor in plain words (\"generate a 30-second promo with a title\"), check state, then export "
    "to get an MP4 on disk. The connection and token are automatic: never ask the user for a token and never show "
    "tokens or raw JSON. Calls return within about a minute; when a result says a turn or render is still running, "
    "call chat with its turn_id or export with its render_id to keep waiting. Never re-send a chat message: a "
    "repeated generation turn is charged twice.";

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string megabytes(std::uint64_t bytes) { return std::to_string(bytes / (1024 * 1024)) + " MB"; }

// The prompts of the skill's "Try saying" list.
std::vector<mcp::Prompt> promptsOf(const api::SkillManifest& manifest) {
  std::vector<mcp::Prompt> prompts;
  int index = 1;
  for (const auto& example : manifest.examplePrompts) {
    prompts.push_back(mcp::Prompt{"example-" + std::to_string(index++), example,
                                  "An example request for " + manifest.displayName, example});
  }
  return prompts;
}

// A positive whole number from the environment (the timing knobs tests and power users turn).
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

// The version the binary reports: its own and the protocol revisions it speaks.
std::string versionText() {
  std::string text = "nemo-video-mcp " NEMO_VERSION "\nMCP protocol versions: " + std::string(mcp::kModernVersion);
  for (auto version : mcp::kLegacyVersions) text += ", " + std::string(version);
  return text + "\n";
}

}  // namespace

int run(const Options& options) {
  if (options.command == "help") {
    std::cout << usageText();
    return 0;
  }
  if (options.command == "version") {
    std::cout << versionText();
    return 0;
  }
  auto level = support::parseLogLevel(options.logLevel);
  if (!level) {
    std::cerr << "nemo-video-mcp: unknown log level '" << options.logLevel << "'\n";
    return 2;
  }
  support::setupLogging(*level, options.logFile);
  if (options.command != "serve") {
    std::cerr << "nemo-video-mcp: unknown command '" << options.command << "'\n" << usageText();
    return 2;
  }

  auto slug = options.skill.empty() ? std::string(api::kDefaultSkill) : options.skill;
  auto parsed = api::loadBundledManifest(slug);
  if (!parsed) {
    spdlog::critical("{}", parsed.error);
    std::cerr << "nemo-video-mcp: " << parsed.error << "\n";
    return 2;
  }
  const auto& manifest = *parsed.manifest;

  api::ClientConfig config;
  config.baseUrl = options.baseUrl.empty() ? std::string(api::kProductionBaseUrl) : options.baseUrl;
  if (config.baseUrl.rfind("https://", 0) != 0 &&
      !(config.baseUrl.rfind("http://", 0) == 0 && http::isLoopbackUrl(config.baseUrl))) {
    std::cerr << "nemo-video-mcp: the base URL must use https (plain http is allowed only for loopback hosts): "
              << config.baseUrl << "\n";
    return 2;
  }
  config.skillSlug = manifest.slug;
  config.skillVersion = manifest.version;
  config.skillPlatform = api::detectSkillPlatform(api::currentExecutablePath(), support::homeDirectory());
  if (const char* token = std::getenv("NEMO_TOKEN"); token != nullptr && *token != '\0') {
    config.environmentToken = token;
  }
  if (auto wait = environmentNumber("NEMO_RATE_LIMIT_WAIT_MS")) config.rateLimitWait = std::chrono::milliseconds(*wait);
  config.acceptedFormats = joined(manifest.formats);
  config.uploadLimit = megabytes(manifest.uploadMaxBytes);
  spdlog::info("nemo-video-mcp {} serving skill {} {} (platform {}) against {}", NEMO_VERSION, manifest.slug,
               manifest.version, config.skillPlatform, config.baseUrl);

  // Nothing below touches the network or the disk until a tool is called.
  auto credentials = std::make_shared<api::Credentials>(support::configDirectory() / "credentials.json");
  auto http = http::makeCurlHttpClient();
  auto client = std::make_shared<api::NemoClient>(config, http, credentials);
  auto sessions = std::make_shared<api::Sessions>(support::stateDirectory() / "sessions.json", client->origin());
  api::ChatTurnOptions turnOptions;
  if (auto idle = environmentNumber("NEMO_CHAT_IDLE_SECONDS")) turnOptions.idleTimeout = std::chrono::seconds(*idle);
  api::RenderOptions renderOptions;
  if (auto poll = environmentNumber("NEMO_RENDER_POLL_MS")) renderOptions.firstPoll = std::chrono::milliseconds(*poll);
  tools::Services services{client, sessions, std::make_shared<api::ChatTurns>(client, turnOptions),
                           std::make_shared<api::Renders>(client, http, support::stateDirectory() / "renders.json",
                                                          renderOptions)};
  if (auto interval = environmentNumber("NEMO_PROGRESS_INTERVAL_MS")) {
    services.progressInterval = std::chrono::milliseconds(*interval);
  }

  mcp::ToolRegistry registry;
  tools::registerCreateSessionTool(registry, services);
  tools::registerChatTool(registry, services);
  tools::registerUploadTool(registry, services, tools::UploadLimits{manifest.formats, manifest.uploadMaxBytes});
  tools::registerCreditsTool(registry, services);
  tools::registerStateTool(registry, services);
  tools::registerExportTool(registry, services);

  mcp::Server server(mcp::ServerIdentity{"nemo-video-mcp", manifest.displayName, NEMO_VERSION, kInstructions},
                     registry, promptsOf(manifest));
  bool drained = server.serve(STDIN_FILENO, STDOUT_FILENO);
  if (!drained) {
    // A call that ignores its stop token must not keep the process alive after the client left.
    spdlog::warn("some calls did not finish in time after the input closed; exiting anyway");
    spdlog::shutdown();
    std::_Exit(0);
  }
  spdlog::info("input closed; bye");
  return 0;
}

}  // namespace nemo::app
