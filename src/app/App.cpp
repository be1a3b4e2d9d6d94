#include "app/App.h"

#include <cstdlib>
#include <iostream>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "app/Configuration.h"
#include "app/Doctor.h"
#include "http/HttpClient.h"
#include "mcp/Protocol.h"
#include "mcp/Server.h"
#include "nemo/api/Credentials.h"
#include "nemo/api/Sessions.h"
#include "support/Logging.h"
#include "support/Paths.h"
#include "tools/ToolSupport.h"

namespace nemo::app {
namespace {

constexpr const char* kInstructions =
    "NemoVideo makes and edits videos in the cloud. Typical flow: create_session, upload the user's media, chat "
    "with the video editor in plain words (\"generate a 30-second promo with a title\"), then export to get an MP4 "
    "on disk. Every result has `message`, the sentence to tell the user, and usually `next`, the exact next call: "
    "follow it. A turn or render still running is continued with its turn_id or render_id, never started again (a "
    "repeated generation turn is charged twice). The connection and token are automatic: never ask the user for a "
    "token, never show tokens or raw JSON.";

// The skill's prompts menu; a manifest without one offers its "Try saying" examples.
std::vector<mcp::Prompt> promptsOf(const skill::SkillManifest& manifest) {
  std::vector<mcp::Prompt> prompts;
  for (const auto& prompt : manifest.prompts) {
    std::vector<mcp::PromptArgument> arguments;
    for (const auto& argument : prompt.arguments) arguments.push_back({argument.name, argument.description, argument.required});
    prompts.push_back(mcp::Prompt{prompt.name, prompt.title, prompt.description, prompt.text, std::move(arguments)});
  }
  if (!prompts.empty()) return prompts;
  int index = 1;
  for (const auto& example : manifest.examplePrompts) {
    prompts.push_back(mcp::Prompt{"example-" + std::to_string(index++), example,
                                  "An example request for " + manifest.displayName, example, {}});
  }
  return prompts;
}

// The version the binary reports: its own and the protocol revisions it speaks.
std::string versionText() {
  std::string text = "nemo-video-mcp " NEMO_VERSION "\nMCP protocol versions: " + std::string(mcp::kModernVersion);
  for (auto version : mcp::kLegacyVersions) text += ", " + std::string(version);
  return text + "\n";
}

int serve(const Configuration& configuration) {
  const auto& manifest = *configuration.manifest;
  const auto& config = configuration.client;
  spdlog::info("nemo-video-mcp {} serving skill {} {} (platform {}) against {}", NEMO_VERSION, manifest.slug,
               manifest.version, config.skillPlatform, config.baseUrl);

  // Nothing below touches the network or the disk until a tool is called.
  auto http = http::makeCurlHttpClient();
  auto credentials = std::make_shared<api::Credentials>(support::configDirectory() / "credentials.json");
  auto client = std::make_shared<api::NemoClient>(config, http, credentials);
  auto sessions = std::make_shared<api::Sessions>(support::stateDirectory() / "sessions.json", client->origin());
  chat::ChatTurnOptions turnOptions;
  if (auto idle = environmentNumber("NEMO_CHAT_IDLE_SECONDS")) turnOptions.idleTimeout = std::chrono::seconds(*idle);
  renders::RenderOptions renderOptions;
  if (auto poll = environmentNumber("NEMO_RENDER_POLL_MS")) renderOptions.firstPoll = std::chrono::milliseconds(*poll);
  tools::Services services{client, sessions, std::make_shared<chat::ChatTurns>(client, turnOptions),
                           std::make_shared<renders::Renders>(client, http, support::stateDirectory() / "renders.json",
                                                              renderOptions)};
  if (auto interval = environmentNumber("NEMO_PROGRESS_INTERVAL_MS")) {
    services.progressInterval = std::chrono::milliseconds(*interval);
  }
  if (auto bound = environmentNumber("NEMO_DEFAULT_WAIT_SECONDS")) services.defaultWait = std::chrono::seconds(*bound);

  mcp::ToolRegistry registry;
  tools::registerCreateSessionTool(registry, services);
  tools::registerChatTool(registry, services);
  tools::registerUploadTool(registry, services, tools::UploadLimits{manifest.formats, manifest.uploadMaxBytes});
  tools::registerCreditsTool(registry, services);
  tools::registerStateTool(registry, services);
  tools::registerExportTool(registry, services);

  mcp::TaskOptions taskOptions;
  taskOptions.file = support::stateDirectory() / "tasks.json";
  if (auto window = environmentNumber("NEMO_TASK_WINDOW_MS")) taskOptions.firstWindow = std::chrono::milliseconds(*window);
  mcp::Server server(mcp::ServerIdentity{"nemo-video-mcp", manifest.displayName, NEMO_VERSION, kInstructions},
                     registry, promptsOf(manifest), taskOptions);
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

}  // namespace

int run(const Options& options) {
  // help, version and doctor are commands for a person at a terminal: they print on stdout.
  // Only `serve` speaks MCP there.
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
  if (options.command == "doctor") {
    support::setupLogging(options.logFile.empty() ? spdlog::level::off : *level, options.logFile);
    return runDoctor(resolveConfiguration(options), std::cout);
  }
  support::setupLogging(*level, options.logFile);
  if (options.command != "serve") {
    std::cerr << "nemo-video-mcp: unknown command '" << options.command << "'\n" << usageText();
    return 2;
  }
  auto configuration = resolveConfiguration(options);
  if (!configuration.error.empty()) {
    spdlog::critical("{}", configuration.error);
    std::cerr << "nemo-video-mcp: " << configuration.error << "\n";
    return 2;
  }
  return serve(configuration);
}

}  // namespace nemo::app
