// A JSON state file that several server processes share (two client windows on one HOME): each
// change re-reads the file under a cross-process lock and writes it back atomically, so that no
// process's entries are lost to another's stale copy.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace nemo::support {

class SharedJsonFile {
 public:
  explicit SharedJsonFile(std::filesystem::path file);

  const std::filesystem::path& file() const { return file_; }
  // Held across processes while a change is made: the file's name plus ".lock".
  std::filesystem::path lockFile() const;

  // The file's object as it is now; an empty object when it is missing or unreadable. No lock is
  // needed to read: writes replace the file whole by rename.
  nlohmann::json read() const;

  // Re-reads the file under the lock, applies `change`, writes the result atomically (mode
  // 0600). Returns an error text when the file could not be written (e.g. a read-only folder).
  std::optional<std::string> update(const std::function<void(nlohmann::json&)>& change) const;

 private:
  std::filesystem::path file_;
};

}  // namespace nemo::support
