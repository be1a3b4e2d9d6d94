// Tests of the XDG paths: XDG_CONFIG_HOME, XDG_STATE_HOME and NEMO_OUTPUT_DIR win when set,
// otherwise the folders hang off HOME; empty variables count as unset.
#include "support/Paths.h"

#include <catch2/catch.hpp>

#include "../support/TestUtil.h"

namespace fs = std::filesystem;
using nemo::test::ScopedEnv;

TEST_CASE("paths follow the XDG variables and NEMO_OUTPUT_DIR", "[support][paths]") {
  ScopedEnv home("HOME", "/home/tester");
  ScopedEnv config("XDG_CONFIG_HOME", "/xdg/config");
  ScopedEnv state("XDG_STATE_HOME", "/xdg/state");
  ScopedEnv output("NEMO_OUTPUT_DIR", "/videos/out");
  CHECK(nemo::support::configDirectory() == fs::path("/xdg/config/nemo-video-mcp"));
  CHECK(nemo::support::stateDirectory() == fs::path("/xdg/state/nemo-video-mcp"));
  CHECK(nemo::support::outputDirectory() == fs::path("/videos/out"));
}

TEST_CASE("paths fall back to HOME when the variables are unset or empty", "[support][paths]") {
  ScopedEnv home("HOME", "/home/tester");
  ScopedEnv config("XDG_CONFIG_HOME", std::nullopt);
  ScopedEnv state("XDG_STATE_HOME", "");
  ScopedEnv output("NEMO_OUTPUT_DIR", std::nullopt);
  CHECK(nemo::support::homeDirectory() == fs::path("/home/tester"));
  CHECK(nemo::support::configDirectory() == fs::path("/home/tester/.config/nemo-video-mcp"));
  CHECK(nemo::support::stateDirectory() == fs::path("/home/tester/.local/state/nemo-video-mcp"));
  CHECK(nemo::support::outputDirectory() == fs::path("/home/tester/Videos/NemoVideo"));
}

TEST_CASE("without HOME the home folder comes from the password database", "[support][paths]") {
  ScopedEnv home("HOME", std::nullopt);
  auto dir = nemo::support::homeDirectory();
  CHECK_FALSE(dir.empty());
  CHECK(dir.is_absolute());
}
