#include "nemo/Sessions.h"

#include <chrono>
#include <ctime>

#include <spdlog/spdlog.h>

#include "support/Files.h"
#include "support/JsonAccess.h"

namespace nemo::api {
namespace {

SessionRecord fromJson(const nlohmann::json& entry) {
  return SessionRecord{support::textAt(entry, "session_id"), support::textAt(entry, "task_id"),
                       support::textAt(entry, "task_name"), support::textAt(entry, "language"),
                       support::textAt(entry, "created_at")};
}

}  // namespace

std::string isoTimeNow() {
  auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

Sessions::Sessions(std::filesystem::path file, std::string origin) : file_(std::move(file)), origin_(std::move(origin)) {}

void Sessions::load() {
  // Re-read every time: a second server process (another client) may have added a session.
  data_ = nlohmann::json::object();
  if (auto text = support::readWholeFile(file_)) {
    auto parsed = nlohmann::json::parse(*text, nullptr, false);
    if (!parsed.is_discarded() && parsed.is_object()) data_ = std::move(parsed);
  }
  if (!data_["origins"].is_object()) data_["origins"] = nlohmann::json::object();
}

nlohmann::json& Sessions::origin() {
  load();
  auto& entry = data_["origins"][origin_];
  if (!entry.is_object()) entry = nlohmann::json::object();
  if (!entry["sessions"].is_array()) entry["sessions"] = nlohmann::json::array();
  return entry;
}

std::optional<std::string> Sessions::save() {
  return support::writeFileAtomically(
      file_, data_.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", 0600);
}

std::optional<std::string> Sessions::add(const SessionRecord& session) {
  std::lock_guard lock(mutex_);
  auto& entry = origin();
  entry["sessions"].push_back({{"session_id", session.sessionId},
                               {"task_id", session.taskId},
                               {"task_name", session.taskName},
                               {"language", session.language},
                               {"created_at", session.createdAt}});
  entry["current"] = session.sessionId;
  return save();
}

std::optional<SessionRecord> Sessions::current() {
  std::lock_guard lock(mutex_);
  auto& entry = origin();
  auto id = support::textAt(entry, "current");
  if (id.empty()) return std::nullopt;
  for (const auto& session : entry["sessions"]) {
    if (support::textAt(session, "session_id") == id) return fromJson(session);
  }
  return SessionRecord{id, {}, {}, {}, {}};
}

std::optional<SessionRecord> Sessions::find(const std::string& sessionId) {
  std::lock_guard lock(mutex_);
  for (const auto& session : origin()["sessions"]) {
    if (support::textAt(session, "session_id") == sessionId) return fromJson(session);
  }
  return std::nullopt;
}

std::vector<SessionRecord> Sessions::all() {
  std::lock_guard lock(mutex_);
  std::vector<SessionRecord> out;
  for (const auto& session : origin()["sessions"]) out.push_back(fromJson(session));
  return out;
}

void Sessions::makeCurrent(const std::string& sessionId) {
  std::lock_guard lock(mutex_);
  auto& entry = origin();
  if (support::textAt(entry, "current") == sessionId) return;
  entry["current"] = sessionId;
  if (auto error = save()) spdlog::warn("could not save the current session: {}", *error);
}

}  // namespace nemo::api
