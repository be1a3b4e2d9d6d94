#include "nemo/api/NemoClient.h"

#include <mutex>

#include <spdlog/spdlog.h>

#include "nemo/api/Sessions.h"
#include "support/Files.h"
#include "support/JsonAccess.h"
#include "support/Pause.h"
#include "support/Secrets.h"
#include "support/UntrustedJson.h"

namespace nemo::api {
namespace {

// Free tokens refused (429 on the token request): asked again only after this long.
constexpr std::chrono::hours kAskForTokenAgainAfter{1};

// "30 seconds", "0.3 seconds": the configured wait as it is, not a fixed "30".
std::string secondsText(std::chrono::milliseconds wait) {
  auto tenths = wait.count() / 100;
  auto text = std::to_string(tenths / 10);
  if (tenths % 10 != 0) text += "." + std::to_string(tenths % 10);
  return text + (tenths == 10 ? " second" : " seconds");
}

std::chrono::milliseconds timeLeft(const CallControl& control) {
  if (control.deadline == std::chrono::steady_clock::time_point::max()) return std::chrono::milliseconds::max();
  return std::chrono::duration_cast<std::chrono::milliseconds>(control.deadline - std::chrono::steady_clock::now());
}

// A request's total timeout cut to the call's deadline (zero means none, as in http::Request).
std::chrono::milliseconds fitted(std::chrono::milliseconds timeout, const CallControl& control) {
  auto left = timeLeft(control);
  if (left == std::chrono::milliseconds::max()) return timeout;
  left = std::max(left, std::chrono::milliseconds(500));
  return timeout.count() == 0 ? left : std::min(timeout, left);
}

ApiError transportError(const http::Result& result, const ErrorContext& context) {
  if (result.failure == http::Failure::Cancelled) return makeApiError(code::kCancelled, 0, result.message, context);
  if (result.failure == http::Failure::LocalFile) return makeApiError(code::kLocal, 0, result.message, context);
  return makeApiError(code::kNetwork, 0, result.message, context);
}

json parseBody(const std::string& body) {
  if (body.empty()) return json();
  auto parsed = support::parseJsonOrDiscarded(body);
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
      if (!isHeaderSafeToken(*config_.environmentToken)) {
        return makeApiError(code::kLocal, 0,
                            "NEMO_TOKEN holds characters that cannot be sent in an HTTP header (a space, a line "
                            "break or a non-ASCII character?). Set it to the token alone.",
                            errorContext());
      }
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
  // A refusal on record is answered at once: asking again now would only be refused again.
  if (auto until = credentials_->refusedUntil(origin_); !until.empty()) return tokenRefused(until);
  bool renewedClientId = false;
  bool waitedForRateLimit = false;
  for (;;) {
    if (control.note) control.note("Connecting to NemoVideo (getting a free token)...");
    http::Request request;
    request.method = "POST";
    request.url = config_.baseUrl + "/api/auth/anonymous-token";
    request.headers = headers({});
    request.headers.emplace_back("X-Client-Id", credentials_->clientId());
    request.totalTimeout = fitted(std::chrono::seconds(30), control);
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
    if (error && error->code == code::kRateLimited) {
      // After a rejected token the weekly allowance is what refuses: waiting 30 s will not help.
      if (rejected.empty() && !waitedForRateLimit) {
        waitedForRateLimit = true;
        auto waited = waitForRateLimit(control);
        if (waited == Waited::Cancelled) return makeApiError(code::kCancelled, 0, {}, errorContext());
        if (waited == Waited::Done) continue;
        return rateLimited(waited);
      }
      auto until = isoTime(std::chrono::system_clock::now() + kAskForTokenAgainAfter);
      credentials_->setRefusedUntil(origin_, until);
      return tokenRefused(until);
    }
    if (error) return error;
    const auto& data = body.contains("data") ? body["data"] : body;
    if (!data.is_object() || !data.contains("token") || !data["token"].is_string() ||
        data["token"].get<std::string>().empty()) {
      return makeApiError(code::kServerError, static_cast<int>(result.response.status),
                          "the token answer had no data.token", errorContext());
    }
    if (!isHeaderSafeToken(data["token"].get_ref<const std::string&>())) {
      // CR/LF in a token would inject headers into every request: never used, never stored.
      auto refused = makeApiError(code::kServerError, static_cast<int>(result.response.status), {}, errorContext());
      refused.message = "NemoVideo sent a token with characters that cannot go into an HTTP header (such as a line "
                        "break); it was not used. Please try again later, or set NEMO_TOKEN.";
      return refused;
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

NemoClient::Waited NemoClient::waitForRateLimit(const CallControl& control) {
  // The wait and the retry after it must both fit in the call; otherwise answer now.
  if (timeLeft(control) < config_.rateLimitWait + std::chrono::seconds(5)) return Waited::NoTime;
  if (control.note) control.note("NemoVideo is rate limiting; retrying once in " + secondsText(config_.rateLimitWait) + ".");
  // The wait belongs to the job (or call) the request is part of: its stop ends the wait at once.
  const auto until = std::chrono::steady_clock::now() + config_.rateLimitWait;
  while (std::chrono::steady_clock::now() < until) {
    auto next = std::min(until, std::chrono::steady_clock::now() + std::chrono::seconds(10));
    if (!support::pauseUntil(next, control.stop)) return Waited::Cancelled;
    if (next < until && control.note) control.note("Still waiting for NemoVideo's rate limit.");
  }
  return Waited::Done;
}

ApiError NemoClient::rateLimited(Waited how) const {
  auto error = makeApiError(code::kRateLimited, 429, {}, errorContext());
  error.message += how == Waited::Done
                       ? " It was retried once after " + secondsText(config_.rateLimitWait) + " and still refused; "
                         "wait a minute and try again."
                       : " There was no time left in this call to wait " + secondsText(config_.rateLimitWait) +
                             " and retry; try again in a minute.";
  return error;
}

ApiError NemoClient::tokenRefused(const std::string& until) const {
  auto error = makeApiError(code::kRateLimited, 429, {}, errorContext());
  error.message = "NemoVideo will not give this computer a new free token right now (it allows one per computer "
                  "a week, and the last one expired or was refused). The server will ask again after " + until +
                  ". To go on now, set NEMO_TOKEN to the token of a NemoVideo account (register at " +
                  config_.registerUrl + ") in this server's environment (the client's MCP configuration).";
  error.details["retry_after"] = until;
  return error;
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

bool NemoClient::retryAfter(ApiError& error, const std::string& token, bool& refreshed, bool& waited,
                            const CallControl& control, std::optional<ApiError>& failure) {
  if (error.code == code::kTokenInvalid && !refreshed && tokenSource() != TokenSource::Environment) {
    refreshed = true;
    spdlog::info("token rejected (1001); getting a new one");
    credentials_->markRejected(origin_, token);
    {
      std::lock_guard lock(mutex_);
      if (token_ == token) token_.clear();
    }
    failure = fetchAnonymousToken(control, token);
    return !failure;
  }
  if (error.code == code::kRateLimited) {
    auto how = waited ? Waited::Done : waitForRateLimit(control);
    if (!waited && how == Waited::Done) {
      waited = true;
      return true;
    }
    if (how == Waited::Cancelled) failure = makeApiError(code::kCancelled, 0, {}, errorContext());
    else failure = rateLimited(how);
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
    request.totalTimeout = fitted(call.totalTimeout, control);
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
    request.totalTimeout = std::chrono::minutes(15);  // a turn outlives the call that started it
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
