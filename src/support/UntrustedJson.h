// Parsing JSON that came from outside (stdin, the backend, files read back) with limits, so that
// no input can drive recursion: nlohmann's parser is iterative, but copying a value is not.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace nemo::support {

// Deeper nesting than any message we serve or read; far below what exhausts a thread's stack.
inline constexpr int kMaxJsonDepth = 256;

enum class JsonProblem {
  None,
  NotJson,  // not JSON at all, or a NUL byte in the text (JSON never has one)
  TooDeep,  // nested deeper than the limit: `value` holds the shallow parts only
};

struct UntrustedJson {
  nlohmann::json value;  // discarded when problem == NotJson
  JsonProblem problem = JsonProblem::None;

  bool ok() const { return problem == JsonProblem::None; }
};

// Parses `text` whole. Values nested deeper than `maxDepth` are left out (and reported), so a
// request's `id` can still be read from a message whose `params` are too deep. A number too large
// for a double is read as null instead of making the whole text unreadable: a reader then treats
// that field as missing, never as a number the sender did not send. Bytes that are not UTF-8 are
// read as U+FFFD rather than losing the whole text.
UntrustedJson parseUntrustedJson(std::string_view text, int maxDepth = kMaxJsonDepth);

// The same as a plain value: the parsed JSON, or a discarded value when there is any problem.
nlohmann::json parseJsonOrDiscarded(std::string_view text, int maxDepth = kMaxJsonDepth);

}  // namespace nemo::support
