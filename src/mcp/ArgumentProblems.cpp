#include "mcp/ArgumentProblems.h"

#include <cmath>
#include <cstdio>
#include <regex>

namespace nemo::mcp {
namespace {

using nlohmann::json;

std::string quoteText(const std::string& text) {
  constexpr std::size_t kShown = 60;
  if (text.size() <= kShown) return "\"" + text + "\"";
  std::size_t cut = kShown;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // never mid-character
  return "\"" + text.substr(0, cut) + "...\"";
}

// What was given, in words: `the text "soon"`, `-3`, `a list`.
std::string describeValue(const json& value) {
  if (value.is_string()) return "the text " + quoteText(value.get<std::string>());
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number()) return formatNumber(value.get<double>());
  if (value.is_null()) return "null";
  if (value.is_array()) return "a list of " + std::to_string(value.size());
  return "an object";
}

bool hasType(const json& value, const std::string& type) {
  if (type == "string") return value.is_string();
  if (type == "number") return value.is_number();
  if (type == "integer") {
    return value.is_number_integer() || (value.is_number_float() && std::floor(value.get<double>()) == value.get<double>());
  }
  if (type == "boolean") return value.is_boolean();
  if (type == "array") return value.is_array();
  if (type == "object") return value.is_object();
  if (type == "null") return value.is_null();
  return true;
}

std::string typeOf(const json& schema) { return schema.is_object() ? schema.value("type", std::string()) : std::string(); }

std::optional<double> numberIn(const json& schema, const char* key) {
  if (schema.contains(key) && schema[key].is_number()) return schema[key].get<double>();
  return std::nullopt;
}

std::optional<std::size_t> countIn(const json& schema, const char* key) {
  if (schema.contains(key) && schema[key].is_number_unsigned()) return schema[key].get<std::size_t>();
  return std::nullopt;
}

// What the schema wants, as the end of "Expected ...".
std::string expectation(const json& schema) {
  auto type = typeOf(schema);
  if (schema.contains("enum") && schema["enum"].is_array()) {
    std::string list;
    for (std::size_t i = 0; i < schema["enum"].size(); ++i) {
      if (i > 0) list += i + 1 == schema["enum"].size() ? " or " : ", ";
      list += schema["enum"][i].dump();
    }
    return "one of " + list;
  }
  if (type == "number" || type == "integer") {
    std::string noun = type == "integer" ? "a whole number" : "a number";
    auto low = numberIn(schema, "minimum");
    auto high = numberIn(schema, "maximum");
    if (low && high) return noun + " from " + formatNumber(*low) + " to " + formatNumber(*high);
    if (low) return noun + " of " + formatNumber(*low) + " or more";
    if (high) return noun + " of at most " + formatNumber(*high);
    return noun;
  }
  if (type == "string") {
    std::string out = "a text";
    auto shortest = countIn(schema, "minLength");
    auto longest = countIn(schema, "maxLength");
    if (shortest && *shortest == 1) out = "a text that is not empty";
    else if (shortest && *shortest > 1) out += " of at least " + std::to_string(*shortest) + " characters";
    if (longest) out += (shortest && *shortest == 1 ? ", of at most " : " of at most ") + std::to_string(*longest) + " characters";
    if (schema.contains("pattern") && schema["pattern"].is_string()) {
      const auto& pattern = schema["pattern"].get_ref<const std::string&>();
      out += pattern.find("A-Za-z0-9_.:-") != std::string::npos
                 ? " made of letters, digits and _ . : - (an id exactly as an earlier result gave it)"
                 : " matching " + pattern;
    }
    return out;
  }
  if (type == "boolean") return "true or false";
  if (type == "array") {
    std::string out = "a list";
    if (schema.contains("items") && schema["items"].is_object()) out += " of " + expectation(schema["items"]) + " items";
    auto most = countIn(schema, "maxItems");
    auto least = countIn(schema, "minItems");
    if (least && *least > 0) out += ", at least " + std::to_string(*least);
    if (most) out += ", at most " + std::to_string(*most);
    return out;
  }
  if (type == "object") return "an object";
  return "a value of another kind";
}

std::string capitalised(std::string text) {
  if (!text.empty() && text.front() >= 'a' && text.front() <= 'z') text.front() = static_cast<char>(text.front() - 'a' + 'A');
  return text;
}

std::optional<ArgumentProblem> problem(const std::string& toolName, const std::string& field, const json& schema,
                                       const json& value) {
  return ArgumentProblem{field, "The argument `" + field + "` of " + toolName + " is not valid (it was " +
                                    describeValue(value) + "). " + capitalised("expected " + expectation(schema)) + "."};
}

bool matches(const std::string& text, const std::string& pattern) {
  try {
    return std::regex_search(text, std::regex(pattern, std::regex::ECMAScript));
  } catch (const std::exception&) {
    return true;  // a pattern we cannot read is the validator's business, not a reason to refuse
  }
}

// Characters, not bytes, as JSON Schema counts string length.
std::size_t characters(const std::string& text) {
  std::size_t count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

std::optional<ArgumentProblem> checkObject(const std::string& toolName, const std::string& prefix, const json& schema,
                                           const json& object, const std::string& whenMissing);

// The first problem of one value against its (sub)schema.
std::optional<ArgumentProblem> check(const std::string& toolName, const std::string& field, const json& schema,
                                     const json& value) {
  if (!schema.is_object()) return std::nullopt;
  auto type = typeOf(schema);
  if (!type.empty() && !hasType(value, type)) return problem(toolName, field, schema, value);
  if (schema.contains("enum") && schema["enum"].is_array()) {
    bool found = false;
    for (const auto& allowed : schema["enum"]) found = found || allowed == value;
    if (!found) return problem(toolName, field, schema, value);
  }
  if (value.is_number()) {
    double number = value.get<double>();
    auto low = numberIn(schema, "minimum");
    auto high = numberIn(schema, "maximum");
    if ((low && number < *low) || (high && number > *high)) return problem(toolName, field, schema, value);
  }
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    auto shortest = countIn(schema, "minLength");
    auto longest = countIn(schema, "maxLength");
    auto length = characters(text);
    if ((shortest && length < *shortest) || (longest && length > *longest)) return problem(toolName, field, schema, value);
    if (schema.contains("pattern") && schema["pattern"].is_string() && !matches(text, schema["pattern"])) {
      return problem(toolName, field, schema, value);
    }
  }
  if (value.is_array()) {
    auto most = countIn(schema, "maxItems");
    auto least = countIn(schema, "minItems");
    if ((most && value.size() > *most) || (least && value.size() < *least)) {
      return ArgumentProblem{field, "The argument `" + field + "` of " + toolName + " has " +
                                        std::to_string(value.size()) + " items. " +
                                        capitalised("expected " + expectation(schema)) + "."};
    }
    if (schema.contains("items")) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (auto found = check(toolName, field + "[" + std::to_string(i) + "]", schema["items"], value[i])) return found;
      }
    }
  }
  if (value.is_object() && schema.contains("properties")) return checkObject(toolName, field + ".", schema, value, {});
  return std::nullopt;
}

std::string backticked(const std::vector<std::string>& names, const char* last) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? std::string(" ") + last + " " : ", ";
    out += "`" + names[i] + "`";
  }
  return out;
}

// The first problem of an object against a schema with properties; `prefix` names where it is
// ("" for the arguments themselves, "options." for a nested object).
std::optional<ArgumentProblem> checkObject(const std::string& toolName, const std::string& prefix, const json& schema,
                                           const json& arguments, const std::string& whenMissing) {
  const json properties = schema.value("properties", json::object());
  std::vector<std::string> known;
  for (const auto& [name, _] : properties.items()) known.push_back(name);

  if (schema.contains("additionalProperties") && schema["additionalProperties"] == false) {
    for (const auto& [name, _] : arguments.items()) {
      if (properties.contains(name)) continue;
      std::string sentence = "`" + prefix + name + "` is not an argument of " + toolName + ".";
      if (known.empty()) sentence += prefix.empty() ? " It takes no arguments." : " Nothing goes there.";
      else sentence += " Its arguments" + std::string(prefix.empty() ? "" : " there") + " are " + backticked(known, "and") + ".";
      return ArgumentProblem{prefix + name, sentence};
    }
  }
  for (const auto& [name, propertySchema] : properties.items()) {
    if (!arguments.contains(name)) continue;
    if (auto found = check(toolName, prefix + name, propertySchema, arguments[name])) return found;
  }
  for (const auto& name : schema.value("required", json::array())) {
    if (name.is_string() && !arguments.contains(name.get<std::string>())) {
      return ArgumentProblem{prefix + name.get<std::string>(),
                             toolName + " needs the argument `" + prefix + name.get<std::string>() + "`."};
    }
  }
  if (schema.contains("anyOf") && schema["anyOf"].is_array()) {
    std::vector<std::string> alternatives;
    bool satisfied = false;
    for (const auto& branch : schema["anyOf"]) {
      auto required = branch.value("required", json::array());
      bool all = !required.empty();
      for (const auto& name : required) {
        if (!name.is_string()) continue;
        all = all && arguments.contains(name.get<std::string>());
        alternatives.push_back(name.get<std::string>());
      }
      satisfied = satisfied || all;
    }
    if (!satisfied && !alternatives.empty()) {
      return ArgumentProblem{"", whenMissing.empty() ? toolName + " needs " + backticked(alternatives, "or") + "."
                                                      : whenMissing};
    }
  }
  return std::nullopt;
}

}  // namespace

std::string formatNumber(double value) {
  if (!std::isfinite(value)) return "a number too large to read";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.15g", value);
  return buffer;
}

std::optional<ArgumentProblem> describeArgumentProblem(const std::string& toolName, const json& schema,
                                                       const json& arguments, const std::string& whenMissing) {
  if (!schema.is_object() || !arguments.is_object()) return std::nullopt;
  return checkObject(toolName, "", schema, arguments, whenMissing);
}

}  // namespace nemo::mcp
