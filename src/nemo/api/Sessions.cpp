#include "nemo/api/Sessions.h"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "support/JsonAccess.h"

namespace nemo::api {
namespace {

using nlohmann::json;

// Sessions unused this long are dropped from the list (the list is a finding aid, not a backup).
constexpr std::chrono::hours kForgetAfter{24 * 30};

SessionRecord fromJson(const json& entry) {
  return SessionRecord{support::textAt(entry, "session_id"), support::textAt(entry, "task_id"),
                       support::textAt(entry, "task_name"),  support::textAt(entry, "language"),
                       support::textAt(entry, "created_at"), support::textAt(entry, "last_used_at")};
}

json toJson(const SessionRecord& session) {
  return {{"session_id", session.sessionId}, {"task_id", session.taskId},       {"task_name", session.taskName},
          {"language", session.language},    {"created_at", session.createdAt}, {"last_used_at", session.lastUsedAt}};
}

// The origin's list in the file's object, made an array when it is missing or malformed.
json& listIn(json& data, const std::string& origin) {
  if (!data["origins"].is_object()) data["origins"] = json::object();
  auto& entry = data["origins"][origin];
  if (!entry.is_object()) entry = json::object();
  if (!entry["sessions"].is_array()) entry["sessions"] = json::array();
  return entry["sessions"];
}

}  // namespace

Sessions::Sessions(std::filesystem::path file, std::string origin) : file_(std::move(file)), origin_(std::move(origin)) {}

std::vector<SessionRecord> Sessions::loadAll() {
  // Re-read every time: another server process (another client) may have added a session.
  auto data = file_.read();
  std::map<std::string, SessionRecord> byId = unsaved_;
  for (const auto& entry : listIn(data, origin_)) {
    auto session = fromJson(entry);
    if (session.sessionId.empty()) continue;
    auto [slot, inserted] = byId.try_emplace(session.sessionId, session);
    if (!inserted && session.lastUsedAt > slot->second.lastUsedAt) slot->second = session;
  }
  std::vector<SessionRecord> out;
  for (auto& [id, session] : byId) out.push_back(std::move(session));
  std::sort(out.begin(), out.end(), [](const SessionRecord& a, const SessionRecord& b) {
    return std::max(a.lastUsedAt, a.createdAt) > std::max(b.lastUsedAt, b.createdAt);
  });
  return out;
}

std::optional<std::string> Sessions::save(const SessionRecord& session) {
  const std::string forgetBefore = isoTime(std::chrono::system_clock::now() - kForgetAfter);
  auto error = file_.update([&](json& data) {
    auto& list = listIn(data, origin_);
    json kept = json::array();
    for (auto& entry : list) {
      const auto id = support::textAt(entry, "session_id");
      const auto lastUsed = std::max(support::textAt(entry, "last_used_at"), support::textAt(entry, "created_at"));
      if (id.empty() || id == session.sessionId || lastUsed < forgetBefore) continue;
      kept.push_back(std::move(entry));
    }
    kept.push_back(toJson(session));
    list = std::move(kept);
    // Written by earlier versions: the current session is no longer shared between processes.
    data["origins"][origin_].erase("current");
  });
  if (error) {
    unsaved_[session.sessionId] = session;
  } else {
    unsaved_.erase(session.sessionId);
  }
  return error;
}

std::optional<std::string> Sessions::add(const SessionRecord& session) {
  std::lock_guard lock(mutex_);
  SessionRecord recorded = session;
  if (recorded.createdAt.empty()) recorded.createdAt = isoTimeNow();
  recorded.lastUsedAt = recorded.createdAt;
  current_ = recorded.sessionId;
  return save(recorded);
}

std::optional<std::string> Sessions::use(const std::string& sessionId) {
  std::lock_guard lock(mutex_);
  current_ = sessionId;
  SessionRecord session{sessionId, {}, {}, {}, {}, {}};
  for (auto& known : loadAll()) {
    if (known.sessionId == sessionId) session = std::move(known);
  }
  session.lastUsedAt = isoTimeNow();
  return save(session);
}

std::optional<SessionRecord> Sessions::current() {
  std::lock_guard lock(mutex_);
  if (current_.empty()) return std::nullopt;
  for (auto& session : loadAll()) {
    if (session.sessionId == current_) return session;
  }
  return SessionRecord{current_, {}, {}, {}, {}, {}};
}

std::optional<SessionRecord> Sessions::find(const std::string& sessionId) {
  std::lock_guard lock(mutex_);
  for (auto& session : loadAll()) {
    if (session.sessionId == sessionId) return session;
  }
  return std::nullopt;
}

std::vector<SessionRecord> Sessions::all() {
  std::lock_guard lock(mutex_);
  return loadAll();
}

}  // namespace nemo::api
