// Tests of where the MP4 goes: a file name from any title, and a free name that never replaces
// a file or follows a link planted where the video would go.
#include "nemo/renders/FilePlacement.h"

#include <catch2/catch.hpp>

#include <fstream>

#include "../../support/TestUtil.h"

using nemo::renders::placeWithoutOverwrite;
using nemo::renders::safeFileStem;

namespace {

std::string readAll(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write(const std::filesystem::path& file, const std::string& text) { std::ofstream(file, std::ios::binary) << text; }

}  // namespace

TEST_CASE("a title becomes a file name, never a path", "[nemo][renders]") {
  CHECK(safeFileStem("Summer Promo 2026") == "Summer Promo 2026");
  CHECK(safeFileStem("../../etc/passwd") == "etcpasswd");
  CHECK(safeFileStem("a/b\\c:d") == "abcd");
  CHECK(safeFileStem("...") == "nemo-video");
  CHECK(safeFileStem("") == "nemo-video");
  CHECK(safeFileStem(std::string(200, 'x')).size() == 80);
  CHECK(safeFileStem("夏日 促销") == "夏日 促销");
}

TEST_CASE("placing never replaces a file and never follows a planted link", "[nemo][renders]") {
  nemo::test::TempDir dir;
  write(dir / "Promo.mp4", "the user's own file");
  write(dir / "victim", "must stay");
  std::filesystem::create_symlink(dir / "victim", dir / "Promo (2).mp4");

  write(dir / ".part", "the video");
  std::string placed;
  REQUIRE(placeWithoutOverwrite(dir / ".part", dir.path(), "Promo", placed));
  CHECK(placed == (dir / "Promo (3).mp4").string());
  CHECK(readAll(placed) == "the video");
  CHECK(readAll(dir / "Promo.mp4") == "the user's own file");
  CHECK(readAll(dir / "victim") == "must stay");
  CHECK_FALSE(std::filesystem::exists(dir / ".part"));
}
