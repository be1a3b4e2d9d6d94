// The sessions known on this machine, kept in the state folder per API origin (name, created,
// last used) so that a restarted agent can find and resume one, and the current session, which
// belongs to this server process (one client) alone. Thread-safe; several processes may share
// the file.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "support/IsoTime.h"
#include "support/SharedJsonFile.h"

namespace nemo::api {

struct SessionRecord {
  std::string sessionId;
  std::string taskId;
  std::string taskName;
  std::string language;
  std::string createdAt;   // ISO 8601 UTC; empty for a session first seen by id
  std::string lastUsedAt;  // ISO 8601 UTC
};

class Sessions {
 public:
  Sessions(std::filesystem::path file, std::string origin);

  // Records a session this process created and makes it current. Returns an error text when the
  // list could not be saved: the session is then kept in memory, and still current.
  std::optional<std::string> add(const SessionRecord& session);

  // A session that NemoVideo has just confirmed (a successful call that used it): it becomes
  // current, is recorded when new, and its last use is noted. An id the backend did not
  // confirm must never come here: a wrong id must not move the user off their project.
  std::optional<std::string> use(const std::string& sessionId);

  // The current session of this process: none until create_session or use().
  std::optional<SessionRecord> current();
  std::optional<SessionRecord> find(const std::string& sessionId);
  // Every known session of this origin, the most recently used first.
  std::vector<SessionRecord> all();

 private:
  std::vector<SessionRecord> loadAll();  // caller holds mutex_
  std::optional<std::string> save(const SessionRecord& session);  // caller holds mutex_

  support::SharedJsonFile file_;
  std::string origin_;
  std::mutex mutex_;
  std::string current_;
  std::map<std::string, SessionRecord> unsaved_;  // what the disk refused, kept for this process
};

using support::isoTime;
using support::isoTimeNow;

}  // namespace nemo::api
