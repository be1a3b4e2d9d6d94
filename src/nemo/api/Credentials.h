// The token's life on disk: the persisted client id and the cached anonymous token, per API
// origin, in one 0600 file of the config folder written atomically. NEMO_TOKEN is never written.
// Thread-safe.
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace nemo::api {

struct CachedToken {
  std::string token;
  std::string userId;
  std::string expiresAt;  // ISO 8601 as the backend gave it; empty when unknown
};

class Credentials {
 public:
  explicit Credentials(std::filesystem::path file);

  std::filesystem::path file() const { return file_; }

  // The cached token for this API origin, unless it has expired. Reads the file lazily.
  std::optional<CachedToken> cachedToken(const std::string& origin);
  // Saves a token for the origin. Returns an error text or nullopt.
  std::optional<std::string> saveToken(const std::string& origin, const CachedToken& token);
  // Marks the origin's token as rejected by NemoVideo (1001) if it is still `token` (another thread
  // or process may have replaced it). It is kept in the file, never thrown away: the last known
  // token state stays on record, and cachedToken() no longer offers it.
  void markRejected(const std::string& origin, const std::string& token);

  // Until when NemoVideo refuses new free tokens for the origin (ISO 8601 UTC; empty when it
  // does not): asked again only after that, so that no call waits on a refusal known in advance.
  std::string refusedUntil(const std::string& origin);
  void setRefusedUntil(const std::string& origin, const std::string& isoTime);

  // The persisted client id, created (and saved) on first use.
  std::string clientId();
  // A new client id, saved (after the backend said the old one was missing or bad).
  std::string renewClientId();

  // Held while a token is being requested, across processes.
  std::filesystem::path lockFile() const { return file_.parent_path() / "credentials.lock"; }

 private:
  void load();  // caller holds mutex_
  std::optional<std::string> save();  // caller holds mutex_
  std::filesystem::path file_;
  std::mutex mutex_;
  nlohmann::json data_ = nlohmann::json::object();
};

std::string newUuid();
// True when the token can go into an Authorization header as is: printable ASCII, no spaces.
bool isHeaderSafeToken(std::string_view token);
// True when the ISO 8601 UTC time lies in the past (unparseable: false).
bool isExpired(const std::string& isoTime);

}  // namespace nemo::api
