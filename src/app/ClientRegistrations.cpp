// Reads each client's MCP configuration where that client keeps it, and picks out the servers
// that start nemo-video-mcp (directly, or through `npx nemo-video-mcp`).
#include "app/ClientRegistrations.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support/Jsonc.h"
#include "support/Subprocess.h"
#include "support/UntrustedJson.h"

namespace nemo::app {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::string_view kProgram = "nemo-video-mcp";

struct ClientFile {
  const char* client;
  const char* installTarget;
  fs::path file;
  std::vector<std::string> serversPath;  // keys leading to the map of servers
};

std::vector<ClientFile> clientFiles(const fs::path& home, const fs::path& xdgConfigHome) {
  const char* openclaw = std::getenv("OPENCLAW_CONFIG_PATH");
#ifdef __APPLE__
  const fs::path desktop = home / "Library" / "Application Support" / "Claude" / "claude_desktop_config.json";
#else
  const fs::path desktop = xdgConfigHome / "Claude" / "claude_desktop_config.json";
#endif
  return {
      {"Cursor", "cursor", home / ".cursor" / "mcp.json", {"mcpServers"}},
      {"Claude Code", "claude-code", home / ".claude.json", {"mcpServers"}},
      {"Claude Desktop", "claude-desktop", desktop, {"mcpServers"}},
      {"OpenClaw", "openclaw", openclaw != nullptr && *openclaw == '/' ? fs::path(openclaw) : home / ".openclaw" / "openclaw.json",
       {"mcp", "servers"}},
  };
}

bool runsOurProgram(const std::string& command, const std::vector<std::string>& args) {
  if (fs::path(command).filename() == kProgram) return true;
  // `npx -y nemo-video-mcp --skill ...` (the npm package)
  for (const auto& arg : args) {
    if (arg == kProgram || arg.starts_with(std::string(kProgram) + "@")) return true;
  }
  return false;
}

bool canRun(const std::string& command) {
  if (command.find('/') != std::string::npos) return ::access(command.c_str(), X_OK) == 0 && fs::is_regular_file(command);
  return support::programOnPath(command);
}

ClientConfig read(const ClientFile& source) {
  ClientConfig config{source.client, source.installTarget, source.file, {}, {}};
  std::ifstream in(source.file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  // Another program's file: read with the same depth limits as any JSON from outside.
  const json data = support::parseJsonOrDiscarded(support::jsoncToJson(text.str()));
  if (data.is_discarded()) {
    config.error = "not valid JSON";
    return config;
  }
  const json* servers = &data;
  for (const auto& key : source.serversPath) {
    if (!servers->is_object() || !servers->contains(key)) return config;
    servers = &(*servers)[key];
  }
  if (!servers->is_object()) return config;
  for (const auto& [name, entry] : servers->items()) {
    if (!entry.is_object() || !entry.contains("command") || !entry["command"].is_string()) continue;
    Registration registration{name, entry["command"].get<std::string>(), {}, false};
    if (entry.contains("args") && entry["args"].is_array()) {
      for (const auto& arg : entry["args"]) {
        if (arg.is_string()) registration.args.push_back(arg.get<std::string>());
      }
    }
    if (!runsOurProgram(registration.command, registration.args)) continue;
    registration.commandFound = canRun(registration.command);
    config.servers.push_back(std::move(registration));
  }
  return config;
}

}  // namespace

std::vector<ClientConfig> findClientRegistrations(const fs::path& home, const fs::path& xdgConfigHome) {
  std::vector<ClientConfig> found;
  for (const auto& source : clientFiles(home, xdgConfigHome)) {
    std::error_code ec;
    if (fs::is_regular_file(source.file, ec)) found.push_back(read(source));
  }
  return found;
}

}  // namespace nemo::app
