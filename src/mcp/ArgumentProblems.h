// Why a tool's arguments break its input schema, said as a sentence a model can act on
// ("`wait_seconds` must be a number from 0 to 110; it was \"soon\"."), naming the field.
// Since MCP 2025-11-25 such problems are tool results with isError, so the model can correct
// the call itself; the wording is therefore written for it, not for a developer.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace nemo::mcp {

struct ArgumentProblem {
  std::string field;     // "wait_seconds", "paths[2]"; empty when the problem is the whole call
  std::string sentence;  // whole sentences, numbers as a person writes them
};

// Describes the first problem found in `arguments` for the subset of JSON Schema our tools use
// (type, properties, additionalProperties, required, anyOf of required, enum, minimum,
// maximum, minLength, maxLength, pattern, items, minItems, maxItems). `whenMissing` is the
// tool's own sentence for a call that gives none of the alternatives its anyOf requires
// (chat: "Give a message, or the turn_id of a running turn."). Nullopt when nothing is found
// (the caller then falls back to the validator's own words).
std::optional<ArgumentProblem> describeArgumentProblem(const std::string& toolName, const nlohmann::json& schema,
                                                       const nlohmann::json& arguments,
                                                       const std::string& whenMissing = {});

// "0", "110", "0.5": a number the way a sentence writes it (no "0.000000").
std::string formatNumber(double value);

}  // namespace nemo::mcp
