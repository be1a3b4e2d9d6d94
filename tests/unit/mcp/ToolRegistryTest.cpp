// Tests of the tool registry: schemas compiled at registration (a malformed one is refused),
// arguments validated with the failing field named, and the product's fixed listing order.
#include "mcp/ToolRegistry.h"

#include <catch2/catch.hpp>

using nemo::mcp::json;
using nemo::mcp::ToolContext;
using nemo::mcp::ToolRegistry;
using nemo::mcp::ToolResult;

namespace {

ToolResult noop(const json&, ToolContext&) { return ToolResult::success("ok", json::object()); }

json descriptor(const std::string& name, json inputSchema = json{{"type", "object"}}) {
  return json{{"name", name}, {"description", "test tool " + name}, {"inputSchema", std::move(inputSchema)}};
}

const json kSessionSchema = json::parse(R"({
  "type": "object",
  "properties": {
    "language": {"type": "string", "pattern": "^[a-z]{2}(-[A-Z]{2})?$"},
    "task_name": {"type": "string", "minLength": 1},
    "count": {"type": "integer"},
    "options": {"type": "object", "properties": {"fps": {"type": "integer"}}}
  },
  "required": ["task_name"],
  "additionalProperties": false
})");

std::vector<std::string> listedNames(const ToolRegistry& registry) {
  std::vector<std::string> names;
  for (const auto& tool : registry.listing()) names.push_back(tool["name"].get<std::string>());
  return names;
}

}  // namespace

TEST_CASE("valid arguments pass validation", "[mcp][registry]") {
  ToolRegistry registry;
  REQUIRE_FALSE(registry.addWithDescriptor(descriptor("create_session", kSessionSchema), noop).has_value());
  const auto* tool = registry.find("create_session");
  REQUIRE(tool != nullptr);
  CHECK_FALSE(registry.validate(*tool, json{{"task_name", "promo"}}).has_value());
  CHECK_FALSE(registry.validate(*tool, json{{"task_name", "promo"}, {"language", "zh-CN"}, {"count", 3}})
                  .has_value());
}

TEST_CASE("validation errors name the failing field", "[mcp][registry]") {
  ToolRegistry registry;
  REQUIRE_FALSE(registry.addWithDescriptor(descriptor("create_session", kSessionSchema), noop).has_value());
  const auto& tool = *registry.find("create_session");

  SECTION("a missing required field") {
    auto error = registry.validate(tool, json::object());
    REQUIRE(error.has_value());
    INFO(error->sentence);
    CHECK(error->field == "task_name");
    CHECK(error->sentence.find("`task_name`") != std::string::npos);
  }
  SECTION("a field of the wrong type") {
    auto error = registry.validate(tool, json{{"task_name", "p"}, {"count", "three"}});
    REQUIRE(error.has_value());
    INFO(error->sentence);
    CHECK(error->field == "count");
    CHECK(error->sentence.find("`count`") != std::string::npos);
  }
  SECTION("a field the schema does not allow") {
    auto error = registry.validate(tool, json{{"task_name", "p"}, {"colour", "red"}});
    REQUIRE(error.has_value());
    INFO(error->sentence);
    CHECK(error->field == "colour");
    CHECK(error->sentence.find("`colour`") != std::string::npos);
  }
  SECTION("a string that does not match the pattern") {
    auto error = registry.validate(tool, json{{"task_name", "p"}, {"language", "English"}});
    REQUIRE(error.has_value());
    INFO(error->sentence);
    CHECK(error->field == "language");
    CHECK(error->sentence.find("`language`") != std::string::npos);
  }
  SECTION("a nested field") {
    auto error = registry.validate(tool, json{{"task_name", "p"}, {"options", {{"fps", "fast"}}}});
    REQUIRE(error.has_value());
    INFO(error->sentence);
    CHECK(error->field == "options.fps");
    CHECK(error->sentence.find("`options.fps`") != std::string::npos);
  }
  SECTION("arguments that are not an object") {
    CHECK(registry.validate(tool, json::array()).has_value());
  }
}

TEST_CASE("an unknown tool is not found", "[mcp][registry]") {
  ToolRegistry registry;
  REQUIRE_FALSE(registry.addWithDescriptor(descriptor("chat"), noop).has_value());
  CHECK(registry.find("chat") != nullptr);
  CHECK(registry.find("export") == nullptr);
  CHECK(registry.find("") == nullptr);
  CHECK(registry.find("Chat") == nullptr);
}

TEST_CASE("the listing follows the product order whatever the registration order", "[mcp][registry]") {
  ToolRegistry registry;
  for (const char* name : {"export", "state", "zz_extra", "credits", "chat", "upload", "create_session"}) {
    REQUIRE_FALSE(registry.addWithDescriptor(descriptor(name), noop).has_value());
  }
  CHECK(listedNames(registry) ==
        std::vector<std::string>{"create_session", "chat", "upload", "credits", "state", "export", "zz_extra"});
  // The listing carries the descriptors themselves.
  CHECK(registry.listing()[0]["description"] == "test tool create_session");
  CHECK(registry.listing()[0]["inputSchema"] == json{{"type", "object"}});
}

TEST_CASE("registering a name again replaces the tool", "[mcp][registry]") {
  ToolRegistry registry;
  REQUIRE_FALSE(registry.addWithDescriptor(descriptor("credits"), noop).has_value());
  auto second = descriptor("credits");
  second["description"] = "replaced";
  REQUIRE_FALSE(registry.addWithDescriptor(second, noop).has_value());
  REQUIRE(registry.listing().size() == 1);
  CHECK(registry.listing()[0]["description"] == "replaced");
}

TEST_CASE("malformed descriptors are refused at registration", "[mcp][registry]") {
  ToolRegistry registry;
  SECTION("a schema keyword of the wrong type") {
    auto error = registry.addWithDescriptor(descriptor("chat", json{{"type", "object"}, {"required", "task_name"}}),
                                            noop);
    REQUIRE(error.has_value());
    CHECK(error->find("chat") != std::string::npos);
  }
  SECTION("properties that are not an object") {
    CHECK(registry.addWithDescriptor(descriptor("chat", json{{"type", "object"}, {"properties", 5}}), noop)
              .has_value());
  }
  SECTION("an unknown type name") {
    CHECK(registry.addWithDescriptor(descriptor("chat", json{{"type", "objekt"}}), noop).has_value());
  }
  SECTION("a malformed output schema") {
    auto d = descriptor("chat");
    d["outputSchema"] = json{{"type", 12}};
    CHECK(registry.addWithDescriptor(d, noop).has_value());
  }
  SECTION("no inputSchema") {
    CHECK(registry.addWithDescriptor(json{{"name", "chat"}}, noop).has_value());
  }
  SECTION("no name") {
    CHECK(registry.addWithDescriptor(json{{"inputSchema", {{"type", "object"}}}}, noop).has_value());
  }
  CHECK(registry.listing().empty());
  CHECK(registry.find("chat") == nullptr);
}

TEST_CASE("a tool is added from its embedded descriptor", "[mcp][registry]") {
  ToolRegistry registry;
  REQUIRE_FALSE(registry.add("create_session", noop).has_value());
  const auto* tool = registry.find("create_session");
  REQUIRE(tool != nullptr);
  CHECK(tool->descriptor["name"] == "create_session");
  CHECK(tool->descriptor.contains("inputSchema"));
  CHECK(registry.add("no_such_tool", noop).has_value());
}
