#include "nemo/api/RawJson.h"

#include <string>

#include <nlohmann/json.hpp>

#include "support/UntrustedJson.h"

namespace nemo::api {
namespace {

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  void skipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  // Moves past one value; returns its span.
  std::optional<std::string_view> value() {
    skipSpace();
    if (pos_ >= text_.size()) return std::nullopt;
    auto start = pos_;
    char c = text_[pos_];
    if (c == '"') {
      if (!string()) return std::nullopt;
    } else if (c == '{' || c == '[') {
      int depth = 0;
      while (pos_ < text_.size()) {
        char d = text_[pos_];
        if (d == '"') {
          if (!string()) return std::nullopt;
          continue;
        }
        if (d == '{' || d == '[') ++depth;
        if (d == '}' || d == ']') {
          if (--depth == 0) {
            ++pos_;
            break;
          }
        }
        ++pos_;
      }
      if (depth != 0) return std::nullopt;
    } else {
      while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '}' && text_[pos_] != ']' &&
             text_[pos_] != ' ' && text_[pos_] != '\n' && text_[pos_] != '\r' && text_[pos_] != '\t') {
        ++pos_;
      }
      if (pos_ == start) return std::nullopt;
    }
    return text_.substr(start, pos_ - start);
  }

  // Inside an object at its '{': finds the member named `key` and leaves pos_ at its value.
  bool member(std::string_view key) {
    skipSpace();
    if (pos_ >= text_.size() || text_[pos_] != '{') return false;
    ++pos_;
    for (;;) {
      skipSpace();
      if (pos_ < text_.size() && text_[pos_] == '}') return false;
      auto rawKey = value();
      if (!rawKey || rawKey->front() != '"') return false;
      skipSpace();
      if (pos_ >= text_.size() || text_[pos_] != ':') return false;
      ++pos_;
      if (decodedKey(*rawKey) == key) {
        skipSpace();
        return true;
      }
      if (!value()) return false;
      skipSpace();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      return false;
    }
  }

 private:
  bool string() {
    ++pos_;  // opening quote
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == '\\') {
        ++pos_;
      } else if (c == '"') {
        return true;
      }
    }
    return false;
  }

  static std::string decodedKey(std::string_view quoted) {
    if (quoted.find('\\') == std::string_view::npos) return std::string(quoted.substr(1, quoted.size() - 2));
    auto parsed = support::parseJsonOrDiscarded(quoted);
    return parsed.is_string() ? parsed.get<std::string>() : std::string();
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<std::string_view> rawJsonMember(std::string_view text, std::initializer_list<std::string_view> path) {
  Scanner scanner(text);
  for (auto key : path) {
    if (!scanner.member(key)) return std::nullopt;
  }
  return scanner.value();
}

}  // namespace nemo::api
