#include "e2e/support/ServerProcess.h"

#include <fstream>
#include <random>
#include <sstream>

namespace bp = boost::process;

namespace nemo::e2e {

TempDir::TempDir() {
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() / ("nemo-e2e-" + std::to_string(random()) + std::to_string(random()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

ServerProcess::ServerProcess(ServerOptions options) : options_(std::move(options)) {
  stderrPath_ = options_.home / ("server-stderr-" + std::to_string(std::random_device()()) + ".log");
  auto env = boost::this_process::environment();
  bp::environment childEnv;
  for (const char* keep : {"PATH", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
    if (env.count(keep) != 0) childEnv[keep] = env[keep].to_string();
  }
  childEnv["HOME"] = options_.home.string();
  childEnv["XDG_CONFIG_HOME"] = (options_.home / ".config").string();
  childEnv["XDG_STATE_HOME"] = (options_.home / ".local" / "state").string();
  childEnv["NEMO_OUTPUT_DIR"] = (options_.home / "Videos").string();
  childEnv["NEMO_LOG_LEVEL"] = "debug";
  childEnv["LANG"] = "en_US.UTF-8";
  if (!options_.baseUrl.empty()) childEnv["NEMO_BASE_URL"] = options_.baseUrl;
  for (const auto& [key, value] : options_.env) {
    if (value.empty()) childEnv.erase(key);
    else childEnv[key] = value;
  }
  child_ = bp::child(options_.binary, bp::args(options_.args), bp::std_in < in_, bp::std_out > out_,
                     bp::std_err > stderrPath_.string(), childEnv);
  reader_ = std::thread([this] { readLoop(); });
}

ServerProcess::~ServerProcess() {
  closeInput();
  if (!waitExit(5s)) {
    std::error_code ec;
    child_.terminate(ec);
  }
  if (reader_.joinable()) reader_.join();
}

void ServerProcess::readLoop() {
  std::string line;
  while (std::getline(out_, line)) {
    auto parsed = json::parse(line, nullptr, false);
    std::lock_guard lock(mutex_);
    lines_.push_back(line);
    messages_.push_back(parsed.is_discarded() ? json{{"__unparsed", line}} : parsed);
    arrived_.notify_all();
  }
}

void ServerProcess::sendRaw(const std::string& line) {
  in_ << line << '\n';
  in_.flush();
}

void ServerProcess::send(const json& message) { sendRaw(message.dump()); }

json ServerProcess::requestWithId(const json& id, const std::string& method, json params,
                                  std::chrono::milliseconds timeout) {
  json message{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) message["params"] = std::move(params);
  std::size_t before;
  {
    std::lock_guard lock(mutex_);
    before = messages_.size();
  }
  send(message);
  // Only an answer after this send counts: an id may have been used before.
  auto response = waitFor(
      [&, seen = std::size_t(0)](const json& m) mutable {
        return seen++ >= before && m.is_object() && m.contains("id") && m["id"] == id && !m.contains("method");
      },
      timeout);
  if (!response) throw std::runtime_error("no response to " + method + " within the timeout; stderr:\n" + stderrText());
  return *response;
}

json ServerProcess::request(const std::string& method, json params, std::chrono::milliseconds timeout) {
  int id;
  {
    std::lock_guard lock(mutex_);
    id = nextId_++;
  }
  return requestWithId(id, method, std::move(params), timeout);
}

json ServerProcess::initialize(const std::string& version) {
  auto response = request("initialize", {{"protocolVersion", version},
                                         {"capabilities", json::object()},
                                         {"clientInfo", {{"name", "e2e"}, {"version", "1"}}}});
  send({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
  return response.value("result", json());
}

json ServerProcess::callTool(const std::string& name, json arguments, std::optional<json> progressToken,
                             std::chrono::milliseconds timeout) {
  json params{{"name", name}, {"arguments", std::move(arguments)}};
  if (progressToken) params["_meta"] = {{"progressToken", *progressToken}};
  return request("tools/call", std::move(params), timeout);
}

std::optional<json> ServerProcess::waitFor(const std::function<bool(const json&)>& match,
                                           std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  std::size_t checked = 0;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    for (; checked < messages_.size(); ++checked) {
      if (match(messages_[checked])) return messages_[checked];
    }
    if (arrived_.wait_until(lock, deadline) == std::cv_status::timeout && checked == messages_.size()) {
      return std::nullopt;
    }
  }
}

std::optional<json> ServerProcess::waitForResponse(const json& id, std::chrono::milliseconds timeout) {
  return waitFor(
      [&](const json& m) { return m.is_object() && m.contains("id") && m["id"] == id && !m.contains("method"); },
      timeout);
}

std::vector<json> ServerProcess::messages() const {
  std::lock_guard lock(mutex_);
  return messages_;
}

std::vector<std::string> ServerProcess::stdoutLines() const {
  std::lock_guard lock(mutex_);
  return lines_;
}

std::vector<json> ServerProcess::notifications(const std::string& method) const {
  std::lock_guard lock(mutex_);
  std::vector<json> out;
  for (const auto& m : messages_) {
    if (m.is_object() && m.value("method", "") == method) out.push_back(m);
  }
  return out;
}

std::string ServerProcess::stderrText() const {
  std::ifstream in(stderrPath_);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void ServerProcess::closeInput() {
  if (inputClosed_) return;
  inputClosed_ = true;
  in_.pipe().close();
}

std::optional<int> ServerProcess::waitExit(std::chrono::milliseconds timeout) {
  // Polling running() (waitpid WNOHANG) avoids child::wait_for, which misbehaves in Boost 1.74.
  std::error_code ec;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (child_.running(ec)) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(5ms);
  }
  // The process is gone, so its stdout reaches end of file: let the reader take the last lines.
  if (reader_.joinable()) reader_.join();
  return child_.exit_code();
}

bool ServerProcess::running() {
  std::error_code ec;
  return child_.running(ec);
}

int ServerProcess::pid() const { return child_.id(); }

}  // namespace nemo::e2e
