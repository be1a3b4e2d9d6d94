// End-to-end: `upload` and `export` through the real binary against the test backend: local
// checks before anything is sent, streamed multipart uploads with flat memory, cancellation,
// renders in both status shapes with bounded waits, restart resumption, the download fallback,
// and the bearer token never reaching the output host.
#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include "e2e/support/Backend.h"
#include "e2e/support/Results.h"
#include "e2e/support/ServerProcess.h"

using namespace nemo::e2e;

namespace {

const std::string kFtyp("\0\0\0\x18" "ftypisom\0\0\x02\0isommp41", 24);

// A file with the given first bytes, made `size` long (sparse: no disk or time spent on zeros).
std::filesystem::path makeFile(const std::filesystem::path& path, const std::string& head, std::uint64_t size = 0) {
  { std::ofstream(path, std::ios::binary) << head; }
  if (size > head.size()) REQUIRE(::truncate(path.c_str(), static_cast<off_t>(size)) == 0);
  return path;
}

long peakResidentKb(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

bool builtWithAddressSanitizer() {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#else
  return false;
#endif
}

struct Fixture {
  Backend backend;
  TempDir home;
  std::unique_ptr<ServerProcess> server;

  explicit Fixture(std::vector<std::string> args = {}, std::map<std::string, std::string> env = {}) {
    env.emplace("NEMO_PROGRESS_INTERVAL_MS", "300");
    env.emplace("NEMO_RENDER_POLL_MS", "100");
    start(args, env);
  }
  void start(std::vector<std::string> args = {}, std::map<std::string, std::string> env = {
                                                     {"NEMO_PROGRESS_INTERVAL_MS", "300"}, {"NEMO_RENDER_POLL_MS", "100"}}) {
    server = std::make_unique<ServerProcess>(
        ServerOptions{.baseUrl = backend.baseUrl(), .home = home.path(), .env = env, .args = args});
    server->initialize();
  }
  std::string newSession() {
    auto created = resultOf(server->callTool("create_session", {{"task_name", "City Promo"}}));
    REQUIRE(created["isError"] == false);
    return created["structuredContent"]["session_id"];
  }
  // A session whose timeline holds the default three tracks.
  std::string editedSession() {
    auto id = newSession();
    backend.configure({{"sse_script", json::array({{{"text", "Done."}, {"edit", "default"}}})}});
    REQUIRE(resultOf(server->callTool("chat", {{"message", "generate a city promo"}}))["isError"] == false);
    return id;
  }
};

}  // namespace

TEST_CASE("upload: several files in one multipart request, with progress", "[e2e][upload]") {
  Fixture f;
  f.newSession();
  auto dir = f.home.path();
  auto png = makeFile(dir / "logo.png", "\x89PNG\r\n\x1A\n" + std::string(100, 'p'));
  auto mp4 = makeFile(dir / "clip.mp4", kFtyp, 5 * 1024 * 1024);
  auto mp3 = makeFile(dir / "voice.mp3", "ID3" + std::string(100, 'v'));
  auto result = resultOf(f.server->callTool("upload", {{"paths", {png.string(), mp4.string(), mp3.string()}}}, json("u1")));
  INFO(result.dump());
  CHECK(result["isError"] == false);
  CHECK(result["structuredContent"]["uploaded"].size() == 3);

  auto sent = f.backend.requestsTo("/api/upload-video/nemo_agent/me/", "POST");
  REQUIRE(sent.size() == 1);
  auto files = sent[0]["files"];
  REQUIRE(files.size() == 3);
  CHECK(files[0]["field"] == "files");
  CHECK(files[1]["filename"] == "clip.mp4");
  CHECK(files[1]["size"] == 5 * 1024 * 1024);
  CHECK_FALSE(f.server->notifications("notifications/progress").empty());
  auto state = resultOf(f.server->callTool("state"));
  CHECK(state["structuredContent"]["media"]["uploaded"].size() == 3);
}

TEST_CASE("upload: every local refusal sends nothing", "[e2e][upload]") {
  Fixture f({"--skill", "ai-to-video"});  // 50 MB limit
  f.newSession();
  auto dir = f.home.path();
  struct Case {
    std::string path;
    std::string mustSay;
  };
  std::vector<Case> cases{
      {(dir / "missing.mp4").string(), "no such file"},
      {dir.string(), "folder"},
      {makeFile(dir / "notes.txt", "hello").string(), "mp4, mov"},
      {makeFile(dir / "fake.png", kFtyp).string(), "not png"},
      {makeFile(dir / "huge.mp4", kFtyp, 60ull * 1024 * 1024).string(), "50 MB"},
  };
  for (const auto& c : cases) {
    auto result = resultOf(f.server->callTool("upload", {{"paths", {c.path}}}));
    INFO(c.path << " -> " << result.dump());
    CHECK(result["isError"] == true);
    CHECK(textOf(result).find(c.mustSay) != std::string::npos);
  }
  auto good = makeFile(dir / "ok.jpg", "\xFF\xD8\xFF\xE0" + std::string(50, 'j'));
  auto mixed = resultOf(f.server->callTool("upload", {{"paths", {good.string(), (dir / "missing.mp4").string()}}}));
  CHECK(mixed["isError"] == true);  // one bad file stops the whole call before anything leaves
  auto ftp = resultOf(f.server->callTool("upload", {{"urls", {"ftp://example.com/a.mp4"}}}));
  CHECK(ftp["isError"] == true);
  CHECK(f.backend.requestsTo("/api/upload-video").empty());
}

TEST_CASE("upload: URLs go as JSON, and per-file rejections keep the others", "[e2e][upload]") {
  Fixture f;
  f.newSession();
  auto byUrl = resultOf(f.server->callTool("upload", {{"urls", {"https://cdn.example.com/intro.mp4"}}}));
  INFO(byUrl.dump());
  CHECK(byUrl["isError"] == false);
  auto sent = f.backend.requestsTo("/api/upload-video", "POST");
  REQUIRE(sent.size() == 1);
  CHECK(sent[0]["body"]["source_type"] == "url");
  CHECK(sent[0]["body"]["urls"][0] == "https://cdn.example.com/intro.mp4");

  auto dir = f.home.path();
  auto good = makeFile(dir / "good.mp4", kFtyp, 1000);
  auto bad = makeFile(dir / "unsupported-codec.mp4", kFtyp, 1000);
  auto mixed = resultOf(f.server->callTool("upload", {{"paths", {good.string(), bad.string()}}}));
  INFO(mixed.dump());
  CHECK(mixed["isError"] == false);
  CHECK(mixed["structuredContent"]["uploaded"].size() == 1);
  REQUIRE(mixed["structuredContent"]["rejected"].size() == 1);
  CHECK(mixed["structuredContent"]["rejected"][0]["code"] == 4001);
  CHECK(textOf(mixed).find("Accepted formats") != std::string::npos);
}

TEST_CASE("upload: a 300 MB file streams from disk with flat memory", "[e2e][upload][memory]") {
  Fixture f({"--skill", "video-making-free-ai"});  // 500 MB limit
  f.newSession();
  auto big = makeFile(f.home.path() / "big.mp4", kFtyp, 300ull * 1024 * 1024);
  auto result = resultOf(f.server->callTool("upload", {{"paths", {big.string()}}}, json("big"), 120s));
  CHECK(result["isError"] == false);
  auto sent = f.backend.requestsTo("/api/upload-video", "POST");
  REQUIRE(sent.size() == 1);
  CHECK(sent[0]["files"][0]["size"] == 300ull * 1024 * 1024);
  bool byteProgress = false;
  for (const auto& note : f.server->notifications("notifications/progress")) {
    if (note["params"]["message"].get<std::string>().rfind("Uploading:", 0) == 0) byteProgress = true;
  }
  CHECK(byteProgress);
  auto peak = peakResidentKb(f.server->pid());
  INFO("peak resident set of the server: " << peak << " kB");
  if (!builtWithAddressSanitizer()) CHECK(peak < 40 * 1024);  // ASan's shadow memory alone is larger
}

TEST_CASE("upload: cancelling stops the transfer and the server goes on", "[e2e][upload]") {
  Fixture f({"--skill", "video-making-free-ai"});
  f.newSession();
  f.backend.configure({{"delay_ms", {{"upload", 15000}}}});
  auto big = makeFile(f.home.path() / "slow.mp4", kFtyp, 400ull * 1024 * 1024);
  f.server->send({{"jsonrpc", "2.0"}, {"id", "up"}, {"method", "tools/call"},
                  {"params", {{"name", "upload"}, {"arguments", {{"paths", {big.string()}}}}}}});
  std::this_thread::sleep_for(500ms);
  f.server->send({{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", "up"}}}});
  auto started = std::chrono::steady_clock::now();
  CHECK(resultOf(f.server->callTool("credits"))["isError"] == false);
  CHECK(std::chrono::steady_clock::now() - started < 2s);
  CHECK_FALSE(f.server->waitForResponse("up", 1s));
  f.server->closeInput();
  auto code = f.server->waitExit(5s);
  REQUIRE(code);
  CHECK(*code == 0);
}

TEST_CASE("export: pending to completed with progress and a real MP4 on disk", "[e2e][export]") {
  for (const char* shape : {"a", "b"}) {
    Fixture f;
    auto sessionId = f.editedSession();
    f.backend.configure({{"render_shape", shape}});
    auto result = resultOf(f.server->callTool("export", json::object(), json("ex"), 30s));
    INFO(shape << ": " << result.dump());
    REQUIRE(result["isError"] == false);
    auto out = result["structuredContent"];
    CHECK(out["status"] == "completed");
    auto path = std::filesystem::path(out["path"].get<std::string>());
    CHECK(path.parent_path() == f.home.path() / "Videos");
    CHECK(path.filename() == "City Promo.mp4");
    REQUIRE(std::filesystem::exists(path));
    std::ifstream mp4(path, std::ios::binary);
    std::string head(8, '\0');
    mp4.read(head.data(), 8);
    CHECK(head.substr(4) == "ftyp");
    CHECK(out["size"] == std::filesystem::file_size(path));
    CHECK(out["duration"] == 10);
    CHECK(textOf(result).find(path.string()) != std::string::npos);

    // The draft went back exactly as the state gave it, unknown keys included.
    auto started = f.backend.requestsTo("/api/render/proxy/lambda", "POST");
    REQUIRE(started.size() == 1);
    auto body = started[0]["body"];
    CHECK(body["sessionId"] == sessionId);
    CHECK(body["id"].get<std::string>().rfind("render_", 0) == 0);
    CHECK(body["output"]["format"] == "mp4");
    auto state = f.backend.state();
    json draft;
    for (const auto& session : state["sessions"]) {
      if (session.value("session_id", "") == sessionId || session.value("id", "") == sessionId) draft = session["draft"];
    }
    if (draft.is_null() && state["sessions"].is_object()) draft = state["sessions"][sessionId]["draft"];
    CHECK(body["draft"] == draft);
    CHECK(body["draft"].dump().find("\"tr\"") != std::string::npos);

    std::vector<double> percents;
    for (const auto& note : f.server->notifications("notifications/progress")) {
      if (note["params"]["progressToken"] == "ex" && note["params"].contains("total")) percents.push_back(note["params"]["progress"]);
    }
    CHECK(percents.size() >= 2);
    CHECK(std::is_sorted(percents.begin(), percents.end()));

    // The bearer token went to the API, never to the output host.
    auto cdn = f.backend.requestsTo("/outputs/");
    REQUIRE_FALSE(cdn.empty());
    for (const auto& request : cdn) CHECK_FALSE(request["headers"].contains("authorization"));
    CHECK(f.server->stderrText().find("does not match its outputSchema") == std::string::npos);

    // A second export never replaces the first file.
    auto again = resultOf(f.server->callTool("export", json::object(), {}, 30s));
    CHECK(again["structuredContent"]["path"] == (f.home.path() / "Videos" / "City Promo (2).mp4").string());
  }
}

TEST_CASE("export: a render longer than wait_seconds is continued by render_id", "[e2e][export]") {
  Fixture f;
  f.editedSession();
  f.backend.configure({{"render_steps", json::array({"pending", "queued", "processing", "processing", "processing",
                                                     "processing", "processing", "rendering", "rendering", "completed"})}});
  auto first = resultOf(f.server->callTool("export", {{"wait_seconds", 0}}));
  INFO(first.dump());
  CHECK(first["isError"] == false);
  auto renderId = first["structuredContent"]["render_id"].get<std::string>();
  CHECK(first["structuredContent"]["status"] != "completed");
  CHECK(textOf(first).find(renderId) != std::string::npos);
  auto done = resultOf(f.server->callTool("export", {{"render_id", renderId}, {"wait_seconds", 60}}, {}, 70s));
  CHECK(done["structuredContent"]["status"] == "completed");
  CHECK(f.backend.requestsTo("/api/render/proxy/lambda", "POST").size() == 1);
}

TEST_CASE("export: killed mid-render, restarted, the render resumes and finishes", "[e2e][export]") {
  Fixture f;
  auto sessionId = f.editedSession();
  f.backend.configure({{"render_steps", json::array({"pending", "processing", "processing", "processing", "processing",
                                                     "processing", "processing", "processing", "completed"})}});
  auto first = resultOf(f.server->callTool("export", {{"wait_seconds", 0}}));
  auto renderId = first["structuredContent"]["render_id"].get<std::string>();
  ::kill(f.server->pid(), SIGKILL);
  REQUIRE(f.server->waitExit(5s));
  f.start();
  // A new process has no current session: the agent names the one it worked in.
  auto state = resultOf(f.server->callTool("state", {{"session_id", sessionId}}));
  REQUIRE(state["structuredContent"]["renders"].size() == 1);
  CHECK(state["structuredContent"]["renders"][0]["render_id"] == renderId);
  auto done = resultOf(f.server->callTool("export", {{"render_id", renderId}, {"wait_seconds", 60}}, {}, 70s));
  INFO(done.dump());
  CHECK(done["structuredContent"]["status"] == "completed");
  CHECK(std::filesystem::exists(done["structuredContent"]["path"].get<std::string>()));
}

TEST_CASE("export: the output URL fails, the authorised download is used", "[e2e][export]") {
  Fixture f;
  f.editedSession();
  f.backend.configure({{"output_fail", true}});
  auto result = resultOf(f.server->callTool("export", json::object(), {}, 30s));
  INFO(result.dump());
  CHECK(result["structuredContent"]["status"] == "completed");
  auto fallback = f.backend.requestsTo("/api/render/proxy/", "GET");
  bool usedDownload = false;
  for (const auto& request : fallback) {
    if (request["path"].get<std::string>().find("/download") != std::string::npos) {
      usedDownload = true;
      CHECK(request["headers"]["authorization"].get<std::string>().rfind("Bearer ", 0) == 0);
    }
  }
  CHECK(usedDownload);
  for (const auto& request : f.backend.requestsTo("/outputs/")) CHECK_FALSE(request["headers"].contains("authorization"));
}

TEST_CASE("export: refusals and failures say what to do", "[e2e][export]") {
  Fixture f;
  SECTION("nothing to export yet") {
    f.newSession();
    auto result = resultOf(f.server->callTool("export"));
    CHECK(result["isError"] == true);
    CHECK(textOf(result).find("Nothing to export yet") != std::string::npos);
    CHECK(f.backend.requestsTo("/api/render/proxy/lambda").empty());
  }
  SECTION("402: the plan, not credits") {
    f.editedSession();
    f.backend.configure({{"fail", {{"render_start", {{"http", 402}}}}}});
    auto result = resultOf(f.server->callTool("export"));
    CHECK(result["isError"] == true);
    CHECK(result["structuredContent"]["error"]["code"] == 402);
    CHECK(textOf(result).find("plan") != std::string::npos);
  }
  SECTION("a failed render carries the backend's reason") {
    f.editedSession();
    f.backend.configure({{"render_fail_reason", "font not found: Urban Sans"}});
    auto result = resultOf(f.server->callTool("export", json::object(), {}, 30s));
    CHECK(result["isError"] == true);
    CHECK(textOf(result).find("font not found: Urban Sans") != std::string::npos);
  }
  SECTION("cancel") {
    f.editedSession();
    f.backend.configure({{"render_steps", json::array({"pending", "processing", "processing", "processing", "processing",
                                                       "processing", "processing", "processing", "processing", "completed"})}});
    auto first = resultOf(f.server->callTool("export", {{"wait_seconds", 0}}));
    auto renderId = first["structuredContent"]["render_id"].get<std::string>();
    auto cancelled = resultOf(f.server->callTool("export", {{"render_id", renderId}, {"cancel", true}}));
    INFO(cancelled.dump());
    CHECK(cancelled["structuredContent"]["status"] == "cancelled");
    CHECK(f.backend.requestsTo("/api/render/proxy/lambda/" + renderId + "/cancel", "POST").size() == 1);
    auto unknown = resultOf(f.server->callTool("export", {{"render_id", "render_nope"}}));
    CHECK(unknown["isError"] == true);
  }
  CHECK(f.server->stderrText().find("does not match its outputSchema") == std::string::npos);
}

TEST_CASE("chat: 'export' is routed to the export tool", "[e2e][export]") {
  Fixture f;
  f.editedSession();
  auto result = resultOf(f.server->callTool("chat", {{"message", "export"}}, {}, 30s));
  INFO(result.dump());
  CHECK(result["structuredContent"]["routed_to"] == "export");
  CHECK(result["structuredContent"]["result"]["status"] == "completed");
  CHECK(f.backend.requestsTo("/run_sse").size() == 1);  // only the edit turn
}
