// Tests of the credentials file: a stable persisted client id, tokens cached per origin in a
// 0600 file, expired tokens ignored, markRejected only marks a matching token, corrupt files replaced.
#include "nemo/api/Credentials.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <regex>

#include "../../support/TestUtil.h"
#include "support/Files.h"
#include "support/Secrets.h"

using nemo::api::CachedToken;
using nemo::api::Credentials;
using nemo::api::isExpired;
using nemo::api::newUuid;

namespace {

const std::string kOrigin = "https://mega-api-prod.nemovideo.ai:443";
const std::string kOther = "http://127.0.0.1:8080";

mode_t modeOf(const std::filesystem::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

}  // namespace

TEST_CASE("new client ids are random version-4 UUIDs", "[nemo][credentials]") {
  auto a = newUuid();
  auto b = newUuid();
  CHECK(a != b);
  CHECK(std::regex_match(a, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
}

TEST_CASE("the client id is persisted and stable across instances", "[nemo][credentials]") {
  nemo::test::TempDir dir;
  auto file = dir / "nemo-video-mcp" / "credentials.json";
  std::string id;
  {
    Credentials credentials(file);
    id = credentials.clientId();
    CHECK_FALSE(id.empty());
    CHECK(credentials.clientId() == id);
  }
  CHECK(std::filesystem::exists(file));
  Credentials again(file);
  CHECK(again.clientId() == id);
  auto renewed = again.renewClientId();
  CHECK(renewed != id);
  CHECK(Credentials(file).clientId() == renewed);
}

TEST_CASE("a token is saved per origin in a 0600 file", "[nemo][credentials]") {
  nemo::test::TempDir dir;
  auto file = dir / "config" / "credentials.json";
  {
    Credentials credentials(file);
    REQUIRE_FALSE(credentials.saveToken(kOrigin, CachedToken{"prod-token-aaaaaaaaaaaa", "u1", ""}).has_value());
    REQUIRE_FALSE(credentials.saveToken(kOther, CachedToken{"local-token-bbbbbbbbbbbb", "u2", ""}).has_value());
  }
  CHECK(modeOf(file) == 0600);
  CHECK(modeOf(file.parent_path()) == 0700);

  Credentials reread(file);
  auto prod = reread.cachedToken(kOrigin);
  REQUIRE(prod.has_value());
  CHECK(prod->token == "prod-token-aaaaaaaaaaaa");
  CHECK(prod->userId == "u1");
  auto local = reread.cachedToken(kOther);
  REQUIRE(local.has_value());
  CHECK(local->token == "local-token-bbbbbbbbbbbb");
  CHECK_FALSE(reread.cachedToken("https://other.example:443").has_value());
}

TEST_CASE("a token read from the file is registered as a secret", "[nemo][credentials]") {
  nemo::test::TempDir dir;
  auto file = dir / "credentials.json";
  REQUIRE_FALSE(nemo::support::writeFileAtomically(
                    file, R"({"tokens":{")" + kOrigin + R"(":{"token":"from-disk-token-cccccccc"}}})")
                    .has_value());
  Credentials credentials(file);
  REQUIRE(credentials.cachedToken(kOrigin).has_value());
  CHECK(nemo::support::redactSecrets("x from-disk-token-cccccccc y") == "x [redacted] y");
}

TEST_CASE("an expired token is ignored, an unknown expiry is not", "[nemo][credentials]") {
  nemo::test::TempDir dir;
  Credentials credentials(dir / "credentials.json");
  REQUIRE_FALSE(credentials.saveToken(kOrigin, CachedToken{"old-token-dddddddddd", "u", "2001-01-01T00:00:00Z"})
                    .has_value());
  CHECK_FALSE(credentials.cachedToken(kOrigin).has_value());
  REQUIRE_FALSE(credentials.saveToken(kOrigin, CachedToken{"new-token-eeeeeeeeee", "u", "2099-01-01T00:00:00Z"})
                    .has_value());
  REQUIRE(credentials.cachedToken(kOrigin).has_value());
  REQUIRE_FALSE(credentials.saveToken(kOrigin, CachedToken{"any-token-ffffffffff", "u", ""}).has_value());
  CHECK(credentials.cachedToken(kOrigin).has_value());

  CHECK(isExpired("2001-01-01T00:00:00Z"));
  CHECK_FALSE(isExpired("2099-01-01T00:00:00Z"));
  CHECK_FALSE(isExpired(""));
  CHECK_FALSE(isExpired("next tuesday, maybe"));
}

TEST_CASE("markRejected only marks the token it names, and keeps it on record", "[nemo][credentials]") {
  nemo::test::TempDir dir;
  auto file = dir / "credentials.json";
  Credentials credentials(file);
  REQUIRE_FALSE(credentials.saveToken(kOrigin, CachedToken{"current-token-gggggggg", "u", ""}).has_value());
  REQUIRE_FALSE(credentials.saveToken(kOther, CachedToken{"other-token-hhhhhhhhhh", "u", ""}).has_value());

  credentials.markRejected(kOrigin, "stale-token-iiiiiiiii");  // another thread already replaced it
  REQUIRE(credentials.cachedToken(kOrigin).has_value());
  CHECK(credentials.cachedToken(kOrigin)->token == "current-token-gggggggg");

  credentials.markRejected(kOrigin, "current-token-gggggggg");
  CHECK_FALSE(credentials.cachedToken(kOrigin).has_value());
  CHECK(credentials.cachedToken(kOther).has_value());

  Credentials reread(file);  // the mark reached the disk, and the token is still there
  CHECK_FALSE(reread.cachedToken(kOrigin).has_value());
  CHECK(reread.cachedToken(kOther).has_value());
  CHECK(nemo::support::readWholeFile(file)->find("current-token-gggggggg") != std::string::npos);

  // A new token replaces the rejected one and lifts a recorded refusal.
  credentials.setRefusedUntil(kOrigin, "2099-01-01T00:00:00Z");
  CHECK(Credentials(file).refusedUntil(kOrigin) == "2099-01-01T00:00:00Z");
  CHECK(credentials.refusedUntil(kOther).empty());
  REQUIRE_FALSE(credentials.saveToken(kOrigin, CachedToken{"new-token-jjjjjjjjjjj", "u", ""}).has_value());
  CHECK(credentials.refusedUntil(kOrigin).empty());
  CHECK(credentials.cachedToken(kOrigin)->token == "new-token-jjjjjjjjjjj");
}

TEST_CASE("a refusal in the past is over", "[nemo][credentials]") {
  nemo::test::TempDir dir;
  Credentials credentials(dir / "credentials.json");
  credentials.setRefusedUntil(kOrigin, "2001-01-01T00:00:00Z");
  CHECK(credentials.refusedUntil(kOrigin).empty());
}

TEST_CASE("only header-safe tokens are used", "[nemo][credentials]") {
  CHECK(nemo::api::isHeaderSafeToken("abc.DEF-123_~+/="));
  CHECK_FALSE(nemo::api::isHeaderSafeToken(""));
  CHECK_FALSE(nemo::api::isHeaderSafeToken("tok\r\nX-Injected: yes"));
  CHECK_FALSE(nemo::api::isHeaderSafeToken("has space"));
  CHECK_FALSE(nemo::api::isHeaderSafeToken("caf\xC3\xA9"));
  nemo::test::TempDir dir;
  auto file = dir / "credentials.json";
  Credentials credentials(file);
  REQUIRE_FALSE(credentials.saveToken(kOrigin, CachedToken{"bad\ntoken", "u", ""}).has_value());
  CHECK_FALSE(credentials.cachedToken(kOrigin).has_value());  // a hand-edited cache is not trusted either
}

TEST_CASE("a corrupt credentials file is ignored and rewritten", "[nemo][credentials]") {
  nemo::test::TempDir dir;
  auto file = dir / "credentials.json";
  REQUIRE_FALSE(nemo::support::writeFileAtomically(file, "{\"client_id\": \"trunc").has_value());
  Credentials credentials(file);
  CHECK_FALSE(credentials.cachedToken(kOrigin).has_value());
  auto id = credentials.clientId();
  CHECK_FALSE(id.empty());
  CHECK(id != "trunc");
  auto text = nemo::support::readWholeFile(file);
  REQUIRE(text.has_value());
  auto parsed = nlohmann::json::parse(*text, nullptr, false);
  REQUIRE_FALSE(parsed.is_discarded());
  CHECK(parsed["client_id"] == id);
  CHECK(Credentials(file).clientId() == id);
}

// isExpired() converts through system_clock, whose nanosecond count ends in 2262: later times
// (such as a "never" sentinel like 9999-12-31) overflow and read as long past, so a valid token
// would be thrown away and a new one asked for on every start (Credentials.cpp, isExpired()).
TEST_CASE("a far-future expiry is not expired", "[nemo][credentials]") {
  CHECK_FALSE(isExpired("2300-01-01T00:00:00Z"));
  CHECK_FALSE(isExpired("9999-12-31T23:59:59Z"));
}

// A hand-edited or foreign file can be valid JSON of the wrong shape; the class must not throw
// (Credentials.cpp markRejected() reads an entry that may not be an object).
TEST_CASE("a credentials file of the wrong shape does not throw", "[nemo][credentials]") {
  nemo::test::TempDir dir;
  auto file = dir / "credentials.json";
  REQUIRE_FALSE(nemo::support::writeFileAtomically(file, R"({"tokens":{")" + kOrigin + R"(":"just-a-string"}})")
                    .has_value());
  Credentials credentials(file);
  CHECK_NOTHROW(credentials.cachedToken(kOrigin));
  CHECK_NOTHROW(credentials.markRejected(kOrigin, "just-a-string"));
}
