#include "support/SharedJsonFile.h"

#include <spdlog/spdlog.h>

#include "support/Files.h"
#include "support/UntrustedJson.h"

namespace nemo::support {

SharedJsonFile::SharedJsonFile(std::filesystem::path file) : file_(std::move(file)) {}

std::filesystem::path SharedJsonFile::lockFile() const {
  auto lock = file_;
  lock += ".lock";
  return lock;
}

nlohmann::json SharedJsonFile::read() const {
  auto text = readWholeFile(file_);
  if (!text) return nlohmann::json::object();
  auto parsed = parseJsonOrDiscarded(*text);
  if (parsed.is_discarded() || !parsed.is_object()) {
    spdlog::warn("ignoring unreadable state file {}", file_.string());
    return nlohmann::json::object();
  }
  return parsed;
}

std::optional<std::string> SharedJsonFile::update(const std::function<void(nlohmann::json&)>& change) const {
  // Without the lock (a read-only folder cannot hold the lock file) the write fails as well,
  // and the caller keeps its change in memory.
  FileLock otherProcesses(lockFile());
  auto data = read();
  change(data);
  return writeFileAtomically(file_, data.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", 0600);
}

}  // namespace nemo::support
