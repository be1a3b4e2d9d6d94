// Tests of the command line: --flag value and --flag=value, the environment as the default that
// flags override, help and version, and errors for unknown options and missing values.
#include "app/CommandLine.h"

#include <catch2/catch.hpp>

#include <vector>

#include "../support/TestUtil.h"

using nemo::app::Options;
using nemo::app::parseCommandLine;
using nemo::test::ScopedEnv;

namespace {

Options parse(std::vector<const char*> args) {
  args.insert(args.begin(), "nemo-video-mcp");
  return parseCommandLine(static_cast<int>(args.size()), args.data());
}

// The NEMO_* variables unset for one test, so the developer's own environment cannot leak in.
struct CleanEnvironment {
  ScopedEnv skill{"NEMO_SKILL", std::nullopt};
  ScopedEnv baseUrl{"NEMO_BASE_URL", std::nullopt};
  ScopedEnv level{"NEMO_LOG_LEVEL", std::nullopt};
  ScopedEnv file{"NEMO_LOG_FILE", std::nullopt};
};

}  // namespace

TEST_CASE("no arguments: serve with the defaults", "[app][commandline]") {
  CleanEnvironment clean;
  auto options = parse({});
  CHECK(options.error.empty());
  CHECK(options.command == "serve");
  CHECK(options.skill.empty());
  CHECK(options.logLevel == "info");
}

TEST_CASE("flags take their value as the next argument or after =", "[app][commandline]") {
  CleanEnvironment clean;
  auto spaced = parse({"--skill", "ai-to-video", "--base-url", "http://127.0.0.1:9000", "--log-level", "debug",
                       "--log-file", "/tmp/x.log"});
  CHECK(spaced.error.empty());
  CHECK(spaced.skill == "ai-to-video");
  CHECK(spaced.baseUrl == "http://127.0.0.1:9000");
  CHECK(spaced.logLevel == "debug");
  CHECK(spaced.logFile == "/tmp/x.log");

  auto joined = parse({"--skill=ai-to-video", "--base-url=http://h.example/?a=b"});
  CHECK(joined.error.empty());
  CHECK(joined.skill == "ai-to-video");
  CHECK(joined.baseUrl == "http://h.example/?a=b");  // only the first = splits
}

TEST_CASE("the environment gives defaults and flags override them", "[app][commandline]") {
  CleanEnvironment clean;
  ScopedEnv skill("NEMO_SKILL", "from-env");
  ScopedEnv level("NEMO_LOG_LEVEL", "warn");
  auto fromEnv = parse({});
  CHECK(fromEnv.skill == "from-env");
  CHECK(fromEnv.logLevel == "warn");
  auto overridden = parse({"--skill", "from-flag"});
  CHECK(overridden.skill == "from-flag");
  CHECK(overridden.logLevel == "warn");
  CHECK(parse({"--skill=from-flag-2"}).skill == "from-flag-2");
}

TEST_CASE("an unknown option is an error", "[app][commandline]") {
  CleanEnvironment clean;
  auto options = parse({"--skil", "x"});
  CHECK_FALSE(options.error.empty());
  CHECK(options.error.find("--skil") != std::string::npos);
  CHECK_FALSE(parse({"-x"}).error.empty());
  // A flag name that merely starts like a known one is not that flag.
  CHECK_FALSE(parse({"--skillset=x"}).error.empty());
}

TEST_CASE("a flag without its value is an error", "[app][commandline]") {
  CleanEnvironment clean;
  auto options = parse({"--log-level"});
  CHECK_FALSE(options.error.empty());
  CHECK(options.error.find("--log-level") != std::string::npos);
  CHECK_FALSE(parse({"--skill"}).error.empty());
}

TEST_CASE("--help and --version", "[app][commandline]") {
  CleanEnvironment clean;
  CHECK(parse({"--help"}).command == "help");
  CHECK(parse({"-h"}).command == "help");
  CHECK(parse({"--version"}).command == "version");
  CHECK(parse({"-V"}).command == "version");
  CHECK(parse({"--skill", "s", "--help"}).command == "help");
  CHECK(nemo::app::usageText().find("--skill") != std::string::npos);
}

TEST_CASE("a word is a subcommand and later words are its arguments", "[app][commandline]") {
  CleanEnvironment clean;
  auto options = parse({"doctor", "--skill", "s", "extra", "more"});
  CHECK(options.error.empty());
  CHECK(options.command == "doctor");
  CHECK(options.skill == "s");
  CHECK(options.rest == std::vector<std::string>{"extra", "more"});
}
