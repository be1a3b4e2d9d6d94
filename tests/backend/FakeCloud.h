// The fake NemoVideo cloud: sessions, tokens, renders, configuration and the request log behind
// one mutex, and the routes of the API host and of the CDN host that serves render outputs.
#pragma once

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <vector>

namespace nemo::testbackend {

// Handlers run on httplib's worker threads; every member is guarded by mu_. Nothing sleeps or
// writes to a socket while holding it.
class FakeCloud {
public:
  FakeCloud();

  // Must be called before either server listens. The CDN port goes into output URLs.
  void install(httplib::Server& api, httplib::Server& cdn, int cdnPort);

  // Wakes every handler that sleeps (delay_ms, SSE pauses) so shutdown is not held up.
  void shutdown();

private:
  // Which error envelope an endpoint speaks: {"code",...} or the render endpoints' {"success",...}.
  enum class Family { Nemo, Render };
  struct FailRule {
    int code = 0;
    int http = 200;
    std::string message;
    int remaining = 1;  // -1: forever
    std::string rawBody;  // non-empty: sent as text/html instead of a JSON envelope (a proxy's page)
  };
  struct Session {
    std::string id, taskId, userId, language;
    nlohmann::json draft = nlohmann::json::object();
    nlohmann::json videoInfos = nlohmann::json::array();
    nlohmann::json generatedMedia = nlohmann::json::array();
    int turns = 0;
  };
  struct Render {
    std::string id, sessionId;
    nlohmann::json steps;  // snapshot of render_steps at start
    std::string failReason;
    std::size_t polls = 0;
    std::string status = "pending";
    int progress = 0;
    bool cancelled = false;
  };
  struct Token {
    std::string clientId, userId;
    bool revoked = false;
  };
  struct UploadItem {
    std::string filename;
    std::uint64_t size = 0, hash = 0;
  };
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

  void resetLocked();
  nlohmann::json defaultConfig() const;
  void applyConfig(const nlohmann::json& patch);  // locked by the caller

  // Request log.
  std::uint64_t record(const char* host, const httplib::Request& req, std::uint64_t bodySize,
                       const nlohmann::json& files);
  void finish(std::uint64_t id, int status);

  // The common path of every API endpoint: log, delay, attribution, token, injected failure.
  Handler gated(const std::string& endpoint, Family family, Handler handler);
  bool gate(const std::string& endpoint, Family family, const httplib::Request& req,
            httplib::Response& res);
  void delay(const std::string& endpoint);
  bool sleepFor(int ms);  // false when shutdown interrupted it

  // Endpoints.
  void anonymousToken(const httplib::Request& req, httplib::Response& res);
  void createSession(const httplib::Request& req, httplib::Response& res);
  void runSse(const httplib::Request& req, httplib::Response& res);
  void upload(const httplib::Request& req, httplib::Response& res,
              const httplib::ContentReader& reader);
  void registerUploads(const std::string& sessionId, const std::vector<UploadItem>& items,
                       httplib::Response& res);
  void credits(const httplib::Request& req, httplib::Response& res);
  void state(const httplib::Request& req, httplib::Response& res);
  void renderStart(const httplib::Request& req, httplib::Response& res);
  void renderStatus(const httplib::Request& req, httplib::Response& res);
  void renderCancel(const httplib::Request& req, httplib::Response& res);
  void download(const httplib::Request& req, httplib::Response& res);
  void cdnOutput(const httplib::Request& req, httplib::Response& res);
  void control(httplib::Server& server);

  void applyEditLocked(Session& s, const nlohmann::json& edit, const std::string& message);
  nlohmann::json renderView(Render& r);  // one poll: advances the render
  std::string randomHex(std::size_t chars);
  static nlohmann::json uploadAnswerShaped(const std::string& shape, const nlohmann::json& ok,
                                           const nlohmann::json& errors);

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  int cdnPort_ = 0;
  std::mt19937_64 rng_;

  nlohmann::json log_ = nlohmann::json::array();
  std::uint64_t nextLogId_ = 1;
  nlohmann::json config_;
  std::map<std::string, FailRule> fail_;
  std::deque<nlohmann::json> sseTurns_;
  nlohmann::json draftForAll_;  // null unless a test set one for every session
  std::map<std::string, Session> sessions_;
  std::map<std::string, Render> renders_;
  std::map<std::string, Token> tokens_;
  std::map<std::string, int> tokensPerClient_;
};

}  // namespace nemo::testbackend
