#include "nemo/Credentials.h"

#include <chrono>
#include <ctime>
#include <iomanip>
#include <random>
#include <sstream>

#include <spdlog/spdlog.h>

#include "support/Files.h"
#include "support/Random.h"
#include "support/Secrets.h"

namespace nemo::api {

std::string newUuid() {
  std::mt19937_64 random(support::randomNumber());
  std::uniform_int_distribution<int> digit(0, 15);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string uuid;
  for (int i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      uuid += '-';
    } else if (i == 14) {
      uuid += '4';  // version 4: random
    } else if (i == 19) {
      uuid += kHex[8 + digit(random) % 4];  // variant 10xx
    } else {
      uuid += kHex[digit(random)];
    }
  }
  return uuid;
}

bool isExpired(const std::string& isoTime) {
  if (isoTime.size() < 19) return false;
  std::tm tm{};
  std::istringstream in(isoTime.substr(0, 19));
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  if (in.fail()) return false;
  // time_t, not system_clock: its nanosecond count ends in 2262, and "never" dates go further.
  return ::timegm(&tm) <= std::time(nullptr);
}

Credentials::Credentials(std::filesystem::path file) : file_(std::move(file)) {}

void Credentials::load() {
  // Re-read every time: another server process (a second client) may have written since. The
  // file is tiny and read only when a token is needed.
  data_ = nlohmann::json::object();
  auto text = support::readWholeFile(file_);
  if (!text) return;
  auto parsed = nlohmann::json::parse(*text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    spdlog::warn("ignoring unreadable credentials file {}", file_.string());
    return;
  }
  data_ = std::move(parsed);
  if (data_.contains("tokens") && data_["tokens"].is_object()) {
    for (const auto& [origin, entry] : data_["tokens"].items()) {
      if (entry.is_object() && entry.contains("token") && entry["token"].is_string()) {
        support::registerSecret(entry["token"].get<std::string>());
      }
    }
  }
}

std::optional<std::string> Credentials::save() {
  return support::writeFileAtomically(file_, data_.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
                                      0600);
}

std::optional<CachedToken> Credentials::cachedToken(const std::string& origin) {
  std::lock_guard lock(mutex_);
  load();
  if (!data_.contains("tokens") || !data_["tokens"].is_object() || !data_["tokens"].contains(origin)) return std::nullopt;
  const auto& entry = data_["tokens"][origin];
  if (!entry.is_object() || !entry.contains("token") || !entry["token"].is_string()) return std::nullopt;
  auto text = [&](const char* key) {
    return entry.contains(key) && entry[key].is_string() ? entry[key].get<std::string>() : std::string();
  };
  CachedToken token{entry["token"].get<std::string>(), text("user_id"), text("expires_at")};
  if (token.token.empty() || isExpired(token.expiresAt)) return std::nullopt;
  return token;
}

std::optional<std::string> Credentials::saveToken(const std::string& origin, const CachedToken& token) {
  std::lock_guard lock(mutex_);
  load();
  support::registerSecret(token.token);
  if (!data_.contains("tokens") || !data_["tokens"].is_object()) data_["tokens"] = nlohmann::json::object();
  data_["tokens"][origin] = {{"token", token.token}, {"user_id", token.userId}, {"expires_at", token.expiresAt}};
  return save();
}

void Credentials::dropToken(const std::string& origin, const std::string& token) {
  std::lock_guard lock(mutex_);
  load();
  if (!data_.contains("tokens") || !data_["tokens"].is_object() || !data_["tokens"].contains(origin)) return;
  const auto& entry = data_["tokens"][origin];
  if (entry.is_object() && entry.contains("token") && entry["token"] != token) return;
  data_["tokens"].erase(origin);
  if (auto error = save()) spdlog::warn("could not update the credentials file: {}", *error);
}

std::string Credentials::clientId() {
  std::lock_guard lock(mutex_);
  load();
  if (data_.contains("client_id") && data_["client_id"].is_string() && !data_["client_id"].get<std::string>().empty()) {
    return data_["client_id"].get<std::string>();
  }
  data_["client_id"] = newUuid();
  if (auto error = save()) spdlog::warn("could not save the client id: {}", *error);
  return data_["client_id"].get<std::string>();
}

std::string Credentials::renewClientId() {
  std::lock_guard lock(mutex_);
  load();
  data_["client_id"] = newUuid();
  if (auto error = save()) spdlog::warn("could not save the client id: {}", *error);
  return data_["client_id"].get<std::string>();
}

}  // namespace nemo::api
