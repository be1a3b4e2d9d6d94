// Tests of the tool context: progress values sent to the client always increase (with and
// without a percent), progress is a no-op without a sink, and messages are redacted.
#include "mcp/Tool.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "support/Secrets.h"

using nemo::mcp::ToolContext;

namespace {

struct Sent {
  double progress;
  std::optional<double> total;
  std::string message;
};

struct Recorder {
  std::vector<Sent> sent;
  ToolContext::ProgressSink sink() {
    return [this](double progress, std::optional<double> total, const std::string& message) {
      sent.push_back(Sent{progress, total, message});
    };
  }
};

void requireStrictlyIncreasing(const std::vector<Sent>& sent) {
  for (std::size_t i = 1; i < sent.size(); ++i) {
    INFO("step " << i << ": " << sent[i - 1].progress << " then " << sent[i].progress);
    CHECK(sent[i].progress > sent[i - 1].progress);
  }
}

}  // namespace

TEST_CASE("progress without a percent counts up", "[mcp][tool]") {
  Recorder recorder;
  ToolContext context(std::stop_token(), recorder.sink(), {});
  CHECK(context.reportsProgress());
  context.progress("one");
  context.progress("two");
  context.progress("three");
  REQUIRE(recorder.sent.size() == 3);
  requireStrictlyIncreasing(recorder.sent);
  CHECK_FALSE(recorder.sent[0].total.has_value());
  CHECK(recorder.sent[2].message == "three");
}

TEST_CASE("progress with percents never goes back, even when the work reports less", "[mcp][tool]") {
  Recorder recorder;
  ToolContext context(std::stop_token(), recorder.sink(), {});
  context.progress("a", 10);
  context.progress("b", 40);
  context.progress("c", 40);   // the same again
  context.progress("d", 20);   // backwards
  context.progress("e", -5);   // out of range
  context.progress("f");       // no percent in between
  context.progress("g", 100);
  context.progress("h", 250);  // beyond the end
  REQUIRE(recorder.sent.size() == 8);
  requireStrictlyIncreasing(recorder.sent);
  CHECK(recorder.sent[0].progress == Approx(10));
  CHECK(recorder.sent[0].total == std::optional<double>(100.0));
  CHECK(recorder.sent[1].progress == Approx(40));
  CHECK(recorder.sent[6].progress == Approx(100));
  // Whenever a total is given the value stays within it.
  for (const auto& sent : recorder.sent) {
    if (sent.total) CHECK(sent.progress <= *sent.total);
  }
}

// ToolContext::progress() clamps the percent with std::clamp/std::max, which let a NaN through
// (e.g. 0/0 from a size of zero): it is sent as is, and serialised as "progress": null, which
// is neither a number nor greater than the value before (src/mcp/Tool.cpp).
TEST_CASE("a NaN percent does not break the increasing progress", "[mcp][tool]") {
  Recorder recorder;
  ToolContext context(std::stop_token(), recorder.sink(), {});
  context.progress("a", 10);
  context.progress("b", std::numeric_limits<double>::quiet_NaN());
  context.progress("c", 30);
  context.progress("d");
  REQUIRE(recorder.sent.size() == 4);
  for (const auto& sent : recorder.sent) CHECK(std::isfinite(sent.progress));
  requireStrictlyIncreasing(recorder.sent);
}

TEST_CASE("progress is a no-op without a sink", "[mcp][tool]") {
  ToolContext context(std::stop_token(), {}, {});
  CHECK_FALSE(context.reportsProgress());
  CHECK_NOTHROW(context.progress("nobody listens", 50));
  CHECK_NOTHROW(context.progress("still nobody"));
}

TEST_CASE("progress and log messages are redacted", "[mcp][tool]") {
  nemo::support::registerSecret("tool-secret-5a5a5a5a5a");
  Recorder recorder;
  std::vector<std::pair<std::string, std::string>> logs;
  ToolContext context(std::stop_token(), recorder.sink(),
                      [&](const std::string& level, const std::string& message) { logs.emplace_back(level, message); });
  context.progress("uploading with tool-secret-5a5a5a5a5a");
  context.log("warning", "token tool-secret-5a5a5a5a5a refused");
  REQUIRE(recorder.sent.size() == 1);
  CHECK(recorder.sent[0].message == "uploading with [redacted]");
  REQUIRE(logs.size() == 1);
  CHECK(logs[0] == std::make_pair(std::string("warning"), std::string("token [redacted] refused")));
}

TEST_CASE("the context reflects its stop token", "[mcp][tool]") {
  std::stop_source source;
  ToolContext context(source.get_token(), {}, {});
  CHECK_FALSE(context.cancelled());
  source.request_stop();
  CHECK(context.cancelled());
  CHECK(context.stop().stop_requested());
}
