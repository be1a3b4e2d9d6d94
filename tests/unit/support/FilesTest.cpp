// Tests of the file helpers: atomic writes land with exactly the asked mode whatever the umask,
// create private parent folders, replace existing files and leave no temporary file behind.
#include "support/Files.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <vector>

#include "../support/TestUtil.h"

namespace fs = std::filesystem;
using nemo::support::ensurePrivateDirectory;
using nemo::support::readWholeFile;
using nemo::support::writeFileAtomically;

namespace {

mode_t modeOf(const fs::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

std::vector<std::string> namesIn(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  return names;
}

// Sets the process umask for one scope.
struct ScopedUmask {
  explicit ScopedUmask(mode_t mask) : old(::umask(mask)) {}
  ~ScopedUmask() { ::umask(old); }
  mode_t old;
};

}  // namespace

TEST_CASE("an atomic write stores the content with mode 0600 despite a permissive umask", "[support][files]") {
  nemo::test::TempDir dir;
  ScopedUmask permissive(0);
  auto file = dir / "credentials.json";
  REQUIRE_FALSE(writeFileAtomically(file, "{\"a\":1}\n").has_value());
  CHECK(readWholeFile(file) == std::optional<std::string>("{\"a\":1}\n"));
  CHECK(modeOf(file) == 0600);
  CHECK(namesIn(dir.path()) == std::vector<std::string>{"credentials.json"});
}

TEST_CASE("an atomic write gives exactly the mode asked for, not narrowed by the umask", "[support][files]") {
  nemo::test::TempDir dir;
  ScopedUmask strict(077);
  auto file = dir / "shared.txt";
  REQUIRE_FALSE(writeFileAtomically(file, "x", 0644).has_value());
  CHECK(modeOf(file) == 0644);
}

TEST_CASE("an atomic write creates its missing parent folder with mode 0700", "[support][files]") {
  nemo::test::TempDir dir;
  ScopedUmask permissive(0);
  auto parent = dir / "config";
  auto file = parent / "token.json";
  REQUIRE_FALSE(writeFileAtomically(file, "t").has_value());
  CHECK(fs::is_directory(parent));
  CHECK(modeOf(parent) == 0700);
  CHECK(readWholeFile(file) == std::optional<std::string>("t"));
  CHECK(namesIn(parent) == std::vector<std::string>{"token.json"});
}

// Files.h promises 0700 for every missing parent; create_directories() gives the intermediate
// ones the umask's mode and only the last folder is chmod-ed (src/support/Files.cpp).
TEST_CASE("every missing parent folder is created with mode 0700", "[support][files]") {
  nemo::test::TempDir dir;
  ScopedUmask permissive(0);
  auto outer = dir / "outer";
  auto inner = outer / "inner";
  REQUIRE_FALSE(writeFileAtomically(inner / "f", "x").has_value());
  CHECK(modeOf(inner) == 0700);
  CHECK(modeOf(outer) == 0700);
}

TEST_CASE("an atomic write replaces an existing file whole, with the new mode", "[support][files]") {
  nemo::test::TempDir dir;
  auto file = dir / "sessions.json";
  {
    std::FILE* out = std::fopen(file.c_str(), "w");
    REQUIRE(out != nullptr);
    std::fputs("an old and much longer content than the new one\n", out);
    std::fclose(out);
    ::chmod(file.c_str(), 0644);
  }
  REQUIRE_FALSE(writeFileAtomically(file, "new").has_value());
  CHECK(readWholeFile(file) == std::optional<std::string>("new"));
  CHECK(modeOf(file) == 0600);
  REQUIRE_FALSE(writeFileAtomically(file, "newer").has_value());
  CHECK(readWholeFile(file) == std::optional<std::string>("newer"));
  CHECK(namesIn(dir.path()) == std::vector<std::string>{"sessions.json"});
}

TEST_CASE("a write into a folder that cannot be created reports an error", "[support][files]") {
  nemo::test::TempDir dir;
  auto blocker = dir / "plain-file";
  REQUIRE_FALSE(writeFileAtomically(blocker, "i am a file").has_value());
  auto error = writeFileAtomically(blocker / "child.json", "x");
  REQUIRE(error.has_value());
  CHECK_FALSE(error->empty());
}

TEST_CASE("reading a missing file gives nothing, an empty file gives an empty string", "[support][files]") {
  nemo::test::TempDir dir;
  CHECK_FALSE(readWholeFile(dir / "missing").has_value());
  REQUIRE_FALSE(writeFileAtomically(dir / "empty", "").has_value());
  CHECK(readWholeFile(dir / "empty") == std::optional<std::string>(""));
}

TEST_CASE("ensurePrivateDirectory creates a missing folder 0700 and accepts an existing one", "[support][files]") {
  nemo::test::TempDir dir;
  ScopedUmask permissive(0);
  auto target = dir / "state";
  REQUIRE_FALSE(ensurePrivateDirectory(target).has_value());
  CHECK(modeOf(target) == 0700);
  CHECK_FALSE(ensurePrivateDirectory(target).has_value());
}
