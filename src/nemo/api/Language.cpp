#include "nemo/api/Language.h"

#include <cctype>
#include <cstdlib>

namespace nemo::api {

std::string languageFromLocale(std::string_view locale) {
  auto end = locale.find_first_of(".@");
  auto name = locale.substr(0, end);
  if (name.empty() || name == "C" || name == "POSIX") return "en";
  auto underscore = name.find_first_of("_-");
  std::string language;
  for (char c : name.substr(0, underscore)) language += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (language.size() < 2 || language.size() > 3) return "en";
  // Chinese is the one language NemoVideo distinguishes by region (zh-CN, zh-TW).
  if (language == "zh") {
    std::string region = underscore == std::string_view::npos ? "CN" : std::string(name.substr(underscore + 1));
    for (auto& c : region) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return "zh-" + (region.empty() ? std::string("CN") : region);
  }
  return language;
}

std::string languageFromEnvironment() {
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return languageFromLocale(value);
  }
  return "en";
}

}  // namespace nemo::api
