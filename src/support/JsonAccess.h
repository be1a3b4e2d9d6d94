// Reading JSON that came from outside (the backend, files on disk) without exceptions: a
// missing field or a field of another type gives the fallback, never a type_error.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace nemo::support {

// A string as is, a number or boolean as text; `fallback` otherwise (or when not an object).
std::string textAt(const nlohmann::json& object, std::string_view key, const std::string& fallback = {});
// A number, or a string holding one ("4001", "12.5"); never inf or NaN.
std::optional<double> numberAt(const nlohmann::json& object, std::string_view key);
int intAt(const nlohmann::json& object, std::string_view key, int fallback = 0);
// The array at `key`, or an empty array.
const nlohmann::json& arrayAt(const nlohmann::json& object, std::string_view key);

}  // namespace nemo::support
