// Tests of reading NemoVideo's render answers: both documented status shapes, progress as a
// percentage or a fraction, the output URL in either place, and what counts as a refused
// duplicate id.
#include "nemo/renders/RenderApi.h"

#include <catch2/catch.hpp>

#include "nemo/renders/RenderJob.h"

using nemo::renders::readRenderStatus;
using nlohmann::json;

TEST_CASE("a status answer is read in the data shape and in the top-level shape", "[nemo][renders]") {
  auto a = readRenderStatus(json::parse(
      R"({"success":true,"data":{"id":"r1","status":"processing","progress":44,"outputUrl":"https://cdn/x.mp4"}})"));
  CHECK(a.word == "processing");
  CHECK(a.progress == 44.0);
  CHECK(a.outputUrl == "https://cdn/x.mp4");

  auto b = readRenderStatus(json::parse(
      R"({"success":true,"id":"r1","status":"completed","progress":1,"output":{"url":"https://cdn/y.mp4"},"duration":12.5})"));
  CHECK(b.word == "completed");
  CHECK(b.progress == 100.0);  // a fraction of 1 is all of it
  CHECK(b.outputUrl == "https://cdn/y.mp4");
  CHECK(b.duration == 12.5);
}

TEST_CASE("a fraction is read as a percentage; a failure's reason is read from an object", "[nemo][renders]") {
  auto report = readRenderStatus(json::parse(R"({"data":{"state":"failed","progress":0.25,"error":{"message":"no fonts"}}})"));
  CHECK(report.word == "failed");
  CHECK(report.progress == 25.0);
  CHECK(report.reason == "no fonts");
}

TEST_CASE("fields of an unexpected type read as missing, never thrown", "[nemo][renders]") {
  auto report = readRenderStatus(json::parse(R"({"data":{"status":null,"progress":"44","duration":"long"}})"));
  CHECK(report.word.empty());
  CHECK_FALSE(report.progress);
  CHECK_FALSE(report.duration);
  CHECK(nemo::renders::normalizeRenderStatus(report.word) == "pending");
}

TEST_CASE("a refused render id is a duplicate by HTTP 409 or by what NemoVideo said", "[nemo][renders]") {
  nemo::api::ApiError error;
  error.httpStatus = 409;
  CHECK(nemo::renders::refusedAsDuplicate(error));
  error.httpStatus = 200;
  error.backendMessage = "Render ID Already Exists";
  CHECK(nemo::renders::refusedAsDuplicate(error));
  error.backendMessage = "draft is empty";
  CHECK_FALSE(nemo::renders::refusedAsDuplicate(error));
}

TEST_CASE("render ids are fresh and shaped render_<ms>_<8 letters or digits>", "[nemo][renders]") {
  auto first = nemo::renders::newRenderId();
  auto second = nemo::renders::newRenderId();
  CHECK(first != second);
  REQUIRE(first.rfind("render_", 0) == 0);
  auto suffix = first.substr(first.rfind('_') + 1);
  CHECK(suffix.size() == 8);
  CHECK(suffix.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789") == std::string::npos);
}
