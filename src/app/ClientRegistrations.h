// Which agent clients on this machine list a nemo-video-mcp server, read from their own
// configuration files (for `doctor`): the client, the server's name, its command line, and
// whether that command can run.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace nemo::app {

struct Registration {
  std::string server;                 // the name the client knows it by (usually the skill's slug)
  std::string command;                // as written in the file
  std::vector<std::string> args;
  bool commandFound = false;          // an executable file, or a program on PATH
};

struct ClientConfig {
  std::string client;                 // "Cursor", "Claude Code", "Claude Desktop", "OpenClaw"
  std::string installTarget;          // the scripts/install.sh --target that writes this file
  std::filesystem::path file;
  std::string error;                  // non-empty: the file exists but could not be read
  std::vector<Registration> servers;  // only the entries that run nemo-video-mcp
};

// The client files that exist under `home` (and `xdgConfigHome` for Claude Desktop on Linux;
// OPENCLAW_CONFIG_PATH when set), each with the nemo-video-mcp servers it lists. Files that
// do not exist are left out. JSONC is read; OpenClaw's JSON5 only where it is also JSONC.
std::vector<ClientConfig> findClientRegistrations(const std::filesystem::path& home,
                                                  const std::filesystem::path& xdgConfigHome);

}  // namespace nemo::app
