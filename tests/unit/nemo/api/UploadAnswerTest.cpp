// Tests of reading an upload answer liberally: the documented shape and the others versions
// of the service use; an answer that lists nothing readable is said to be unlisted.
#include <catch2/catch.hpp>

#include "nemo/api/UploadAnswer.h"

using nemo::api::readUploadAnswer;
using nlohmann::json;

TEST_CASE("readUploadAnswer reads the documented data.files[] and data.errors[]") {
  auto answer = readUploadAnswer(json::parse(R"({"files":[{"filename":"a.png","file_type":"image","cdn_url":"https://cdn/a.png",
      "width":640,"height":480}],"errors":[{"filename":"b.exe","code":4001,"message":"unsupported"}]})"));
  CHECK(answer.listed);
  REQUIRE(answer.uploaded.size() == 1);
  CHECK(answer.uploaded[0] == json{{"name", "a.png"}, {"type", "image"}, {"url", "https://cdn/a.png"}, {"width", 640.0},
                                   {"height", 480.0}});
  REQUIRE(answer.rejected.size() == 1);
  CHECK(answer.rejected[0]["code"] == 4001);
}

TEST_CASE("readUploadAnswer reads the other list names and field names") {
  for (const char* text : {R"({"items":[{"filename":"a.png","file_type":"image"}]})",
                           R"({"uploaded":[{"name":"a.png","type":"image","url":"https://cdn/a.png"}]})",
                           R"({"media":[{"name":"a.png","type":"image"}]})",
                           R"([{"name":"a.png","type":"image"}])",
                           R"({"name":"a.png","type":"image","url":"https://cdn/a.png"})"}) {
    INFO(text);
    auto answer = readUploadAnswer(json::parse(text));
    CHECK(answer.listed);
    REQUIRE(answer.uploaded.size() == 1);
    CHECK(answer.uploaded[0]["name"] == "a.png");
    CHECK(answer.uploaded[0]["type"] == "image");
  }
}

TEST_CASE("readUploadAnswer says when nothing could be read") {
  for (const char* text : {R"({})", R"({"files":[]})", R"({"task_id":"t","status":"ok"})", R"(null)", R"("ok")",
                           R"({"files":"a.png"})", R"({"files":[1,2]})"}) {
    INFO(text);
    auto answer = readUploadAnswer(json::parse(text));
    CHECK_FALSE(answer.listed);
    CHECK(answer.uploaded.empty());
  }
}
