// End-to-end: `credits` and `create_session` through the real binary against the test backend:
// attribution headers, the token's life (anonymous token, cache across runs, 1001, 429,
// NEMO_TOKEN), every error code of the API table, cancellation, and that no token ever leaks.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "e2e/support/Backend.h"
#include "e2e/support/Results.h"
#include "e2e/support/ServerProcess.h"

using namespace nemo::e2e;

namespace {

// Everything the server wrote: protocol lines, stderr, and every file under its HOME except
// the token cache (the one place a token may live).
std::string everythingWritten(ServerProcess& server) {
  std::string all;
  for (const auto& line : server.stdoutLines()) all += line + "\n";
  all += server.stderrText();
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(server.home(), ec); it != std::filesystem::end(it); ++it) {
    if (!it->is_regular_file() || it->path().filename() == "credentials.json") continue;
    all += readFile(it->path());
  }
  return all;
}

}  // namespace

TEST_CASE("credits: balance, attribution headers, a token obtained once and cached 0600", "[e2e][tools]") {
  Backend backend;
  backend.configure({{"credits", {{"available", 42}, {"frozen", 8}, {"total", 50}}}});
  TempDir home;
  {
    ServerProcess server({.baseUrl = backend.baseUrl(), .home = home.path()});
    server.initialize();
    auto result = resultOf(server.callTool("credits", json::object(), json("p1")));
    CHECK(result["isError"] == false);
    CHECK(result["structuredContent"] == json({{"available", 42.0}, {"frozen", 8.0}, {"total", 50.0},
                                               {"message", textOf(result)}}));
    CHECK(result["content"][0]["text"].get<std::string>().find("42 available") != std::string::npos);
    CHECK_FALSE(server.notifications("notifications/progress").empty());

    auto calls = backend.requestsTo("/api/credits/balance/simple", "GET");
    REQUIRE(calls.size() == 1);
    auto headers = calls[0]["headers"];
    CHECK(headers["x-skill-source"] == "video-generator-free-no-limits");
    CHECK(headers["x-skill-version"] == "1.0.0");
    CHECK(headers["x-skill-platform"] == "unknown");
    CHECK(headers["authorization"].get<std::string>().rfind("Bearer ", 0) == 0);
    auto tokenCalls = backend.requestsTo("/api/auth/anonymous-token", "POST");
    REQUIRE(tokenCalls.size() == 1);
    CHECK(tokenCalls[0]["headers"]["x-client-id"].get<std::string>().size() == 36);

    auto cache = server.configDir() / "credentials.json";
    struct stat info {};
    REQUIRE(::stat(cache.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    struct stat dir {};
    REQUIRE(::stat(server.configDir().c_str(), &dir) == 0);
    CHECK((dir.st_mode & 0777) == 0700);
    for (const auto& token : backend.issuedTokens()) CHECK(everythingWritten(server).find(token) == std::string::npos);
  }
  SECTION("a second run uses the cached token and asks for no new one") {
    ServerProcess again({.baseUrl = backend.baseUrl(), .home = home.path()});
    again.initialize();
    CHECK(resultOf(again.callTool("credits"))["isError"] == false);
    CHECK(backend.requestsTo("/api/auth/anonymous-token").size() == 1);
    CHECK(backend.requestsTo("/api/credits/balance/simple").size() == 2);
  }
}

TEST_CASE("--skill selects the manifest that the headers come from", "[e2e][tools]") {
  Backend backend;
  TempDir home;
  ServerProcess server({.baseUrl = backend.baseUrl(), .home = home.path(), .args = {"--skill", "ai-to-video"}});
  server.initialize();
  CHECK(resultOf(server.callTool("credits"))["isError"] == false);
  CHECK(backend.requestsTo("/api/credits")[0]["headers"]["x-skill-source"] == "ai-to-video");

  TempDir otherHome;
  ServerProcess wrong({.baseUrl = backend.baseUrl(), .home = otherHome.path(), .args = {"--skill", "nope"}});
  auto code = wrong.waitExit(5s);
  REQUIRE(code);
  CHECK(*code == 2);
  CHECK(wrong.stderrText().find("video-generator-free-no-limits") != std::string::npos);
}

TEST_CASE("NEMO_TOKEN wins and is never written to disk", "[e2e][tools]") {
  Backend backend;
  const std::string token = "env-token-0123456789abcdef";
  backend.configure({{"static_token", token}});
  TempDir home;
  ServerProcess server({.baseUrl = backend.baseUrl(), .home = home.path(), .env = {{"NEMO_TOKEN", token}}});
  server.initialize();
  CHECK(resultOf(server.callTool("credits"))["isError"] == false);
  CHECK(backend.requestsTo("/api/auth/anonymous-token").empty());
  CHECK(backend.requestsTo("/api/credits")[0]["headers"]["authorization"] == "Bearer " + token);
  CHECK_FALSE(std::filesystem::exists(server.configDir() / "credentials.json"));

  SECTION("a rejected NEMO_TOKEN says what to do, without the token") {
    backend.configure({{"fail", {{"credits", {{"code", 1001}}}}}});
    auto result = resultOf(server.callTool("credits"));
    CHECK(result["isError"] == true);
    CHECK(result["content"][0]["text"].get<std::string>().find("NEMO_TOKEN") != std::string::npos);
    CHECK(everythingWritten(server).find(token) == std::string::npos);
  }
}

TEST_CASE("create_session: language from the locale, remembered as current", "[e2e][tools]") {
  Backend backend;
  TempDir home;
  ServerProcess server({.baseUrl = backend.baseUrl(), .home = home.path(), .env = {{"LANG", "zh_CN.UTF-8"}}});
  server.initialize();
  auto result = resultOf(server.callTool("create_session", {{"task_name", "summer promo"}}));
  REQUIRE(result["isError"] == false);
  auto sessionId = result["structuredContent"]["session_id"].get<std::string>();
  CHECK_FALSE(sessionId.empty());
  CHECK_FALSE(result["structuredContent"]["task_id"].get<std::string>().empty());
  auto sent = backend.requestsTo("/api/tasks/me/with-session/nemo_agent", "POST");
  REQUIRE(sent.size() == 1);
  CHECK(sent[0]["body"]["language"] == "zh-CN");
  CHECK(sent[0]["body"]["task_name"] == "summer promo");

  auto sessions = json::parse(readFile(server.stateDir() / "sessions.json"));
  auto origin = sessions["origins"].begin().value();
  CHECK(origin["sessions"][0]["session_id"] == sessionId);
  CHECK(origin["sessions"][0]["task_name"] == "summer promo");
  CHECK_FALSE(origin.contains("current"));  // the current session is the process's own, not shared

  auto explicitLanguage = resultOf(server.callTool("create_session", {{"language", "ja"}}));
  CHECK(explicitLanguage["structuredContent"]["language"] == "ja");
  CHECK(backend.requestsTo("/api/tasks/me/with-session/nemo_agent", "POST")[1]["body"]["language"] == "ja");
  CHECK(backend.requestsTo("/api/tasks/me/with-session/nemo_agent", "POST")[1]["body"]["task_name"] == "project");
}

TEST_CASE("1001 sets the cached token aside, fetches a new one once and retries once", "[e2e][tools]") {
  Backend backend;
  backend.configure({{"tokens_per_client", 0}});
  TempDir home;
  ServerProcess server({.baseUrl = backend.baseUrl(), .home = home.path()});
  server.initialize();
  REQUIRE(resultOf(server.callTool("credits"))["isError"] == false);
  auto firstCache = readFile(server.configDir() / "credentials.json");

  backend.configure({{"revoke_tokens", true}});
  auto result = resultOf(server.callTool("credits"));
  CHECK(result["isError"] == false);
  CHECK(backend.requestsTo("/api/auth/anonymous-token").size() == 2);
  CHECK(readFile(server.configDir() / "credentials.json") != firstCache);

  SECTION("a second 1001 after the refresh is an error, not a loop") {
    backend.configure({{"fail", {{"credits", {{"code", 1001}, {"times", -1}}}}}});
    auto failed = resultOf(server.callTool("credits"));
    CHECK(failed["isError"] == true);
    CHECK(failed["structuredContent"]["error"]["code"] == 1001);
    CHECK(backend.requestsTo("/api/auth/anonymous-token").size() == 3);
  }
}

TEST_CASE("429 waits (with progress) and retries once, then gives a clear error", "[e2e][tools]") {
  Backend backend;
  TempDir home;
  ServerProcess server({.baseUrl = backend.baseUrl(), .home = home.path(), .env = {{"NEMO_RATE_LIMIT_WAIT_MS", "300"}}});
  server.initialize();
  backend.configure({{"fail", {{"credits", {{"http", 429}, {"times", 1}}}}}});
  auto result = resultOf(server.callTool("credits", json::object(), json("rl")));
  CHECK(result["isError"] == false);
  bool sawWait = false;
  for (const auto& note : server.notifications("notifications/progress")) {
    if (note["params"]["message"].get<std::string>().find("rate limit") != std::string::npos) sawWait = true;
  }
  CHECK(sawWait);

  backend.configure({{"fail", {{"credits", {{"http", 429}, {"times", 2}}}}}});
  auto failed = resultOf(server.callTool("credits"));
  CHECK(failed["isError"] == true);
  CHECK(failed["structuredContent"]["error"]["code"] == 429);
}

TEST_CASE("every error code of the API table becomes an actionable isError result", "[e2e][tools]") {
  Backend backend;
  TempDir home;
  ServerProcess server({.baseUrl = backend.baseUrl(), .home = home.path()});
  server.initialize();
  REQUIRE(resultOf(server.callTool("create_session"))["isError"] == false);  // learns the user id

  struct Case {
    json failure;
    int code;
    std::string mustSay;
  };
  std::vector<Case> cases{
      {{{"code", 1002}}, 1002, "create_session"},
      {{{"code", 2001}}, 2001, "?bind="},
      {{{"code", 4001}}, 4001, "mp4"},
      {{{"code", 4002}}, 4002, "200 MB"},
      {{{"http", 402}}, 402, "plan"},
      {{{"http", 400}}, 400, "client id"},
      {{{"http", 500}}, -3, "try again"},
      {{{"http", 503}, {"code", 0}}, -3, "HTTP 503"},
  };
  for (const auto& c : cases) {
    backend.configure({{"fail", {{"create_session", c.failure}}}});
    auto result = resultOf(server.callTool("create_session"));
    INFO(c.failure.dump() << " -> " << result.dump());
    CHECK(result["isError"] == true);
    CHECK(result["structuredContent"]["error"]["code"] == c.code);
    CHECK(result["content"][0]["text"].get<std::string>().find(c.mustSay) != std::string::npos);
  }
  // The server is still serving after all of that, and every result matched its outputSchema.
  CHECK(resultOf(server.callTool("credits"))["isError"] == false);
  CHECK(server.stderrText().find("does not match its outputSchema") == std::string::npos);
}

TEST_CASE("the backend's down or unreachable: a clear network error", "[e2e][tools]") {
  TempDir home;
  ServerProcess server({.baseUrl = "http://127.0.0.1:9", .home = home.path()});
  server.initialize();
  auto result = resultOf(server.callTool("credits"));
  CHECK(result["isError"] == true);
  CHECK(result["structuredContent"]["error"]["code"] == -1);
  CHECK(result["content"][0]["text"].get<std::string>().find("Could not reach NemoVideo") != std::string::npos);
}

TEST_CASE("cancelling a slow call stops it while another call completes", "[e2e][tools]") {
  Backend backend;
  TempDir home;
  ServerProcess server({.baseUrl = backend.baseUrl(), .home = home.path()});
  server.initialize();
  REQUIRE(resultOf(server.callTool("credits"))["isError"] == false);  // token in hand
  backend.configure({{"delay_ms", {{"credits", 10000}}}});

  server.send({{"jsonrpc", "2.0"}, {"id", "slow"}, {"method", "tools/call"},
               {"params", {{"name", "credits"}, {"arguments", json::object()}}}});
  for (int i = 0; i < 200 && backend.requestsTo("/api/credits").size() < 2; ++i) std::this_thread::sleep_for(20ms);

  SECTION("a duplicate id of the running request is refused") {
    auto duplicate = server.requestWithId("slow", "ping");
    CHECK(duplicate["error"]["code"] == -32600);
  }
  auto started = std::chrono::steady_clock::now();
  server.send({{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", "slow"}, {"reason", "test"}}}});
  auto other = resultOf(server.callTool("create_session"));
  CHECK(other["isError"] == false);
  CHECK(std::chrono::steady_clock::now() - started < 3s);
  // A cancelled call gets no reply (the only answer with its id may be the duplicate's error).
  CHECK_FALSE(server.waitFor([](const json& m) { return m.value("id", json()) == "slow" && m.contains("result"); }, 1500ms));
  // The server stays healthy and the same id can be used again.
  backend.configure({{"delay_ms", {{"credits", 0}}}});
  CHECK(server.requestWithId("slow", "ping")["result"].is_object());
}

TEST_CASE("logging/setLevel turns on log notifications", "[e2e][tools]") {
  Backend backend;
  TempDir home;
  ServerProcess server({.baseUrl = backend.baseUrl(), .home = home.path()});
  server.initialize();
  CHECK(server.request("logging/setLevel", {{"level", "info"}})["result"].is_object());
  CHECK(server.request("logging/setLevel", {{"level", "loud"}})["error"]["code"] == -32602);
  REQUIRE(resultOf(server.callTool("create_session"))["isError"] == false);
  auto logs = server.notifications("notifications/message");
  REQUIRE_FALSE(logs.empty());
  CHECK(logs[0]["params"]["level"] == "info");
}

TEST_CASE("each of the five skills sends its own slug and front-matter version", "[e2e][tools][skills]") {
  Backend backend;
  for (const std::string slug : {"video-generator-free-no-limits", "video-making-free-ai", "video-generator-free-gemini",
                                 "video-generation-free", "ai-to-video"}) {
    // The version as the manifest's YAML front matter states it (`metadata.version`, indented).
    std::string version;
    std::ifstream manifest(std::filesystem::path(NEMO_SOURCE_DIR) / "manifests" / slug / "SKILL.md");
    for (std::string line; std::getline(manifest, line);) {
      if (line.rfind("  version:", 0) == 0) {
        version = line.substr(10);
        version.erase(0, version.find_first_not_of(" \"'"));
        version.erase(version.find_last_not_of(" \"'\r") + 1);
        break;
      }
    }
    REQUIRE_FALSE(version.empty());
    TempDir home;
    ServerProcess server({.baseUrl = backend.baseUrl(), .home = home.path(), .args = {"--skill", slug}});
    server.initialize();
    REQUIRE(resultOf(server.callTool("credits"))["isError"] == false);
    auto headers = backend.requestsTo("/api/credits").back()["headers"];
    CHECK(headers["x-skill-source"] == slug);
    CHECK(headers["x-skill-version"] == version);
  }
}

TEST_CASE("calls made at once share one anonymous token", "[e2e][tools]") {
  Backend backend;
  backend.configure({{"delay_ms", {{"anonymous_token", 300}}}});
  TempDir home;
  ServerProcess server({.baseUrl = backend.baseUrl(), .home = home.path(), .env = {{"NEMO_RATE_LIMIT_WAIT_MS", "100"}}});
  server.initialize();
  // Four first calls at the same moment: only one may ask for a token (one per client a week).
  for (int i = 0; i < 4; ++i) {
    server.send({{"jsonrpc", "2.0"}, {"id", "first-" + std::to_string(i)}, {"method", "tools/call"},
                 {"params", {{"name", i % 2 ? "credits" : "create_session"}, {"arguments", json::object()}}}});
  }
  for (int i = 0; i < 4; ++i) {
    auto response = server.waitForResponse("first-" + std::to_string(i), 20s);
    REQUIRE(response);
    CHECK((*response)["result"]["isError"] == false);
  }
  CHECK(backend.requestsTo("/api/auth/anonymous-token").size() == 1);

  SECTION("a second server process on the same HOME uses the cached token too") {
    ServerProcess other({.baseUrl = backend.baseUrl(), .home = home.path()});
    other.initialize();
    CHECK(resultOf(other.callTool("credits"))["isError"] == false);
    CHECK(backend.requestsTo("/api/auth/anonymous-token").size() == 1);
  }
}
