// Test harness for the fake NemoVideo cloud: starts nemo-test-backend as a child process and
// drives its control API (/_test/...) so an end-to-end test can script and inspect the cloud.
#pragma once

#include <nlohmann/json.hpp>

#include <boost/process.hpp>

#include <string>
#include <vector>

namespace nemo::e2e {

// One backend process per instance, stopped by the destructor (stdin closed, killed after 2 s).
// Not thread-safe itself; the backend it controls serves any number of concurrent clients.
class Backend {
public:
  // Starts the binary (NEMO_BACKEND_BINARY unless given) and waits for its port line.
  explicit Backend(const std::string& binary = NEMO_BACKEND_BINARY);
  ~Backend();
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  int port() const { return port_; }
  int cdnPort() const { return cdnPort_; }
  std::string baseUrl() const;  // http://127.0.0.1:<port>, what NEMO_BASE_URL should be
  std::string cdnUrl() const;   // http://127.0.0.1:<cdn_port>

  // POST /_test/config: merges settings (see tests/backend/main.cpp for the keys). Throws when
  // the backend rejects them, so a typo in a test fails loudly.
  void configure(const nlohmann::json& settings);
  // POST /_test/reset: log, configuration and state back to a fresh start.
  void reset();
  // POST /_test/reset?only=log
  void clearLog();
  // GET /_test/requests: every API and CDN request so far, oldest first.
  nlohmann::json requests() const;
  // The logged requests whose path starts with `prefix` (and, if given, have that method).
  nlohmann::json requestsTo(const std::string& prefix, const std::string& method = {}) const;
  // The bearer tokens the API received, in order (to check that none leaked anywhere else).
  std::vector<std::string> issuedTokens() const;
  // GET /_test/state: sessions, renders and token counts.
  nlohmann::json state() const;

private:
  nlohmann::json get(const std::string& path) const;
  nlohmann::json post(const std::string& path, const std::string& body) const;

  boost::process::opstream in_;
  boost::process::ipstream out_;
  boost::process::child child_;
  int port_ = 0;
  int cdnPort_ = 0;
};

}  // namespace nemo::e2e
