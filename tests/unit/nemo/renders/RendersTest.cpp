// Tests of Renders on the background-job primitive, against a fake NemoVideo that answers by
// path: a render is polled to its end and downloaded, its progress steps never go backwards, a
// cancel stops the polling at once, a render of another process is resumed by id, and a status
// answer that says "completed" to a waiting call wakes the poller for the download at once.
#include "nemo/renders/Renders.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>

#include "../../support/TestUtil.h"

using namespace std::chrono_literals;
using nemo::api::CallControl;
using nemo::renders::Destination;
using nemo::renders::Renders;
using nemo::support::JobProgress;
using nlohmann::json;
namespace http = nemo::http;

namespace {

const std::string kBase = "https://api.nemo.test";

// A fake NemoVideo: a draft to render, statuses from a list (the last repeating), an MP4 at the
// authorised download. Counts the requests by kind.
class FakeNemo final : public http::HttpClient {
 public:
  explicit FakeNemo(std::vector<std::string> statuses) : statuses_(std::move(statuses)) {}

  http::Result send(const http::Request& request) override {
    std::lock_guard lock(mutex_);
    http::Result result;
    result.response.status = 200;
    const auto path = request.url.substr(kBase.size());
    if (path == "/api/auth/anonymous-token") {
      result.response.body = json{{"code", 0}, {"data", {{"token", "tok-0123456789abcdef"}}}}.dump();
    } else if (path.rfind("/api/state/", 0) == 0) {
      json draft = {{"t", json::array({{{"tt", 0}, {"sg", json::array({{{"d", 10000}, {"m", {{"name", "sea"}}}}})}}})}};
      result.response.body = json{{"code", 0}, {"data", {{"state", {{"draft", draft}}}}}}.dump();
    } else if (path == "/api/render/proxy/lambda" && request.method == "POST") {
      result.response.body = json{{"success", true}, {"data", {{"status", "pending"}}}}.dump();
    } else if (path.size() > 7 && path.substr(path.size() - 7) == "/cancel") {
      ++cancels;
      result.response.body = json{{"success", true}}.dump();
    } else if (path.rfind("/api/render/proxy/lambda/", 0) == 0) {
      ++statusChecks;
      auto word = statuses_[std::min(next_, statuses_.size() - 1)];
      ++next_;
      double progress = word == "completed" ? 100 : 10.0 * static_cast<double>(next_);
      result.response.body = json{{"success", true}, {"data", {{"status", word}, {"progress", progress}}}}.dump();
    } else if (path.find("/download") != std::string::npos) {
      ++downloads;
      std::ofstream(request.downloadTo, std::ios::binary) << std::string("\0\0\0\x18" "ftypmp42", 12) << "video";
    } else {
      result.response.status = 404;
    }
    return result;
  }

  std::atomic<int> statusChecks{0};
  std::atomic<int> cancels{0};
  std::atomic<int> downloads{0};

 private:
  std::mutex mutex_;
  std::vector<std::string> statuses_;
  std::size_t next_ = 0;
};

struct Fixture {
  nemo::test::TempDir dir;
  std::shared_ptr<FakeNemo> http;
  std::shared_ptr<nemo::api::NemoClient> client;

  explicit Fixture(std::vector<std::string> statuses) : http(std::make_shared<FakeNemo>(std::move(statuses))) {
    nemo::api::ClientConfig config;
    config.baseUrl = kBase + "/";
    config.skillSlug = "video-generator-free-no-limits";
    config.skillVersion = "1.0.0";
    client = std::make_shared<nemo::api::NemoClient>(config, http,
                                                     std::make_shared<nemo::api::Credentials>(dir / "credentials.json"));
  }
  std::unique_ptr<Renders> renders(std::chrono::milliseconds firstPoll = 20ms) {
    nemo::renders::RenderOptions options;
    options.firstPoll = firstPoll;
    options.maxPoll = firstPoll;
    return std::make_unique<Renders>(client, http, dir / "renders.json", options);
  }
  Destination destination() { return {dir.path(), "", "Sea Promo"}; }
};

}  // namespace

TEST_CASE("a render is polled to its end and saved; its progress never goes backwards", "[nemo][renders]") {
  Fixture f({"pending", "processing", "processing", "rendering", "completed"});
  auto renders = f.renders();
  auto started = renders->start("sess_1", f.destination(), "high", CallControl{});
  REQUIRE(started.job);
  std::vector<std::string> lines;
  auto job = renders->wait(started.job->renderId, std::chrono::steady_clock::now() + 10s, {},
                           [&](const JobProgress& p) { lines.push_back(p.text); }, 10s);
  REQUIRE(job);
  CHECK(job->status == "completed");
  CHECK(job->path == (f.dir / "Sea Promo.mp4").string());
  CHECK(std::filesystem::exists(job->path));
  CHECK(f.http->downloads == 1);
  REQUIRE_FALSE(lines.empty());
  CHECK(lines.front() == "Waiting for a render slot");
  CHECK(lines.back() == "Rendered");
  // Each kind of line comes after the ones before it: never "Rendering" after "Downloading".
  auto rank = [](const std::string& line) {
    if (line.rfind("Waiting", 0) == 0) return 0;
    if (line.rfind("Rendering", 0) == 0) return 1;
    if (line.rfind("Downloading", 0) == 0) return 2;
    return 3;
  };
  for (std::size_t i = 1; i < lines.size(); ++i) CHECK(rank(lines[i - 1]) <= rank(lines[i]));
}

TEST_CASE("a cancel stops the polling at once and the job stays cancelled", "[nemo][renders]") {
  Fixture f({"processing"});
  auto renders = f.renders(50ms);
  auto started = renders->start("sess_1", f.destination(), "high", CallControl{});
  REQUIRE(started.job);
  const auto id = started.job->renderId;
  std::this_thread::sleep_for(200ms);
  REQUIRE_FALSE(renders->cancel(id, CallControl{}));
  CHECK(f.http->cancels == 1);
  auto job = renders->wait(id, std::chrono::steady_clock::now() + 5s, {}, {}, 10s);
  CHECK(job->status == "cancelled");
  const int checks = f.http->statusChecks;
  std::this_thread::sleep_for(300ms);
  CHECK(f.http->statusChecks == checks);  // nobody polls a cancelled render
  CHECK(renders->find(id)->status == "cancelled");
}

TEST_CASE("a render started by another process is resumed by id and finished here", "[nemo][renders]") {
  Fixture f({"processing", "completed"});
  std::string id;
  {
    auto first = f.renders(1h);  // polls once, then waits an hour: "killed" before the render ends
    auto started = first->start("sess_1", f.destination(), "high", CallControl{});
    REQUIRE(started.job);
    id = started.job->renderId;
  }
  auto second = f.renders();
  auto resumed = second->resume(id);
  REQUIRE(resumed);
  auto job = second->wait(id, std::chrono::steady_clock::now() + 10s, {}, {}, 10s);
  CHECK(job->status == "completed");
  CHECK(std::filesystem::exists(job->path));
  CHECK(f.http->downloads == 1);
}

TEST_CASE("a waiting call's fresh status check wakes the poller to download at once", "[nemo][renders]") {
  // The poller checks once ("processing") and then sleeps an hour; a waiting call whose deadline
  // comes with a stale status (over 5 s old) checks again, hears "completed", and the poller must
  // download now rather than in an hour.
  Fixture f({"processing", "completed"});
  auto renders = f.renders(1h);
  auto started = renders->start("sess_1", f.destination(), "high", CallControl{});
  REQUIRE(started.job);
  const auto id = started.job->renderId;
  std::this_thread::sleep_for(5500ms);  // the poller's status is now stale
  auto atDeadline = renders->wait(id, std::chrono::steady_clock::now() + 50ms, {}, {}, 10s);
  CHECK(atDeadline->status == "downloading");
  auto job = renders->wait(id, std::chrono::steady_clock::now() + 10s, {}, {}, 10s);
  CHECK(job->status == "completed");
  CHECK(f.http->downloads == 1);
}
