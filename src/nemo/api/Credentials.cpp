#include "nemo/api/Credentials.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <random>

#include <spdlog/spdlog.h>

#include "support/Files.h"
#include "support/IsoTime.h"
#include "support/Random.h"
#include "support/Secrets.h"
#include "support/UntrustedJson.h"

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
  auto when = support::parseIsoTime(isoTime);
  return when && *when <= std::time(nullptr);
}

Credentials::Credentials(std::filesystem::path file) : file_(std::move(file)) {}

void Credentials::load() {
  // Re-read every time: another server process (a second client) may have written since. The
  // file is tiny and read only when a token is needed.
  data_ = nlohmann::json::object();
  auto text = support::readWholeFile(file_);
  if (!text) return;
  auto parsed = support::parseJsonOrDiscarded(*text);
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
  if (token.token.empty() || isExpired(token.expiresAt) || entry.value("rejected", false) == true) return std::nullopt;
  if (!isHeaderSafeToken(token.token)) {
    spdlog::warn("ignoring a cached token with characters that cannot go into an HTTP header");
    return std::nullopt;
  }
  return token;
}

std::optional<std::string> Credentials::saveToken(const std::string& origin, const CachedToken& token) {
  std::lock_guard lock(mutex_);
  load();
  support::registerSecret(token.token);
  if (!data_.contains("tokens") || !data_["tokens"].is_object()) data_["tokens"] = nlohmann::json::object();
  data_["tokens"][origin] = {{"token", token.token}, {"user_id", token.userId}, {"expires_at", token.expiresAt}};
  if (data_.contains("refused_until") && data_["refused_until"].is_object()) data_["refused_until"].erase(origin);
  return save();
}

void Credentials::markRejected(const std::string& origin, const std::string& token) {
  std::lock_guard lock(mutex_);
  load();
  if (!data_.contains("tokens") || !data_["tokens"].is_object() || !data_["tokens"].contains(origin)) return;
  auto& entry = data_["tokens"][origin];
  if (!entry.is_object() || entry.value("token", nlohmann::json()) != token) return;
  entry["rejected"] = true;
  if (auto error = save()) spdlog::warn("could not update the credentials file: {}", *error);
}

std::string Credentials::refusedUntil(const std::string& origin) {
  std::lock_guard lock(mutex_);
  load();
  if (!data_.contains("refused_until") || !data_["refused_until"].is_object()) return {};
  const auto& until = data_["refused_until"].value(origin, nlohmann::json());
  return until.is_string() && !isExpired(until.get<std::string>()) ? until.get<std::string>() : std::string();
}

void Credentials::setRefusedUntil(const std::string& origin, const std::string& isoTime) {
  std::lock_guard lock(mutex_);
  load();
  if (!data_.contains("refused_until") || !data_["refused_until"].is_object()) data_["refused_until"] = nlohmann::json::object();
  data_["refused_until"][origin] = isoTime;
  if (auto error = save()) spdlog::warn("could not update the credentials file: {}", *error);
}

bool isHeaderSafeToken(std::string_view token) {
  if (token.empty() || token.size() > 8192) return false;
  // Visible ASCII only: no space, no control character (CR/LF would inject headers), no byte >= 0x80.
  return std::all_of(token.begin(), token.end(), [](char c) { return c > 0x20 && c < 0x7f; });
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
