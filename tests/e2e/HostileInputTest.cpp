// End-to-end: input built to break the server (issue 12), from the client and from the backend.
// Each case must get a clear answer while the server keeps serving.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "e2e/support/Backend.h"
#include "e2e/support/Results.h"
#include "e2e/support/ServerProcess.h"

using namespace nemo::e2e;

namespace {

// 100,000 levels: 200 KB, far under the line limit, deep enough to exhaust the stack of any
// recursive copy or destructor.
std::string deepArray(int depth = 100000) { return std::string(depth, '[') + std::string(depth, ']'); }

// The server still answers a plain request after the hostile one.
void checkStillServing(ServerProcess& server) {
  auto pong = server.request("ping", json::object(), 10s);
  INFO(pong.dump());
  CHECK(pong.contains("result"));
  CHECK(server.running());
}

}  // namespace

TEST_CASE("deeply nested JSON on stdin is refused with the id, and the server keeps serving", "[e2e][hostile]") {
  TempDir home;
  ServerProcess server({.baseUrl = "http://127.0.0.1:9", .home = home.path()});
  const std::string deep = deepArray();

  SECTION("in the initialize request's clientInfo (the reported repro)") {
    server.sendRaw(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
                   R"("capabilities":{},"clientInfo":)" + deep + "}}");
    auto answer = server.waitForResponse(json(1), 10s);
    REQUIRE(answer);
    CHECK((*answer)["error"]["code"] == -32600);
    CHECK((*answer)["error"]["message"].get<std::string>().find("nested deeper than 256") != std::string::npos);
    server.initialize();
    checkStillServing(server);
  }
  SECTION("in params, _meta, tool arguments, a cancel's requestId, a response's id, the id itself") {
    server.initialize();
    server.sendRaw(R"({"jsonrpc":"2.0","id":"p","method":"tools/list","params":)" + deep + "}");
    server.sendRaw(R"({"jsonrpc":"2.0","id":"m","method":"ping","params":{"_meta":)" + deep + "}}");
    server.sendRaw(R"({"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"credits","arguments":{"x":)" +
                   deep + "}}}");
    server.sendRaw(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":)" + deep + "}}");
    server.sendRaw(R"({"jsonrpc":"2.0","id":)" + deep + R"(,"result":{}})");
    server.sendRaw(R"({"jsonrpc":"2.0","id":)" + deep + R"(,"method":"ping"})");
    for (const char* id : {"p", "m", "a"}) {
      auto answer = server.waitForResponse(json(id), 10s);
      REQUIRE(answer);
      CHECK((*answer)["error"]["code"] == -32600);
    }
    // The id itself too deep to read: answered with a null id.
    auto unnamed = server.waitFor([](const json& m) { return m.contains("error") && m["id"].is_null(); }, 10s);
    CHECK(unnamed);
    checkStillServing(server);
  }
  SECTION("a NUL byte inside a line makes the whole line a parse error") {
    server.sendRaw(std::string(R"({"jsonrpc":"2.0","id":5,"method":"ping"})") + '\0' + "{garbage");
    auto parseError = server.waitFor([](const json& m) { return m.contains("error") && m["error"]["code"] == -32700; }, 10s);
    CHECK(parseError);
    CHECK_FALSE(server.waitForResponse(json(5), 500ms).value_or(json()).contains("result"));
    checkStillServing(server);
  }
}

TEST_CASE("a backend answer nested a million deep is an unreadable answer, not a crash", "[e2e][hostile]") {
  Backend backend;
  TempDir home;
  const std::string deep = deepArray(1000000);
  ServerProcess server({.baseUrl = backend.baseUrl(), .home = home.path()});
  server.initialize();

  SECTION("the token answer") {
    backend.configure({{"fail", {{"anonymous_token", {{"http", 200}, {"raw_body", deep}}}}}});
    auto result = resultOf(server.callTool("credits"));
    CHECK(result["isError"] == true);
    CHECK(result["structuredContent"]["error"]["code"] == -3);
  }
  SECTION("the credits and state answers") {
    backend.configure({{"fail", {{"credits", {{"http", 200}, {"raw_body", R"({"code":0,"data":)" + deep + "}"}}}}}});
    auto credits = resultOf(server.callTool("credits"));
    CHECK(credits["isError"] == true);
    CHECK(credits["structuredContent"]["error"]["code"] == -3);
    auto session = resultOf(server.callTool("create_session"));
    REQUIRE(session["isError"] == false);
    backend.configure({{"fail", {{"state", {{"http", 200}, {"raw_body", R"({"code":0,"data":{"state":{"draft":)" + deep + "}}}"}}}}}});
    auto state = resultOf(server.callTool("state"));
    CHECK(state["isError"] == true);
    CHECK(state["structuredContent"]["error"]["code"] == -3);
  }
  checkStillServing(server);
}

namespace {

// An ADK text event, partial or final, as the raw bytes of one SSE event.
std::string adkText(const std::string& text, bool partial) {
  json event{{"partial", partial}, {"content", {{"role", "model"}, {"parts", {{{"text", text}}}}}}};
  return "data: " + event.dump() + "\n\n";
}

}  // namespace

TEST_CASE("an expired token with the weekly allowance spent gives one clear answer, at once", "[e2e][hostile]") {
  Backend backend;
  TempDir home;
  ServerProcess server({.baseUrl = backend.baseUrl(), .home = home.path()});  // the real 30 s rate-limit wait
  server.initialize();
  REQUIRE(resultOf(server.callTool("credits"))["isError"] == false);
  const auto token = backend.issuedTokens().front();
  backend.configure({{"revoke_tokens", true}});  // expired; the next free token is refused (one a week)

  for (int call = 0; call < 2; ++call) {
    auto started = std::chrono::steady_clock::now();
    auto result = resultOf(server.callTool("credits"));
    auto took = std::chrono::steady_clock::now() - started;
    INFO(result.dump());
    CHECK(result["isError"] == true);
    CHECK(result["structuredContent"]["error"]["code"] == 429);
    CHECK(textOf(result).find("NEMO_TOKEN") != std::string::npos);
    CHECK(result["structuredContent"]["error"].contains("retry_after"));
    CHECK(took < 20s);  // no 30-second wait that cannot help
  }
  // Asked once, not on every call; and the last token is still on record.
  CHECK(backend.requestsTo("/api/auth/anonymous-token").size() == 2);
  CHECK(readFile(server.configDir() / "credentials.json").find(token) != std::string::npos);
}

TEST_CASE("a token that could inject headers is refused and never sent", "[e2e][hostile]") {
  Backend backend;
  TempDir home;
  ServerProcess server({.baseUrl = backend.baseUrl(), .home = home.path()});
  server.initialize();
  backend.configure({{"fail", {{"anonymous_token", {{"http", 200},
                                                    {"raw_body", R"({"code":0,"data":{"token":"nmv_abcdefgh\r\nX-Injected: yes"}})"}}}}}});
  auto result = resultOf(server.callTool("credits"));
  CHECK(result["isError"] == true);
  CHECK(result["structuredContent"]["error"]["code"] == -3);
  CHECK(textOf(result).find("HTTP header") != std::string::npos);
  for (const auto& request : backend.requests()) CHECK_FALSE(request["headers"].contains("x-injected"));
  CHECK(backend.requestsTo("/api/credits").empty());
  CHECK(readFile(server.configDir() / "credentials.json").find("X-Injected") == std::string::npos);
}

TEST_CASE("a credits answer that cannot be read is never reported as a balance", "[e2e][hostile]") {
  Backend backend;
  TempDir home;
  ServerProcess server({.baseUrl = backend.baseUrl(), .home = home.path()});
  server.initialize();
  for (const json& credits : {json("lots"), json{{"available", "many"}, {"frozen", 0}, {"total", 5}},
                              json{{"frozen", 0}}, json{{"available", 3}, {"frozen", {{"x", 1}}}}}) {
    backend.configure({{"credits", credits}});
    auto result = resultOf(server.callTool("credits"));
    INFO(credits.dump() << " -> " << result.dump());
    CHECK(result["isError"] == true);
    CHECK(result["structuredContent"]["error"]["code"] == -3);
  }
  backend.configure({{"fail", {{"credits", {{"http", 200}, {"raw_body", R"({"code":0,"data":{"available":1e400,"frozen":0,"total":5}})"}}}}}});
  auto huge = resultOf(server.callTool("credits"));
  CHECK(huge["isError"] == true);
  CHECK(huge["structuredContent"]["error"]["code"] == -3);
  // A number too large for a double elsewhere in an answer does not make the answer unreadable.
  backend.configure({{"fail", {{"credits", {{"http", 200}, {"raw_body", R"({"code":0,"extra":1e999,"data":{"available":7,"frozen":0,"total":7}})"}}}}}});
  auto fine = resultOf(server.callTool("credits"));
  CHECK(fine["isError"] == false);
  CHECK(fine["structuredContent"]["available"] == 7);
}

TEST_CASE("every call answers within its bound whatever the backend does", "[e2e][hostile]") {
  Backend backend;
  TempDir home;
  ServerProcess server({.baseUrl = backend.baseUrl(), .home = home.path(),
                        .env = {{"NEMO_DEFAULT_WAIT_SECONDS", "3"}, {"NEMO_RATE_LIMIT_WAIT_MS", "30000"}}});
  server.initialize();
  REQUIRE(resultOf(server.callTool("create_session"))["isError"] == false);
  auto within = [&](const std::string& tool, json arguments) {
    auto started = std::chrono::steady_clock::now();
    auto result = resultOf(server.callTool(tool, std::move(arguments), {}, 30s));
    auto took = std::chrono::steady_clock::now() - started;
    INFO(tool << " took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms: " << result.dump());
    CHECK(took < 8s);
    return result;
  };
  SECTION("a backend that never answers") {
    backend.configure({{"delay_ms", {{"credits", 60000}, {"state", 60000}, {"create_session", 60000}}}});
    CHECK(within("credits", json::object())["isError"] == true);
    CHECK(within("state", json::object())["isError"] == true);
    CHECK(within("create_session", json::object())["isError"] == true);
    CHECK(within("export", {{"wait_seconds", 0}})["isError"] == true);
  }
  SECTION("a 429 whose 30-second wait does not fit") {
    backend.configure({{"fail", {{"state", {{"http", 429}, {"times", -1}}}}}});
    auto result = within("state", json::object());
    CHECK(result["isError"] == true);
    CHECK(result["structuredContent"]["error"]["code"] == 429);
    CHECK(textOf(result).find("no time left") != std::string::npos);
  }
}

TEST_CASE("the 429 message names the wait that was used", "[e2e][hostile]") {
  Backend backend;
  TempDir home;
  ServerProcess server({.baseUrl = backend.baseUrl(), .home = home.path(), .env = {{"NEMO_RATE_LIMIT_WAIT_MS", "300"}}});
  server.initialize();
  backend.configure({{"fail", {{"credits", {{"http", 429}, {"times", 2}}}}}});
  auto result = resultOf(server.callTool("credits"));
  CHECK(result["isError"] == true);
  CHECK(textOf(result).find("after 0.3 seconds") != std::string::npos);
  CHECK(textOf(result).find("30 seconds") == std::string::npos);
}

TEST_CASE("the chat stream: secrets in pieces, huge events, bytes that are not UTF-8, silence", "[e2e][hostile]") {
  Backend backend;
  TempDir home;
  ServerProcess server({.baseUrl = backend.baseUrl(), .home = home.path(), .env = {{"NEMO_CHAT_IDLE_SECONDS", "3"}}});
  server.initialize();
  REQUIRE(resultOf(server.callTool("create_session"))["isError"] == false);

  SECTION("a token streamed across chunks never leaves in pieces") {
    const auto token = backend.issuedTokens().front();
    backend.configure({{"sse_script", json::array({{{"raw", adkText("Your key is " + token.substr(0, 12), true)}},
                                                   {{"raw", adkText(token.substr(12, 20), true)}},
                                                   {{"raw", adkText(token.substr(32) + " and done.", true)}},
                                                   {{"raw", adkText("Your key is " + token + " and done.", false)}}})}});
    auto result = resultOf(server.callTool("chat", {{"message", "what is my key"}}, json("t1")));
    CHECK(result["isError"] == false);
    std::string everything;
    for (const auto& line : server.stdoutLines()) everything += line;
    for (std::size_t i = 0; i + 8 <= token.size(); ++i) {
      INFO("piece at " << i);
      CHECK(everything.find(token.substr(i, 8)) == std::string::npos);
    }
    CHECK(everything.find("[redacted]") != std::string::npos);
  }
  SECTION("an event over the size limit is said to be too large, not cancelled") {
    backend.configure({{"sse_script", json::array({{{"raw", "data: \"" + std::string(9u << 20, 'x') + "\"\n\n"}}})}});
    auto result = resultOf(server.callTool("chat", {{"message", "go"}}, {}, 30s));
    INFO(result.dump().substr(0, 2000));
    CHECK(result["isError"] == true);
    CHECK(result["structuredContent"]["error"]["code"] == -3);
    CHECK(textOf(result).find("larger than") != std::string::npos);
  }
  SECTION("text that is not valid UTF-8 is kept, with replacement characters") {
    std::string bytes = adkText("caf@ au lait", false);
    std::vector<int> raw(bytes.begin(), bytes.end());
    std::replace(raw.begin(), raw.end(), static_cast<int>('@'), 0xE9);  // Latin-1 é: not UTF-8
    backend.configure({{"sse_script", json::array({{{"raw_bytes", raw}}})}});
    auto result = resultOf(server.callTool("chat", {{"message", "order"}}));
    INFO(result.dump());
    CHECK(result["isError"] == false);
    CHECK(textOf(result).find("caf\xEF\xBF\xBD au lait") != std::string::npos);
  }
  SECTION("NEMO_CHAT_IDLE_SECONDS is kept to the second") {
    backend.configure({{"sse_script", json::array({{{"text", "Starting"}}, {{"delay_ms", 20000}, {"text", "late"}}})}});
    auto started = std::chrono::steady_clock::now();
    auto result = resultOf(server.callTool("chat", {{"message", "go"}, {"wait_seconds", 30}}, {}, 40s));
    auto took = std::chrono::steady_clock::now() - started;
    INFO(result.dump());
    CHECK(result["isError"] == true);
    CHECK(took < 7s);
  }
}
