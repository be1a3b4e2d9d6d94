#include "tools/SentenceProgress.h"

namespace nemo::tools {
namespace {

// A line longer than this goes out at a word boundary even without a sentence end.
constexpr std::size_t kLongLine = 240;

bool isSpace(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

bool isLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// The end (one past) of the last finished sentence in `text`, or 0. A sentence ends with
// . ! ? followed by white space, or at the very end after a letter ("Done." ends one, "3." may
// be "3.5" and does not); a line break; or the CJK marks 。！？, which need no space after them.
std::size_t lastSentenceEnd(const std::string& text) {
  static const std::string_view kCjkEnds[] = {"。", "！", "？"};
  std::size_t best = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool ends = c == '.' || c == '!' || c == '?';
    if (c == '\n') best = i + 1;
    else if (ends && i + 1 < text.size() && isSpace(text[i + 1])) best = i + 1;
    else if (ends && i + 1 == text.size() && i > 0 && isLetter(text[i - 1])) best = i + 1;
    for (auto mark : kCjkEnds) {
      if (text.compare(i, mark.size(), mark) == 0) best = i + mark.size();
    }
  }
  return best;
}

// One past the last whole word: before the last white space, or at the end of a CJK mark.
std::size_t lastWordEnd(const std::string& text) {
  for (std::size_t i = text.size(); i > 0; --i) {
    if (isSpace(text[i - 1])) return i - 1;
  }
  return 0;
}

std::string trimmed(std::string text) {
  while (!text.empty() && isSpace(text.back())) text.pop_back();
  std::size_t start = 0;
  while (start < text.size() && isSpace(text[start])) ++start;
  text.erase(0, start);
  // Lines of a progress message read as one: line breaks become spaces.
  for (auto& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return text;
}

}  // namespace

std::string SentenceProgress::take(std::size_t end, Clock::time_point now) {
  auto line = trimmed(pending_.substr(0, end));
  pending_.erase(0, end);
  if (!line.empty()) lastShown_ = now;
  return line;
}

std::string SentenceProgress::add(std::string_view chunk, Clock::time_point now) {
  pending_ += chunk;
  if (now - lastShown_ < minGap_) return {};
  if (auto end = lastSentenceEnd(pending_); end > 0) return take(end, now);
  if (pending_.size() > kLongLine) {
    if (auto end = lastWordEnd(pending_); end > 0) return take(end, now);
  }
  return {};
}

std::string SentenceProgress::flush(Clock::time_point now) {
  if (auto end = lastSentenceEnd(pending_); end > 0) return take(end, now);
  if (auto end = lastWordEnd(pending_); end > 0) return take(end, now);
  return {};
}

}  // namespace nemo::tools
