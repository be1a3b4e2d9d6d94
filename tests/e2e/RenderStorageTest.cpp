// End-to-end: where finished renders go on this computer. A folder that cannot take the file
// keeps the job for a later export (never "failed" for a render that NemoVideo finished), and
// render jobs started by two processes on one HOME are all kept and resumable.
#include <catch2/catch.hpp>

#include <fstream>
#include <future>
#include <set>

#include "e2e/support/Backend.h"
#include "e2e/support/Results.h"
#include "e2e/support/ServerProcess.h"

using namespace nemo::e2e;

namespace {

const std::map<std::string, std::string> kFast{{"NEMO_PROGRESS_INTERVAL_MS", "300"}, {"NEMO_RENDER_POLL_MS", "100"}};

std::unique_ptr<ServerProcess> startServer(Backend& backend, TempDir& home, std::map<std::string, std::string> env = kFast) {
  auto server = std::make_unique<ServerProcess>(ServerOptions{.baseUrl = backend.baseUrl(), .home = home.path(), .env = env});
  server->initialize();
  return server;
}

// A session whose timeline can be exported.
std::string exportableSession(Backend& backend, ServerProcess& server) {
  auto created = resultOf(server.callTool("create_session"));
  REQUIRE(created["isError"] == false);
  backend.configure({{"sse_script", json::array({{{"text", "Done."}, {"edit", "default"}}})}});
  REQUIRE(resultOf(server.callTool("chat", {{"message", "generate a city promo"}}))["isError"] == false);
  return created["structuredContent"]["session_id"];
}

}  // namespace

TEST_CASE("export: a folder that cannot take the video keeps the render for the next export", "[e2e][export]") {
  Backend backend;
  TempDir home;
  auto server = startServer(backend, home);
  exportableSession(backend, *server);
  // A file where the output folder's parent should be: the folder cannot be made, even by root.
  const auto blocker = home.path() / "blocked";
  { std::ofstream(blocker) << "a file"; }
  const auto folder = blocker / "Videos";

  auto first = resultOf(server->callTool("export", {{"output_dir", folder.string()}}, {}, 30s));
  INFO(first.dump());
  CHECK(first["isError"] == true);
  CHECK(first["structuredContent"]["status"] == "not_saved");
  CHECK(first["structuredContent"]["error"]["code"] == -4);
  const std::string renderId = first["structuredContent"]["render_id"];
  CHECK(textOf(first).find(folder.string()) != std::string::npos);
  CHECK(textOf(first).find(renderId) != std::string::npos);
  CHECK(textOf(first).find("network") == std::string::npos);

  json again{{"render_id", renderId}, {"wait_seconds", 30}};
  auto expectedFolder = folder;
  SECTION("space is freed and the server restarted: the same render is downloaded") {
    std::filesystem::remove(blocker);  // here: the folder can now be made
    server.reset();
    server = startServer(backend, home);
  }
  SECTION("another folder is given") {
    expectedFolder = home.path() / "elsewhere";
    again["output_dir"] = expectedFolder.string();
  }
  auto done = resultOf(server->callTool("export", again, {}, 40s));
  INFO(done.dump());
  CHECK(done["isError"] == false);
  CHECK(done["structuredContent"]["status"] == "completed");
  CHECK(std::filesystem::exists(done["structuredContent"]["path"].get<std::string>()));
  CHECK(std::filesystem::path(done["structuredContent"]["path"].get<std::string>()).parent_path() == expectedFolder);
  CHECK(backend.requestsTo("/api/render/proxy/lambda", "POST").size() == 1);  // never a second render
}

TEST_CASE("export: render jobs of two processes on one HOME are all kept and resumable", "[e2e][export]") {
  Backend backend;
  TempDir home;
  auto one = startServer(backend, home);
  auto two = startServer(backend, home);
  exportableSession(backend, *one);
  exportableSession(backend, *two);
  backend.configure({{"render_steps", json::array({"pending", "processing", "processing", "processing", "processing",
                                                   "processing", "processing", "processing", "processing", "completed"})}});
  constexpr int kEach = 8;
  auto startMany = [](ServerProcess& server) {
    std::vector<std::string> ids;
    for (int i = 0; i < kEach; ++i) {
      auto started = resultOf(server.callTool("export", {{"wait_seconds", 0}}));
      REQUIRE(started["structuredContent"].contains("render_id"));
      ids.push_back(started["structuredContent"]["render_id"]);
    }
    return ids;
  };
  auto fromOne = std::async(std::launch::async, startMany, std::ref(*one));
  auto fromTwo = std::async(std::launch::async, startMany, std::ref(*two));
  auto ids = fromOne.get();
  for (auto& id : fromTwo.get()) ids.push_back(id);

  std::set<std::string> saved;
  {
    std::ifstream in(one->stateDir() / "renders.json");
    const auto file = json::parse(in);
    for (const auto& job : file["renders"]) saved.insert(job["render_id"].get<std::string>());
  }
  CHECK(saved.size() == ids.size());
  // A render started by the other process is resumed by this one.
  auto done = resultOf(one->callTool("export", {{"render_id", ids.back()}, {"wait_seconds", 30}}, {}, 40s));
  INFO(done.dump());
  CHECK(done["structuredContent"]["status"] == "completed");
}
