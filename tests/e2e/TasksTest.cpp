// End-to-end: the MCP tasks extension (io.modelcontextprotocol/tasks, 2026-07-28). A long export or
// chat turn from a client that declared the extension becomes a task that tasks/get resolves to the
// same result a blocking call gives; tasks/cancel stops the work; tasks/update is acknowledged (no
// task of ours asks for input); a render task survives kill -9; once a task answered the call, no
// progress for it reaches the client; a client that did not declare the extension never gets a task.
#include <catch2/catch.hpp>

#include <csignal>
#include <thread>

#include "e2e/support/Backend.h"
#include "e2e/support/Results.h"
#include "e2e/support/ServerProcess.h"

using namespace nemo::e2e;

namespace {

const json kSlowRender = json::array({"pending", "processing", "processing", "processing", "processing", "processing",
                                      "processing", "rendering", "rendering", "completed"});

json meta(bool declareTasks) {
  json capabilities = json::object();
  if (declareTasks) capabilities["extensions"] = {{"io.modelcontextprotocol/tasks", json::object()}};
  return {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
          {"io.modelcontextprotocol/clientCapabilities", capabilities},
          {"io.modelcontextprotocol/clientInfo", {{"name", "e2e"}, {"version", "1"}}}};
}

struct Fixture {
  Backend backend;
  TempDir home;
  std::unique_ptr<ServerProcess> server;

  Fixture() { start(); }
  void start() {
    server = std::make_unique<ServerProcess>(ServerOptions{
        .baseUrl = backend.baseUrl(),
        .home = home.path(),
        .env = {{"NEMO_TASK_WINDOW_MS", "500"}, {"NEMO_RENDER_POLL_MS", "100"}, {"NEMO_PROGRESS_INTERVAL_MS", "300"}}});
    server->initialize();
  }
  // A session with an exportable timeline, made through the 2025 era.
  std::string editedSession() {
    auto created = resultOf(server->callTool("create_session", {{"task_name", "Task Promo"}}));
    backend.configure({{"sse_script", json::array({{{"text", "Done."}, {"edit", "default"}}})}});
    REQUIRE(resultOf(server->callTool("chat", {{"message", "generate a promo"}}))["isError"] == false);
    return created["structuredContent"]["session_id"];
  }
  json call(const std::string& tool, json arguments, bool declareTasks = true) {
    return server->request("tools/call", {{"name", tool}, {"arguments", std::move(arguments)}, {"_meta", meta(declareTasks)}},
                           30s);
  }
  json tasks(const std::string& method, const std::string& taskId, bool declareTasks = true, json extra = json::object()) {
    extra["taskId"] = taskId;
    extra["_meta"] = meta(declareTasks);
    return server->request(method, std::move(extra));
  }
  // An export of a slow render from a session with a timeline: it becomes a task; its id.
  std::string exportTask() {
    editedSession();
    backend.configure({{"render_steps", kSlowRender}});
    auto started = call("export", json::object());
    INFO(started.dump());
    REQUIRE(started["result"]["resultType"] == "task");
    return started["result"]["taskId"];
  }
  // Polls tasks/get until the task leaves "working".
  json finished(const std::string& taskId) {
    auto deadline = std::chrono::steady_clock::now() + 60s;
    for (;;) {
      auto task = tasks("tasks/get", taskId);
      INFO(task.dump());
      REQUIRE(task.contains("result"));
      if (task["result"]["status"] != "working" || std::chrono::steady_clock::now() > deadline) return task["result"];
      std::this_thread::sleep_for(200ms);
    }
  }
};

}  // namespace

TEST_CASE("tasks: server/discover declares the extension", "[e2e][tasks]") {
  Fixture f;
  auto discovered = f.server->request("server/discover", {{"_meta", meta(false)}});
  CHECK(discovered["result"]["capabilities"]["extensions"].contains("io.modelcontextprotocol/tasks"));
}

TEST_CASE("tasks: a long export becomes a task that completes with the blocking call's result", "[e2e][tasks]") {
  Fixture f;
  f.editedSession();
  f.backend.configure({{"render_steps", kSlowRender}});

  auto started = f.call("export", json::object());
  INFO(started.dump());
  REQUIRE(started.contains("result"));
  auto handle = started["result"];
  CHECK(handle["resultType"] == "task");
  CHECK(handle["status"] == "working");
  for (const char* field : {"taskId", "createdAt", "lastUpdatedAt", "ttlMs", "pollIntervalMs"}) CHECK(handle.contains(field));
  const std::string taskId = handle["taskId"];

  // Resolves at once, and the model may call the next tool meanwhile.
  auto early = f.tasks("tasks/get", taskId);
  CHECK(early["result"]["resultType"] == "complete");
  CHECK(early["result"]["taskId"] == taskId);
  CHECK(resultOf(f.server->callTool("credits"))["isError"] == false);

  auto done = f.finished(taskId);
  INFO(done.dump());
  CHECK(done["status"] == "completed");
  auto result = done["result"];
  CHECK(result["isError"] == false);
  CHECK(result["structuredContent"]["status"] == "completed");
  CHECK(std::filesystem::exists(result["structuredContent"]["path"].get<std::string>()));
  CHECK(f.backend.requestsTo("/api/render/proxy/lambda", "POST").size() == 1);
}

TEST_CASE("tasks: never for a request that did not declare the extension; fast calls stay plain", "[e2e][tasks]") {
  Fixture f;
  f.editedSession();
  f.backend.configure({{"render_steps", kSlowRender}});
  auto plain = f.call("export", {{"wait_seconds", 2}}, /*declareTasks=*/false);
  INFO(plain.dump());
  CHECK(plain["result"]["resultType"] == "complete");
  CHECK(plain["result"]["structuredContent"].contains("render_id"));

  auto fast = f.call("credits", json::object());
  CHECK(fast["result"]["resultType"] == "complete");
  CHECK(fast["result"]["structuredContent"].contains("available"));

  CHECK(f.tasks("tasks/get", "task_x", /*declareTasks=*/false)["error"]["code"] == -32021);
  CHECK(f.tasks("tasks/get", "task_unknown")["error"]["code"] == -32602);
}

TEST_CASE("tasks: a slow chat turn becomes a task and completes with the whole reply", "[e2e][tasks]") {
  Fixture f;
  resultOf(f.server->callTool("create_session"));
  f.backend.configure({{"sse_script", json::array({{{"text", "Working on it."}}, {{"delay_ms", 1500}, {"text", "All done."}}})}});
  auto started = f.call("chat", {{"message", "generate a video of the sea"}});
  INFO(started.dump());
  REQUIRE(started["result"]["resultType"] == "task");
  auto done = f.finished(started["result"]["taskId"]);
  INFO(done.dump());
  CHECK(done["status"] == "completed");
  CHECK(done["result"]["structuredContent"]["status"] == "completed");
  CHECK(textOf(done["result"]).find("All done.") != std::string::npos);
  CHECK(f.backend.requestsTo("/run_sse").size() == 1);  // one turn: never re-sent
}

// "A server SHOULD ignore any inputResponses responses mapped to a key that is not currently
// outstanding for the task" and "On success, the server MUST acknowledge the request with an empty
// result": no key of ours is ever outstanding.
TEST_CASE("tasks: tasks/update is acknowledged with an empty result and changes nothing", "[e2e][tasks]") {
  Fixture f;
  const auto taskId = f.exportTask();
  const json responses{{"inputResponses", {{"never_issued", {{"action", "accept"}, {"content", json::object()}}}}}};

  auto ack = f.tasks("tasks/update", taskId, true, responses);
  INFO(ack.dump());
  REQUIRE(ack.contains("result"));
  auto fields = ack["result"];
  fields.erase("_meta");
  CHECK(fields == json{{"resultType", "complete"}});
  CHECK(f.tasks("tasks/update", taskId)["error"]["code"] == -32602);  // no inputResponses: malformed
  CHECK(f.tasks("tasks/update", "task_unknown", true, responses)["error"]["code"] == -32602);
  CHECK(f.tasks("tasks/update", taskId, /*declareTasks=*/false, responses)["error"]["code"] == -32021);

  auto done = f.finished(taskId);
  INFO(done.dump());
  CHECK(done["status"] == "completed");
  CHECK(done["result"]["structuredContent"]["status"] == "completed");
  CHECK(f.tasks("tasks/update", taskId, true, responses)["result"]["resultType"] == "complete");  // finished too
}

TEST_CASE("tasks: tasks/cancel of a finished task is acknowledged and the task keeps its result", "[e2e][tasks]") {
  Fixture f;
  const auto taskId = f.exportTask();
  auto done = f.finished(taskId);
  REQUIRE(done["status"] == "completed");

  CHECK(f.tasks("tasks/cancel", taskId)["result"]["resultType"] == "complete");
  auto after = resultOf(f.tasks("tasks/get", taskId));
  CHECK(after["status"] == "completed");
  CHECK(after["result"] == done["result"]);
  for (const auto& request : f.backend.requestsTo("/api/render/proxy/lambda/", "POST")) {
    CHECK(request["path"].get<std::string>().find("/cancel") == std::string::npos);
  }
  CHECK(f.tasks("tasks/cancel", "task_unknown")["error"]["code"] == -32602);
  CHECK(f.tasks("tasks/cancel", taskId, /*declareTasks=*/false)["error"]["code"] == -32021);
}

// Progress "MUST only reference tokens that were provided in an active request"; the CreateTaskResult
// ended the request, and the extension says notifications/progress and notifications/message "are
// not supported on tasks in general". Nor is notifications/cancelled a way to cancel a task.
TEST_CASE("tasks: once a task answered the call, no progress or log for it, and notifications/cancelled "
          "does not cancel it", "[e2e][tasks]") {
  Fixture f;
  f.editedSession();
  f.backend.configure({{"render_steps", kSlowRender}});
  json callMeta = meta(true);
  callMeta["progressToken"] = "export-progress";
  callMeta["io.modelcontextprotocol/logLevel"] = "debug";
  auto started = f.server->request("tools/call", {{"name", "export"}, {"arguments", json::object()}, {"_meta", callMeta}}, 30s);
  INFO(started.dump());
  REQUIRE(started["result"]["resultType"] == "task");
  const std::string taskId = started["result"]["taskId"];
  f.server->send({{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", started["id"]}}}});

  auto done = f.finished(taskId);
  INFO(done.dump());
  CHECK(done["status"] == "completed");  // not cancelled by notifications/cancelled
  CHECK(done["result"]["structuredContent"]["status"] == "completed");

  bool answered = false;
  for (const auto& message : f.server->messages()) {
    if (message.contains("id") && message["id"] == started["id"]) answered = true;
    if (!answered || message.contains("id")) continue;
    INFO(message.dump());
    CHECK_FALSE(message.value("method", std::string()) == "notifications/progress");
    CHECK_FALSE(message.value("method", std::string()) == "notifications/message");
  }
  CHECK(answered);
}

TEST_CASE("tasks: subscriptions/listen for task notifications needs the extension declared", "[e2e][tasks]") {
  Fixture f;
  auto listen = [&](bool declareTasks) {
    return f.server->request("subscriptions/listen",
                             {{"notifications", {{"taskIds", json::array({"task_x"})}}}, {"_meta", meta(declareTasks)}});
  };
  auto refused = listen(false);
  INFO(refused.dump());
  CHECK(refused["error"]["code"] == -32021);
  CHECK(refused["error"]["data"]["requiredCapabilities"]["extensions"].contains("io.modelcontextprotocol/tasks"));
  CHECK(listen(true)["error"]["code"] == -32601);  // we send no notifications on subscriptions
}

TEST_CASE("tasks: tasks/cancel cancels the render at NemoVideo", "[e2e][tasks]") {
  Fixture f;
  const auto taskId = f.exportTask();
  CHECK(f.tasks("tasks/cancel", taskId)["result"]["resultType"] == "complete");
  auto done = f.finished(taskId);
  INFO(done.dump());
  CHECK(done["status"] == "cancelled");
  CHECK(f.backend.requestsTo("/api/render/proxy/lambda/").size() >= 1);
  bool cancelled = false;
  for (const auto& request : f.backend.requestsTo("/api/render/proxy/lambda/", "POST")) {
    if (request["path"].get<std::string>().find("/cancel") != std::string::npos) cancelled = true;
  }
  CHECK(cancelled);
}

TEST_CASE("tasks: a render task survives kill -9 and a restart", "[e2e][tasks]") {
  Fixture f;
  const auto taskId = f.exportTask();
  ::kill(f.server->pid(), SIGKILL);
  REQUIRE(f.server->waitExit(5s));
  f.start();
  auto done = f.finished(taskId);
  INFO(done.dump());
  CHECK(done["status"] == "completed");
  CHECK(done["result"]["structuredContent"]["status"] == "completed");
  CHECK(std::filesystem::exists(done["result"]["structuredContent"]["path"].get<std::string>()));
  CHECK(f.backend.requestsTo("/api/render/proxy/lambda", "POST").size() == 1);
}

TEST_CASE("tasks: after a restart, tasks/cancel alone cancels a saved render task", "[e2e][tasks]") {
  Fixture f;
  const auto taskId = f.exportTask();
  ::kill(f.server->pid(), SIGKILL);
  REQUIRE(f.server->waitExit(5s));
  f.start();
  auto ack = f.tasks("tasks/cancel", taskId);  // the first request about it since the restart
  INFO(ack.dump());
  CHECK(ack["result"]["resultType"] == "complete");
  auto done = f.finished(taskId);
  INFO(done.dump());
  CHECK(done["status"] == "cancelled");
  bool cancelled = false;
  for (const auto& request : f.backend.requestsTo("/api/render/proxy/lambda/", "POST")) {
    if (request["path"].get<std::string>().find("/cancel") != std::string::npos) cancelled = true;
  }
  CHECK(cancelled);
}

TEST_CASE("tasks: export during a running turn waits for it, or names it", "[e2e][tasks]") {
  Fixture f;
  resultOf(f.server->callTool("create_session"));
  f.backend.configure({{"sse_script", json::array({{{"text", "Generating."}}, {{"delay_ms", 3000}, {"text", "Done."},
                                                                              {"edit", "default"}}})}});
  auto chat = resultOf(f.server->callTool("chat", {{"message", "generate a promo"}, {"wait_seconds", 0}}));
  REQUIRE(chat["structuredContent"]["status"] == "running");
  const std::string turnId = chat["structuredContent"]["turn_id"];

  auto state = resultOf(f.server->callTool("state"));
  CHECK(state["structuredContent"]["running_turn_id"] == turnId);
  auto refused = resultOf(f.server->callTool("export", {{"wait_seconds", 1}}));
  INFO(refused.dump());
  CHECK(refused["isError"] == true);
  CHECK(refused["structuredContent"]["running_turn_id"] == turnId);
  CHECK(textOf(refused).find(turnId) != std::string::npos);
  CHECK(f.backend.requestsTo("/api/render/proxy/lambda", "POST").empty());

  auto exported = resultOf(f.server->callTool("export", {{"wait_seconds", 30}}, {}, 40s));
  INFO(exported.dump());
  CHECK(exported["structuredContent"]["status"] == "completed");  // rendered the finished timeline
  CHECK(f.backend.requestsTo("/run_sse").size() == 1);
}

TEST_CASE("tasks: a chat task after kill -9 and a restart is answered from the timeline", "[e2e][tasks]") {
  Fixture f;
  resultOf(f.server->callTool("create_session"));
  const bool edited = GENERATE(true, false);
  INFO("the turn edited the timeline before the kill: " << edited);
  json steps = json::array({{{"text", "Working on it."}}});
  if (edited) steps.push_back({{"edit", "default"}});
  steps.push_back({{"delay_ms", 20000}, {"text", "All done."}});
  f.backend.configure({{"sse_script", steps}, {"sse_edit", "none"}});
  auto started = f.call("chat", {{"message", "generate a video of the sea"}});
  INFO(started.dump());
  REQUIRE(started["result"]["resultType"] == "task");
  const std::string taskId = started["result"]["taskId"];
  std::this_thread::sleep_for(500ms);  // the first steps (and the edit) reach NemoVideo
  ::kill(f.server->pid(), SIGKILL);
  REQUIRE(f.server->waitExit(5s));
  f.start();

  auto done = f.finished(taskId);
  INFO(done.dump());
  CHECK(done["status"] == "completed");  // the call ended; an isError result is still a completed task
  const auto& result = done["result"];
  CHECK(f.backend.requestsTo("/run_sse").size() == 1);  // never re-sent by the restarted server
  if (edited) {
    CHECK(result["isError"] == false);
    CHECK(result["structuredContent"]["status"] == "completed");
    CHECK_FALSE(result["structuredContent"]["changes"].empty());
    CHECK(textOf(result).find("restarted") != std::string::npos);
  } else {
    CHECK(result["isError"] == true);
    CHECK(result["structuredContent"]["status"] == "failed");
    CHECK(textOf(result).find("has not changed") != std::string::npos);
    CHECK(textOf(result).find("call state") != std::string::npos);
  }
}
