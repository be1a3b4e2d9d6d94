// End-to-end checks of the fake NemoVideo cloud itself, through the harness only: if these fail,
// every other end-to-end test is testing the backend instead of the client.
#include "e2e/support/Backend.h"

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <vector>

using nemo::e2e::Backend;
using nlohmann::json;

namespace {

httplib::Headers attribution() {
  return {{"X-Skill-Source", "video-generator-free-no-limits"},
          {"X-Skill-Version", "1.0.0"},
          {"X-Skill-Platform", "unknown"}};
}

httplib::Headers authed(const std::string& token) {
  auto h = attribution();
  h.emplace("Authorization", "Bearer " + token);
  return h;
}

std::string issueToken(const Backend& backend, const std::string& clientId) {
  httplib::Client cli("127.0.0.1", backend.port());
  auto h = attribution();
  h.emplace("X-Client-Id", clientId);
  auto res = cli.Post("/api/auth/anonymous-token", h, "", "application/json");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  return json::parse(res->body)["data"]["token"];
}

std::string newSession(const Backend& backend, const std::string& token) {
  httplib::Client cli("127.0.0.1", backend.port());
  auto res = cli.Post("/api/tasks/me/with-session/nemo_agent", authed(token),
                      R"({"task_name":"project","language":"en"})", "application/json");
  REQUIRE(res);
  const json body = json::parse(res->body);
  REQUIRE(body["code"] == 0);
  return body["data"]["session_id"];
}

struct Stream {
  bool complete = false;
  int status = 0;
  std::vector<std::string> chunks;
  std::vector<std::chrono::steady_clock::time_point> arrivals;
  std::string all() const {
    std::string s;
    for (const auto& c : chunks) s += c;
    return s;
  }
  // The JSON payloads of the complete `data: {...}` events.
  std::vector<json> events() const {
    std::vector<json> out;
    const std::string text = all();
    std::size_t pos = 0;
    while ((pos = text.find("data: {", pos)) != std::string::npos) {
      const auto end = text.find("\n\n", pos);
      if (end == std::string::npos) break;
      out.push_back(json::parse(text.substr(pos + 6, end - pos - 6)));
      pos = end;
    }
    return out;
  }
};

Stream chat(const Backend& backend, const std::string& token, const std::string& session,
            const std::string& message) {
  httplib::Client cli("127.0.0.1", backend.port());
  httplib::Request req;
  req.method = "POST";
  req.path = "/run_sse";
  req.headers = authed(token);
  req.set_header("Accept", "text/event-stream");
  req.set_header("Content-Type", "application/json");
  req.body = json{{"app_name", "nemo_agent"},
                  {"user_id", "me"},
                  {"session_id", session},
                  {"new_message", {{"parts", json::array({{{"text", message}}})}}}}
                 .dump();
  Stream s;
  req.content_receiver = [&](const char* data, std::size_t n, std::uint64_t, std::uint64_t) {
    s.chunks.emplace_back(data, n);
    s.arrivals.push_back(std::chrono::steady_clock::now());
    return true;
  };
  httplib::Response res;
  httplib::Error error = httplib::Error::Success;
  s.complete = cli.send(req, res, error);
  s.status = res.status;
  return s;
}

json getJson(const Backend& backend, const std::string& token, const std::string& path) {
  httplib::Client cli("127.0.0.1", backend.port());
  auto res = cli.Get(path.c_str(), authed(token));
  REQUIRE(res);
  return json::parse(res->body);
}

}  // namespace

TEST_CASE("backend: one anonymous token per client id, then 429", "[backend]") {
  Backend backend;
  const std::string token = issueToken(backend, "client-1");
  CHECK(token.size() >= 32);

  httplib::Client cli("127.0.0.1", backend.port());
  auto h = attribution();
  h.emplace("X-Client-Id", "client-1");
  auto again = cli.Post("/api/auth/anonymous-token", h, "", "application/json");
  REQUIRE(again);
  CHECK(again->status == 429);
  CHECK(json::parse(again->body)["code"] == 429);

  auto noId = cli.Post("/api/auth/anonymous-token", attribution(), "", "application/json");
  REQUIRE(noId);
  CHECK(noId->status == 400);

  CHECK(backend.requestsTo("/api/auth/anonymous-token").size() == 3);
  CHECK(backend.state()["tokens_issued"] == 1);

  backend.reset();
  CHECK(backend.requests().empty());
  CHECK(issueToken(backend, "client-1") != token);
}

TEST_CASE("backend: attribution headers and bearer token are enforced", "[backend]") {
  Backend backend;
  const std::string token = issueToken(backend, "client-2");
  httplib::Client cli("127.0.0.1", backend.port());

  httplib::Headers noAttribution{{"Authorization", "Bearer " + token}};
  auto res = cli.Get("/api/credits/balance/simple", noAttribution);
  REQUIRE(res);
  CHECK(res->status == 402);
  CHECK(json::parse(res->body)["code"] == 402);

  res = cli.Get("/api/credits/balance/simple", authed("not-a-token"));
  REQUIRE(res);
  CHECK(json::parse(res->body)["code"] == 1001);

  backend.configure({{"static_token", "fixed-token"}, {"credits", 7}});
  const json credits = getJson(backend, "fixed-token", "/api/credits/balance/simple");
  CHECK(credits["code"] == 0);
  CHECK(credits["data"]["available"] == 7);

  backend.configure({{"fail", {{"credits", {{"code", 2001}, {"times", 1}}}}}});
  CHECK(getJson(backend, token, "/api/credits/balance/simple")["code"] == 2001);
  CHECK(getJson(backend, token, "/api/credits/balance/simple")["code"] == 0);

  const json log = backend.requestsTo("/api/credits/balance/simple");
  REQUIRE(log.size() == 5);
  CHECK(log[0]["headers"].contains("authorization"));
  CHECK_FALSE(log[0]["headers"].contains("x-skill-source"));
  CHECK(log[2]["headers"]["x-skill-platform"] == "unknown");
}

TEST_CASE("backend: chat turns stream in chunks, in both shapes", "[backend]") {
  Backend backend;
  const std::string token = issueToken(backend, "client-3");
  const std::string session = newSession(backend, token);

  SECTION("adk: partial chunks, then the whole text once") {
    backend.configure({{"sse_delay_ms", 150},
                       {"sse_script",
                        json::array({{{"text", "Adding a title"}, {"chunks", 3}},
                                     {{"tool", "add_text"}, {"args", {{"text", "Hi"}}}},
                                     {{"text", "Done — title added."}, {"chunks", 2}}})}});
    const auto start = std::chrono::steady_clock::now();
    const Stream s = chat(backend, token, session, "add a title");
    REQUIRE(s.complete);
    CHECK(s.status == 200);
    CHECK(s.chunks.size() >= 5);
    CHECK(s.arrivals.back() - start >= std::chrono::milliseconds(250));
    CHECK(s.arrivals.back() - s.arrivals.front() >= std::chrono::milliseconds(250));

    std::string partial, final;
    bool sawCall = false, sawResponse = false;
    for (const json& e : s.events()) {
      const json& part = e["content"]["parts"][0];
      if (part.contains("text")) (e["partial"] == true ? partial : final) += part["text"].get<std::string>();
      sawCall = sawCall || part.contains("functionCall");
      sawResponse = sawResponse || part.contains("functionResponse");
    }
    CHECK(partial == "Adding a titleDone — title added.");
    CHECK(final == partial);
    CHECK(sawCall);
    CHECK(sawResponse);
  }

  SECTION("nemo: typed events, heartbeats of every kind") {
    backend.configure({{"sse_shape", "nemo"},
                       {"sse_script",
                        json::array({{{"heartbeat", true}, {"comment", true}, {"empty_data", true}},
                                     {{"text", "Hello world"}, {"chunks", 2}, {"delay_ms", 200}},
                                     {{"tool", "render_preview"}}})}});
    const Stream s = chat(backend, token, session, "hi");
    REQUIRE(s.complete);
    const std::string all = s.all();
    CHECK(all.find(": keep-alive\n\n") != std::string::npos);
    CHECK(all.find("data:\n\n") != std::string::npos);
    std::string text;
    std::vector<std::string> types;
    for (const json& e : s.events()) {
      types.push_back(e["type"]);
      if (e["type"] == "text") text += e["content"].get<std::string>();
    }
    CHECK(text == "Hello world");
    CHECK(types == std::vector<std::string>{"heartbeat", "text", "text", "tool_call", "tool_result"});
    CHECK(s.arrivals.back() - s.arrivals.front() >= std::chrono::milliseconds(150));
  }

  SECTION("a silent turn still changes the draft") {
    backend.configure({{"sse_script", json::array({{{"edit", {{"add_text", "Silent"}}}}})}});
    const Stream s = chat(backend, token, session, "do it quietly");
    REQUIRE(s.complete);
    CHECK(s.events().empty());
    const json state = getJson(backend, token, "/api/state/nemo_agent/me/" + session + "/latest");
    CHECK(state["data"]["state"]["draft"]["t"].back()["sg"][0]["m"]["text"] == "Silent");
  }

  SECTION("the default turn echoes the message and generates the seeds' timeline") {
    const Stream s = chat(backend, token, session, "make a city video");
    REQUIRE(s.complete);
    CHECK(s.all().find("make a city video") != std::string::npos);
    const json state = getJson(backend, token, "/api/state/nemo_agent/me/" + session + "/latest");
    const json& draft = state["data"]["state"]["draft"];
    REQUIRE(draft["t"].size() == 3);
    CHECK(draft["t"][1]["sg"][0]["m"]["volume"] == 0.35);
    CHECK(draft["t"][2]["sg"][0]["m"]["text"] == "Urban Dreams");
    CHECK(draft.contains("tr"));
  }

  SECTION("unknown session is a JSON 1002, not a stream") {
    const Stream s = chat(backend, token, "sess_nope", "hi");
    REQUIRE(s.complete);
    CHECK(json::parse(s.all())["code"] == 1002);
  }
}

TEST_CASE("backend: a cut stream is an incomplete transfer", "[backend]") {
  Backend backend;
  const std::string token = issueToken(backend, "client-4");
  const std::string session = newSession(backend, token);
  for (const char* shape : {"adk", "nemo"}) {
    backend.configure({{"sse_shape", shape},
                       {"sse_script", json::array({{{"text", "Starting"}, {"chunks", 2}},
                                                   {{"delay_ms", 50}, {"cut", true}}})}});
    const Stream s = chat(backend, token, session, "go");
    CHECK_FALSE(s.complete);
    CHECK(s.all().find("Star") != std::string::npos);  // the first chunk made it through
  }
  // The backend survives a cut: the next turn is whole again.
  CHECK(chat(backend, token, session, "again").complete);
}

TEST_CASE("backend: renders progress in both shapes; outputs come from the CDN", "[backend]") {
  Backend backend;
  const std::string token = issueToken(backend, "client-5");
  const std::string session = newSession(backend, token);
  httplib::Client cli("127.0.0.1", backend.port());
  const json draft = {{"t", json::array({{{"tt", 0}, {"sg", json::array({{{"d", 1000}}})}}})},
                      {"unknown", {{"keep", json::array({1, 2.5, "x"})}}}};
  auto start = [&](const std::string& id) {
    json body{{"id", id}, {"sessionId", session}, {"draft", draft}, {"output", {{"format", "mp4"}, {"quality", "high"}}}};
    auto res = cli.Post("/api/render/proxy/lambda", authed(token), body.dump(), "application/json");
    REQUIRE(res);
    return std::make_pair(res->status, json::parse(res->body));
  };

  SECTION("shape a") {
    auto [status, body] = start("render_a");
    CHECK(status == 200);
    CHECK(body["success"] == true);
    CHECK(body["data"]["status"] == "pending");
    CHECK(start("render_a").second["success"] == false);  // duplicate id
    CHECK(backend.requestsTo("/api/render/proxy/lambda", "POST")[0]["body"]["draft"] == draft);

    std::vector<std::string> statuses;
    json last;
    for (int i = 0; i < 6; ++i) {
      last = getJson(backend, token, "/api/render/proxy/lambda/render_a");
      statuses.push_back(last["data"]["status"]);
    }
    CHECK(statuses == std::vector<std::string>{"pending", "queued", "processing", "rendering",
                                               "completed", "completed"});
    CHECK(last["data"]["progress"] == 100);
    const std::string url = last["data"]["outputUrl"];
    CHECK(url == backend.cdnUrl() + "/outputs/render_a.mp4");

    httplib::Client cdn("127.0.0.1", backend.cdnPort());
    auto out = cdn.Get("/outputs/render_a.mp4");
    REQUIRE(out);
    CHECK(out->status == 200);
    REQUIRE(out->body.size() > 1024);
    CHECK(out->body.substr(4, 8) == "ftypisom");
    const json cdnLog = backend.requestsTo("/outputs/");
    REQUIRE(cdnLog.size() == 1);
    CHECK(cdnLog[0]["host"] == "cdn");
    CHECK_FALSE(cdnLog[0]["headers"].contains("authorization"));
  }

  SECTION("shape b, CDN failing, authorised download") {
    backend.configure({{"render_shape", "b"}, {"render_steps", {"processing", "completed"}}, {"output_fail", true}});
    start("render_b");
    CHECK(getJson(backend, token, "/api/render/proxy/lambda/render_b")["status"] == "processing");
    const json done = getJson(backend, token, "/api/render/proxy/lambda/render_b");
    CHECK(done["status"] == "completed");
    CHECK(done["output"]["url"] == backend.cdnUrl() + "/outputs/render_b.mp4");
    httplib::Client cdn("127.0.0.1", backend.cdnPort());
    auto out = cdn.Get("/outputs/render_b.mp4");
    REQUIRE(out);
    CHECK(out->status == 404);
    auto dl = cli.Get("/api/render/proxy/render_b/download", authed(token));
    REQUIRE(dl);
    CHECK(dl->status == 200);
    CHECK(dl->body.substr(4, 4) == "ftyp");
  }

  SECTION("failure and cancel") {
    backend.configure({{"render_steps", {"processing", "completed"}}, {"render_fail_reason", "codec exploded"}});
    start("render_f");
    getJson(backend, token, "/api/render/proxy/lambda/render_f");
    const json failed = getJson(backend, token, "/api/render/proxy/lambda/render_f");
    CHECK(failed["data"]["status"] == "failed");
    CHECK(failed["data"]["error"] == "codec exploded");

    backend.configure({{"render_fail_reason", nullptr}, {"render_steps", {"processing"}}});
    start("render_c");
    auto res = cli.Post("/api/render/proxy/lambda/render_c/cancel", authed(token), "", "application/json");
    REQUIRE(res);
    CHECK(json::parse(res->body)["success"] == true);
    CHECK(getJson(backend, token, "/api/render/proxy/lambda/render_c")["data"]["status"] == "cancelled");
  }
}

TEST_CASE("backend: uploads are counted while streaming and checked per file", "[backend]") {
  Backend backend;
  const std::string token = issueToken(backend, "client-6");
  const std::string session = newSession(backend, token);
  httplib::Client cli("127.0.0.1", backend.port());
  const std::string big(2 * 1024 * 1024, 'v');
  httplib::MultipartFormDataItems items{{"files", big, "clip.mp4", "video/mp4"},
                                        {"files", "x", "weird_unsupported.mp4", "video/mp4"},
                                        {"files", "y", "huge_toolarge.mov", "video/quicktime"}};
  auto res = cli.Post(("/api/upload-video/nemo_agent/me/" + session).c_str(), authed(token), items);
  REQUIRE(res);
  const json body = json::parse(res->body);
  CHECK(body["code"] == 0);
  REQUIRE(body["data"]["files"].size() == 1);
  CHECK(body["data"]["files"][0]["file_type"] == "video");
  CHECK(body["data"]["files"][0]["size"] == big.size());
  REQUIRE(body["data"]["errors"].size() == 2);
  CHECK(body["data"]["errors"][0]["code"] == 4001);
  CHECK(body["data"]["errors"][1]["code"] == 4002);

  const json log = backend.requestsTo("/api/upload-video/");
  REQUIRE(log.size() == 1);
  CHECK(log[0]["files"].size() == 3);
  CHECK(log[0]["files"][0]["size"] == big.size());
  CHECK(log[0]["body_size"].get<std::size_t>() > big.size());

  const json state = getJson(backend, token, "/api/state/nemo_agent/me/" + session + "/latest");
  CHECK(state["data"]["state"]["video_infos"].size() == 1);

  auto urls = cli.Post(("/api/upload-video/nemo_agent/me/" + session).c_str(), authed(token),
                       R"({"urls":["https://example.com/a/song.mp3"],"source_type":"url"})", "application/json");
  REQUIRE(urls);
  CHECK(json::parse(urls->body)["data"]["files"][0]["file_type"] == "audio");
}
