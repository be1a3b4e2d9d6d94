// Tests of the session list: the current session belongs to one instance (one server process),
// the list is shared through the file (origins kept apart, nothing lost between instances), and a
// folder that cannot be written keeps the session in memory.
#include "nemo/api/Sessions.h"

#include <catch2/catch.hpp>

#include <regex>
#include <sys/stat.h>
#include <thread>

#include "../../support/TestUtil.h"
#include "support/Files.h"

using nemo::api::SessionRecord;
using nemo::api::Sessions;

namespace {

const std::string kProd = "https://mega-api-prod.nemovideo.ai:443";
const std::string kLocal = "http://127.0.0.1:8080";

SessionRecord record(const std::string& id) {
  return SessionRecord{id, "task-" + id, "promo", "en", "2030-01-01T00:00:00Z", {}};
}

}  // namespace

TEST_CASE("a new list has no current session", "[nemo][sessions]") {
  nemo::test::TempDir dir;
  Sessions sessions(dir / "sessions.json", kProd);
  CHECK_FALSE(sessions.current().has_value());
  CHECK(sessions.all().empty());
  CHECK_FALSE(sessions.find("s1").has_value());
}

TEST_CASE("adding a session makes it current; using one makes it current and records it", "[nemo][sessions]") {
  nemo::test::TempDir dir;
  Sessions sessions(dir / "state" / "sessions.json", kProd);
  REQUIRE_FALSE(sessions.add(record("s1")).has_value());
  REQUIRE(sessions.current().has_value());
  CHECK(sessions.current()->sessionId == "s1");
  REQUIRE_FALSE(sessions.add(record("s2")).has_value());
  CHECK(sessions.current()->sessionId == "s2");
  CHECK(sessions.current()->taskId == "task-s2");
  CHECK(sessions.all().size() == 2);
  auto found = sessions.find("s1");
  REQUIRE(found.has_value());
  CHECK(found->taskName == "promo");
  CHECK(found->createdAt == "2030-01-01T00:00:00Z");

  REQUIRE_FALSE(sessions.use("s1").has_value());
  CHECK(sessions.current()->sessionId == "s1");
  CHECK(sessions.current()->taskName == "promo");  // the record is kept, only its last use changes
  CHECK(sessions.all().front().sessionId == "s1");  // the most recently used first

  // A session first seen by id (created elsewhere, confirmed by NemoVideo) joins the list.
  REQUIRE_FALSE(sessions.use("elsewhere").has_value());
  CHECK(sessions.find("elsewhere").has_value());
  CHECK(sessions.all().size() == 3);
}

TEST_CASE("sessions of different origins do not mix", "[nemo][sessions]") {
  nemo::test::TempDir dir;
  auto file = dir / "sessions.json";
  Sessions prod(file, kProd);
  REQUIRE_FALSE(prod.add(record("prod-1")).has_value());
  Sessions local(file, kLocal);
  CHECK_FALSE(local.current().has_value());
  CHECK_FALSE(local.find("prod-1").has_value());
  REQUIRE_FALSE(local.add(record("local-1")).has_value());
  CHECK(local.current()->sessionId == "local-1");
  REQUIRE(Sessions(file, kProd).all().size() == 1);
  CHECK(Sessions(file, kProd).all()[0].sessionId == "prod-1");
}

TEST_CASE("the current session is not shared; the list is", "[nemo][sessions]") {
  nemo::test::TempDir dir;
  auto file = dir / "sessions.json";
  Sessions first(file, kProd);
  Sessions second(file, kProd);  // another server process on the same HOME
  REQUIRE_FALSE(first.add(record("a")).has_value());
  REQUIRE_FALSE(second.add(record("b")).has_value());
  CHECK(first.current()->sessionId == "a");
  CHECK(second.current()->sessionId == "b");
  CHECK(first.all().size() == 2);

  // A restart: nothing is current, everything is known.
  struct stat info {};
  REQUIRE(::stat(file.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  Sessions restarted(file, kProd);
  CHECK_FALSE(restarted.current().has_value());
  REQUIRE(restarted.all().size() == 2);
  CHECK(restarted.find("a")->language == "en");
}

TEST_CASE("concurrent instances on one file lose no session", "[nemo][sessions]") {
  nemo::test::TempDir dir;
  auto file = dir / "sessions.json";
  constexpr int kEach = 40;
  auto addMany = [&](const std::string& prefix) {
    Sessions sessions(file, kProd);
    for (int i = 0; i < kEach; ++i) REQUIRE_FALSE(sessions.add(record(prefix + std::to_string(i))).has_value());
  };
  std::thread one(addMany, "x"), two(addMany, "y");
  one.join();
  two.join();
  CHECK(Sessions(file, kProd).all().size() == 2 * kEach);
}

TEST_CASE("a folder that cannot be written keeps the session in memory and says so", "[nemo][sessions]") {
  // A file where the folder should be stops root too (root writes through mode bits).
  nemo::test::TempDir dir;
  REQUIRE_FALSE(nemo::support::writeFileAtomically(dir / "state", "a file, not a folder").has_value());
  Sessions sessions(dir / "state" / "sessions.json", kProd);
  auto error = sessions.add(record("kept"));
  CHECK(error.has_value());
  REQUIRE(sessions.current().has_value());
  CHECK(sessions.current()->sessionId == "kept");
  CHECK(sessions.find("kept").has_value());
  CHECK(sessions.all().size() == 1);
}

TEST_CASE("an unreadable session file counts as empty and is replaced on the next add", "[nemo][sessions]") {
  nemo::test::TempDir dir;
  auto file = dir / "sessions.json";
  REQUIRE_FALSE(nemo::support::writeFileAtomically(file, "not json at all").has_value());
  Sessions sessions(file, kProd);
  CHECK(sessions.all().empty());
  REQUIRE_FALSE(sessions.add(record("fresh")).has_value());
  CHECK(Sessions(file, kProd).find("fresh").has_value());
}

TEST_CASE("isoTimeNow gives a UTC ISO 8601 time", "[nemo][sessions]") {
  CHECK(std::regex_match(nemo::api::isoTimeNow(), std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)")));
}
