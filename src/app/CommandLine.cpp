#include "app/CommandLine.h"

#include <cstdlib>
#include <string_view>

namespace nemo::app {
namespace {

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

}  // namespace

std::string usageText() {
  return R"(nemo-video-mcp: an MCP server (stdio) that lets AI agents make videos with NemoVideo.

Usage:
  nemo-video-mcp [options]            serve MCP on stdin/stdout (what MCP clients start)
  nemo-video-mcp doctor [options]     check the set-up: manifest, folders, token, network, credits
  nemo-video-mcp --help | --version

Options:
  --skill <slug>        skill manifest to serve (env NEMO_SKILL; default video-generator-free-no-limits)
  --base-url <url>      NemoVideo API (env NEMO_BASE_URL; default https://mega-api-prod.nemovideo.ai)
  --log-level <level>   trace|debug|info|warn|error|off (env NEMO_LOG_LEVEL; default info)
  --log-file <path>     log to this file instead of stderr (env NEMO_LOG_FILE)

Environment:
  NEMO_TOKEN            use this NemoVideo token (never written to disk)
  NEMO_OUTPUT_DIR       where finished videos go (default ~/Videos/NemoVideo)
  XDG_CONFIG_HOME       token cache: $XDG_CONFIG_HOME/nemo-video-mcp (default ~/.config/...)
  XDG_STATE_HOME        sessions and render jobs: $XDG_STATE_HOME/nemo-video-mcp (default ~/.local/state/...)
  NEMO_CHAT_IDLE_SECONDS       a chat stream silent this long is given up (default 180)
  NEMO_PROGRESS_INTERVAL_MS    longest silence of progress while a call waits (default 10000)
  NEMO_RENDER_POLL_MS          first render status poll interval (default 3000, grows to 30000)
  NEMO_RATE_LIMIT_WAIT_MS      wait before retrying a 429 (default 30000)
  NEMO_DEFAULT_WAIT_SECONDS    longest a call takes without wait_seconds (default 45)
  NEMO_TASK_WINDOW_MS          a call still running after this becomes an MCP task, for
                               clients that declare the tasks extension (default 5000)
)";
}

Options parseCommandLine(int argc, const char* const* argv) {
  Options options;
  if (auto value = environment("NEMO_SKILL"); !value.empty()) options.skill = value;
  if (auto value = environment("NEMO_BASE_URL"); !value.empty()) options.baseUrl = value;
  if (auto value = environment("NEMO_LOG_LEVEL"); !value.empty()) options.logLevel = value;
  if (auto value = environment("NEMO_LOG_FILE"); !value.empty()) options.logFile = value;

  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto takeValue = [&](std::string& into) {
      auto equals = arg.find('=');
      if (equals != std::string_view::npos) {
        into = std::string(arg.substr(equals + 1));
        return true;
      }
      if (i + 1 >= argc) {
        options.error = "option " + std::string(arg) + " needs a value";
        return false;
      }
      into = argv[++i];
      return true;
    };
    auto is = [&](std::string_view name) { return arg == name || arg.rfind(std::string(name) + "=", 0) == 0; };
    if (arg == "--help" || arg == "-h") {
      options.command = "help";
    } else if (arg == "--version" || arg == "-V") {
      options.command = "version";
    } else if (is("--skill")) {
      if (!takeValue(options.skill)) return options;
    } else if (is("--base-url")) {
      if (!takeValue(options.baseUrl)) return options;
    } else if (is("--log-level")) {
      if (!takeValue(options.logLevel)) return options;
    } else if (is("--log-file")) {
      if (!takeValue(options.logFile)) return options;
    } else if (!arg.empty() && arg.front() == '-') {
      options.error = "unknown option " + std::string(arg);
      return options;
    } else if (options.command == "serve" && options.rest.empty()) {
      options.command = std::string(arg);
    } else {
      options.rest.emplace_back(arg);
    }
  }
  return options;
}

}  // namespace nemo::app
