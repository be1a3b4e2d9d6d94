// Finds a member's value in JSON text without re-serializing it, so that the draft read from
// the state answer goes back to the render endpoint byte for byte (key order, number forms
// and unknown keys untouched).
#pragma once

#include <initializer_list>
#include <optional>
#include <string_view>

namespace nemo::api {

// The exact text of the value at `path` (object keys, outermost first), or nullopt when the
// text is not well-formed along that path or a key is missing.
std::optional<std::string_view> rawJsonMember(std::string_view text, std::initializer_list<std::string_view> path);

}  // namespace nemo::api
