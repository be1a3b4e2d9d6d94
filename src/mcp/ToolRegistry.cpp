#include "mcp/ToolRegistry.h"

#include <algorithm>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "support/EmbeddedFiles.h"

namespace nemo::mcp {
namespace {

// The order agents see: set up, talk, add media, then the read-only and the final step.
constexpr const char* kProductOrder[] = {"create_session", "chat", "upload", "credits", "state", "export"};

std::size_t rankOf(const std::string& name) {
  for (std::size_t i = 0; i < std::size(kProductOrder); ++i) {
    if (name == kProductOrder[i]) return i;
  }
  return std::size(kProductOrder);
}

// "/arguments/language" style path from valijson's context ("<root>", "[language]", "[0]").
std::string fieldPath(const std::vector<std::string>& context) {
  std::string path;
  for (const auto& part : context) {
    if (part == "<root>") continue;
    auto name = part;
    if (name.size() >= 2 && name.front() == '[' && name.back() == ']') name = name.substr(1, name.size() - 2);
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    if (!path.empty()) path += ".";
    path += name;
  }
  return path;
}

}  // namespace

struct CompiledSchema::Impl {
  valijson::Schema schema;
};

CompiledSchema::CompiledSchema() : impl_(std::make_unique<Impl>()) {}
CompiledSchema::~CompiledSchema() = default;

std::shared_ptr<const CompiledSchema> CompiledSchema::compile(const json& schema, std::string& error) {
  std::shared_ptr<CompiledSchema> compiled(new CompiledSchema());
  try {
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter adapter(schema);
    parser.populateSchema(adapter, compiled->impl_->schema);
  } catch (const std::exception& e) {
    error = std::string("invalid JSON Schema: ") + e.what();
    return nullptr;
  }
  return compiled;
}

std::optional<std::string> CompiledSchema::validate(const json& value) const {
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter adapter(value);
  if (validator.validate(impl_->schema, adapter, &results)) return std::nullopt;
  // valijson reports from the outside in; the deepest error is the most precise one.
  valijson::ValidationResults::Error error;
  std::string best;
  std::size_t bestDepth = 0;
  while (results.popError(error)) {
    auto path = fieldPath(error.context);
    if (best.empty() || error.context.size() > bestDepth) {
      bestDepth = error.context.size();
      best = (path.empty() ? std::string("arguments") : "argument '" + path + "'") + ": " + error.description;
    }
  }
  return best.empty() ? std::optional<std::string>("arguments do not match the schema") : best;
}

ToolRegistry::ToolRegistry() = default;
ToolRegistry::~ToolRegistry() = default;

std::optional<std::string> ToolRegistry::add(const std::string& name, ToolHandler handler) {
  auto file = support::embeddedFile("schemas/" + name + ".json");
  if (!file) return "no descriptor schemas/" + name + ".json";
  auto descriptor = json::parse(*file, nullptr, false);
  if (descriptor.is_discarded() || !descriptor.is_object()) return "schemas/" + name + ".json is not a JSON object";
  descriptor["name"] = name;
  return addWithDescriptor(std::move(descriptor), std::move(handler));
}

std::optional<std::string> ToolRegistry::addWithDescriptor(json descriptor, ToolHandler handler) {
  auto name = descriptor.value("name", std::string());
  if (name.empty()) return "tool descriptor without a name";
  if (!descriptor.contains("inputSchema")) return "tool " + name + " has no inputSchema";
  std::string error;
  auto schema = CompiledSchema::compile(descriptor["inputSchema"], error);
  if (!schema) return "tool " + name + ": " + error;
  std::shared_ptr<const CompiledSchema> output;
  if (descriptor.contains("outputSchema")) {
    output = CompiledSchema::compile(descriptor["outputSchema"], error);
    if (!output) return "tool " + name + " output: " + error;
  }
  // "x-" keys are notes for this server; clients (and the model's context) never see them.
  std::string whenMissing = descriptor.value("x-when-missing", std::string());
  for (auto it = descriptor.begin(); it != descriptor.end();) {
    if (it.key().rfind("x-", 0) == 0) it = descriptor.erase(it);
    else ++it;
  }
  tools_.erase(std::remove_if(tools_.begin(), tools_.end(), [&](const auto& t) { return t.name == name; }),
               tools_.end());
  tools_.push_back(RegisteredTool{name, std::move(descriptor), std::move(whenMissing), std::move(schema),
                                   std::move(output), std::move(handler)});
  std::stable_sort(tools_.begin(), tools_.end(), [](const auto& a, const auto& b) {
    auto ra = rankOf(a.name), rb = rankOf(b.name);
    return ra != rb ? ra < rb : a.name < b.name;
  });
  rebuildListing();
  return std::nullopt;
}

void ToolRegistry::rebuildListing() {
  listing_ = json::array();
  for (const auto& tool : tools_) listing_.push_back(tool.descriptor);
}

const RegisteredTool* ToolRegistry::find(const std::string& name) const {
  for (const auto& tool : tools_) {
    if (tool.name == name) return &tool;
  }
  return nullptr;
}

std::optional<ArgumentProblem> ToolRegistry::validate(const RegisteredTool& tool, const json& arguments) const {
  // valijson decides; our own reading of the schema says why in words (valijson's own texts
  // read "Expected value greater than or equal to 0.000000").
  auto invalid = tool.inputSchema->validate(arguments);
  if (!invalid) return std::nullopt;
  if (auto described = describeArgumentProblem(tool.name, tool.descriptor.at("inputSchema"), arguments, tool.whenMissing)) {
    return described;
  }
  return ArgumentProblem{"", "The arguments of " + tool.name + " do not match its input schema (" + *invalid + ")."};
}

}  // namespace nemo::mcp
