// Tests of the MCP server end to end at unit level, over two pipes: the initialize handshake,
// tools/call of fake tools (results, isError, a throwing tool), validation, the modern _meta era,
// and how a task that was asked to cancel ends.
#include "mcp/Server.h"

#include <catch2/catch.hpp>

#include <functional>
#include <future>
#include <thread>

#include "../support/TestUtil.h"
#include "mcp/Protocol.h"

using namespace std::chrono_literals;
using nemo::mcp::json;
using nemo::mcp::Server;
using nemo::mcp::ToolContext;
using nemo::mcp::ToolRegistry;
using nemo::mcp::ToolResult;

namespace {

json descriptor(const std::string& name, json properties = json::object()) {
  return json{{"name", name},
              {"description", "fake " + name},
              {"inputSchema", {{"type", "object"}, {"properties", std::move(properties)}}}};
}

// A registry with three fake tools: "state" echoes, "credits" fails as a tool, "chat" throws.
void registerFakes(ToolRegistry& registry) {
  REQUIRE_FALSE(registry
                    .addWithDescriptor(descriptor("state", {{"text", {{"type", "string"}}}}),
                                       [](const json& arguments, ToolContext& context) {
                                         context.progress("working", 50);
                                         auto text = arguments.value("text", std::string("none"));
                                         return ToolResult::success("echo: " + text, json{{"echoed", text}});
                                       })
                    .has_value());
  REQUIRE_FALSE(registry
                    .addWithDescriptor(descriptor("credits"),
                                       [](const json&, ToolContext&) {
                                         return ToolResult::failure("", json{{"error", {{"code", 2001}}}});
                                       })
                    .has_value());
  REQUIRE_FALSE(registry
                    .addWithDescriptor(descriptor("chat"),
                                       [](const json&, ToolContext&) -> ToolResult {
                                         throw std::runtime_error("tool bug");
                                       })
                    .has_value());
}

struct ServerHarness {
  nemo::test::Pipe in;
  nemo::test::Pipe out;
  nemo::test::LineCollector lines{out.readFd()};
  ToolRegistry registry;
  std::unique_ptr<Server> server;
  std::future<bool> served;

  explicit ServerHarness(nemo::mcp::TaskOptions taskOptions = {},
                         const std::function<void(ToolRegistry&)>& moreTools = {}) {
    registerFakes(registry);
    if (moreTools) moreTools(registry);
    server = std::make_unique<Server>(nemo::mcp::ServerIdentity{"nemo-test", "Nemo Test", "9.9.9", "Use the tools."},
                                      registry, std::vector<nemo::mcp::Prompt>{}, std::move(taskOptions));
    served = std::async(std::launch::async, [this] {
      return server->serve(in.readFd(), out.writeFd(), nemo::jsonrpc::ConnectionOptions{1024 * 1024, 1000ms});
    });
  }
  ~ServerHarness() {
    in.closeWrite();
    if (served.valid()) served.wait();
  }

  void send(const json& message) { in.write(message.dump() + "\n"); }

  // The reply to `id`; notifications seen on the way are kept in `notifications`.
  json replyTo(const json& id) {
    for (;;) {
      auto line = lines.next();
      REQUIRE(line.has_value());
      auto message = json::parse(*line, nullptr, false);
      REQUIRE_FALSE(message.is_discarded());
      if (message.contains("id") && message["id"] == id) return message;
      if (!message.contains("id")) notifications.push_back(message);
    }
  }

  json call(int id, const std::string& method, json params = json::object()) {
    send(json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
    return replyTo(id);
  }

  void initialize() {
    auto reply = call(1, "initialize",
                      {{"protocolVersion", "2025-06-18"},
                       {"capabilities", json::object()},
                       {"clientInfo", {{"name", "unit"}, {"version", "1"}}}});
    REQUIRE(reply.contains("result"));
    send(json{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
  }

  std::vector<json> notifications;
};

json modernMeta() {
  return json{{nemo::mcp::kMetaProtocolVersion, std::string(nemo::mcp::kModernVersion)}};
}

}  // namespace

TEST_CASE("initialize answers the client's version, the capabilities and the server info", "[mcp][server]") {
  ServerHarness h;
  auto reply = h.call(1, "initialize", {{"protocolVersion", "2025-03-26"}, {"capabilities", json::object()}});
  REQUIRE(reply.contains("result"));
  const auto& result = reply["result"];
  CHECK(result["protocolVersion"] == "2025-03-26");
  CHECK(result["serverInfo"]["name"] == "nemo-test");
  CHECK(result["serverInfo"]["version"] == "9.9.9");
  CHECK(result["capabilities"].contains("tools"));
  CHECK(result["instructions"] == "Use the tools.");
  CHECK_FALSE(result.contains("resultType"));

  // A version we do not know gets our newest handshake version.
  auto other = h.call(2, "initialize", {{"protocolVersion", "1999-01-01"}});
  CHECK(other["result"]["protocolVersion"] == std::string(nemo::mcp::kLegacyVersions.front()));
}

TEST_CASE("a legacy tools call before initialization is refused", "[mcp][server]") {
  ServerHarness h;
  auto reply = h.call(5, "tools/call", {{"name", "state"}, {"arguments", json::object()}});
  REQUIRE(reply.contains("error"));
  CHECK(reply["error"]["code"] == -32600);
  CHECK(h.call(6, "ping").contains("result"));  // ping is always allowed
}

TEST_CASE("tools/list gives the registered tools in product order", "[mcp][server]") {
  ServerHarness h;
  h.initialize();
  auto reply = h.call(2, "tools/list");
  REQUIRE(reply["result"]["tools"].size() == 3);
  CHECK(reply["result"]["tools"][0]["name"] == "chat");
  CHECK(reply["result"]["tools"][1]["name"] == "credits");
  CHECK(reply["result"]["tools"][2]["name"] == "state");
}

TEST_CASE("tools/call returns the text, the structured content and isError", "[mcp][server]") {
  ServerHarness h;
  h.initialize();
  auto reply = h.call(2, "tools/call", {{"name", "state"}, {"arguments", {{"text", "hello"}}}});
  REQUIRE(reply.contains("result"));
  const auto& result = reply["result"];
  CHECK(result["content"] == json::array({json{{"type", "text"}, {"text", "echo: hello"}}}));
  CHECK(result["structuredContent"] == json{{"echoed", "hello"}, {"message", "echo: hello"}});
  CHECK(result["isError"] == false);
  CHECK_FALSE(result.contains("resultType"));
  CHECK(h.notifications.empty());  // no progress token: no progress notifications

  SECTION("a tool failure is a result with isError, its text the structured content") {
    auto failed = h.call(3, "tools/call", {{"name", "credits"}});
    REQUIRE(failed.contains("result"));
    CHECK(failed["result"]["isError"] == true);
    CHECK(failed["result"]["structuredContent"] == json{{"error", {{"code", 2001}}}});
    auto text = json::parse(failed["result"]["content"][0]["text"].get<std::string>());
    CHECK(text == json{{"error", {{"code", 2001}}}});
  }
}

TEST_CASE("a throwing tool becomes an isError result and the server keeps serving", "[mcp][server]") {
  ServerHarness h;
  h.initialize();
  auto reply = h.call(2, "tools/call", {{"name", "chat"}, {"arguments", json::object()}});
  REQUIRE(reply.contains("result"));
  CHECK(reply["result"]["isError"] == true);
  auto text = reply["result"]["content"][0]["text"].get<std::string>();
  CHECK(text.find("chat") != std::string::npos);
  CHECK(text.find("tool bug") == std::string::npos);  // the exception text stays in the log

  auto next = h.call(3, "tools/call", {{"name", "state"}, {"arguments", {{"text", "again"}}}});
  CHECK(next["result"]["content"][0]["text"] == "echo: again");
}

TEST_CASE("a malformed tools/call is a protocol error", "[mcp][server]") {
  ServerHarness h;
  h.initialize();
  auto unknown = h.call(2, "tools/call", {{"name", "export"}});
  CHECK(unknown["error"]["code"] == -32602);
  auto noName = h.call(4, "tools/call", {{"arguments", json::object()}});
  CHECK(noName["error"]["code"] == -32602);
  auto notAnObject = h.call(6, "tools/call", {{"name", "state"}, {"arguments", json::array({1})}});
  CHECK(notAnObject["error"]["code"] == -32602);
  auto unknownMethod = h.call(5, "resources/list");
  CHECK(unknownMethod["error"]["code"] == -32601);
}

TEST_CASE("arguments that break the schema are a tool error the model can correct", "[mcp][server]") {
  ServerHarness h;
  h.initialize();
  auto wrongType = h.call(3, "tools/call", {{"name", "state"}, {"arguments", {{"text", 5}}}});
  REQUIRE(wrongType.contains("result"));
  const auto& result = wrongType["result"];
  CHECK(result["isError"] == true);
  auto text = result["content"][0]["text"].get<std::string>();
  CHECK(text.find("`text`") != std::string::npos);
  CHECK(text.find("Expected a text") != std::string::npos);
  CHECK(result["structuredContent"]["error"]["code"] == -32602);
  CHECK(result["structuredContent"]["error"]["field"] == "text");
  CHECK(result["structuredContent"]["message"] == result["structuredContent"]["error"]["message"]);
  CHECK(result["structuredContent"]["next"].get<std::string>().find("again") != std::string::npos);
  // The server goes on serving.
  auto next = h.call(7, "tools/call", {{"name", "state"}, {"arguments", {{"text", "ok"}}}});
  CHECK(next["result"]["content"][0]["text"] == "echo: ok");
}

TEST_CASE("structured content carries the message the text shows", "[mcp][server]") {
  ServerHarness h;
  h.initialize();
  auto reply = h.call(2, "tools/call", {{"name", "state"}, {"arguments", {{"text", "x"}}}});
  CHECK(reply["result"]["structuredContent"]["message"] == "echo: x");
  CHECK(reply["result"]["structuredContent"]["echoed"] == "x");
}

TEST_CASE("prompt texts fill their arguments and leave out optional parts", "[mcp][server]") {
  using nemo::mcp::expandPromptText;
  const std::string text = "Promo from {photos}.[ About: {description}.] Then export.";
  CHECK(expandPromptText(text, {{"photos", "a.png b.png"}}) == "Promo from a.png b.png. Then export.");
  CHECK(expandPromptText(text, {{"photos", "a.png"}, {"description", "shoes"}}) ==
        "Promo from a.png. About: shoes. Then export.");
  // Values are inserted as they are: braces and brackets in them are not template syntax.
  CHECK(expandPromptText(text, {{"photos", "[{description}]"}}) == "Promo from [{description}]. Then export.");
}

TEST_CASE("a progress token gets increasing progress notifications before the result", "[mcp][server]") {
  ServerHarness h;
  h.initialize();
  auto reply = h.call(2, "tools/call",
                      {{"name", "state"}, {"arguments", {{"text", "p"}}}, {"_meta", {{"progressToken", "tok-1"}}}});
  REQUIRE(reply.contains("result"));
  REQUIRE(h.notifications.size() == 1);
  CHECK(h.notifications[0]["method"] == "notifications/progress");
  CHECK(h.notifications[0]["params"]["progressToken"] == "tok-1");
  CHECK(h.notifications[0]["params"]["progress"] == 50.0);
  CHECK(h.notifications[0]["params"]["total"] == 100.0);
}

TEST_CASE("a modern request with _meta needs no handshake and gets resultType complete", "[mcp][server]") {
  ServerHarness h;
  auto reply = h.call(1, "tools/call", {{"name", "state"}, {"arguments", {{"text", "m"}}}, {"_meta", modernMeta()}});
  REQUIRE(reply.contains("result"));
  CHECK(reply["result"]["resultType"] == "complete");
  CHECK(reply["result"]["content"][0]["text"] == "echo: m");
  CHECK(reply["result"]["_meta"][nemo::mcp::kMetaServerInfo]["name"] == "nemo-test");

  auto list = h.call(2, "tools/list", {{"_meta", modernMeta()}});
  CHECK(list["result"]["resultType"] == "complete");
  CHECK(list["result"]["tools"].size() == 3);

  auto unsupported =
      h.call(3, "tools/list", {{"_meta", {{nemo::mcp::kMetaProtocolVersion, "2020-01-01"}}}});
  REQUIRE(unsupported.contains("error"));
  CHECK(unsupported["error"]["code"] == nemo::mcp::kUnsupportedProtocolVersion);
  CHECK(unsupported["error"]["data"]["requested"] == "2020-01-01");
}

TEST_CASE("serve() returns true at end of input when every call finished", "[mcp][server]") {
  ServerHarness h;
  h.initialize();
  h.call(2, "tools/call", {{"name", "state"}});
  h.in.closeWrite();
  REQUIRE(h.served.wait_for(2s) == std::future_status::ready);
  CHECK(h.served.get());
}

// "cancelled: the request was cancelled before completion"; a cancel "MAY ultimately reach a
// terminal status other than cancelled if the work finished before cancellation could take effect".
TEST_CASE("a task asked to cancel keeps its result when the work was done first, else ends cancelled",
          "[mcp][server][tasks]") {
  std::promise<void> gate;
  std::shared_future<void> opened = gate.get_future().share();
  nemo::mcp::TaskOptions options;
  options.firstWindow = 50ms;
  ServerHarness h(options, [opened](ToolRegistry& registry) {
    // Ends the way the test says, whatever the cancel: the work is done, or it honoured the cancel.
    REQUIRE_FALSE(registry
                      .addWithDescriptor(descriptor("export", {{"end", {{"type", "string"}}}}),
                                         [opened](const json& arguments, ToolContext&) {
                                           opened.wait_for(5s);
                                           auto end = arguments.value("end", std::string());
                                           return ToolResult::success("ended " + end, json{{"status", end}});
                                         })
                      .has_value());
  });
  json meta = modernMeta();
  meta[nemo::mcp::kMetaClientCapabilities] = {{"extensions", {{nemo::mcp::kTasksExtension, json::object()}}}};
  int id = 10;
  auto start = [&](const std::string& end) {
    auto reply = h.call(++id, "tools/call", {{"name", "export"}, {"arguments", {{"end", end}}}, {"_meta", meta}});
    INFO(reply.dump());
    REQUIRE(reply["result"]["resultType"] == "task");
    return reply["result"]["taskId"].get<std::string>();
  };
  const auto workDone = start("completed");
  const auto honoured = start("cancelled");
  for (const auto& taskId : {workDone, honoured}) {
    CHECK(h.call(++id, "tasks/cancel", {{"taskId", taskId}, {"_meta", meta}})["result"]["resultType"] == "complete");
  }
  gate.set_value();

  auto finished = [&](const std::string& taskId) {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    json task;
    do {
      std::this_thread::sleep_for(20ms);
      task = h.call(++id, "tasks/get", {{"taskId", taskId}, {"_meta", meta}})["result"];
    } while (task["status"] == "working" && std::chrono::steady_clock::now() < deadline);
    return task;
  };
  auto done = finished(workDone);
  INFO(done.dump());
  CHECK(done["status"] == "completed");
  CHECK(done["result"]["structuredContent"]["status"] == "completed");
  auto cancelled = finished(honoured);
  INFO(cancelled.dump());
  CHECK(cancelled["status"] == "cancelled");
  CHECK_FALSE(cancelled.contains("result"));
}
