// Tests of the sentences a model reads when its arguments break a tool's schema: the field is
// named, the expectation is said in words, numbers read as a person writes them.
#include <catch2/catch.hpp>

#include "mcp/ArgumentProblems.h"

using nemo::mcp::describeArgumentProblem;
using nlohmann::json;

namespace {

const json kSchema = json::parse(R"({
  "type": "object",
  "properties": {
    "message": {"type": "string", "minLength": 1, "maxLength": 20},
    "turn_id": {"type": "string", "minLength": 1, "pattern": "^[A-Za-z0-9][A-Za-z0-9_.:-]*$"},
    "wait_seconds": {"type": "number", "minimum": 0, "maximum": 110},
    "quality": {"type": "string", "enum": ["low", "medium", "high"]},
    "paths": {"type": "array", "maxItems": 2, "items": {"type": "string", "minLength": 1}}
  },
  "anyOf": [{"required": ["message"]}, {"required": ["turn_id"]}],
  "additionalProperties": false
})");

std::string sentence(const json& arguments, const std::string& whenMissing = {}) {
  auto problem = describeArgumentProblem("chat", kSchema, arguments, whenMissing);
  REQUIRE(problem);
  return problem->sentence;
}

}  // namespace

TEST_CASE("describeArgumentProblem names the field and the expectation in words") {
  CHECK(sentence({{"message", "hi"}, {"wait_seconds", -3}}) ==
        "The argument `wait_seconds` of chat is not valid (it was -3). Expected a number from 0 to 110.");
  CHECK(sentence({{"message", "hi"}, {"wait_seconds", "soon"}}) ==
        "The argument `wait_seconds` of chat is not valid (it was the text \"soon\"). Expected a number from 0 to 110.");
  CHECK(sentence({{"message", "hi"}, {"quality", "ultra"}}) ==
        "The argument `quality` of chat is not valid (it was the text \"ultra\"). Expected one of \"low\", \"medium\" or \"high\".");
  CHECK(sentence({{"turn_id", "../etc"}}).find("an id exactly as an earlier result gave it") != std::string::npos);
  auto problem = describeArgumentProblem("chat", kSchema, {{"message", "hi"}, {"paths", {"a", ""}}});
  REQUIRE(problem);
  CHECK(problem->field == "paths[1]");
  CHECK(sentence({{"message", ""}}).find("Expected a text that is not empty, of at most 20 characters.") != std::string::npos);
}

TEST_CASE("describeArgumentProblem names unknown and missing arguments") {
  auto unknown = describeArgumentProblem("chat", kSchema, {{"message", "hi"}, {"bogus", true}});
  REQUIRE(unknown);
  CHECK(unknown->field == "bogus");
  CHECK(unknown->sentence ==
        "`bogus` is not an argument of chat. Its arguments are `message`, `paths`, `quality`, `turn_id` and `wait_seconds`.");
  CHECK(sentence(json::object()) == "chat needs `message` or `turn_id`.");
  CHECK(sentence(json::object(), "Give a message, or the turn_id of a running turn.") ==
        "Give a message, or the turn_id of a running turn.");
}

TEST_CASE("describeArgumentProblem finds nothing in valid arguments, and numbers read plainly") {
  CHECK_FALSE(describeArgumentProblem("chat", kSchema, {{"message", "hi"}, {"wait_seconds", 45}}));
  CHECK(nemo::mcp::formatNumber(0) == "0");
  CHECK(nemo::mcp::formatNumber(110) == "110");
  CHECK(nemo::mcp::formatNumber(0.5) == "0.5");
}
