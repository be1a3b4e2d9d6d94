// End-to-end: the session a call works in. The current session belongs to one server process (one
// client), is set only by create_session or a successful call that named a session, and a wrong id
// never moves the user off their project; the list of known sessions is shared, locked and kept.
#include <catch2/catch.hpp>

#include <fstream>
#include <future>
#include <set>

#include "e2e/support/Backend.h"
#include "e2e/support/Results.h"
#include "e2e/support/ServerProcess.h"

using namespace nemo::e2e;

namespace {

std::string createSession(ServerProcess& server, const std::string& name = "project") {
  auto created = resultOf(server.callTool("create_session", {{"task_name", name}}));
  REQUIRE(created["isError"] == false);
  return created["structuredContent"]["session_id"];
}

std::string stateSessionId(ServerProcess& server, json arguments = json::object()) {
  auto state = resultOf(server.callTool("state", std::move(arguments)));
  INFO(state.dump());
  return state["isError"] == false ? state["structuredContent"]["session_id"].get<std::string>() : std::string();
}

json readJson(const std::filesystem::path& file) {
  std::ifstream in(file);
  return json::parse(in);
}

std::size_t sessionsCreatedAtBackend(Backend& backend) { return backend.requestsTo("/api/tasks/", "POST").size(); }

}  // namespace

TEST_CASE("an unknown session id is reported and changes nothing", "[e2e][sessions]") {
  Backend backend;
  TempDir home;
  ServerProcess server({.baseUrl = backend.baseUrl(), .home = home.path()});
  server.initialize();
  const auto mine = createSession(server, "Bakery promo");
  const json unknown{{"session_id", "sess_0000"}};

  auto state = resultOf(server.callTool("state", unknown));
  CHECK(state["isError"] == true);
  CHECK(state["structuredContent"]["error"]["code"] == 1002);
  CHECK(textOf(state).find("does not know the session \"sess_0000\"") != std::string::npos);
  CHECK(textOf(state).find(mine) != std::string::npos);

  auto chat = resultOf(server.callTool("chat", {{"session_id", "sess_0000"}, {"message", "add a title"}}));
  CHECK(chat["isError"] == true);
  auto upload = resultOf(server.callTool("upload", {{"session_id", "sess_0000"}, {"urls", {"https://example.com/a.mp4"}}}));
  CHECK(upload["isError"] == true);
  auto exported = resultOf(server.callTool("export", {{"session_id", "sess_0000"}, {"wait_seconds", 0}}));
  CHECK(exported["isError"] == true);

  // Nothing moved: the user's session is current, no session was made behind their back, and
  // the unknown id is not on the list a restarted agent reads.
  CHECK(stateSessionId(server) == mine);
  CHECK(sessionsCreatedAtBackend(backend) == 1);
  server.closeInput();
  REQUIRE(server.waitExit(10s));
  ServerProcess restarted({.baseUrl = backend.baseUrl(), .home = home.path()});
  restarted.initialize();
  auto listed = resultOf(restarted.callTool("state"));
  CHECK(listed["isError"] == true);  // nothing is current in a new process
  REQUIRE(listed["structuredContent"]["sessions"].size() == 1);
  CHECK(listed["structuredContent"]["sessions"][0]["session_id"] == mine);
  CHECK(listed["structuredContent"]["sessions"][0]["task_name"] == "Bakery promo");
  CHECK(textOf(listed).find(mine) != std::string::npos);
}

TEST_CASE("chat and upload never create a session on their own", "[e2e][sessions]") {
  Backend backend;
  TempDir home;
  ServerProcess server({.baseUrl = backend.baseUrl(), .home = home.path()});
  server.initialize();
  auto chat = resultOf(server.callTool("chat", {{"message", "make a video of the sea"}}));
  CHECK(chat["isError"] == true);
  CHECK(textOf(chat).find("create_session") != std::string::npos);
  auto upload = resultOf(server.callTool("upload", {{"urls", {"https://example.com/a.mp4"}}}));
  CHECK(upload["isError"] == true);
  CHECK(sessionsCreatedAtBackend(backend) == 0);
  CHECK(backend.requestsTo("/run_sse").empty());
}

TEST_CASE("a restarted agent resumes a known session by id", "[e2e][sessions]") {
  Backend backend;
  TempDir home;
  std::string first;
  {
    ServerProcess server({.baseUrl = backend.baseUrl(), .home = home.path()});
    server.initialize();
    first = createSession(server, "Trip");
    createSession(server, "Other");
  }
  ServerProcess server({.baseUrl = backend.baseUrl(), .home = home.path()});
  server.initialize();
  CHECK(stateSessionId(server, {{"session_id", first}}) == first);
  CHECK(stateSessionId(server) == first);  // a successful call with the id made it current
  backend.configure({{"sse_script", json::array({{{"text", "Added."}}})}});
  auto chat = resultOf(server.callTool("chat", {{"message", "add a title"}}));
  CHECK(chat["isError"] == false);
  CHECK(backend.requestsTo("/run_sse").back()["body"]["session_id"] == first);
}

TEST_CASE("two processes on one HOME keep their own current session and lose no session", "[e2e][sessions]") {
  Backend backend;
  TempDir home;
  ServerProcess one({.baseUrl = backend.baseUrl(), .home = home.path()});
  ServerProcess two({.baseUrl = backend.baseUrl(), .home = home.path()});
  one.initialize();
  two.initialize();
  auto a = createSession(one, "A");
  auto b = createSession(two, "B");
  CHECK(stateSessionId(one) == a);
  CHECK(stateSessionId(two) == b);

  // Concurrent creates from both: every one is on the list afterwards.
  constexpr int kEach = 20;
  auto createMany = [&](ServerProcess& server) {
    std::vector<std::string> ids;
    for (int i = 0; i < kEach; ++i) ids.push_back(createSession(server));
    return ids;
  };
  auto fromOne = std::async(std::launch::async, createMany, std::ref(one));
  auto fromTwo = std::async(std::launch::async, createMany, std::ref(two));
  auto ids = fromOne.get();
  for (auto& id : fromTwo.get()) ids.push_back(id);
  ids.push_back(a);
  ids.push_back(b);

  auto file = one.stateDir() / "sessions.json";
  std::set<std::string> listed;
  const auto saved = readJson(file);
  for (const auto& [origin, entry] : saved["origins"].items()) {
    for (const auto& session : entry["sessions"]) listed.insert(session["session_id"].get<std::string>());
  }
  CHECK(listed.size() == ids.size());
  for (const auto& id : ids) CHECK(listed.count(id) == 1);
}

TEST_CASE("a state folder that cannot be written keeps the session for this process and says so", "[e2e][sessions]") {
  Backend backend;
  TempDir home;
  // A file where the state folder should be: no write can succeed there, not even as root.
  std::filesystem::create_directories(home.path() / ".local" / "state");
  { std::ofstream(home.path() / ".local" / "state" / "nemo-video-mcp") << "not a folder"; }
  ServerProcess server({.baseUrl = backend.baseUrl(), .home = home.path()});
  server.initialize();
  auto created = resultOf(server.callTool("create_session"));
  REQUIRE(created["isError"] == false);
  const std::string id = created["structuredContent"]["session_id"];
  CHECK(created["structuredContent"].contains("not_saved"));
  CHECK(textOf(created).find("could not be saved") != std::string::npos);

  CHECK(stateSessionId(server) == id);
  backend.configure({{"sse_script", json::array({{{"text", "Done."}}})}});
  auto chat = resultOf(server.callTool("chat", {{"message", "add a title"}}));
  CHECK(chat["isError"] == false);
  CHECK(backend.requestsTo("/run_sse").back()["body"]["session_id"] == id);
  CHECK(sessionsCreatedAtBackend(backend) == 1);
}
