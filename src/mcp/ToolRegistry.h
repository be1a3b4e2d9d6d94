// The tools this server offers: descriptors loaded from the embedded schemas/<name>.json,
// input schemas compiled once at registration, listed in a fixed order, arguments validated
// before any handler runs.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mcp/ArgumentProblems.h"
#include "mcp/Tool.h"

namespace nemo::mcp {

class CompiledSchema;

struct RegisteredTool {
  std::string name;
  json descriptor;  // name, title, description, inputSchema, outputSchema, annotations
  // The tool's sentence for a call that gives none of the arguments its anyOf asks for
  // ("x-when-missing" in its file; "x-" keys stay here and are not listed to clients).
  std::string whenMissing;
  std::shared_ptr<const CompiledSchema> inputSchema;
  std::shared_ptr<const CompiledSchema> outputSchema;  // null when the tool declares none
  ToolHandler handler;
};

class ToolRegistry {
 public:
  ToolRegistry();
  ~ToolRegistry();

  // Adds a tool whose descriptor is the embedded file schemas/<name>.json. Returns an error
  // text when the descriptor is missing or its schema does not compile.
  std::optional<std::string> add(const std::string& name, ToolHandler handler);
  // Same, with the descriptor given (tests).
  std::optional<std::string> addWithDescriptor(json descriptor, ToolHandler handler);

  // The tools/list entries, in the product's fixed order.
  const json& listing() const { return listing_; }
  const RegisteredTool* find(const std::string& name) const;

  // Checks arguments against the tool's input schema; the problem names the field, in a
  // sentence the model can act on.
  std::optional<ArgumentProblem> validate(const RegisteredTool& tool, const json& arguments) const;

 private:
  void rebuildListing();
  std::vector<RegisteredTool> tools_;
  json listing_ = json::array();
};

// A JSON Schema compiled once (valijson); validate() names the failing field.
class CompiledSchema {
 public:
  static std::shared_ptr<const CompiledSchema> compile(const json& schema, std::string& error);
  ~CompiledSchema();
  std::optional<std::string> validate(const json& value) const;

 private:
  CompiledSchema();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nemo::mcp
