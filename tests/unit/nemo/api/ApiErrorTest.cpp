// Tests of the NemoVideo error table: each code gives a message a person can act on (the
// registration link of 2001, the plan of 402, formats of 4001, the limit of 4002, NEMO_TOKEN).
#include "nemo/api/ApiError.h"

#include <catch2/catch.hpp>

using nemo::api::ErrorContext;
using nemo::api::makeApiError;
namespace code = nemo::api::code;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

ErrorContext context() {
  ErrorContext c;
  c.registerUrl = "https://nemovideo.com/register";
  return c;
}

}  // namespace

TEST_CASE("2001 for an anonymous user links the registration with ?bind=<id>", "[nemo][apierror]") {
  auto c = context();
  c.userId = "user-777";
  auto error = makeApiError(code::kOutOfCredits, 200, "insufficient credits", c);
  CHECK(error.code == 2001);
  CHECK(contains(error.message, "https://nemovideo.com/register?bind=user-777"));
  CHECK(error.details["register_url"] == "https://nemovideo.com/register?bind=user-777");
  auto json = error.toJson();
  CHECK(json["code"] == 2001);
  CHECK(json["register_url"] == "https://nemovideo.com/register?bind=user-777");
  CHECK(json["backend_message"] == "insufficient credits");
  CHECK(json["http_status"] == 200);
}

TEST_CASE("2001 without a user id has no bind link", "[nemo][apierror]") {
  auto error = makeApiError(code::kOutOfCredits, 0, "", context());
  CHECK_FALSE(contains(error.message, "?bind"));
  CHECK(contains(error.message, "credits"));
  CHECK_FALSE(error.details.contains("register_url"));
  CHECK_FALSE(error.toJson().contains("http_status"));
}

TEST_CASE("402 is a plan limit, not credits", "[nemo][apierror]") {
  auto error = makeApiError(code::kPlanBlocksExport, 402, "", context());
  CHECK(contains(error.message, "plan"));
  CHECK(contains(error.message, "not a lack of credits"));
}

TEST_CASE("4001 lists the accepted formats given", "[nemo][apierror]") {
  auto c = context();
  c.acceptedFormats = "mp4, mov, png";
  auto error = makeApiError(code::kUnsupportedFile, 400, "", c);
  CHECK(contains(error.message, "mp4, mov, png"));
  // Without a list from the manifest, a default list is still given.
  auto fallback = makeApiError(code::kUnsupportedFile, 400, "", context());
  CHECK(contains(fallback.message, "mp4"));
}

TEST_CASE("4002 names the upload limit", "[nemo][apierror]") {
  auto c = context();
  c.uploadLimit = "200 MB";
  auto error = makeApiError(code::kFileTooLarge, 413, "", c);
  CHECK(contains(error.message, "200 MB"));
  CHECK(contains(error.message, "ompress"));
  auto without = makeApiError(code::kFileTooLarge, 413, "", context());
  CHECK_FALSE(contains(without.message, "limit is"));
}

TEST_CASE("1001 with a token from the environment points at NEMO_TOKEN", "[nemo][apierror]") {
  auto c = context();
  c.tokenFromEnvironment = true;
  auto error = makeApiError(code::kTokenInvalid, 401, "", c);
  CHECK(contains(error.message, "NEMO_TOKEN"));
  auto ours = makeApiError(code::kTokenInvalid, 401, "", context());
  CHECK_FALSE(contains(ours.message, "NEMO_TOKEN"));
}

TEST_CASE("other codes: server errors show the status, unknown codes the backend's words", "[nemo][apierror]") {
  auto server = makeApiError(code::kServerError, 502, "", context());
  CHECK(contains(server.message, "HTTP 502"));
  auto network = makeApiError(code::kNetwork, 0, "Couldn't connect to server", context());
  CHECK(contains(network.message, "Couldn't connect to server"));
  auto unknown = makeApiError(7777, 200, "something odd", context());
  CHECK(contains(unknown.message, "7777"));
  CHECK(contains(unknown.message, "something odd"));
  auto session = makeApiError(code::kSessionNotFound, 200, "", context());
  CHECK(contains(session.message, "create_session"));
}
