// Test harness for the real nemo-video-mcp binary: starts it with Boost.Process in its own
// temporary HOME/XDG folders, speaks newline-delimited JSON-RPC to it over real pipes, and keeps
// everything it wrote (stdout lines, stderr) so tests can assert on it, e.g. that no token leaked.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/process.hpp>
#include <nlohmann/json.hpp>

namespace nemo::e2e {

using nlohmann::json;
using namespace std::chrono_literals;

// A fresh folder under /tmp, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct ServerOptions {
  std::string baseUrl;                          // NEMO_BASE_URL
  std::filesystem::path home;                   // HOME; XDG folders live beneath it
  std::map<std::string, std::string> env;       // extra variables (e.g. NEMO_TOKEN, LANG)
  std::vector<std::string> args;                // extra command-line arguments
  std::string binary = NEMO_SERVER_BINARY;
};

class ServerProcess {
 public:
  explicit ServerProcess(ServerOptions options);
  ~ServerProcess();

  void sendRaw(const std::string& line);  // written as given, plus "\n"
  void send(const json& message);

  // Sends a request with a fresh numeric id and waits for its response.
  json request(const std::string& method, json params = json::object(), std::chrono::milliseconds timeout = 20s);
  json requestWithId(const json& id, const std::string& method, json params = json::object(),
                     std::chrono::milliseconds timeout = 20s);
  // Sends initialize + notifications/initialized (2025 era); returns the initialize result.
  json initialize(const std::string& version = "2025-06-18");
  // A tools/call; progressToken set when given. Returns the whole response.
  json callTool(const std::string& name, json arguments = json::object(), std::optional<json> progressToken = {},
                std::chrono::milliseconds timeout = 20s);

  // Waits for a message matching the predicate among those received (old and new).
  std::optional<json> waitFor(const std::function<bool(const json&)>& match, std::chrono::milliseconds timeout);
  std::optional<json> waitForResponse(const json& id, std::chrono::milliseconds timeout);
  std::vector<json> messages() const;  // everything parsed from stdout so far
  std::vector<std::string> stdoutLines() const;
  std::string stderrText() const;
  std::vector<json> notifications(const std::string& method) const;

  void closeInput();
  // Waits for the process to exit; the exit code, or nullopt on timeout.
  std::optional<int> waitExit(std::chrono::milliseconds timeout);
  bool running();
  int pid() const;
  const std::filesystem::path& home() const { return options_.home; }
  std::filesystem::path configDir() const { return options_.home / ".config" / "nemo-video-mcp"; }
  std::filesystem::path stateDir() const { return options_.home / ".local" / "state" / "nemo-video-mcp"; }

 private:
  void readLoop();
  ServerOptions options_;
  std::filesystem::path stderrPath_;
  boost::process::opstream in_;
  boost::process::ipstream out_;
  boost::process::child child_;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<std::string> lines_;
  std::vector<json> messages_;
  int nextId_ = 1000;
  bool inputClosed_ = false;
};

}  // namespace nemo::e2e
