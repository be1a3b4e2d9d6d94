// The sessions this server created, kept in the state folder per API origin, and which one is
// current, so that later tool calls (and later runs) may leave the session id out. Thread-safe.
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nemo::api {

struct SessionRecord {
  std::string sessionId;
  std::string taskId;
  std::string taskName;
  std::string language;
  std::string createdAt;  // ISO 8601 UTC
};

class Sessions {
 public:
  Sessions(std::filesystem::path file, std::string origin);

  // Records a new session and makes it current. Returns an error text or nullopt.
  std::optional<std::string> add(const SessionRecord& session);
  std::optional<SessionRecord> current();
  std::optional<SessionRecord> find(const std::string& sessionId);
  std::vector<SessionRecord> all();
  // Makes a known session current (after a tool used it explicitly).
  void makeCurrent(const std::string& sessionId);

 private:
  nlohmann::json& origin();  // caller holds mutex_
  void load();
  std::optional<std::string> save();
  std::filesystem::path file_;
  std::string origin_;
  std::mutex mutex_;
  nlohmann::json data_ = nlohmann::json::object();
};

std::string isoTimeNow();

}  // namespace nemo::api
