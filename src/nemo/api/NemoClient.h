// The NemoVideo cloud API as calls: attribution headers from the skill manifest on every
// request, the bearer token's life (NEMO_TOKEN, the cache, an anonymous token; a 1001 answer
// refreshes it once, a 429 waits and retries once), and answers turned into data or an ApiError.
// Thread-safe: tool calls share one client.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/HttpClient.h"
#include "nemo/api/ApiError.h"
#include "nemo/api/Credentials.h"

namespace nemo::api {

using nlohmann::json;

inline constexpr const char* kProductionBaseUrl = "https://mega-api-prod.nemovideo.ai";
inline constexpr const char* kRegisterUrl = "https://nemovideo.com/register";

struct ClientConfig {
  std::string baseUrl = kProductionBaseUrl;
  std::string skillSlug;
  std::string skillVersion;
  std::string skillPlatform = "unknown";
  std::optional<std::string> environmentToken;  // NEMO_TOKEN
  std::string registerUrl = kRegisterUrl;
  std::chrono::milliseconds rateLimitWait{30'000};
  std::string acceptedFormats;  // for error messages
  std::string uploadLimit;
};

// How a caller follows and stops a call: its stop token, a sink for progress lines (e.g. "rate
// limited, retrying in 30 s"), and the time by which the tool call must be answered: requests and
// waits are cut to fit it, whatever the backend does.
struct CallControl {
  std::stop_token stop;
  std::function<void(const std::string&)> note;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

struct ApiResult {
  json data = json::object();  // the envelope's data (or the whole answer when it has none)
  json raw;                     // the whole answer
  std::string rawBody;          // the answer's bytes, as received (the draft goes back verbatim)
  std::optional<ApiError> error;
  bool ok() const { return !error.has_value(); }
};

enum class Envelope { Code, Success };  // {"code":0,"data":..} or {"success":true,"data":..}

struct ApiCall {
  std::string method = "GET";
  std::string path;             // e.g. "/api/credits/balance/simple"
  json body;                    // null: no body
  std::string rawBody;          // a body already serialized (sent as JSON instead of `body`)
  Envelope envelope = Envelope::Code;
  std::vector<http::FilePart> files;  // multipart upload
  std::chrono::milliseconds totalTimeout{60'000};
  std::chrono::seconds idleTimeout{60};
  std::function<void(std::uint64_t, std::uint64_t)> onProgress;
};

// Where a token comes from, for doctor and logs (never the token itself).
enum class TokenSource { None, Environment, Cache, Anonymous };

class NemoClient {
 public:
  NemoClient(ClientConfig config, std::shared_ptr<http::HttpClient> http, std::shared_ptr<Credentials> credentials);

  const ClientConfig& config() const { return config_; }

  ApiResult createSession(const std::string& taskName, const std::string& language, const CallControl& control);
  ApiResult credits(const CallControl& control);
  ApiResult state(const std::string& sessionId, const CallControl& control);

  // Any endpoint, with auth, the retry rules and the error table applied.
  ApiResult call(const ApiCall& call, const CallControl& control);

  // Sends an authorised request whose body is read as a stream (the chat's SSE). The 1001 and
  // 429 rules apply only while nothing has been streamed yet. `onChunk` returns false to stop.
  struct StreamOutcome {
    http::Result transport;
    std::optional<ApiError> error;  // an error answer instead of a stream, or a failed transport
  };
  StreamOutcome stream(const std::string& path, const json& body, std::function<bool(std::string_view)> onChunk,
                       std::chrono::seconds idleTimeout, const CallControl& control);

  // An authorised GET written to a file (the render download fallback).
  ApiResult download(const std::string& path, const std::filesystem::path& target, const CallControl& control,
                     std::function<void(std::uint64_t, std::uint64_t)> onProgress = {});

  // The user id NemoVideo gave with the token or a session (for the 2001 registration link).
  std::string userId() const;
  void rememberUserId(const std::string& userId);
  TokenSource tokenSource() const;
  ErrorContext errorContext() const;
  std::string origin() const { return origin_; }

  // Makes sure a token is at hand (env, cache, or a new anonymous one); the error otherwise.
  std::optional<ApiError> ensureToken(const CallControl& control);

 private:
  std::vector<std::pair<std::string, std::string>> headers(const std::string& token) const;
  // Gets a new anonymous token unless another call or process already replaced `rejected`
  // (empty when there was none): the backend allows one token per client id a week.
  std::optional<ApiError> fetchAnonymousToken(const CallControl& control, const std::string& rejected);
  // The 1001 and 429 rules, shared by call() and stream(): true when the request should be
  // sent again (a new token is in place, or the rate-limit wait is over).
  bool retryAfter(ApiError& error, const std::string& token, bool& refreshed, bool& waited, const CallControl& control,
                  std::optional<ApiError>& failure);
  // The error in an answer, or nullopt when it is a success.
  std::optional<ApiError> errorIn(const http::Result& result, const json& body, Envelope envelope) const;
  enum class Waited { Done, Cancelled, NoTime };
  Waited waitForRateLimit(const CallControl& control);
  // 429 when waiting is not possible (no time left) or did not help.
  ApiError rateLimited(Waited how) const;
  // NemoVideo refuses new free tokens until `until`: say so, and what the user can do now.
  ApiError tokenRefused(const std::string& until) const;
  std::string currentToken() const;

  ClientConfig config_;
  std::string origin_;
  std::shared_ptr<http::HttpClient> http_;
  std::shared_ptr<Credentials> credentials_;
  mutable std::mutex mutex_;
  std::string token_;
  TokenSource tokenSource_ = TokenSource::None;
  std::string userId_;
  std::mutex fetchMutex_;  // one anonymous-token request at a time: the backend allows one a week
};

}  // namespace nemo::api
