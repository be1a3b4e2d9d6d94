// Tests of the logging set-up: level names, and the sink that redacts every line, checked by
// logging a registered secret to a temporary log file and reading the file back.
#include "support/Logging.h"

#include <catch2/catch.hpp>

#include "../support/TestUtil.h"
#include "support/Files.h"
#include "support/Secrets.h"

namespace {

// Restores the logger the other tests had, so that the log file can be closed and removed.
struct RestoreLogger {
  std::shared_ptr<spdlog::logger> saved = spdlog::default_logger();
  ~RestoreLogger() { spdlog::set_default_logger(saved); }
};

}  // namespace

TEST_CASE("log level names", "[support][logging]") {
  using spdlog::level::level_enum;
  CHECK(nemo::support::parseLogLevel("debug") == level_enum::debug);
  CHECK(nemo::support::parseLogLevel("warn") == level_enum::warn);
  CHECK(nemo::support::parseLogLevel("warning") == level_enum::warn);
  CHECK(nemo::support::parseLogLevel("error") == level_enum::err);
  CHECK(nemo::support::parseLogLevel("off") == level_enum::off);
  CHECK_FALSE(nemo::support::parseLogLevel("loud").has_value());
  CHECK_FALSE(nemo::support::parseLogLevel("").has_value());
}

TEST_CASE("the log file never receives a registered secret", "[support][logging]") {
  nemo::test::TempDir dir;
  auto file = dir / "server.log";
  const std::string secret = "log-secret-token-9f8e7d6c5b";
  nemo::support::registerSecret(secret);
  {
    RestoreLogger restore;
    nemo::support::setupLogging(spdlog::level::info, file.string());
    spdlog::info("got token {} for user 42", secret);
    spdlog::warn("header Authorization: Bearer unregistered-credential");
    spdlog::debug("below the level: {}", "should not appear");
  }
  auto text = nemo::support::readWholeFile(file);
  REQUIRE(text.has_value());
  CHECK(text->find(secret) == std::string::npos);
  CHECK(text->find("unregistered-credential") == std::string::npos);
  CHECK(text->find("got token [redacted] for user 42") != std::string::npos);
  CHECK(text->find("Bearer [redacted]") != std::string::npos);
  CHECK(text->find("should not appear") == std::string::npos);
}
