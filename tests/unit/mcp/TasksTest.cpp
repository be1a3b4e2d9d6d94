// mcp/Tasks: the task store behind the tasks extension: the states a task goes through, what
// tasks/get shows, cancellation, and the saved tasks that a restarted server takes up again.
#include "mcp/Tasks.h"

#include <catch2/catch.hpp>

#include "../support/TestUtil.h"

using nemo::mcp::TaskOptions;
using nemo::mcp::TaskStore;
using nlohmann::json;

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
  CHECK((*store.detailed("t2"))["status"] == "cancelled");
  CHECK_FALSE(store.cancel("nope"));
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
  CHECK((*restarted.detailed("t3"))["status"] == "working");
  restarted.complete("t3", json{{"isError", false}});
  CHECK_FALSE(TaskStore(options).saved("t3").has_value());  // finished: nothing to take up again
}

TEST_CASE("declaresTasks reads the per-request capabilities", "[mcp][tasks]") {
  CHECK(nemo::mcp::declaresTasks(
      {{"io.modelcontextprotocol/clientCapabilities", {{"extensions", {{"io.modelcontextprotocol/tasks", json::object()}}}}}}));
  CHECK_FALSE(nemo::mcp::declaresTasks({{"io.modelcontextprotocol/clientCapabilities", {{"extensions", json::object()}}}}));
  CHECK_FALSE(nemo::mcp::declaresTasks({{"io.modelcontextprotocol/clientCapabilities", "tasks"}}));
  CHECK_FALSE(nemo::mcp::declaresTasks(json::object()));
}
