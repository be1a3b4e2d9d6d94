// Tests of the NemoVideo client against a scripted fake HttpClient: attribution and auth headers,
// the envelopes, the token's life (anonymous token, 1001 refresh once, 429 wait once), 5xx.
#include "nemo/api/NemoClient.h"

#include <catch2/catch.hpp>

#include <deque>
#include <mutex>

#include "../../support/TestUtil.h"

using namespace std::chrono_literals;
using nemo::api::ApiCall;
using nemo::api::CallControl;
using nemo::api::ClientConfig;
using nemo::api::Credentials;
using nemo::api::Envelope;
using nemo::api::NemoClient;
using nemo::api::TokenSource;
using nemo::api::json;
namespace code = nemo::api::code;
namespace http = nemo::http;

namespace {

const std::string kBase = "https://api.nemo.test";
const std::string kTokenPath = "/api/auth/anonymous-token";

// Answers from a script, in order, and records every request (with the time it was sent).
class FakeHttp final : public http::HttpClient {
 public:
  struct Sent {
    http::Request request;
    std::chrono::steady_clock::time_point at;
  };

  http::Result send(const http::Request& request) override {
    std::lock_guard lock(mutex_);
    sent_.push_back(Sent{request, std::chrono::steady_clock::now()});
    if (script_.empty()) {
      http::Result result;
      result.failure = http::Failure::Other;
      result.message = "the fake has no answer scripted for " + request.url;
      return result;
    }
    auto result = script_.front();
    script_.pop_front();
    if (request.onBodyChunk && result.ok()) {
      request.onBodyChunk(result.response.body);
      result.response.body.clear();
    }
    return result;
  }

  void answer(long status, const std::string& body) {
    http::Result result;
    result.response.status = status;
    result.response.body = body;
    std::lock_guard lock(mutex_);
    script_.push_back(result);
  }
  void answer(const json& body) { answer(200, body.dump()); }
  void fail(http::Failure failure, const std::string& message) {
    http::Result result;
    result.failure = failure;
    result.message = message;
    std::lock_guard lock(mutex_);
    script_.push_back(result);
  }
  // The anonymous-token answer.
  void token(const std::string& token, const std::string& userId = "user-1") {
    answer(json{{"code", 0}, {"data", {{"token", token}, {"user_id", userId}, {"expires_at", "2099-01-01T00:00:00Z"}}}});
  }

  std::vector<Sent> sent() {
    std::lock_guard lock(mutex_);
    return sent_;
  }
  std::size_t unanswered() {
    std::lock_guard lock(mutex_);
    return script_.size();
  }

 private:
  std::mutex mutex_;
  std::deque<http::Result> script_;
  std::vector<Sent> sent_;
};

std::optional<std::string> header(const http::Request& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::size_t headerCount(const http::Request& request, const std::string& name) {
  std::size_t count = 0;
  for (const auto& [key, value] : request.headers) count += key == name ? 1 : 0;
  return count;
}

bool isTokenCall(const http::Request& request) { return request.url == kBase + kTokenPath; }

struct Fixture {
  nemo::test::TempDir dir;
  std::shared_ptr<FakeHttp> http = std::make_shared<FakeHttp>();
  std::shared_ptr<Credentials> credentials = std::make_shared<Credentials>(dir / "credentials.json");

  ClientConfig config(std::optional<std::string> environmentToken = std::nullopt) const {
    ClientConfig c;
    c.baseUrl = kBase + "/";
    c.skillSlug = "video-generator-free-no-limits";
    c.skillVersion = "1.2.3";
    c.skillPlatform = "cursor";
    c.environmentToken = std::move(environmentToken);
    c.rateLimitWait = 50ms;
    return c;
  }
  NemoClient client(std::optional<std::string> environmentToken = std::nullopt) {
    return NemoClient(config(std::move(environmentToken)), http, credentials);
  }
};

}  // namespace

TEST_CASE("every request carries the attribution headers; the token call has no Authorization",
          "[nemo][client]") {
  Fixture f;
  f.http->token("anon-token-0000000001");
  f.http->answer(json{{"code", 0}, {"data", {{"available", 100}}}});
  auto client = f.client();
  auto result = client.credits(CallControl{});
  REQUIRE(result.ok());

  auto sent = f.http->sent();
  REQUIRE(sent.size() == 2);
  for (const auto& s : sent) {
    CHECK(header(s.request, "X-Skill-Source") == std::optional<std::string>("video-generator-free-no-limits"));
    CHECK(header(s.request, "X-Skill-Version") == std::optional<std::string>("1.2.3"));
    CHECK(header(s.request, "X-Skill-Platform") == std::optional<std::string>("cursor"));
  }
  const auto& tokenCall = sent[0].request;
  CHECK(tokenCall.method == "POST");
  CHECK(isTokenCall(tokenCall));  // the base URL's trailing slash is not doubled
  CHECK_FALSE(header(tokenCall, "Authorization").has_value());
  CHECK(header(tokenCall, "X-Client-Id") == std::optional<std::string>(f.credentials->clientId()));

  const auto& apiCall = sent[1].request;
  CHECK(apiCall.url == kBase + "/api/credits/balance/simple");
  CHECK(header(apiCall, "Authorization") == std::optional<std::string>("Bearer anon-token-0000000001"));
  CHECK(client.tokenSource() == TokenSource::Anonymous);
  CHECK(client.userId() == "user-1");
}

TEST_CASE("the anonymous token is cached and reused by the next client", "[nemo][client]") {
  Fixture f;
  f.http->token("anon-token-0000000002");
  f.http->answer(json{{"code", 0}, {"data", json::object()}});
  REQUIRE(f.client().credits(CallControl{}).ok());

  f.http->answer(json{{"code", 0}, {"data", json::object()}});
  auto second = f.client();
  REQUIRE(second.credits(CallControl{}).ok());
  auto sent = f.http->sent();
  REQUIRE(sent.size() == 3);  // one token call in all
  CHECK_FALSE(isTokenCall(sent[2].request));
  CHECK(header(sent[2].request, "Authorization") == std::optional<std::string>("Bearer anon-token-0000000002"));
  CHECK(second.tokenSource() == TokenSource::Cache);
}

TEST_CASE("NEMO_TOKEN is used as is and never fetched or written", "[nemo][client]") {
  Fixture f;
  f.http->answer(json{{"code", 0}, {"data", {{"available", 5}}}});
  auto client = f.client("env-token-1234567890");
  REQUIRE(client.credits(CallControl{}).ok());
  auto sent = f.http->sent();
  REQUIRE(sent.size() == 1);
  CHECK(header(sent[0].request, "Authorization") == std::optional<std::string>("Bearer env-token-1234567890"));
  CHECK(client.tokenSource() == TokenSource::Environment);
  CHECK_FALSE(f.credentials->cachedToken(client.origin()).has_value());
}

TEST_CASE("the code envelope gives its data; a non-zero code is an error", "[nemo][client]") {
  Fixture f;
  auto client = f.client("env-token-1234567890");
  f.http->answer(json{{"code", 0}, {"data", {{"session_id", "s-1"}, {"task_id", "t-1"}}}});
  auto ok = client.createSession("promo", "en", CallControl{});
  REQUIRE(ok.ok());
  CHECK(ok.data == json{{"session_id", "s-1"}, {"task_id", "t-1"}});
  auto sent = f.http->sent();
  CHECK(sent[0].request.method == "POST");
  CHECK(json::parse(sent[0].request.body) == json{{"task_name", "promo"}, {"language", "en"}});
  CHECK(header(sent[0].request, "Content-Type") == std::optional<std::string>("application/json"));

  f.http->answer(json{{"code", 1002}, {"message", "session gone"}});
  auto missing = client.state("s-1", CallControl{});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error->code == code::kSessionNotFound);
  CHECK(missing.error->backendMessage == "session gone");
}

TEST_CASE("the success envelope: true gives data, false is an error", "[nemo][client]") {
  Fixture f;
  auto client = f.client("env-token-1234567890");
  ApiCall call;
  call.method = "POST";
  call.path = "/api/render/proxy/lambda";
  call.body = json{{"id", "r1"}};
  call.envelope = Envelope::Success;

  f.http->answer(json{{"success", true}, {"data", {{"render_id", "r1"}}}});
  auto ok = client.call(call, CallControl{});
  REQUIRE(ok.ok());
  CHECK(ok.data == json{{"render_id", "r1"}});

  f.http->answer(json{{"success", false}, {"message", "render refused"}});
  auto refused = client.call(call, CallControl{});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error->backendMessage == "render refused");
  CHECK(refused.raw == json{{"success", false}, {"message", "render refused"}});
}

TEST_CASE("1001 gets exactly one new token and retries once", "[nemo][client]") {
  Fixture f;
  f.http->token("first-token-aaaaaaaaaa");
  f.http->answer(json{{"code", 1001}, {"message", "token expired"}});
  f.http->token("second-token-bbbbbbbbbb");
  f.http->answer(json{{"code", 0}, {"data", {{"available", 1}}}});
  auto client = f.client();
  auto result = client.credits(CallControl{});
  REQUIRE(result.ok());
  CHECK(result.data == json{{"available", 1}});

  auto sent = f.http->sent();
  REQUIRE(sent.size() == 4);
  CHECK(isTokenCall(sent[0].request));
  CHECK(header(sent[1].request, "Authorization") == std::optional<std::string>("Bearer first-token-aaaaaaaaaa"));
  CHECK(isTokenCall(sent[2].request));
  CHECK(header(sent[3].request, "Authorization") == std::optional<std::string>("Bearer second-token-bbbbbbbbbb"));
  auto cached = f.credentials->cachedToken(client.origin());
  REQUIRE(cached.has_value());
  CHECK(cached->token == "second-token-bbbbbbbbbb");
}

TEST_CASE("a second 1001 is an error, not a loop", "[nemo][client]") {
  Fixture f;
  f.http->token("first-token-cccccccccc");
  f.http->answer(json{{"code", 1001}});
  f.http->token("second-token-dddddddddd");
  f.http->answer(json{{"code", 1001}});
  f.http->token("third-token-eeeeeeeeee");  // must not be asked for
  auto client = f.client();
  auto result = client.credits(CallControl{});
  REQUIRE_FALSE(result.ok());
  CHECK(result.error->code == code::kTokenInvalid);
  CHECK(f.http->sent().size() == 4);
  CHECK(f.http->unanswered() == 1);
}

TEST_CASE("1001 with NEMO_TOKEN is not refreshed and names NEMO_TOKEN", "[nemo][client]") {
  Fixture f;
  f.http->answer(json{{"code", 1001}, {"message", "bad token env-token-9876543210"}});
  auto client = f.client("env-token-9876543210");
  auto result = client.credits(CallControl{});
  REQUIRE_FALSE(result.ok());
  CHECK(result.error->code == code::kTokenInvalid);
  CHECK(result.error->message.find("NEMO_TOKEN") != std::string::npos);
  CHECK(f.http->sent().size() == 1);
  CHECK(result.error->toJson().dump().find("env-token-9876543210") == std::string::npos);
}

TEST_CASE("429 waits the configured time and retries once", "[nemo][client]") {
  Fixture f;
  auto client = f.client("env-token-1234567890");
  std::vector<std::string> notes;
  CallControl control{std::stop_token(), [&](const std::string& note) { notes.push_back(note); }};

  f.http->answer(429, "{\"code\":429,\"message\":\"slow down\"}");
  f.http->answer(json{{"code", 0}, {"data", {{"available", 3}}}});
  auto result = client.credits(control);
  REQUIRE(result.ok());
  auto sent = f.http->sent();
  REQUIRE(sent.size() == 2);
  CHECK(sent[1].at - sent[0].at >= 50ms);
  CHECK(sent[1].at - sent[0].at < 1s);
  CHECK_FALSE(notes.empty());

  SECTION("a second 429 is the error 429") {
    f.http->answer(json{{"code", 429}});
    f.http->answer(429, "");
    f.http->answer(json{{"code", 0}});  // must not be asked for
    auto limited = client.credits(control);
    REQUIRE_FALSE(limited.ok());
    CHECK(limited.error->code == code::kRateLimited);
    CHECK(f.http->sent().size() == 4);
    CHECK(f.http->unanswered() == 1);
  }
}

TEST_CASE("a stop request ends the rate-limit wait early", "[nemo][client]") {
  Fixture f;
  auto config = f.config("env-token-1234567890");
  config.rateLimitWait = 5s;
  NemoClient client(config, f.http, f.credentials);
  std::stop_source stop;
  f.http->answer(json{{"code", 429}});
  std::thread canceller([&] {
    std::this_thread::sleep_for(50ms);
    stop.request_stop();
  });
  auto started = std::chrono::steady_clock::now();
  auto result = client.credits(CallControl{stop.get_token(), {}});
  canceller.join();
  CHECK(std::chrono::steady_clock::now() - started < 1s);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error->code == code::kCancelled);
  CHECK(f.http->sent().size() == 1);
}

TEST_CASE("a 5xx is a server error whatever its body says", "[nemo][client]") {
  Fixture f;
  auto client = f.client("env-token-1234567890");
  f.http->answer(502, "<html>Bad Gateway</html>");
  auto gateway = client.credits(CallControl{});
  REQUIRE_FALSE(gateway.ok());
  CHECK(gateway.error->code == code::kServerError);
  CHECK(gateway.error->httpStatus == 502);
  CHECK(gateway.error->message.find("502") != std::string::npos);

  f.http->answer(500, "{\"code\":0,\"data\":{}}");
  auto internal = client.credits(CallControl{});
  REQUIRE_FALSE(internal.ok());
  CHECK(internal.error->code == code::kServerError);
  CHECK(f.http->sent().size() == 2);  // no retries
}

TEST_CASE("a 200 answer that is not JSON is a server error", "[nemo][client]") {
  Fixture f;
  auto client = f.client("env-token-1234567890");
  f.http->answer(200, "<html>captive portal</html>");
  auto result = client.credits(CallControl{});
  REQUIRE_FALSE(result.ok());
  CHECK(result.error->code == code::kServerError);
}

TEST_CASE("transport failures become network or cancelled errors", "[nemo][client]") {
  Fixture f;
  auto client = f.client("env-token-1234567890");
  f.http->fail(http::Failure::Connect, "Couldn't connect to server");
  auto network = client.credits(CallControl{});
  REQUIRE_FALSE(network.ok());
  CHECK(network.error->code == code::kNetwork);
  CHECK(network.error->message.find("Couldn't connect") != std::string::npos);

  f.http->fail(http::Failure::Cancelled, "cancelled");
  auto cancelled = client.credits(CallControl{});
  REQUIRE_FALSE(cancelled.ok());
  CHECK(cancelled.error->code == code::kCancelled);
}

TEST_CASE("2001 after an anonymous token links the registration with the token's user id", "[nemo][client]") {
  Fixture f;
  f.http->token("anon-token-0000000003", "user-4242");
  f.http->answer(json{{"code", 2001}, {"message", "no credits"}});
  auto client = f.client();
  auto result = client.credits(CallControl{});
  REQUIRE_FALSE(result.ok());
  CHECK(result.error->code == code::kOutOfCredits);
  CHECK(result.error->message.find("?bind=user-4242") != std::string::npos);
}

TEST_CASE("the token never appears in an error", "[nemo][client]") {
  Fixture f;
  const std::string token = "leaky-token-zzzzzzzzzzzz";
  f.http->token(token);
  f.http->answer(json{{"code", 7001}, {"message", "token " + token + " lacks scope; header was Bearer " + token}});
  auto client = f.client();
  auto result = client.credits(CallControl{});
  REQUIRE_FALSE(result.ok());
  CHECK(result.error->code == 7001);
  auto everything = result.error->toJson().dump();
  INFO(everything);
  CHECK(everything.find(token) == std::string::npos);
  CHECK(result.error->message.find("[redacted]") != std::string::npos);
  CHECK(result.error->message.find("lacks scope") != std::string::npos);
}

TEST_CASE("a missing client id (400) on the token call renews the id once", "[nemo][client]") {
  Fixture f;
  auto oldId = f.credentials->clientId();
  f.http->answer(400, "{\"code\":400,\"message\":\"missing X-Client-Id\"}");
  f.http->token("anon-token-0000000004");
  f.http->answer(json{{"code", 0}, {"data", json::object()}});
  auto client = f.client();
  REQUIRE(client.credits(CallControl{}).ok());
  auto sent = f.http->sent();
  REQUIRE(sent.size() == 3);
  CHECK(header(sent[0].request, "X-Client-Id") == std::optional<std::string>(oldId));
  auto newId = header(sent[1].request, "X-Client-Id");
  REQUIRE(newId.has_value());
  CHECK(*newId != oldId);
  CHECK(f.credentials->clientId() == *newId);
}

// The API doc leaves the type of expires_at open ("in some versions ... expires_at"); a number
// must not escape as a json::type_error (NemoClient.cpp fetchAnonymousToken() reads it with
// data.value("expires_at", std::string()), which throws for a non-string).
TEST_CASE("a token answer with a numeric expires_at does not throw", "[nemo][client]") {
  Fixture f;
  f.http->answer(json{{"code", 0}, {"data", {{"token", "anon-token-0000000005"}, {"expires_at", 1893456000}}}});
  f.http->answer(json{{"code", 0}, {"data", json::object()}});
  auto client = f.client();
  nemo::api::ApiResult result;
  REQUIRE_NOTHROW(result = client.credits(CallControl{}));
  CHECK(result.ok());
}

// headers() adds "Accept: application/json" to every call; a chat stream must replace it, not
// send two conflicting Accept headers.
TEST_CASE("a stream request carries one Accept header, text/event-stream", "[nemo][client]") {
  Fixture f;
  auto client = f.client("env-token-1234567890");
  f.http->answer(200, "data: {\"x\":1}\n\n");
  std::string received;
  auto outcome = client.stream(
      "/run_sse", json{{"app_name", "nemo_agent"}},
      [&](std::string_view chunk) {
        received.append(chunk);
        return true;
      },
      std::chrono::seconds(30), CallControl{});
  CHECK_FALSE(outcome.error.has_value());
  CHECK(received == "data: {\"x\":1}\n\n");
  auto sent = f.http->sent();
  REQUIRE(sent.size() == 1);
  CHECK(headerCount(sent[0].request, "Accept") == 1);
  CHECK(header(sent[0].request, "Accept") == std::optional<std::string>("text/event-stream"));
}
