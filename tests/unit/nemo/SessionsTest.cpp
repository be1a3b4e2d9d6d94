// Tests of the session list: adding makes a session current, origins are kept apart, and the
// list and the current session survive a new instance (a restart).
#include "nemo/Sessions.h"

#include <catch2/catch.hpp>

#include <regex>
#include <sys/stat.h>

#include "../support/TestUtil.h"
#include "support/Files.h"

using nemo::api::SessionRecord;
using nemo::api::Sessions;

namespace {

const std::string kProd = "https://mega-api-prod.nemovideo.ai:443";
const std::string kLocal = "http://127.0.0.1:8080";

SessionRecord record(const std::string& id) { return SessionRecord{id, "task-" + id, "promo", "en", "2030-01-01T00:00:00Z"}; }

}  // namespace

TEST_CASE("a new list has no current session", "[nemo][sessions]") {
  nemo::test::TempDir dir;
  Sessions sessions(dir / "sessions.json", kProd);
  CHECK_FALSE(sessions.current().has_value());
  CHECK(sessions.all().empty());
  CHECK_FALSE(sessions.find("s1").has_value());
}

TEST_CASE("adding a session makes it current", "[nemo][sessions]") {
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

  sessions.makeCurrent("s1");
  CHECK(sessions.current()->sessionId == "s1");
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

  // The file holds both, each under its origin.
  Sessions prodAgain(file, kProd);
  CHECK(prodAgain.current()->sessionId == "prod-1");
  REQUIRE(prodAgain.all().size() == 1);
  CHECK(prodAgain.all()[0].sessionId == "prod-1");
}

TEST_CASE("the list and the current session survive a new instance", "[nemo][sessions]") {
  nemo::test::TempDir dir;
  auto file = dir / "sessions.json";
  {
    Sessions sessions(file, kProd);
    REQUIRE_FALSE(sessions.add(record("a")).has_value());
    REQUIRE_FALSE(sessions.add(record("b")).has_value());
    sessions.makeCurrent("a");
  }
  struct stat info {};
  REQUIRE(::stat(file.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);

  Sessions restarted(file, kProd);
  REQUIRE(restarted.current().has_value());
  CHECK(restarted.current()->sessionId == "a");
  REQUIRE(restarted.all().size() == 2);
  CHECK(restarted.all()[1].sessionId == "b");
  CHECK(restarted.all()[1].language == "en");
}

TEST_CASE("an unreadable session file counts as empty and is replaced on the next add", "[nemo][sessions]") {
  nemo::test::TempDir dir;
  auto file = dir / "sessions.json";
  REQUIRE_FALSE(nemo::support::writeFileAtomically(file, "not json at all").has_value());
  Sessions sessions(file, kProd);
  CHECK(sessions.all().empty());
  REQUIRE_FALSE(sessions.add(record("fresh")).has_value());
  CHECK(Sessions(file, kProd).current()->sessionId == "fresh");
}

TEST_CASE("isoTimeNow gives a UTC ISO 8601 time", "[nemo][sessions]") {
  CHECK(std::regex_match(nemo::api::isoTimeNow(), std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)")));
}
