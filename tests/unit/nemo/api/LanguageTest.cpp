// Tests of the session language from the locale: Chinese keeps its region (zh-CN, zh-TW),
// other languages keep only the language, and C/POSIX/empty or odd names give "en".
#include "nemo/api/Language.h"

#include <catch2/catch.hpp>

#include "../../support/TestUtil.h"

using nemo::api::languageFromEnvironment;
using nemo::api::languageFromLocale;
using nemo::test::ScopedEnv;

TEST_CASE("locale names map to ISO codes", "[nemo][language]") {
  CHECK(languageFromLocale("zh_CN.UTF-8") == "zh-CN");
  CHECK(languageFromLocale("zh_TW") == "zh-TW");
  CHECK(languageFromLocale("zh_tw.Big5") == "zh-TW");
  CHECK(languageFromLocale("zh") == "zh-CN");
  CHECK(languageFromLocale("ja_JP.UTF-8") == "ja");
  CHECK(languageFromLocale("en_US") == "en");
  CHECK(languageFromLocale("en_GB.UTF-8") == "en");
  CHECK(languageFromLocale("de_DE@euro") == "de");
  CHECK(languageFromLocale("es-MX") == "es");
  CHECK(languageFromLocale("FR_fr") == "fr");
}

TEST_CASE("C, POSIX, empty and odd locales give en", "[nemo][language]") {
  CHECK(languageFromLocale("C") == "en");
  CHECK(languageFromLocale("C.UTF-8") == "en");
  CHECK(languageFromLocale("POSIX") == "en");
  CHECK(languageFromLocale("") == "en");
  CHECK(languageFromLocale("x") == "en");
  CHECK(languageFromLocale("toolong_XX") == "en");
}

TEST_CASE("the environment: LC_ALL, then LC_MESSAGES, then LANG", "[nemo][language]") {
  ScopedEnv all("LC_ALL", std::nullopt);
  ScopedEnv messages("LC_MESSAGES", std::nullopt);
  ScopedEnv lang("LANG", std::nullopt);
  CHECK(languageFromEnvironment() == "en");
  {
    ScopedEnv set("LANG", "ja_JP.UTF-8");
    CHECK(languageFromEnvironment() == "ja");
    {
      ScopedEnv set2("LC_MESSAGES", "zh_TW.UTF-8");
      CHECK(languageFromEnvironment() == "zh-TW");
      ScopedEnv set3("LC_ALL", "de_DE.UTF-8");
      CHECK(languageFromEnvironment() == "de");
    }
    ScopedEnv empty("LC_ALL", "");  // empty counts as unset
    CHECK(languageFromEnvironment() == "ja");
  }
}
