// JSON with comments and trailing commas (JSONC), as editors and agent clients write their
// configuration files: turned into plain JSON so that nlohmann::json can read it.
#pragma once

#include <string>
#include <string_view>

namespace nemo::support {

// Removes // and /* */ comments and commas before a closing bracket, leaving the inside of
// strings untouched. Plain JSON comes back unchanged. Never throws.
std::string jsoncToJson(std::string_view text);

}  // namespace nemo::support
