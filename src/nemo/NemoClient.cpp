#include "nemo/NemoClient.h"

#include <thread>

#include <spdlog/spdlog.h>

#include "support/Files.h"
#include "support/JsonAccess.h"
#include "support/Secrets.h"

namespace nemo::api {
namespace {

ApiError transportError(const http::Result& result, const ErrorContext& context) {
  if (result.failure == http::Failure::Cancelled) return makeApiError(code::kCancelled, 0, result.message, context);
  return makeApiError(code::kNetwork, 0, result.message, context);
}

json parseBody(const std::string& body) {
  if (body.empty()) return json();
  auto parsed = json::parse(body, nullptr, false);
  return parsed.is_discarded() ? json() : parsed;
}

std::string messageOf(const json& body) {
  if (!body.is_object()) return {};
  for (const char* key : {"message", "msg", "error", "errorMessage"}) {
    if (body.contains(key) && body[key].is_string()) return support::redactSecrets(body[key].get<std::string>());
  }
  return {};
}

}  // namespace

NemoClient::NemoClient(ClientConfig config, std::shared_ptr<http::HttpClient> http,
                       std::shared_ptr<Credentials> credentials)
    : config_(std::move(config)),
      origin_(http::originOf(config_.baseUrl)),
      http_(std::move(http)),
      credentials_(std::move(credentials)) {
  while (!config_.baseUrl.empty() && config_.baseUrl.back() == '/') config_.baseUrl.pop_back();
  if (config_.environmentToken && !config_.environmentToken->empty()) {
    support::registerSecret(*config_.environmentToken);
  }
}

std::vector<std::pair<std::string, std::string>> NemoClient::headers(const std::string& token) const {
  std::vector<std::pair<std::string, std::string>> out{
      {"X-Skill-Source", config_.skillSlug},
      {"X-Skill-Version", config_.skillVersion},
      {"X-Skill-Platform", config_.skillPlatform},
      {"Accept", "application/json"},
  };
  if (!token.empty()) out.emplace_back("Authorization", "Bearer " + token);
  return out;
}

std::string NemoClient::userId() const {
  std::lock_guard lock(mutex_);
  return userId_;
}

void NemoClient::rememberUserId(const std::string& userId) {
  if (userId.empty()) return;
  std::lock_guard lock(mutex_);
  userId_ = userId;
}

TokenSource NemoClient::tokenSource() const {
  std::lock_guard lock(mutex_);
  return tokenSource_;
}

std::string NemoClient::currentToken() const {
  std::lock_guard lock(mutex_);
  return token_;
}

ErrorContext NemoClient::errorContext() const {
  ErrorContext context;
  context.userId = userId();
  context.registerUrl = config_.registerUrl;
  context.acceptedFormats = config_.acceptedFormats;
  context.uploadLimit = config_.uploadLimit;
  context.tokenFromEnvironment = config_.environmentToken.has_value() && !config_.environmentToken->empty();
  return context;
}

std::optional<ApiError> NemoClient::ensureToken(const CallControl& control) {
  {
    std::lock_guard lock(mutex_);
    if (!token_.empty()) return std::nullopt;
    if (config_.environmentToken && !config_.environmentToken->empty()) {
      token_ = *config_.environmentToken;
      tokenSource_ = TokenSource::Environment;
      return std::nullopt;
    }
  }
  if (auto cached = credentials_->cachedToken(origin_)) {
    std::lock_guard lock(mutex_);
    token_ = cached->token;
    tokenSource_ = TokenSource::Cache;
    if (userId_.empty()) userId_ = cached->userId;
    return std::nullopt;
  }
  return fetchAnonymousToken(control, {});
}

std::optional<ApiError> NemoClient::fetchAnonymousToken(const CallControl& control, const std::string& rejected) {
  std::lock_guard fetching(fetchMutex_);
  {
    std::lock_guard lock(mutex_);
    if (!token_.empty() && token_ != rejected) return std::nullopt;  // another call got one meanwhile
  }
  support::FileLock otherProcesses(credentials_->lockFile());
  // Another process may have got one while we waited: the cache is read from disk.
  if (auto cached = credentials_->cachedToken(origin_); cached && cached->token != rejected) {
    std::lock_guard lock(mutex_);
    token_ = cached->token;
    tokenSource_ = TokenSource::Cache;
    if (userId_.empty()) userId_ = cached->userId;
    return std::nullopt;
  }
  bool renewedClientId = false;
  bool waitedForRateLimit = false;
  for (;;) {
    if (control.note) control.note("Connecting to NemoVideo (getting a free token)...");
    http::Request request;
    request.method = "POST";
    request.url = config_.baseUrl + "/api/auth/anonymous-token";
    request.headers = headers({});
    request.headers.emplace_back("X-Client-Id", credentials_->clientId());
    request.totalTimeout = std::chrono::seconds(30);
    request.stop = control.stop;
    auto result = http_->send(request);
    if (!result.ok()) return transportError(result, errorContext());
    auto body = parseBody(result.response.body);
    auto error = errorIn(result, body, Envelope::Code);
    if (error && error->code == code::kMissingClientId && !renewedClientId) {
      credentials_->renewClientId();
      renewedClientId = true;
      continue;
    }
    if (error && error->code == code::kRateLimited && !waitedForRateLimit) {
      waitedForRateLimit = true;
      if (!waitForRateLimit(control)) return makeApiError(code::kCancelled, 0, {}, errorContext());
      continue;
    }
    if (error) return error;
    const auto& data = body.contains("data") ? body["data"] : body;
    if (!data.is_object() || !data.contains("token") || !data["token"].is_string() ||
        data["token"].get<std::string>().empty()) {
      return makeApiError(code::kServerError, static_cast<int>(result.response.status),
                          "the token answer had no data.token", errorContext());
    }
    // user_id and expires_at have no fixed type in the API's versions: read whatever came.
    CachedToken token{data["token"].get<std::string>(), support::textAt(data, "user_id"), support::textAt(data, "expires_at")};
    support::registerSecret(token.token);
    if (auto saveError = credentials_->saveToken(origin_, token)) {
      // Keep using it in memory: throwing a token away would burn the weekly allowance.
      spdlog::warn("could not cache the token: {}", *saveError);
    }
    std::lock_guard lock(mutex_);
    token_ = token.token;
    tokenSource_ = TokenSource::Anonymous;
    if (!token.userId.empty()) userId_ = token.userId;
    spdlog::info("obtained a free NemoVideo token");
    return std::nullopt;
  }
}

bool NemoClient::waitForRateLimit(const CallControl& control) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(config_.rateLimitWait).count();
  if (control.note) control.note("NemoVideo is rate limiting; retrying once in " + std::to_string(seconds) + " s...");
  auto deadline = std::chrono::steady_clock::now() + config_.rateLimitWait;
  auto lastNote = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < deadline) {
    if (control.stop.stop_requested()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (std::chrono::steady_clock::now() - lastNote >= std::chrono::seconds(10)) {
      lastNote = std::chrono::steady_clock::now();
      if (control.note) control.note("Still waiting for NemoVideo's rate limit...");
    }
  }
  return !control.stop.stop_requested();
}

std::optional<ApiError> NemoClient::errorIn(const http::Result& result, const json& body, Envelope envelope) const {
  auto status = static_cast<int>(result.response.status);
  int errorCode = 0;
  if (body.is_object()) {
    errorCode = support::intAt(body, "code");
    if (envelope == Envelope::Success && body.contains("success") && body["success"] == false && errorCode == 0) {
      errorCode = status >= 400 ? status : code::kServerError;
    }
  }
  // A 5xx is the backend's own trouble, whatever code its body carries.
  if (status >= 500) errorCode = code::kServerError;
  if (errorCode == 0 && status >= 400) {
    // Statuses that are themselves codes of the table; otherwise a server error.
    if (status == 400 || status == 402 || status == 429) errorCode = status;
    else if (status == 401) errorCode = code::kTokenInvalid;
    else errorCode = code::kServerError;
  }
  if (errorCode == 0 && (status < 200 || status >= 300)) errorCode = code::kServerError;
  if (errorCode == 0 && !body.is_object() && !result.response.body.empty()) {
    return makeApiError(code::kServerError, status, "the answer was not JSON", errorContext());
  }
  if (errorCode == 0) return std::nullopt;
  return makeApiError(errorCode, status, messageOf(body), errorContext());
}

bool NemoClient::retryAfter(const ApiError& error, const std::string& token, bool& refreshed, bool& waited,
                            const CallControl& control, std::optional<ApiError>& failure) {
  if (error.code == code::kTokenInvalid && !refreshed && tokenSource() != TokenSource::Environment) {
    refreshed = true;
    spdlog::info("token rejected (1001); getting a new one");
    credentials_->dropToken(origin_, token);
    {
      std::lock_guard lock(mutex_);
      if (token_ == token) token_.clear();
    }
    failure = fetchAnonymousToken(control, token);
    return !failure;
  }
  if (error.code == code::kRateLimited && !waited) {
    waited = true;
    if (waitForRateLimit(control)) return true;
    failure = makeApiError(code::kCancelled, 0, {}, errorContext());
  }
  return false;
}

ApiResult NemoClient::call(const ApiCall& call, const CallControl& control) {
  ApiResult outcome;
  bool refreshedToken = false;
  bool waitedForRateLimit = false;
  for (;;) {
    if (auto error = ensureToken(control)) {
      outcome.error = error;
      return outcome;
    }
    auto token = currentToken();
    http::Request request;
    request.method = call.method;
    request.url = config_.baseUrl + call.path;
    request.headers = headers(token);
    if (!call.rawBody.empty()) {
      request.headers.emplace_back("Content-Type", "application/json");
      request.body = call.rawBody;
    } else if (!call.body.is_null()) {
      request.headers.emplace_back("Content-Type", "application/json");
      request.body = call.body.dump();
    }
    request.files = call.files;
    request.totalTimeout = call.totalTimeout;
    request.idleTimeout = call.idleTimeout;
    request.onProgress = call.onProgress;
    request.stop = control.stop;
    auto result = http_->send(request);
    if (!result.ok()) {
      outcome.error = transportError(result, errorContext());
      return outcome;
    }
    auto body = parseBody(result.response.body);
    auto error = errorIn(result, body, call.envelope);
    if (error) {
      std::optional<ApiError> failure;
      if (retryAfter(*error, token, refreshedToken, waitedForRateLimit, control, failure)) continue;
      if (failure) {
        outcome.error = failure;
        return outcome;
      }
    }
    outcome.raw = body;
    outcome.rawBody = std::move(result.response.body);
    if (error) {
      outcome.error = error;
      return outcome;
    }
    outcome.data = body.is_object() && body.contains("data") && !body["data"].is_null() ? body["data"] : body;
    return outcome;
  }
}

NemoClient::StreamOutcome NemoClient::stream(const std::string& path, const json& body,
                                             std::function<bool(std::string_view)> onChunk,
                                             std::chrono::seconds idleTimeout, const CallControl& control) {
  StreamOutcome outcome;
  bool refreshedToken = false;
  bool waitedForRateLimit = false;
  for (;;) {
    if (auto error = ensureToken(control)) {
      outcome.error = error;
      return outcome;
    }
    auto token = currentToken();
    // The first bytes tell a stream from a JSON error answer; hold them until we know.
    std::string head;
    bool decided = false;
    bool isStream = false;
    http::Request request;
    request.method = "POST";
    request.url = config_.baseUrl + path;
    request.headers = headers(token);
    std::erase_if(request.headers, [](const auto& header) { return header.first == "Accept"; });
    request.headers.emplace_back("Content-Type", "application/json");
    request.headers.emplace_back("Accept", "text/event-stream");
    request.body = body.dump();
    request.totalTimeout = std::chrono::minutes(15);
    request.idleTimeout = idleTimeout;
    request.stop = control.stop;
    request.onBodyChunk = [&](std::string_view chunk) {
      if (decided) return isStream ? onChunk(chunk) : (head.append(chunk), head.size() < (1 << 20));
      head.append(chunk);
      auto first = head.find_first_not_of(" \t\r\n");
      if (first == std::string::npos) return true;
      decided = true;
      isStream = head[first] != '{';
      if (!isStream) return true;
      std::string pending;
      pending.swap(head);
      return onChunk(pending);
    };
    outcome.transport = http_->send(request);
    if (!outcome.transport.ok()) {
      outcome.error = transportError(outcome.transport, errorContext());
      return outcome;
    }
    auto status = outcome.transport.response.status;
    bool success = status >= 200 && status < 300;
    if (isStream && success) return outcome;
    // An error page that did not start with '{' (a proxy's HTML 502, a plain-text 429) is still
    // an error: the status decides, not the first byte.
    auto answer = isStream ? json() : parseBody(head);
    auto error = errorIn(outcome.transport, answer, Envelope::Code);
    if (!error && success) {
      // A JSON answer that is not an error: hand it over as one chunk of data.
      if (!head.empty()) onChunk("data: " + head + "\n\n");
      return outcome;
    }
    if (error) {
      std::optional<ApiError> failure;
      if (retryAfter(*error, token, refreshedToken, waitedForRateLimit, control, failure)) continue;
      if (failure) {
        outcome.error = failure;
        return outcome;
      }
    }
    outcome.error = error ? error : makeApiError(code::kServerError, static_cast<int>(outcome.transport.response.status),
                                                 {}, errorContext());
    return outcome;
  }
}

ApiResult NemoClient::download(const std::string& path, const std::filesystem::path& target,
                               const CallControl& control, std::function<void(std::uint64_t, std::uint64_t)> onProgress) {
  ApiResult outcome;
  if (auto error = ensureToken(control)) {
    outcome.error = error;
    return outcome;
  }
  http::Request request;
  request.url = config_.baseUrl + path;
  request.headers = headers(currentToken());
  request.downloadTo = target;
  request.totalTimeout = std::chrono::milliseconds(0);
  request.onProgress = std::move(onProgress);
  request.stop = control.stop;
  auto result = http_->send(request);
  if (!result.ok()) {
    outcome.error = transportError(result, errorContext());
  } else if (result.response.status < 200 || result.response.status >= 300) {
    outcome.error = makeApiError(result.response.status == 402 ? code::kPlanBlocksExport : code::kServerError,
                                 static_cast<int>(result.response.status), {}, errorContext());
  }
  return outcome;
}

ApiResult NemoClient::createSession(const std::string& taskName, const std::string& language,
                                    const CallControl& control) {
  ApiCall request;
  request.method = "POST";
  request.path = "/api/tasks/me/with-session/nemo_agent";
  request.body = json{{"task_name", taskName}, {"language", language}};
  auto result = call(request, control);
  if (result.ok()) {
    rememberUserId(support::textAt(result.data, "user_id"));
  }
  return result;
}

ApiResult NemoClient::credits(const CallControl& control) {
  ApiCall request;
  request.path = "/api/credits/balance/simple";
  return call(request, control);
}

ApiResult NemoClient::state(const std::string& sessionId, const CallControl& control) {
  ApiCall request;
  request.path = "/api/state/nemo_agent/me/" + sessionId + "/latest";
  return call(request, control);
}

}  // namespace nemo::api
