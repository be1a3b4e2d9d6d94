// End-to-end: the command line a person uses: --help, --version, bad flags, and `doctor` with
// a good and a broken set-up (one line per check, a fix for each failure, never the token).
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>

#include "e2e/support/Backend.h"
#include "e2e/support/ServerProcess.h"

using namespace nemo::e2e;

namespace {

struct Run {
  int code;
  std::string output;
};

// Runs the binary to completion and returns its exit code and everything it printed.
Run runBinary(const std::vector<std::string>& args, const std::filesystem::path& home, const std::string& baseUrl,
              std::map<std::string, std::string> env = {}) {
  ServerProcess process({.baseUrl = baseUrl, .home = home, .env = std::move(env), .args = args});
  process.closeInput();
  auto code = process.waitExit(20s);
  REQUIRE(code);
  std::string output;
  for (const auto& line : process.stdoutLines()) output += line + "\n";
  return {*code, output + process.stderrText()};
}

}  // namespace

TEST_CASE("cli: --help, --version and bad flags", "[e2e][cli]") {
  TempDir home;
  auto help = runBinary({"--help"}, home.path(), {});
  CHECK(help.code == 0);
  CHECK(help.output.find("doctor") != std::string::npos);
  CHECK(help.output.find("--skill") != std::string::npos);
  auto version = runBinary({"--version"}, home.path(), {});
  CHECK(version.code == 0);
  CHECK(version.output.find("2026-07-28") != std::string::npos);
  CHECK(version.output.find("2024-11-05") != std::string::npos);
  auto bad = runBinary({"--frobnicate"}, home.path(), {});
  CHECK(bad.code == 2);
  CHECK(bad.output.find("unknown option --frobnicate") != std::string::npos);
  auto level = runBinary({"--log-level", "chatty"}, home.path(), {});
  CHECK(level.code == 2);
}

TEST_CASE("doctor: a good set-up passes every check without showing the token", "[e2e][cli]") {
  Backend backend;
  TempDir home;
  auto run = runBinary({"doctor"}, home.path(), backend.baseUrl());
  INFO(run.output);
  CHECK(run.code == 0);
  CHECK(run.output.find("All checks passed.") != std::string::npos);
  CHECK(run.output.find("[ ok ] credits: 100 available") != std::string::npos);
  CHECK(run.output.find("[FAIL]") == std::string::npos);
  // The token doctor obtained is cached and reported by source only.
  auto again = runBinary({"doctor"}, home.path(), backend.baseUrl());
  CHECK(again.output.find("token: cached in") != std::string::npos);
  for (const auto& request : backend.requestsTo("/api/credits")) {
    auto token = request["headers"]["authorization"].get<std::string>().substr(7);
    CHECK(run.output.find(token) == std::string::npos);
    CHECK(again.output.find(token) == std::string::npos);
  }
  CHECK(backend.requestsTo("/api/auth/anonymous-token").size() == 1);
}

TEST_CASE("doctor: a broken set-up names each problem and its fix", "[e2e][cli]") {
  TempDir home;
  auto config = home.path() / ".config" / "nemo-video-mcp";
  std::filesystem::create_directories(config);
  ::chmod(config.c_str(), 0755);
  auto run = runBinary({"doctor"}, home.path(), "http://127.0.0.1:9");
  INFO(run.output);
  CHECK(run.code == 1);
  CHECK(run.output.find("[FAIL] config folder") != std::string::npos);
  CHECK(run.output.find("chmod 700") != std::string::npos);
  CHECK(run.output.find("[FAIL] network") != std::string::npos);
  auto unknownSkill = runBinary({"doctor", "--skill", "nope"}, home.path(), "http://127.0.0.1:9");
  CHECK(unknownSkill.code == 1);
  CHECK(unknownSkill.output.find("ai-to-video") != std::string::npos);
}

TEST_CASE("doctor: lists the clients that run this server and flags a command that is gone", "[e2e][cli]") {
  Backend backend;
  TempDir home;
  const auto write = [](const std::filesystem::path& file, const std::string& text) {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << text;
  };
  // Cursor: JSONC, our server by its absolute path (this very binary), and someone else's server.
  write(home.path() / ".cursor" / "mcp.json", std::string("// mine\n{\"mcpServers\": {\"ai-to-video\": {\"command\": \"") +
                                                  NEMO_SERVER_BINARY +
                                                  "\", \"args\": [\"--skill\", \"ai-to-video\"]},\n"
                                                  "\"other\": {\"command\": \"/bin/true\"},}}\n");
  // Claude Code: an install whose binary was deleted since.
  write(home.path() / ".claude.json",
        R"({"mcpServers": {"video-generation-free": {"type": "stdio", "command": "/gone/nemo-video-mcp", "args": ["--skill", "video-generation-free"]}}})");
  auto run = runBinary({"doctor"}, home.path(), backend.baseUrl());
  INFO(run.output);
  CHECK(run.code == 1);
  CHECK(run.output.find(std::string("[ ok ] client Cursor: ") + (home.path() / ".cursor" / "mcp.json").string() +
                        ": \"ai-to-video\" runs " + NEMO_SERVER_BINARY + " --skill ai-to-video") != std::string::npos);
  CHECK(run.output.find("\"other\"") == std::string::npos);
  CHECK(run.output.find("[FAIL] client Claude Code: ") != std::string::npos);
  CHECK(run.output.find("/gone/nemo-video-mcp --skill video-generation-free, which cannot be run") != std::string::npos);
  CHECK(run.output.find("scripts/install.sh --skill video-generation-free --target claude-code") != std::string::npos);

  // Nothing registered: a warning with the way to register, not a failure.
  TempDir empty;
  auto none = runBinary({"doctor"}, empty.path(), backend.baseUrl());
  CHECK(none.code == 0);
  CHECK(none.output.find("[warn] clients: no agent client configuration lists nemo-video-mcp yet") != std::string::npos);
}
