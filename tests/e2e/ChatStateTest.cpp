// End-to-end: `chat` and `state` through the real binary against the test backend: streamed
// turns in both SSE shapes, progress, silent turns answered by the timeline diff, bounded waits
// continued by turn_id, cut streams, 1002, cancellation, intent routing and GUI translation.
#include <catch2/catch.hpp>

#include <fstream>

#include "e2e/support/Backend.h"
#include "e2e/support/Results.h"
#include "e2e/support/ServerProcess.h"

using namespace nemo::e2e;

namespace {

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) ++n;
  return n;
}

std::vector<std::string> progressMessages(ServerProcess& server, const json& token) {
  std::vector<std::string> out;
  for (const auto& note : server.notifications("notifications/progress")) {
    if (note["params"]["progressToken"] == token) out.push_back(note["params"]["message"]);
  }
  return out;
}

struct Session {
  Backend backend;
  TempDir home;
  std::unique_ptr<ServerProcess> server;
  std::string sessionId;

  explicit Session(std::map<std::string, std::string> env = {}) {
    env.emplace("NEMO_PROGRESS_INTERVAL_MS", "300");
    server = std::make_unique<ServerProcess>(ServerOptions{.baseUrl = backend.baseUrl(), .home = home.path(), .env = env});
    server->initialize();
    auto created = resultOf(server->callTool("create_session"));
    REQUIRE(created["isError"] == false);
    sessionId = created["structuredContent"]["session_id"];
  }
};

}  // namespace

TEST_CASE("chat: a streamed turn relays chunks as progress and keeps the text once", "[e2e][chat]") {
  for (const char* shape : {"adk", "nemo"}) {
    Session s;
    s.backend.configure({{"sse_shape", shape},
                         {"sse_script", json::array({{{"tool", "add_text"}, {"args", {{"text", "Urban Dreams"}}}},
                                                     {{"text", "I added the title Urban Dreams. It sits at the start."},
                                                      {"chunks", 6},
                                                      {"chunk_delay_ms", 30}}})}});
    auto result = resultOf(s.server->callTool("chat", {{"message", "add a title Urban Dreams"}}, json("c1")));
    INFO(shape << ": " << result.dump());
    CHECK(result["isError"] == false);
    CHECK(result["structuredContent"]["status"] == "completed");
    const std::string reply = "I added the title Urban Dreams. It sits at the start.";
    CHECK(count(textOf(result), reply) == 1);
    CHECK(result["structuredContent"]["reply"] == reply);
    CHECK(result["structuredContent"]["tools_used"] == json::array({"add_text"}));
    auto progress = progressMessages(*s.server, "c1");
    bool sawSentence = false, sawTool = false;
    for (const auto& line : progress) {
      INFO(line);
      // The words stream as whole sentences, relayed before the whole reply was known; never a
      // fragment cut mid-word.
      if (line == "I added the title Urban Dreams.") sawSentence = true;
      if (reply.find(line) != std::string::npos) CHECK((line.back() == '.'));
      if (line.find("add_text") != std::string::npos) sawTool = true;
    }
    CHECK(sawSentence);
    CHECK(sawTool);
    CHECK(textOf(result).find("add_text") == std::string::npos);  // tool calls are progress, not reply
    auto sent = s.backend.requestsTo("/run_sse", "POST");
    REQUIRE(sent.size() == 1);
    CHECK(sent[0]["body"]["new_message"]["parts"][0]["text"] == "add a title Urban Dreams");
    CHECK(sent[0]["body"]["session_id"] == s.sessionId);
    CHECK(sent[0]["headers"]["accept"] == "text/event-stream");
  }
}

TEST_CASE("chat: a turn without text is answered with what changed", "[e2e][chat]") {
  Session s;
  s.backend.configure({{"sse_script", json::array({{{"tool", "add_text"}, {"edit", {{"add_text", "Urban Dreams"}}}}})}});
  auto result = resultOf(s.server->callTool("chat", {{"message", "put Urban Dreams on screen"}}));
  INFO(result.dump());
  CHECK(result["isError"] == false);
  auto changes = result["structuredContent"]["changes"];
  REQUIRE(changes.size() >= 1);
  CHECK(changes[0].get<std::string>().find("Added a text track") != std::string::npos);
  CHECK(textOf(result).find("Urban Dreams") != std::string::npos);
}

TEST_CASE("chat: a turn longer than wait_seconds returns a turn_id and is continued, never re-sent", "[e2e][chat]") {
  Session s;
  s.backend.configure({{"sse_script", json::array({{{"text", "Generating your promo..."}, {"chunks", 1}},
                                                   {{"delay_ms", 2500}, {"heartbeat", true}},
                                                   {{"text", "Done: a 10-second promo with a title."}, {"delay_ms", 500}}})}});
  auto first = resultOf(s.server->callTool("chat", {{"message", "generate a 10-second promo"}, {"wait_seconds", 1}}, json("w1")));
  INFO(first.dump());
  CHECK(first["isError"] == false);
  CHECK(first["structuredContent"]["status"] == "running");
  auto turnId = first["structuredContent"]["turn_id"].get<std::string>();
  CHECK(textOf(first).find(turnId) != std::string::npos);
  CHECK(textOf(first).find("Generating your promo") != std::string::npos);
  // Not the answer yet: the words so far are a partial reply, and the next step says how to go on.
  CHECK_FALSE(first["structuredContent"].contains("reply"));
  CHECK(first["structuredContent"]["partial_reply"] == "Generating your promo...");
  auto next = first["structuredContent"]["next"].get<std::string>();
  CHECK(next.find("\"turn_id\": \"" + turnId + "\"") != std::string::npos);
  CHECK(next.find("Never send the message again") != std::string::npos);
  CHECK(first["structuredContent"]["message"].get<std::string>().find("still working") != std::string::npos);
  CHECK(textOf(first).find(next) != std::string::npos);  // the text says the same
  // Progress kept coming while the call waited (interval 300 ms here; 10 s by default).
  CHECK(progressMessages(*s.server, "w1").size() >= 2);

  auto rest = resultOf(s.server->callTool("chat", {{"turn_id", turnId}, {"wait_seconds", 20}}, json("w2")));
  INFO(rest.dump());
  CHECK(rest["structuredContent"]["status"] == "completed");
  // The whole reply, once: no second field repeating part of it.
  CHECK(rest["structuredContent"]["reply"] == "Generating your promo...\n\nDone: a 10-second promo with a title.");
  CHECK(count(textOf(rest), "Generating your promo") == 1);
  CHECK_FALSE(rest["structuredContent"].contains("full_reply"));
  CHECK_FALSE(rest["structuredContent"].contains("partial_reply"));
  CHECK(s.backend.requestsTo("/run_sse").size() == 1);
  bool heartbeat = false;
  for (const auto& line : progressMessages(*s.server, "w2")) heartbeat |= line.find("Still working") != std::string::npos;
  CHECK(heartbeat);

  auto unknown = resultOf(s.server->callTool("chat", {{"turn_id", "turn_nope"}}));
  CHECK(unknown["isError"] == true);
}

TEST_CASE("chat: a cut stream returns the text so far and the error", "[e2e][chat]") {
  Session s;
  s.backend.configure({{"sse_script", json::array({{{"text", "Starting the edit"}, {"chunks", 2}, {"final", false}},
                                                   {{"delay_ms", 50}, {"cut", true}}})}});
  auto result = resultOf(s.server->callTool("chat", {{"message", "make it cinematic"}}));
  INFO(result.dump());
  CHECK(result["isError"] == true);
  CHECK(result["structuredContent"]["status"] == "failed");
  CHECK(textOf(result).find("Starting the edit") != std::string::npos);
  CHECK(textOf(result).find("broke") != std::string::npos);
  CHECK(s.backend.requestsTo("/run_sse").size() == 1);  // not re-sent
}

TEST_CASE("chat: errors of the stream are clear; 1002 never makes a session behind the user's back", "[e2e][chat]") {
  Session s;
  SECTION("1002 for a named id: unknown, nothing changed, nothing re-sent") {
    auto result = resultOf(s.server->callTool("chat", {{"message", "add music"}, {"session_id", "sess_gone"}}));
    INFO(result.dump());
    CHECK(result["isError"] == true);
    CHECK(result["structuredContent"]["error"]["code"] == 1002);
    CHECK_FALSE(result["structuredContent"].contains("new_session_id"));
    CHECK(textOf(result).find("does not know the session \"sess_gone\"") != std::string::npos);
    CHECK(textOf(result).find(s.sessionId) != std::string::npos);  // the user's session, still current
    CHECK(s.backend.requestsTo("/api/tasks/").size() == 1);         // no second session was made
    CHECK(s.backend.requestsTo("/run_sse").size() == 1);
    // The current session is unchanged: the next call without a session id uses it.
    resultOf(s.server->callTool("chat", {{"message", "add music"}}));
    CHECK(s.backend.requestsTo("/run_sse")[1]["body"]["session_id"] == s.sessionId);
  }
  SECTION("1002 as a business code inside the stream is a 1002") {
    for (const char* raw : {"data: {\"errorCode\":\"1002\",\"errorMessage\":\"session not found\"}\n\n",
                            "data: {\"errorCode\":1002}\n\n"}) {
      s.backend.configure({{"sse_script", json::array({{{"raw", raw}}})}});
      auto result = resultOf(s.server->callTool("chat", {{"message", "make it blue"}}));
      INFO(result.dump());
      CHECK(result["isError"] == true);
      CHECK(result["structuredContent"]["error"]["code"] == 1002);
      CHECK(textOf(result).find("no longer exists") != std::string::npos);
    }
  }
  SECTION("2001 out of credits") {
    s.backend.configure({{"fail", {{"run_sse", {{"code", 2001}}}}}});
    auto result = resultOf(s.server->callTool("chat", {{"message", "generate a video of a cat"}}));
    CHECK(result["isError"] == true);
    CHECK(textOf(result).find("?bind=") != std::string::npos);
  }
  SECTION("a 5xx") {
    s.backend.configure({{"fail", {{"run_sse", {{"http", 502}}}}}});
    auto result = resultOf(s.server->callTool("chat", {{"message", "generate a video of a cat"}}));
    CHECK(result["isError"] == true);
    CHECK(result["structuredContent"]["error"]["code"] == -3);
  }
  SECTION("a proxy's HTML error page instead of a stream") {
    s.backend.configure({{"fail", {{"run_sse", {{"http", 502}, {"raw_body", "<html><body>502 Bad Gateway</body></html>"}}}}}});
    auto result = resultOf(s.server->callTool("chat", {{"message", "generate a video of a cat"}}));
    INFO(result.dump());
    CHECK(result["isError"] == true);
    CHECK(result["structuredContent"]["error"]["code"] == -3);
    CHECK(textOf(result).find("502") != std::string::npos);
  }
  SECTION("an error event inside the stream") {
    s.backend.configure({{"sse_script", json::array({{{"text", "Working"}, {"chunks", 1}}, {{"error", "model overloaded"}}})}});
    auto result = resultOf(s.server->callTool("chat", {{"message", "generate a video of a dog"}}));
    CHECK(result["isError"] == true);
    CHECK(textOf(result).find("model overloaded") != std::string::npos);
  }
  CHECK(s.server->stderrText().find("does not match its outputSchema") == std::string::npos);
}

TEST_CASE("chat: cancelling closes the stream while credits still answers", "[e2e][chat]") {
  Session s;
  s.backend.configure({{"sse_script", json::array({{{"text", "Thinking"}, {"chunks", 1}}, {{"delay_ms", 20000}, {"text", "late"}}})}});
  s.server->send({{"jsonrpc", "2.0"}, {"id", "chat-1"}, {"method", "tools/call"},
                  {"params", {{"name", "chat"}, {"arguments", {{"message", "generate a long film"}}}}}});
  for (int i = 0; i < 200 && s.backend.requestsTo("/run_sse").empty(); ++i) std::this_thread::sleep_for(20ms);
  REQUIRE_FALSE(s.backend.requestsTo("/run_sse").empty());
  s.server->send({{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", "chat-1"}}}});
  auto started = std::chrono::steady_clock::now();
  auto credits = resultOf(s.server->callTool("credits"));
  CHECK(credits["isError"] == false);
  CHECK(std::chrono::steady_clock::now() - started < 2s);
  CHECK_FALSE(s.server->waitForResponse("chat-1", 1s));
  s.server->closeInput();
  auto code = s.server->waitExit(5s);  // nothing keeps the process alive
  REQUIRE(code);
  CHECK(*code == 0);
  CHECK(s.server->stderrText().find("cancelled") != std::string::npos);
}

TEST_CASE("chat: short commands are routed to their tool without a turn", "[e2e][chat]") {
  Session s;
  auto credits = resultOf(s.server->callTool("chat", {{"message", "积分"}}));
  INFO(credits.dump());
  CHECK(credits["structuredContent"]["routed_to"] == "credits");
  CHECK(textOf(credits).find("credits") != std::string::npos);
  auto status = resultOf(s.server->callTool("chat", {{"message", "show tracks"}}));
  CHECK(status["structuredContent"]["routed_to"] == "state");
  CHECK(s.backend.requestsTo("/run_sse").empty());

  auto notRouted = resultOf(s.server->callTool("chat", {{"message", "make a video about exporting coffee"}}));
  CHECK_FALSE(notRouted["structuredContent"].contains("routed_to"));
  CHECK(s.backend.requestsTo("/run_sse").size() == 1);
}

TEST_CASE("chat: GUI instructions from the backend become tool calls", "[e2e][chat]") {
  Session s;
  s.backend.configure({{"sse_script", json::array({{{"text", "Your video is ready. Click the Export button to download it."}, {"chunks", 2}}})}});
  auto result = resultOf(s.server->callTool("chat", {{"message", "finish the video"}}));
  INFO(result.dump());
  CHECK(textOf(result).find("Click the Export button") == std::string::npos);
  CHECK(textOf(result).find("`export`") != std::string::npos);
  CHECK(textOf(result).find("Your video is ready.") != std::string::npos);
}

TEST_CASE("chat: attachments' text goes with the message, bounded", "[e2e][chat]") {
  Session s;
  auto brief = s.home.path() / "brief.md";
  std::ofstream(brief) << "# Brief\nA coffee shop promo, warm colours.\n";
  auto big = s.home.path() / "script.txt";
  std::ofstream(big) << std::string(300 * 1024, 'a');
  auto result = resultOf(s.server->callTool("chat", {{"message", "make a video from this"}, {"attachments", {brief.string(), big.string()}}}));
  INFO(result.dump().substr(0, 2000));
  CHECK(result["isError"] == false);
  auto sent = s.backend.requestsTo("/run_sse");
  REQUIRE(sent.size() == 1);
  CHECK(sent[0]["body_size"].get<int>() < 260 * 1024);
  CHECK(result["structuredContent"]["attachments"][1]["truncated"] == true);

  auto missing = resultOf(s.server->callTool("chat", {{"message", "use this"}, {"attachments", {"/nope/brief.pdf"}}}));
  CHECK(missing["isError"] == true);
  CHECK(s.backend.requestsTo("/run_sse").size() == 1);  // nothing sent
}

TEST_CASE("state: the timeline summary, tracks, media and canvas", "[e2e][state]") {
  Session s;
  auto empty = resultOf(s.server->callTool("state"));
  CHECK(empty["structuredContent"]["exportable"] == false);
  CHECK(empty["structuredContent"].contains("not_exportable_reason"));

  s.backend.configure({{"sse_script", json::array({{{"text", "Generated."}, {"edit", "default"}}})}});
  resultOf(s.server->callTool("chat", {{"message", "generate a city promo"}}));
  auto result = resultOf(s.server->callTool("state", json::object(), json("st")));
  INFO(result.dump());
  CHECK(result["isError"] == false);
  auto summary = result["structuredContent"]["summary"].get<std::string>();
  CHECK(summary == "Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: \"Urban Dreams\" (0-3s)");
  CHECK(textOf(result).find(summary) != std::string::npos);
  CHECK(result["structuredContent"]["exportable"] == true);
  auto tracks = result["structuredContent"]["timeline"]["tracks"];
  REQUIRE(tracks.size() == 3);
  CHECK(tracks[1]["volume_percent"] == 35);
  CHECK(tracks[0]["segments"][0]["end"] == 10);
  CHECK(result["structuredContent"]["canvas"]["width"].is_number());
  CHECK(s.server->stderrText().find("does not match its outputSchema") == std::string::npos);

  SECTION("a gone session is a clear error") {
    auto gone = resultOf(s.server->callTool("state", {{"session_id", "sess_gone"}}));
    CHECK(gone["isError"] == true);
    CHECK(gone["structuredContent"]["error"]["code"] == 1002);
  }
}

TEST_CASE("state: without any session it says what to do", "[e2e][state]") {
  Backend backend;
  TempDir home;
  ServerProcess server({.baseUrl = backend.baseUrl(), .home = home.path()});
  server.initialize();
  auto result = resultOf(server.callTool("state"));
  CHECK(result["isError"] == true);
  CHECK(textOf(result).find("create_session") != std::string::npos);
  CHECK(result["structuredContent"]["sessions"] == json::array());
}
