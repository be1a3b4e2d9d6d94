// A single pass over the text that knows only where strings and comments begin and end; the
// JSON parser that reads the result reports anything else that is wrong.
#include "support/Jsonc.h"

namespace nemo::support {
namespace {

// Skips blanks and comments from `i`; returns the index of the next meaningful character.
std::size_t skipBlanksAndComments(std::string_view text, std::size_t i) {
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else if (text.substr(i, 2) == "//") {
      const auto end = text.find('\n', i);
      i = end == std::string_view::npos ? text.size() : end;
    } else if (text.substr(i, 2) == "/*") {
      const auto end = text.find("*/", i + 2);
      i = end == std::string_view::npos ? text.size() : end + 2;
    } else {
      break;
    }
  }
  return i;
}

}  // namespace

std::string jsoncToJson(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"') {
      const std::size_t start = i++;
      while (i < text.size() && text[i] != '"') i += text[i] == '\\' ? 2 : 1;
      i = std::min(i + 1, text.size());
      out.append(text.substr(start, i - start));
    } else if (text.substr(i, 2) == "//" || text.substr(i, 2) == "/*") {
      const std::size_t next = skipBlanksAndComments(text, i);
      out.push_back(' ');  // a comment separates tokens, as a blank would
      i = next;
    } else if (c == ',') {
      const std::size_t next = skipBlanksAndComments(text, i + 1);
      if (next >= text.size() || (text[next] != '}' && text[next] != ']')) out.push_back(',');
      ++i;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return out;
}

}  // namespace nemo::support
