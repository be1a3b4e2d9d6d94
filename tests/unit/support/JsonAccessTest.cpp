// Unit tests of support/JsonAccess: backend JSON of unexpected shapes reads as the fallback,
// never as an exception.
#include <catch2/catch.hpp>

#include "support/JsonAccess.h"

using nemo::support::arrayAt;
using nemo::support::intAt;
using nemo::support::numberAt;
using nemo::support::textAt;
using nlohmann::json;

TEST_CASE("textAt reads strings, numbers and booleans, and falls back otherwise", "[support][json]") {
  json object{{"s", "hi"}, {"n", 42}, {"b", true}, {"o", {{"x", 1}}}, {"z", nullptr}};
  CHECK(textAt(object, "s") == "hi");
  CHECK(textAt(object, "n") == "42");
  CHECK(textAt(object, "b") == "true");
  CHECK(textAt(object, "o", "fallback") == "fallback");
  CHECK(textAt(object, "z", "fallback") == "fallback");
  CHECK(textAt(object, "missing", "fallback") == "fallback");
  CHECK(textAt(json("not an object"), "s", "fallback") == "fallback");
  CHECK(textAt(json::array({1, 2}), "s") == "");
}

TEST_CASE("numberAt and intAt accept numbers and numeric strings only", "[support][json]") {
  json object{{"n", 4001}, {"s", "4002"}, {"f", "12.5"}, {"bad", "12abc"}, {"empty", ""}, {"arr", json::array()}};
  CHECK(intAt(object, "n") == 4001);
  CHECK(intAt(object, "s") == 4002);
  CHECK(numberAt(object, "f") == Approx(12.5));
  CHECK_FALSE(numberAt(object, "bad").has_value());
  CHECK_FALSE(numberAt(object, "empty").has_value());
  CHECK(intAt(object, "arr", -7) == -7);
  CHECK(intAt(json(nullptr), "n", 3) == 3);
  // Beyond int: no code we know (found by fuzz-backend-answers: the conversion was undefined).
  CHECK(intAt(json{{"big", 1.0011e21}}, "big", -3) == -3);
  CHECK(intAt(json{{"low", -3e9}}, "low", -3) == -3);
  CHECK(intAt(json{{"s", "1e21"}}, "s", -3) == -3);
}

TEST_CASE("arrayAt gives the array or an empty one", "[support][json]") {
  json object{{"files", json::array({1, 2})}, {"notArray", "x"}};
  CHECK(arrayAt(object, "files").size() == 2);
  CHECK(arrayAt(object, "notArray").empty());
  CHECK(arrayAt(object, "missing").empty());
  CHECK(arrayAt(json(5), "files").empty());
}
