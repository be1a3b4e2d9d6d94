#include "support/UntrustedJson.h"

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "support/Utf8.h"

namespace nemo::support {
namespace {

using json = nlohmann::json;

struct Span {
  std::size_t begin;
  std::size_t end;
};

// What one pass over the bytes finds before parsing: nesting depth, NUL bytes, and numbers that
// overflow a double (nlohmann refuses the whole text for one of those).
struct Survey {
  int maxDepth = 0;
  bool hasNul = false;
  std::vector<Span> overflowingNumbers;
};

bool overflowsDouble(std::string_view token) {
  // Short plain numbers cannot overflow; only check what could (an exponent, or 300+ digits).
  if (token.size() < 300 && token.find_first_of("eE") == std::string_view::npos) return false;
  std::string copy(token);
  double value = std::strtod(copy.c_str(), nullptr);
  return std::isinf(value);
}

Survey survey(std::string_view text) {
  Survey result;
  int depth = 0;
  bool inString = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\0') result.hasNul = true;
    if (inString) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        inString = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        inString = true;
        break;
      case '[':
      case '{':
        if (++depth > result.maxDepth) result.maxDepth = depth;
        break;
      case ']':
      case '}':
        --depth;
        break;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          std::size_t end = i;
          while (end < text.size() && std::string_view("0123456789+-.eE").find(text[end]) != std::string_view::npos) ++end;
          if (overflowsDouble(text.substr(i, end - i))) result.overflowingNumbers.push_back({i, end});
          i = end - 1;
        }
    }
  }
  return result;
}

std::string withNumbersAsNull(std::string_view text, const std::vector<Span>& numbers) {
  std::string out;
  out.reserve(text.size());
  std::size_t from = 0;
  for (const Span& number : numbers) {
    out.append(text.substr(from, number.begin - from));
    out.append("null");
    from = number.end;
  }
  out.append(text.substr(from));
  return out;
}

}  // namespace

UntrustedJson parseUntrustedJson(std::string_view text, int maxDepth) {
  const Survey found = survey(text);
  if (found.hasNul) return {json(json::value_t::discarded), JsonProblem::NotJson};
  std::string rewritten;
  if (!found.overflowingNumbers.empty()) {
    rewritten = withNumbersAsNull(text, found.overflowingNumbers);
    text = rewritten;
  }
  UntrustedJson result;
  if (found.maxDepth <= maxDepth) {
    result.value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  } else {
    // The callback parser stays iterative and drops each value opened below the limit, so what
    // is kept (and later copied) is at most maxDepth deep.
    bool cut = false;
    json::parser_callback_t keepShallow = [&](int depth, json::parse_event_t event, json&) {
      if (depth >= maxDepth && (event == json::parse_event_t::object_start || event == json::parse_event_t::array_start)) {
        cut = true;
        return false;
      }
      return true;
    };
    result.value = json::parse(text, keepShallow, /*allow_exceptions=*/false);
    if (!result.value.is_discarded() && cut) result.problem = JsonProblem::TooDeep;
  }
  if (result.value.is_discarded()) {
    // Bytes that are not UTF-8 make nlohmann refuse the whole text: keep it, with U+FFFD for them.
    if (!isValidUtf8(text)) return parseUntrustedJson(repairUtf8(text), maxDepth);
    result.problem = JsonProblem::NotJson;
  }
  return result;
}

json parseJsonOrDiscarded(std::string_view text, int maxDepth) {
  UntrustedJson parsed = parseUntrustedJson(text, maxDepth);
  if (!parsed.ok()) return json(json::value_t::discarded);
  return std::move(parsed.value);
}

}  // namespace nemo::support
