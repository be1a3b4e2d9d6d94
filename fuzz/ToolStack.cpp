#include "ToolStack.h"

#include "nemo/skill/SkillManifest.h"
#include "support/Paths.h"

namespace nemo::fuzz {

ToolStack::ToolStack(ToolStackOptions options) : backend_(std::make_shared<FakeBackend>()) {
  static const auto manifest = *skill::loadBundledManifest(skill::kDefaultSkill).manifest;
  api::ClientConfig config;
  config.baseUrl = "http://127.0.0.1:9";  // never dialled: every request ends in the FakeBackend
  config.skillSlug = manifest.slug;
  config.skillVersion = manifest.version;
  config.environmentToken = options.environmentToken;
  config.rateLimitWait = std::chrono::milliseconds(0);  // a fuzzed 429 must not cost 30 s per input
  config.acceptedFormats = "mp4, png";
  config.uploadLimit = "200 MB";

  auto credentials = std::make_shared<api::Credentials>(support::configDirectory() / "credentials.json");
  auto client = std::make_shared<api::NemoClient>(config, backend_, credentials);
  chat::ChatTurnOptions turnOptions;
  turnOptions.idleTimeout = options.chatIdle;
  renders::RenderOptions renderOptions;
  renderOptions.firstPoll = options.firstRenderPoll;
  renderOptions.maxPollFailures = 1;
  services_ = tools::Services{
      client, std::make_shared<api::Sessions>(support::stateDirectory() / "sessions.json", client->origin()),
      std::make_shared<chat::ChatTurns>(client, turnOptions),
      std::make_shared<renders::Renders>(client, backend_, support::stateDirectory() / "renders.json", renderOptions),
      std::chrono::milliseconds(100)};

  auto wanted = [&](const char* name) { return options.onlyTool.empty() || options.onlyTool == name; };
  if (wanted("create_session")) tools::registerCreateSessionTool(registry_, services_);
  if (wanted("chat")) tools::registerChatTool(registry_, services_);
  if (wanted("upload")) {
    tools::registerUploadTool(registry_, services_, tools::UploadLimits{manifest.formats, manifest.uploadMaxBytes});
  }
  if (wanted("credits")) tools::registerCreditsTool(registry_, services_);
  if (wanted("state")) tools::registerStateTool(registry_, services_);
  if (wanted("export")) tools::registerExportTool(registry_, services_);
}

ToolStack::~ToolStack() {
  // The tools hold copies of services_: stop the background work before anything is destroyed.
  services_.turns->cancelAll();
}

}  // namespace nemo::fuzz
