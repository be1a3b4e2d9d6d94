// UTF-8 checks for text from outside: the backend sometimes streams bytes that are not valid
// UTF-8, and a JSON reader refuses those whole. Repairing keeps the rest of the text.
#pragma once

#include <string>
#include <string_view>

namespace nemo::support {

bool isValidUtf8(std::string_view text);
// The text with each invalid sequence (stray, overlong, surrogate or cut-off bytes) replaced by
// U+FFFD, the replacement character.
std::string repairUtf8(std::string_view text);

}  // namespace nemo::support
