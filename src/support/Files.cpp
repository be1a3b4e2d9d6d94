#include "support/Files.h"
#include "support/Random.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace nemo::support {

std::optional<std::string> readWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

FileLock::FileLock(const std::filesystem::path& path) {
  if (ensurePrivateDirectory(path.parent_path())) return;
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) return;
  while (::flock(fd_, LOCK_EX) != 0) {
    if (errno != EINTR) {
      ::close(fd_);
      fd_ = -1;
      return;
    }
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

std::optional<std::string> ensurePrivateDirectory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (dir.empty() || std::filesystem::is_directory(dir, ec)) return std::nullopt;
  // Parents first, each made 0700 itself: create_directories would give them the umask's mode.
  if (auto error = ensurePrivateDirectory(dir.parent_path())) return error;
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return "cannot create folder " + dir.string() + ": " + std::strerror(errno);
  }
  ::chmod(dir.c_str(), 0700);
  return std::nullopt;
}

std::optional<std::string> writeFileAtomically(const std::filesystem::path& path, std::string_view content,
                                               mode_t mode) {
  if (auto error = ensurePrivateDirectory(path.parent_path())) return error;
  auto temp = path;
  temp += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(randomNumber());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return "cannot write " + temp.string() + ": " + std::strerror(errno);
  ::fchmod(fd, mode);  // the umask must not widen or narrow what we asked for
  const char* data = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    auto written = ::write(fd, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      auto error = std::string("cannot write ") + temp.string() + ": " + std::strerror(errno);
      ::close(fd);
      ::unlink(temp.c_str());
      return error;
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
  ::fsync(fd);
  ::close(fd);
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    auto error = std::string("cannot replace ") + path.string() + ": " + std::strerror(errno);
    ::unlink(temp.c_str());
    return error;
  }
  return std::nullopt;
}

}  // namespace nemo::support
