// support/UntrustedJson: depth limits without recursion, NUL bytes, numbers beyond a double.
#include <catch2/catch.hpp>

#include <string>

#include "support/UntrustedJson.h"
#include "support/Utf8.h"

using nemo::support::JsonProblem;
using nemo::support::kMaxJsonDepth;
using nemo::support::parseJsonOrDiscarded;
using nemo::support::parseUntrustedJson;
using nlohmann::json;

namespace {

std::string nested(int depth, const std::string& inner = "1") {
  return std::string(depth, '[') + inner + std::string(depth, ']');
}

}  // namespace

TEST_CASE("untrusted JSON: ordinary text parses as nlohmann would", "[support][json]") {
  auto parsed = parseUntrustedJson(R"({"a":[1,2,{"b":"[{\"}"}],"c":-1.5e3})");
  CHECK(parsed.ok());
  CHECK(parsed.value == json({{"a", {1, 2, {{"b", "[{\"}"}}}}, {"c", -1500.0}}));
  CHECK(parseUntrustedJson("not json").problem == JsonProblem::NotJson);
  CHECK(parseUntrustedJson("").problem == JsonProblem::NotJson);
}

TEST_CASE("untrusted JSON: nesting up to the limit is kept, deeper is refused", "[support][json]") {
  CHECK(parseUntrustedJson(nested(kMaxJsonDepth)).ok());
  auto tooDeep = parseUntrustedJson(nested(kMaxJsonDepth + 1));
  CHECK(tooDeep.problem == JsonProblem::TooDeep);
  CHECK(parseJsonOrDiscarded(nested(kMaxJsonDepth + 1)).is_discarded());
  // Brackets inside strings do not count.
  CHECK(parseUntrustedJson("[\"" + std::string(1000, '[') + "\"]").ok());
}

TEST_CASE("untrusted JSON: a message nested 100,000 deep keeps its shallow members", "[support][json]") {
  // Deep enough to exhaust the stack if anything copied or destroyed it recursively.
  auto parsed = parseUntrustedJson(R"({"id":7,"params":)" + nested(100000) + "}");
  REQUIRE(parsed.problem == JsonProblem::TooDeep);
  CHECK(parsed.value["id"] == 7);
  json copy = parsed.value;  // bounded: would overflow the stack without the cut
  CHECK(copy["params"].is_array());
  CHECK(parseUntrustedJson(std::string(1000000, '{')).problem == JsonProblem::NotJson);
}

TEST_CASE("untrusted JSON: a NUL byte makes the whole text not JSON", "[support][json]") {
  // nlohmann stops at a NUL as at the end of a C string; what follows must not be ignored.
  CHECK(parseUntrustedJson(std::string("{\"a\":1}\0{garbage", 16)).problem == JsonProblem::NotJson);
  CHECK(parseUntrustedJson(std::string("{\"a\":\"x\0y\"}", 11)).problem == JsonProblem::NotJson);
}

TEST_CASE("untrusted JSON: a number beyond a double is read as null, the rest is kept", "[support][json]") {
  auto parsed = parseUntrustedJson(R"({"credits":1e400,"frozen":-9e999,"total":5,"big":")" + std::string("1e400") + "\"}");
  REQUIRE(parsed.ok());
  CHECK(parsed.value["credits"].is_null());
  CHECK(parsed.value["frozen"].is_null());
  CHECK(parsed.value["total"] == 5);
  CHECK(parsed.value["big"] == "1e400");
  CHECK(parseUntrustedJson("[" + std::string(400, '9') + "]").value == json::array({nullptr}));
  CHECK(parseUntrustedJson("[1.7e308]").value[0].get<double>() == Approx(1.7e308));
}

TEST_CASE("untrusted JSON: bytes that are not UTF-8 become U+FFFD, the rest is kept", "[support][json]") {
  auto parsed = parseUntrustedJson("{\"text\":\"caf\xE9 \xF0\x9F\x8E\xAC ok\"}");
  REQUIRE(parsed.ok());
  CHECK(parsed.value["text"] == "caf\xEF\xBF\xBD \xF0\x9F\x8E\xAC ok");
  CHECK(nemo::support::isValidUtf8("plain \xE2\x9C\x93"));
  CHECK_FALSE(nemo::support::isValidUtf8("\xC0\xAF"));          // overlong
  CHECK_FALSE(nemo::support::isValidUtf8("\xED\xA0\x80"));      // a surrogate
  CHECK_FALSE(nemo::support::isValidUtf8("cut \xE2\x9C"));      // cut off
  CHECK(nemo::support::repairUtf8("a\xFFz") == "a\xEF\xBF\xBDz");
}
