// Test harness for the fake NemoVideo cloud: starts nemo-test-backend as a child process and
// drives its control API (/_test/...) so an end-to-end test can script and inspect the cloud.
#include "e2e/support/Backend.h"

#include <httplib.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace nemo::e2e {

namespace bp = boost::process;
using nlohmann::json;

Backend::Backend(const std::string& binary)
    : child_(binary, bp::std_in < in_, bp::std_out > out_) {
  std::string line;
  if (!std::getline(out_, line)) throw std::runtime_error("nemo-test-backend printed no port line");
  const json ports = json::parse(line);
  port_ = ports.at("port").get<int>();
  cdnPort_ = ports.at("cdn_port").get<int>();
}

Backend::~Backend() {
  // EOF on stdin is the backend's signal to stop; a hung one is killed rather than waited for.
  in_.close();
  in_.pipe().close();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  std::error_code ec;
  while (child_.running(ec) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (child_.running(ec)) child_.terminate(ec);
  if (child_.valid()) child_.wait(ec);
}

std::string Backend::baseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }
std::string Backend::cdnUrl() const { return "http://127.0.0.1:" + std::to_string(cdnPort_); }

json Backend::get(const std::string& path) const {
  httplib::Client cli("127.0.0.1", port_);
  auto res = cli.Get(path.c_str());
  if (!res) throw std::runtime_error("backend control GET " + path + ": " + httplib::to_string(res.error()));
  if (res->status != 200)
    throw std::runtime_error("backend control GET " + path + ": HTTP " + std::to_string(res->status) + " " + res->body);
  return json::parse(res->body);
}

json Backend::post(const std::string& path, const std::string& body) const {
  httplib::Client cli("127.0.0.1", port_);
  auto res = cli.Post(path.c_str(), body, "application/json");
  if (!res) throw std::runtime_error("backend control POST " + path + ": " + httplib::to_string(res.error()));
  if (res->status != 200)
    throw std::runtime_error("backend control POST " + path + ": HTTP " + std::to_string(res->status) + " " + res->body);
  return json::parse(res->body);
}

void Backend::configure(const json& settings) { post("/_test/config", settings.dump()); }
void Backend::reset() { post("/_test/reset", "{}"); }
void Backend::clearLog() { post("/_test/reset?only=log", "{}"); }
json Backend::requests() const { return get("/_test/requests"); }
json Backend::state() const { return get("/_test/state"); }

json Backend::requestsTo(const std::string& prefix, const std::string& method) const {
  json out = json::array();
  for (const auto& r : requests()) {
    const std::string path = r.at("path");
    if (path.rfind(prefix, 0) == 0 && (method.empty() || r.at("method") == method)) out.push_back(r);
  }
  return out;
}

std::vector<std::string> Backend::issuedTokens() const {
  std::vector<std::string> tokens;
  for (const auto& request : requestsTo("/api/")) {
    auto auth = request["headers"].value("authorization", std::string());
    if (auth.rfind("Bearer ", 0) == 0) tokens.push_back(auth.substr(7));
  }
  return tokens;
}

}  // namespace nemo::e2e
