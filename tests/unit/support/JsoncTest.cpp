// Tests of the JSONC reader: comments and trailing commas go, strings stay exactly as written.
#include "support/Jsonc.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

using nemo::support::jsoncToJson;

TEST_CASE("JSONC becomes JSON", "[support][jsonc]") {
  const auto json = nlohmann::json::parse(jsoncToJson(R"(// top comment
{
  "a": 1, // after a value
  /* block */ "b": [1, 2, /* inside */ ],
  "c": {"d": "x",},
}
)"));
  CHECK(json == nlohmann::json::parse(R"({"a": 1, "b": [1, 2], "c": {"d": "x"}})"));
}

TEST_CASE("the inside of strings is never touched", "[support][jsonc]") {
  const std::string text = R"({"url": "http://x//y", "s": "a /* b */ c", "t": "1, ]", "q": "say \"hi\", // no"})";
  CHECK(jsoncToJson(text) == text);
  CHECK(nlohmann::json::parse(jsoncToJson(text))["q"] == "say \"hi\", // no");
}

TEST_CASE("broken input stays broken for the parser to report", "[support][jsonc]") {
  CHECK_FALSE(nlohmann::json::accept(jsoncToJson(R"({"a": "unterminated)")));
  CHECK_FALSE(nlohmann::json::accept(jsoncToJson("{\"a\": 1 /* never closed")));
  CHECK(jsoncToJson("").empty());
}
