// mcp/Tasks: the task store behind the tasks extension: the states a task goes through, what
// tasks/get shows, cancellation, and the saved tasks that a restarted server takes up again.
#include "mcp/Tasks.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <thread>

#include "../support/TestUtil.h"
#include "support/IsoTime.h"

using nemo::mcp::TaskOptions;
using nemo::mcp::TaskStore;
using nlohmann::json;
using namespace std::chrono_literals;

TEST_CASE("a task is working, then completed with the call's result", "[mcp][tasks]") {
  TaskStore store(TaskOptions{});
  CHECK_FALSE(store.detailed("t1").has_value());
  std::stop_source stop;
  auto created = store.create("t1", "export", stop);
  CHECK(created["taskId"] == "t1");
  CHECK(created["status"] == "working");
  CHECK(created["ttlMs"] == 3600000);
  CHECK(created["pollIntervalMs"] == 2000);
  store.setStatusMessage("t1", "Rendering 40%");
  CHECK((*store.detailed("t1"))["statusMessage"] == "Rendering 40%");
  CHECK_FALSE(store.detailed("t1")->contains("result"));

  json result{{"content", json::array()}, {"isError", true}};
  store.complete("t1", result);
  auto done = *store.detailed("t1");
  CHECK(done["status"] == "completed");  // an isError result is a completed task, as the extension says
  CHECK(done["result"] == result);
  CHECK_FALSE(stop.stop_requested());
}

TEST_CASE("tasks/cancel stops the call and the task ends cancelled", "[mcp][tasks]") {
  TaskStore store(TaskOptions{});
  std::stop_source stop;
  store.create("t2", "chat", stop);
  CHECK(store.cancel("t2"));
  CHECK(stop.stop_requested());
  store.complete("t2", json{{"isError", true}});
  auto cancelled = *store.detailed("t2");
  CHECK(cancelled["status"] == "cancelled");
  CHECK_FALSE(cancelled.contains("result"));  // a CancelledTask carries no result
  CHECK_FALSE(store.cancel("nope"));
}

TEST_CASE("a cancel that comes after the work finished keeps the result; a finished task stays as it ended",
          "[mcp][tasks]") {
  TaskStore store(TaskOptions{});
  std::stop_source stop;
  store.create("t4", "export", stop);
  CHECK(store.cancel("t4"));
  json result{{"content", json::array()}, {"structuredContent", {{"status", "completed"}}}, {"isError", false}};
  store.complete("t4", result, /*workDone=*/true);
  auto done = *store.detailed("t4");
  CHECK(done["status"] == "completed");
  CHECK(done["result"] == result);

  // Acknowledged, but nothing changes: terminal is terminal.
  CHECK(store.cancel("t4"));
  store.complete("t4", json{{"isError", true}});
  CHECK(*store.detailed("t4") == done);
}

TEST_CASE("ttlMs counts from createdAt: a task is kept ttl after its call ended, never dropped while it runs",
          "[mcp][tasks]") {
  TaskOptions options;
  options.ttl = 200ms;
  TaskStore store(options);
  CHECK(store.create("t5", "export", std::stop_source())["ttlMs"] == 200);
  std::this_thread::sleep_for(300ms);  // past createdAt + ttl: still running, so still there
  auto running = store.detailed("t5");
  REQUIRE(running.has_value());
  CHECK((*running)["ttlMs"].get<long>() >= 500);  // the earliest it may go: ttl after now

  store.complete("t5", json{{"isError", false}});
  auto done = store.detailed("t5");
  REQUIRE(done.has_value());
  const long ttlMs = (*done)["ttlMs"];
  CHECK(ttlMs >= 500);
  CHECK(ttlMs < 200 + 300 + 1000);
  CHECK(store.detailed("t5")->at("ttlMs") == ttlMs);  // fixed once the call ended
  std::this_thread::sleep_for(350ms);
  CHECK_FALSE(store.detailed("t5").has_value());  // expired and dropped: tasks/get says unknown
}

TEST_CASE("a task saved with its resume arguments is found by a new store, until it ends", "[mcp][tasks]") {
  nemo::test::TempDir dir;
  TaskOptions options;
  options.file = dir / "tasks.json";
  {
    TaskStore first(options);
    first.create("t3", "export", std::stop_source());
    first.setResume("t3", {{"render_id", "render_1"}});
  }
  TaskStore restarted(options);
  CHECK_FALSE(restarted.detailed("t3").has_value());
  auto saved = restarted.saved("t3");
  REQUIRE(saved.has_value());
  CHECK(saved->tool == "export");
  CHECK(saved->arguments == json{{"render_id", "render_1"}});

  restarted.adopt("t3", *saved, std::stop_source());
  auto adopted = *restarted.detailed("t3");
  CHECK(adopted["status"] == "working");
  CHECK(adopted["createdAt"] == saved->createdAt);  // the same task, created when it was
  restarted.complete("t3", json{{"isError", false}});
  CHECK_FALSE(TaskStore(options).saved("t3").has_value());  // finished: nothing to take up again
}

TEST_CASE("a task taken up after a restart keeps its createdAt, and ttlMs still counts from it", "[mcp][tasks]") {
  TaskStore store(TaskOptions{});
  auto longAgo = nemo::support::isoTime(std::chrono::system_clock::now() - std::chrono::hours(2));
  store.adopt("t6", TaskStore::Saved{"export", {{"render_id", "render_6"}}, longAgo}, std::stop_source());
  auto adopted = *store.detailed("t6");
  CHECK(adopted["createdAt"] == longAgo);
  CHECK(adopted["ttlMs"].get<long>() >= 3 * 3600 * 1000 - 2000);  // two hours lived, one to go at least
}

TEST_CASE("saved tasks whose time is over are dropped from the file when a store starts", "[mcp][tasks]") {
  nemo::test::TempDir dir;
  TaskOptions options;
  options.file = dir / "tasks.json";
  auto past = nemo::support::isoTime(std::chrono::system_clock::now() - std::chrono::hours(1));
  auto future = nemo::support::isoTime(std::chrono::system_clock::now() + std::chrono::hours(1));
  json entry{{"tool", "export"}, {"arguments", {{"render_id", "r"}}}, {"created_at", past}};
  json expired = entry, live = entry;
  expired["expires_at"] = past;
  live["expires_at"] = future;
  std::ofstream(options.file) << json{{"tasks", {{"old", expired}, {"new", live}}}}.dump();

  TaskStore store(options);
  json file = json::parse(std::ifstream(options.file));
  CHECK_FALSE(file["tasks"].contains("old"));
  CHECK(file["tasks"].contains("new"));
  CHECK(store.saved("new").has_value());
}

TEST_CASE("declaresTasks reads the per-request capabilities", "[mcp][tasks]") {
  CHECK(nemo::mcp::declaresTasks(
      {{"io.modelcontextprotocol/clientCapabilities", {{"extensions", {{"io.modelcontextprotocol/tasks", json::object()}}}}}}));
  CHECK_FALSE(nemo::mcp::declaresTasks({{"io.modelcontextprotocol/clientCapabilities", {{"extensions", json::object()}}}}));
  CHECK_FALSE(nemo::mcp::declaresTasks({{"io.modelcontextprotocol/clientCapabilities", "tasks"}}));
  CHECK_FALSE(nemo::mcp::declaresTasks(json::object()));
}

TEST_CASE("a working task's saved entry is renewed as it reports progress, so it outlives its first ttl",
          "[mcp][tasks]") {
  nemo::test::TempDir dir;
  TaskOptions options;
  options.file = dir / "tasks.json";
  options.ttl = 4s;
  TaskStore store(options);
  store.create("t7", "export", std::stop_source());
  store.setResume("t7", {{"render_id", "render_7"}});
  std::this_thread::sleep_for(2500ms);  // past half its time
  store.setStatusMessage("t7", "Rendering 50%");
  std::this_thread::sleep_for(2500ms);  // the first entry would have expired a second ago
  auto saved = TaskStore(options).saved("t7");
  REQUIRE(saved.has_value());  // a crash now can still take the render's task up again
  CHECK(saved->arguments == json{{"render_id", "render_7"}});
}
