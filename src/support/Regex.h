// A compiled PCRE2 pattern over UTF-8 text: code points, not bytes (UTF), Unicode classes for
// \b \w \s (UCP), JIT-compiled, and bounded by match and depth limits, so that text from the
// backend can neither split a CJK character nor make a match run away. Immutable after
// construction; match() is thread-safe (each call has its own match data).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nemo::support {

enum class LetterCase { Sensitive, Insensitive };

class Regex {
 public:
  // A pattern that does not compile throws std::invalid_argument (a bug of ours, found by the tests).
  explicit Regex(std::string_view pattern, LetterCase letterCase = LetterCase::Sensitive);
  ~Regex();
  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;

  struct Group {
    std::size_t begin = 0;
    std::size_t end = 0;
    bool matched = false;
  };
  struct Match {
    std::vector<Group> groups;  // [0] is the whole match
    bool matched(std::size_t i) const { return i < groups.size() && groups[i].matched; }
    std::string str(std::string_view text, std::size_t i) const {
      return matched(i) ? std::string(text.substr(groups[i].begin, groups[i].end - groups[i].begin)) : std::string();
    }
  };

  // The first match at or after `from` (a byte offset at a character boundary). Nullopt when
  // there is none, when the text is not valid UTF-8, or when a limit was hit.
  std::optional<Match> find(std::string_view text, std::size_t from = 0) const;

  // Whether the text is valid UTF-8 (what find() needs to match at all).
  static bool validUtf8(std::string_view text);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nemo::support
