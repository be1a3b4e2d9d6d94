// End-to-end: the real binary over real pipes, checked at the protocol level (both MCP eras,
// every kind of bad input, shutdown). Most need no backend: nothing here calls NemoVideo.
#include <catch2/catch.hpp>

#include <filesystem>

#include "e2e/support/Backend.h"
#include "e2e/support/Results.h"
#include "e2e/support/ServerProcess.h"

using namespace nemo::e2e;

namespace {

const char* kModern = "2026-07-28";

json modernMeta(const std::string& version = kModern) {
  return {{"io.modelcontextprotocol/protocolVersion", version},
          {"io.modelcontextprotocol/clientCapabilities", json::object()},
          {"io.modelcontextprotocol/clientInfo", {{"name", "e2e"}, {"version", "1"}}}};
}

int errorCode(const json& response) { return response.at("error").at("code").get<int>(); }

std::size_t filesUnder(const std::filesystem::path& dir) {
  std::size_t count = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec); it != std::filesystem::end(it); ++it) {
    if (it->is_regular_file() && it->path().filename().string().rfind("server-stderr", 0) != 0) ++count;
  }
  return count;
}

}  // namespace

TEST_CASE("2025 era: initialize negotiates the version, then tools and prompts are listed", "[e2e][protocol]") {
  TempDir home;
  ServerProcess server({.baseUrl = "http://127.0.0.1:9", .home = home.path()});

  SECTION("a version we speak is answered with itself") {
    for (const std::string version : {"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"}) {
      auto response = server.request("initialize", {{"protocolVersion", version},
                                                    {"capabilities", json::object()},
                                                    {"clientInfo", {{"name", "e2e"}, {"version", "1"}}}});
      CHECK(response["result"]["protocolVersion"] == version);
    }
  }
  SECTION("an unknown version is answered with our latest") {
    auto result = server.initialize("1999-01-01");
    CHECK(result["protocolVersion"] == "2025-11-25");
    CHECK(result["serverInfo"]["name"] == "nemo-video-mcp");
    CHECK(result["capabilities"].contains("tools"));
  }
  SECTION("tools are listed in the product's order with schemas and annotations") {
    server.initialize();
    auto tools = server.request("tools/list")["result"]["tools"];
    REQUIRE(tools.size() >= 2);
    std::vector<std::string> names;
    for (const auto& tool : tools) {
      names.push_back(tool["name"]);
      CHECK(tool["title"].is_string());
      CHECK(tool["description"].get<std::string>().size() > 40);
      CHECK(tool["inputSchema"]["type"] == "object");
      CHECK(tool["outputSchema"]["type"] == "object");
      CHECK(tool["annotations"].contains("readOnlyHint"));
      CHECK(tool["annotations"].contains("openWorldHint"));
    }
    std::vector<std::string> order{"create_session", "chat", "upload", "credits", "state", "export"};
    std::vector<std::string> expected;
    for (const auto& name : order) {
      if (std::find(names.begin(), names.end(), name) != names.end()) expected.push_back(name);
    }
    CHECK(names == expected);
    auto credits = std::find_if(tools.begin(), tools.end(), [](const json& t) { return t["name"] == "credits"; });
    REQUIRE(credits != tools.end());
    CHECK((*credits)["annotations"]["readOnlyHint"] == true);
  }
  SECTION("prompts are a menu a person picks from, with the arguments each asks for") {
    server.initialize();
    auto prompts = server.request("prompts/list")["result"]["prompts"];
    REQUIRE(prompts.size() == 3);
    CHECK(prompts[0]["name"] == "promo-from-photos");
    CHECK(prompts[0]["title"] == "Promo video from product photos");
    CHECK(prompts[0]["arguments"][0] ==
          json{{"name", "photos"}, {"description", "The photos to use: file paths or http(s) links, separated by spaces"},
               {"required", true}});
    CHECK(prompts[2]["name"] == "export-mp4");
    CHECK_FALSE(prompts[2].contains("arguments"));
    auto prompt = server.request("prompts/get", {{"name", "promo-from-photos"},
                                                 {"arguments", {{"photos", "~/a.png ~/b.png"}}}})["result"];
    CHECK(prompt["messages"][0]["role"] == "user");
    CHECK(prompt["messages"][0]["content"]["text"] ==
          "Make a 30-second promo video from my product photos: ~/a.png ~/b.png. Upload the photos, have the video "
          "editor generate the promo, then export the MP4.");
    auto missing = server.request("prompts/get", {{"name", "promo-from-photos"}});
    CHECK(errorCode(missing) == -32602);
    CHECK(missing["error"]["message"].get<std::string>().find("photos") != std::string::npos);
    CHECK(errorCode(server.request("prompts/get", {{"name", "nope"}})) == -32602);
  }
  SECTION("ping works before and after initialize") {
    CHECK(server.request("ping")["result"].is_object());
    server.initialize();
    CHECK(server.request("ping")["result"].is_object());
  }
}

TEST_CASE("2025 era: requests before initialize are refused", "[e2e][protocol]") {
  TempDir home;
  ServerProcess server({.baseUrl = "http://127.0.0.1:9", .home = home.path()});
  auto response = server.request("tools/list");
  CHECK(errorCode(response) == -32600);
  CHECK(response["error"]["message"].get<std::string>().find("initialize") != std::string::npos);
}

TEST_CASE("bad input gets a clear error and the server reads on", "[e2e][protocol]") {
  TempDir home;
  ServerProcess server({.baseUrl = "http://127.0.0.1:9", .home = home.path()});
  server.initialize();

  server.sendRaw("{this is not json");
  auto parseError = server.waitFor([](const json& m) { return m.contains("error") && m["error"]["code"] == -32700; }, 5s);
  REQUIRE(parseError);
  CHECK((*parseError)["id"].is_null());

  server.sendRaw("[1,2,3]");
  CHECK(server.waitFor([](const json& m) { return m.contains("error") && m["error"]["code"] == -32600; }, 5s));

  server.sendRaw(R"({"jsonrpc":"2.0","id":77})");
  auto noMethod = server.waitForResponse(77, 5s);
  REQUIRE(noMethod);
  CHECK(errorCode(*noMethod) == -32600);

  server.sendRaw(R"({"jsonrpc":"1.0","id":78,"method":"ping"})");
  REQUIRE(server.waitForResponse(78, 5s));
  CHECK(errorCode(*server.waitForResponse(78, 1s)) == -32600);

  CHECK(errorCode(server.request("does/not/exist")) == -32601);

  // Arguments that break the schema are the model's to correct: isError results naming the
  // field (MCP 2025-11-25). Only a malformed call is a protocol error.
  auto invalid = resultOf(server.callTool("create_session", {{"language", 7}}));
  CHECK(invalid["isError"] == true);
  CHECK(textOf(invalid).find("`language`") != std::string::npos);
  CHECK(invalid["structuredContent"]["error"]["field"] == "language");
  auto extra = resultOf(server.callTool("create_session", {{"bogus", true}}));
  CHECK(extra["isError"] == true);
  CHECK(textOf(extra).find("`bogus` is not an argument of create_session") != std::string::npos);
  CHECK(errorCode(server.callTool("no_such_tool")) == -32602);
  CHECK(errorCode(server.request("tools/call", {{"arguments", json::object()}})) == -32602);
  CHECK(errorCode(server.request("tools/call", {{"name", "credits"}, {"arguments", "all"}})) == -32602);

  // A line over the 16 MiB limit is refused and skipped; the next line is served.
  std::string huge = R"({"jsonrpc":"2.0","id":"big","method":"ping","params":{"pad":")" +
                     std::string(17 * 1024 * 1024, 'x') + R"("}})";
  server.sendRaw(huge);
  auto tooBig = server.waitFor(
      [](const json& m) {
        return m.contains("error") && m["error"]["message"].get<std::string>().find("larger") != std::string::npos;
      },
      20s);
  REQUIRE(tooBig);
  CHECK(server.request("ping")["result"].is_object());
  CHECK(server.running());
  for (const auto& line : server.stdoutLines()) CHECK(json::parse(line, nullptr, false).is_discarded() == false);
}

TEST_CASE("2026-07-28: stateless requests with _meta, server/discover and version errors", "[e2e][protocol]") {
  TempDir home;
  ServerProcess server({.baseUrl = "http://127.0.0.1:9", .home = home.path()});

  SECTION("the first message may be tools/list, with no handshake") {
    auto response = server.requestWithId("list-1", "tools/list", {{"_meta", modernMeta()}});
    auto result = response["result"];
    CHECK(result["resultType"] == "complete");
    CHECK(result["ttlMs"].get<int>() > 0);
    CHECK((result["cacheScope"] == "public" || result["cacheScope"] == "private"));
    CHECK(result["_meta"]["io.modelcontextprotocol/serverInfo"]["name"] == "nemo-video-mcp");
    CHECK(result["tools"].size() >= 2);
    auto prompts = server.request("prompts/list", {{"_meta", modernMeta()}})["result"];
    CHECK(prompts["resultType"] == "complete");
    CHECK(prompts.contains("ttlMs"));
  }
  SECTION("server/discover advertises the versions") {
    auto result = server.requestWithId("probe", "server/discover", {{"_meta", modernMeta()}})["result"];
    CHECK(result["resultType"] == "complete");
    auto versions = result["supportedVersions"];
    CHECK(std::find(versions.begin(), versions.end(), kModern) != versions.end());
    CHECK(std::find(versions.begin(), versions.end(), "2025-06-18") != versions.end());
    CHECK(result["capabilities"].contains("tools"));
  }
  SECTION("an unsupported version is -32022 with the supported list") {
    auto response = server.request("tools/list", {{"_meta", modernMeta("2099-01-01")}});
    CHECK(errorCode(response) == -32022);
    CHECK(response["error"]["data"]["requested"] == "2099-01-01");
    CHECK(response["error"]["data"]["supported"].size() >= 2);
  }
  SECTION("a tool call validates its arguments the same way") {
    auto response = server.request("tools/call", {{"name", "create_session"},
                                                  {"arguments", {{"task_name", ""}}},
                                                  {"_meta", modernMeta()}});
    auto result = resultOf(response);
    CHECK(result["resultType"] == "complete");
    CHECK(result["isError"] == true);
    CHECK(textOf(result).find("`task_name`") != std::string::npos);
  }
}

TEST_CASE("a discover probe that closes at once leaves nothing behind", "[e2e][protocol]") {
  TempDir home;
  auto started = std::chrono::steady_clock::now();
  {
    ServerProcess probe({.baseUrl = "http://127.0.0.1:9", .home = home.path()});
    probe.send({{"jsonrpc", "2.0"}, {"id", "discover-0"}, {"method", "server/discover"}, {"params", {{"_meta", modernMeta()}}}});
    REQUIRE(probe.waitForResponse("discover-0", 5s));
    probe.closeInput();
    auto code = probe.waitExit(5s);
    REQUIRE(code);
    CHECK(*code == 0);
  }
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  CHECK(filesUnder(home.path()) == 0);  // no token, no session list, no temp file
}

TEST_CASE("end of input cancels running calls and exits 0 within a bounded time", "[e2e][protocol]") {
  Backend backend;
  backend.configure({{"delay_ms", {{"credits", 20000}}}});
  TempDir home;
  ServerProcess server({.baseUrl = backend.baseUrl(), .home = home.path()});
  server.initialize();
  server.send({{"jsonrpc", "2.0"}, {"id", 5}, {"method", "tools/call"}, {"params", {{"name", "credits"}, {"arguments", json::object()}}}});
  // Wait until the slow call is really on the wire.
  for (int i = 0; i < 200 && backend.requestsTo("/api/credits").empty(); ++i) std::this_thread::sleep_for(20ms);
  REQUIRE_FALSE(backend.requestsTo("/api/credits").empty());
  auto closed = std::chrono::steady_clock::now();
  server.closeInput();
  auto code = server.waitExit(5s);
  REQUIRE(code);
  CHECK(*code == 0);
  CHECK(std::chrono::steady_clock::now() - closed < 3s);
}

TEST_CASE("a plain-http base URL to a non-loopback host is refused at start", "[e2e][protocol]") {
  TempDir home;
  ServerProcess server({.baseUrl = "http://example.com", .home = home.path()});
  auto code = server.waitExit(5s);
  REQUIRE(code);
  CHECK(*code == 2);
  CHECK(server.stderrText().find("https") != std::string::npos);
}
