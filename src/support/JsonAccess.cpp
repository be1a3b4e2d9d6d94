#include "support/JsonAccess.h"

#include <cmath>
#include <cstdlib>
#include <limits>

namespace nemo::support {
namespace {

const nlohmann::json* find(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto found = object.find(key);
  return found == object.end() ? nullptr : &*found;
}

}  // namespace

std::string textAt(const nlohmann::json& object, std::string_view key, const std::string& fallback) {
  const auto* value = find(object, key);
  if (value == nullptr) return fallback;
  if (value->is_string()) return value->get<std::string>();
  if (value->is_number() || value->is_boolean()) return value->dump();
  return fallback;
}

std::optional<double> numberAt(const nlohmann::json& object, std::string_view key) {
  const auto* value = find(object, key);
  if (value == nullptr) return std::nullopt;
  if (value->is_number()) return value->get<double>();
  if (value->is_string()) {
    const auto& text = value->get_ref<const std::string&>();
    char* end = nullptr;
    double number = std::strtod(text.c_str(), &end);
    if (!text.empty() && end == text.c_str() + text.size() && std::isfinite(number)) return number;
  }
  return std::nullopt;
}

int intAt(const nlohmann::json& object, std::string_view key, int fallback) {
  auto number = numberAt(object, key);
  // Converting a double beyond int (a backend's "code": 1e21) is undefined behaviour.
  if (!number || !(*number >= std::numeric_limits<int>::min() && *number <= std::numeric_limits<int>::max())) {
    return fallback;
  }
  return static_cast<int>(*number);
}

const nlohmann::json& arrayAt(const nlohmann::json& object, std::string_view key) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  const auto* value = find(object, key);
  return value != nullptr && value->is_array() ? *value : kEmpty;
}

}  // namespace nemo::support
