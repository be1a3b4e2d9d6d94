// End-to-end: what the model reads (issue 8). Claude Code hands the model only a result's
// structuredContent, so every result carries `message` and, where a step follows, `next`;
// arguments that break a schema are isError results that name the field; waits are capped at
// 110 s and answer with a fresh status; upload answers in other shapes are successes; GUI talk
// in Chinese is rewritten; the prompts are a menu with arguments.
#include <catch2/catch.hpp>

#include <fstream>

#include "e2e/support/Backend.h"
#include "e2e/support/Results.h"
#include "e2e/support/ServerProcess.h"

using namespace nemo::e2e;

namespace {

std::filesystem::path writeFile(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

// A tiny PNG: the signature is what the local content check reads.
const std::string kPng("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);

struct Client {
  Backend backend;
  TempDir home;
  std::unique_ptr<ServerProcess> server;

  explicit Client(std::map<std::string, std::string> env = {}, std::vector<std::string> args = {}) {
    env.emplace("NEMO_PROGRESS_INTERVAL_MS", "300");
    env.emplace("NEMO_RENDER_POLL_MS", "100");
    server = std::make_unique<ServerProcess>(
        ServerOptions{.baseUrl = backend.baseUrl(), .home = home.path(), .env = env, .args = args});
    server->initialize();
  }
  json call(const std::string& tool, json arguments = json::object(), std::optional<json> token = {}) {
    return resultOf(server->callTool(tool, std::move(arguments), std::move(token), 60s));
  }
};

std::string field(const json& result, const char* name) {
  INFO(result.dump());
  REQUIRE(result["structuredContent"].contains(name));
  return result["structuredContent"][name].get<std::string>();
}

}  // namespace

TEST_CASE("every result says the sentence for the person and the next step in its structured content",
          "[e2e][tools]") {
  Client c;
  auto created = c.call("create_session", {{"task_name", "Promo"}});
  auto sessionId = field(created, "session_id");
  CHECK(field(created, "message").find(sessionId) != std::string::npos);
  CHECK(field(created, "next").find("upload") != std::string::npos);
  CHECK(textOf(created).find(field(created, "next")) != std::string::npos);  // the text says the same

  auto photo = writeFile(c.home.path() / "shoe.png", kPng);
  auto uploaded = c.call("upload", {{"paths", {photo.string()}}});
  CHECK(uploaded["isError"] == false);
  CHECK(field(uploaded, "message").find("Uploaded 1 item(s)") != std::string::npos);
  CHECK(field(uploaded, "next").find("chat") != std::string::npos);

  c.backend.configure({{"sse_script", json::array({{{"text", "Your promo is ready. Click the Export button to download."},
                                                     {"edit", "default"}}})}});
  auto chat = c.call("chat", {{"message", "generate a promo from my photo"}});
  CHECK(field(chat, "status") == "completed");
  CHECK(field(chat, "reply") == "Your promo is ready. Call the `export` tool to render and download.");
  CHECK(field(chat, "next").find("export") != std::string::npos);
  CHECK_FALSE(field(chat, "message").empty());

  auto state = c.call("state");
  CHECK(state["structuredContent"]["exportable"] == true);
  CHECK(field(state, "message").find("Timeline (3 tracks)") != std::string::npos);
  CHECK(field(state, "next").find("export") != std::string::npos);

  auto exported = c.call("export", {{"output_dir", c.home.path().string()}});
  CHECK(field(exported, "status") == "completed");
  CHECK(field(exported, "message").find(field(exported, "path")) != std::string::npos);

  // An error result reads the same way: the message is the person's sentence.
  c.backend.configure({{"fail", {{"credits", {{"code", 2001}}}}}});
  auto broke = c.call("credits");
  CHECK(broke["isError"] == true);
  CHECK(field(broke, "message") == textOf(broke));
}

TEST_CASE("arguments that break a schema are results the model can correct", "[e2e][tools][protocol]") {
  Client c;
  auto empty = c.call("chat");
  CHECK(empty["isError"] == true);
  CHECK(textOf(empty).find("Give a message for the video editor, or the turn_id of a running turn") == 0);
  CHECK(textOf(empty).find("Missing required property") == std::string::npos);

  auto tooLong = c.call("chat", {{"message", "hi"}, {"wait_seconds", 600}});
  CHECK(tooLong["isError"] == true);
  CHECK(textOf(tooLong).find("`wait_seconds`") != std::string::npos);
  CHECK(textOf(tooLong).find("Expected a number from 0 to 110.") != std::string::npos);
  CHECK(textOf(tooLong).find("000000") == std::string::npos);
  CHECK(tooLong["structuredContent"]["error"]["field"] == "wait_seconds");

  auto badQuality = c.call("export", {{"quality", "4k"}});
  CHECK(textOf(badQuality).find("Expected one of \"low\", \"medium\" or \"high\"") != std::string::npos);
  // Nothing reached the backend, and the server goes on serving.
  CHECK(c.backend.requestsTo("/run_sse").empty());
  CHECK(c.backend.requestsTo("/api/render").empty());
  CHECK(c.call("credits")["isError"] == false);
}

TEST_CASE("export answers at its deadline with the render's status as it is then", "[e2e][export]") {
  // The poller asks once, then sleeps 20 s: without a check at the deadline, the answer would
  // repeat that first, stale "pending".
  Client c(std::map<std::string, std::string>{{"NEMO_RENDER_POLL_MS", "20000"}});
  c.call("create_session");
  c.backend.configure({{"draft", {{"t", {{{"tt", 0}, {"sg", {{{"d", 5000}}}}}}}}},
                       {"render_steps", {"pending", "rendering", "rendering", "rendering", "completed"}}});
  auto started = std::chrono::steady_clock::now();
  auto result = c.call("export", {{"wait_seconds", 7}});
  auto took = std::chrono::steady_clock::now() - started;
  INFO(result.dump());
  CHECK(field(result, "status") == "rendering");
  CHECK(result["structuredContent"]["progress"] == 25);
  CHECK(field(result, "message").rfind("Rendering 25%", 0) == 0);
  auto renderId = field(result, "render_id");
  CHECK(field(result, "next").find("{\"render_id\": \"" + renderId + "\"") != std::string::npos);
  CHECK(c.backend.requestsTo("/api/render/proxy/lambda/" + renderId, "GET").size() == 2);
  CHECK(took < 12s);
}

TEST_CASE("progress while rendering reads as a person would say it", "[e2e][export]") {
  Client c;
  c.call("create_session");
  c.backend.configure({{"draft", {{"t", {{{"tt", 0}, {"sg", {{{"d", 5000}}}}}}}}},
                       {"render_steps", {"queued", "processing", "completed"}},
                       {"delay_ms", {{"render_status", 150}}}});
  auto result = c.call("export", {{"output_dir", c.home.path().string()}}, json("r1"));
  CHECK(field(result, "status") == "completed");
  std::vector<std::string> lines;
  for (const auto& note : c.server->notifications("notifications/progress")) lines.push_back(note["params"]["message"]);
  INFO(json(lines).dump());
  CHECK(std::find(lines.begin(), lines.end(), "Waiting for a render slot") != lines.end());
  CHECK(std::find(lines.begin(), lines.end(), "Rendering 50%") != lines.end());
  for (const auto& line : lines) CHECK(line.find("(queued)") == std::string::npos);
}

TEST_CASE("an upload the backend accepted is a success whatever the shape of its answer", "[e2e][upload]") {
  for (const char* shape : {"items", "uploaded", "media", "bare", "unlisted", "no_data"}) {
    Client c;
    c.call("create_session");
    c.backend.configure({{"upload_shape", shape}});
    auto photo = writeFile(c.home.path() / "shoe.png", kPng);
    auto result = c.call("upload", {{"paths", {photo.string()}}});
    INFO(shape << ": " << result.dump());
    CHECK(result["isError"] == false);
    REQUIRE(result["structuredContent"]["uploaded"].size() == 1);
    CHECK(result["structuredContent"]["uploaded"][0]["name"] == "shoe.png");
    CHECK(textOf(result).find("Uploaded 1 item(s)") != std::string::npos);
    CHECK(textOf(result).find("Uploaded 0") == std::string::npos);
    bool unlisted = std::string(shape) == "unlisted" || std::string(shape) == "no_data";
    CHECK(result["structuredContent"].contains("note") == unlisted);
    if (!unlisted) CHECK(result["structuredContent"]["uploaded"][0]["type"] == "image");
  }
}

TEST_CASE("Chinese GUI talk is rewritten in the reply and in the progress lines", "[e2e][chat]") {
  Client c;
  c.call("create_session");
  c.backend.configure({{"sse_script", json::array({{{"text", "视频已生成。点击“生成视频”按钮重新生成，或打开生成面板查看。"},
                                                     {"chunks", 3},
                                                     {"chunk_delay_ms", 1100}}})}});
  auto result = c.call("chat", {{"message", "生成一个视频"}}, json("zh"));
  auto reply = field(result, "reply");
  CHECK(reply == "视频已生成。通过 `chat` 工具发送“生成视频”重新生成，或调用 `state` 工具查看。");
  std::vector<std::string> lines;
  for (const auto& note : c.server->notifications("notifications/progress")) lines.push_back(note["params"]["message"]);
  INFO(json(lines).dump());
  CHECK(std::find(lines.begin(), lines.end(), "视频已生成。") != lines.end());
  CHECK(std::find(lines.begin(), lines.end(), "通过 `chat` 工具发送“生成视频”重新生成，或调用 `state` 工具查看。") !=
        lines.end());
  for (const auto& line : lines) {
    CHECK(line.find("点击") == std::string::npos);
    CHECK(line.find("打开生成面板") == std::string::npos);
  }
}

TEST_CASE("each skill offers prompts a person would pick from a menu", "[e2e][protocol]") {
  Client c(std::map<std::string, std::string>{}, {"--skill", "ai-to-video"});
  auto prompts = c.server->request("prompts/list")["result"]["prompts"];
  REQUIRE(prompts.size() >= 2);
  CHECK(prompts[0]["name"] == "video-from-document");
  CHECK(prompts[0]["arguments"][0]["name"] == "document");
  auto prompt = c.server->request("prompts/get", {{"name", "video-from-document"},
                                                  {"arguments", {{"document", "~/post.md"}, {"length", "30-second"}}}});
  CHECK(prompt["result"]["messages"][0]["content"]["text"] ==
        "Turn the document ~/post.md into a 30-second explainer video (attach it to the chat message), then export "
        "the MP4.");
  for (const auto& entry : prompts) CHECK(entry["name"].get<std::string>().find("example") == std::string::npos);
}
