// The language a new session speaks, from the user's locale: LANG=zh_CN.UTF-8 gives "zh-CN".
#pragma once

#include <string>
#include <string_view>

namespace nemo::api {

// From a POSIX locale name ("zh_CN.UTF-8", "ja_JP", "C"): an ISO code ("zh-CN", "ja", "en").
std::string languageFromLocale(std::string_view locale);
// From the environment: LC_ALL, then LC_MESSAGES, then LANG; "en" when none says.
std::string languageFromEnvironment();

}  // namespace nemo::api
