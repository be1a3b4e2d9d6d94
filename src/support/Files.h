// Small file helpers: whole-file reads and atomic writes with a given mode, so that a crash or a
// killed process never leaves a half-written token, session list or render job behind.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>

namespace nemo::support {

std::optional<std::string> readWholeFile(const std::filesystem::path& path);

// Writes to a temporary file in the same folder with `mode`, fsyncs, renames over `path`.
// Creates missing parent folders with mode 0700. Returns an error text, or nullopt on success.
std::optional<std::string> writeFileAtomically(const std::filesystem::path& path, std::string_view content,
                                               mode_t mode = 0600);

// An exclusive lock on a file (flock), held while the object lives: serialises work between
// processes (two clients starting the server at once must not both ask for a token).
class FileLock {
 public:
  explicit FileLock(const std::filesystem::path& path);  // blocks; on failure, holds nothing
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// Creates the folder (and parents) with mode 0700 when missing. Returns an error text or nullopt.
std::optional<std::string> ensurePrivateDirectory(const std::filesystem::path& dir);

}  // namespace nemo::support
