#include "support/Secrets.h"

#include <algorithm>
#include <mutex>
#include <shared_mutex>
#include <vector>

namespace nemo::support {
namespace {

std::shared_mutex gMutex;
std::vector<std::string> gSecrets;

void replaceAll(std::string& text, std::string_view needle, std::string_view with) {
  if (needle.empty()) return;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + with.size())) {
    text.replace(pos, needle.size(), with);
  }
}

// A bearer credential is hidden even if it was never registered (e.g. echoed by a backend).
void redactBearer(std::string& text) {
  static constexpr std::string_view kBearer = "Bearer ";
  for (auto pos = text.find(kBearer); pos != std::string::npos; pos = text.find(kBearer, pos + 1)) {
    auto start = pos + kBearer.size();
    auto end = start;
    while (end < text.size() && text[end] != ' ' && text[end] != '"' && text[end] != '\r' && text[end] != '\n' &&
           text[end] != ',') {
      ++end;
    }
    if (end > start) text.replace(start, end - start, "[redacted]");
  }
}

}  // namespace

void registerSecret(std::string_view secret) {
  // Very short strings would redact ordinary words; real tokens are long.
  if (secret.size() < 8) return;
  std::unique_lock lock(gMutex);
  for (const auto& known : gSecrets) {
    if (known == secret) return;
  }
  auto longer = [](const std::string& a, std::string_view b) { return a.size() > b.size(); };
  gSecrets.insert(std::lower_bound(gSecrets.begin(), gSecrets.end(), secret, longer), std::string(secret));
}

std::size_t releasableLength(std::string_view text) {
  std::size_t keep = text.size();
  auto holdBackPrefixOf = [&](std::string_view whole) {
    // The longest tail of the text that is a proper beginning of `whole`.
    for (std::size_t length = std::min(whole.size() - 1, text.size()); length > 0; --length) {
      if (text.substr(text.size() - length) == whole.substr(0, length)) {
        keep = std::min(keep, text.size() - length);
        return;
      }
    }
  };
  {
    std::shared_lock lock(gMutex);
    for (const auto& secret : gSecrets) holdBackPrefixOf(secret);
  }
  static constexpr std::string_view kBearer = "Bearer ";
  holdBackPrefixOf(kBearer);
  // "Bearer " and then credential characters up to the end: the credential may go on.
  if (auto pos = text.rfind(kBearer); pos != std::string_view::npos &&
      text.find_first_of(" \"\r\n,", pos + kBearer.size()) == std::string_view::npos) {
    keep = std::min(keep, pos);
  }
  return keep;
}

std::string redactSecrets(std::string_view text) {
  std::string out(text);
  {
    std::shared_lock lock(gMutex);
    // gSecrets is kept longest first: a secret that contains another must go whole.
    for (const auto& secret : gSecrets) replaceAll(out, secret, "[redacted]");
  }
  redactBearer(out);
  return out;
}

}  // namespace nemo::support
