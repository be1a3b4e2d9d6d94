// Helpers shared by the unit tests: a private temporary folder, an environment variable set
// for one scope, a pipe that closes its ends, and a reader that collects whole output lines.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include <csignal>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nemo::test {

// A fresh folder under the system temp folder, removed with everything in it at scope end.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "nemo-unit-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Sets (or, with nullopt, unsets) an environment variable and restores the old value at scope end.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, std::optional<std::string> value) : name_(std::move(name)) {
    if (const char* old = std::getenv(name_.c_str())) old_ = old;
    if (value) ::setenv(name_.c_str(), value->c_str(), 1);
    else ::unsetenv(name_.c_str());
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_.c_str(), old_->c_str(), 1);
    else ::unsetenv(name_.c_str());
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

// A pipe whose ends close at scope end (or earlier, by closeRead/closeWrite).
class Pipe {
 public:
  Pipe() {
    // A test that closes one end early must fail its checks, not die of SIGPIPE.
    ::signal(SIGPIPE, SIG_IGN);
    if (::pipe2(fds_, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  }
  ~Pipe() {
    closeRead();
    closeWrite();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  int readFd() const { return fds_[0]; }
  int writeFd() const { return fds_[1]; }
  void closeRead() {
    if (fds_[0] >= 0) ::close(fds_[0]);
    fds_[0] = -1;
  }
  void closeWrite() {
    if (fds_[1] >= 0) ::close(fds_[1]);
    fds_[1] = -1;
  }
  // Writes all of `data` (the caller keeps it small enough or reads concurrently).
  void write(std::string_view data) const {
    while (!data.empty()) {
      auto written = ::write(fds_[1], data.data(), data.size());
      if (written < 0) throw std::runtime_error("pipe write failed");
      data.remove_prefix(static_cast<std::size_t>(written));
    }
  }

 private:
  int fds_[2] = {-1, -1};
};

// Collects newline-terminated lines from a file descriptor, waiting at most a deadline.
class LineCollector {
 public:
  explicit LineCollector(int fd) : fd_(fd) {}

  // The next whole line (without "\n"), or nullopt when none arrives in time or the input ends.
  std::optional<std::string> next(std::chrono::milliseconds timeout = std::chrono::milliseconds(2000)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (auto newline = buffer_.find('\n'); newline != std::string::npos) {
        auto line = buffer_.substr(0, newline);
        buffer_.erase(0, newline + 1);
        return line;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char chunk[4096];
      auto got = ::read(fd_, chunk, sizeof chunk);
      if (got <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<std::size_t>(got));
    }
  }

  // Every line until the input ends (or the timeout passes).
  std::vector<std::string> drain(std::chrono::milliseconds timeout = std::chrono::milliseconds(2000)) {
    std::vector<std::string> lines;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (auto line = next(std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                                  std::chrono::steady_clock::now()))) {
      lines.push_back(*line);
    }
    return lines;
  }

  // Bytes received but not yet ending in a newline.
  const std::string& pending() const { return buffer_; }

 private:
  int fd_;
  std::string buffer_;
};

}  // namespace nemo::test
