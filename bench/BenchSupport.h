// Shared helpers of the benchmark programs: spawning a child with pipes (fork/exec), reading
// newline-delimited answers, /proc memory figures, temporary folders, percentiles and table output.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

extern char** environ;

namespace bench {

using Clock = std::chrono::steady_clock;

inline double microsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

// A temporary folder, removed with everything in it when the object goes.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix) {
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string sub(const std::string& name) const {
    auto p = path_ / name;
    std::filesystem::create_directories(p);
    return p.string();
  }

 private:
  std::filesystem::path path_;
};

// The current environment with some variables replaced or added.
inline std::vector<std::string> environmentWith(const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    std::string name(entry.substr(0, eq));
    if (overrides.count(name) == 0) out.emplace_back(entry);
  }
  for (const auto& [name, value] : overrides) out.push_back(name + "=" + value);
  return out;
}

inline bool writeAll(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}
inline bool writeAll(int fd, std::string_view s) { return writeAll(fd, s.data(), s.size()); }

// Reads newline-terminated lines from a descriptor with its own buffer.
class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) { buffer_.reserve(1 << 16); }
  // Next line without its newline; nullopt on end of file, error or timeout (timeoutMs < 0: none).
  std::optional<std::string_view> next(int timeoutMs = -1) {
    for (;;) {
      auto nl = buffer_.find('\n', scan_);
      if (nl != std::string::npos) {
        std::string_view line(buffer_.data() + start_, nl - start_);
        start_ = scan_ = nl + 1;
        return line;
      }
      if (start_ > 0) {
        buffer_.erase(0, start_);
        start_ = 0;
      }
      scan_ = buffer_.size();
      if (timeoutMs >= 0) {
        pollfd p{fd_, POLLIN, 0};
        int r = ::poll(&p, 1, timeoutMs);
        if (r == 0) return std::nullopt;
        if (r < 0 && errno != EINTR) return std::nullopt;
      }
      char chunk[1 << 16];
      ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

 private:
  int fd_;
  std::string buffer_;
  std::size_t start_ = 0;
  std::size_t scan_ = 0;
};

// A child process with its stdin and stdout on pipes; stderr goes to a file or /dev/null.
struct Child {
  pid_t pid = -1;
  int in = -1;   // we write the child's stdin here
  int out = -1;  // we read the child's stdout here
  rusage usage{};
  int status = 0;

  Child() = default;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  void closeInput() {
    if (in >= 0) ::close(in);
    in = -1;
  }
  // Closes stdin and waits (up to graceMs, then SIGKILL); returns the wait status.
  int finish(int graceMs = 5000) {
    closeInput();
    if (pid > 0) {
      auto start = Clock::now();
      for (;;) {
        pid_t r = ::wait4(pid, &status, WNOHANG, &usage);
        if (r == pid) break;
        if (r < 0 && errno != EINTR) break;
        if (microsSince(start) > graceMs * 1000.0) {
          ::kill(pid, SIGKILL);
          ::wait4(pid, &status, 0, &usage);
          break;
        }
        ::usleep(1000);
      }
      pid = -1;
    }
    if (out >= 0) ::close(out);
    out = -1;
    return status;
  }
  ~Child() { finish(1000); }
};

// fork/exec of argv with env; the child's stderr goes to stderrPath ("" = /dev/null).
inline void spawn(Child& child, const std::vector<std::string>& argv, const std::vector<std::string>& env,
                  const std::string& stderrPath = "", bool pipeStdin = true) {
  int toChild[2], fromChild[2];
  if (::pipe2(toChild, O_CLOEXEC) != 0 || ::pipe2(fromChild, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  std::vector<char*> args, envp;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const char* errPath = stderrPath.empty() ? "/dev/null" : stderrPath.c_str();
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int err = ::open(errPath, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (pipeStdin) {
      ::dup2(toChild[0], 0);
    } else {
      int null = ::open("/dev/null", O_RDONLY);
      ::dup2(null, 0);
    }
    ::dup2(fromChild[1], 1);
    if (err >= 0) ::dup2(err, 2);
    ::execve(args[0], args.data(), envp.data());
    std::fprintf(stderr, "exec %s: %s\n", args[0], std::strerror(errno));
    ::_exit(127);
  }
  ::close(toChild[0]);
  ::close(fromChild[1]);
  child.pid = pid;
  child.in = toChild[1];
  child.out = fromChild[0];
  if (!pipeStdin) child.closeInput();
}

// A field of /proc/<pid>/status in kB (VmRSS, VmHWM, ...); -1 if unreadable.
inline long procStatusKb(pid_t pid, const std::string& field) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::strtol(line.c_str() + field.size() + 1, nullptr, 10);
  }
  return -1;
}

// CPU time (user + system, all threads) a live process has used so far, in microseconds; -1 if unreadable.
inline double procCpuMicros(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto paren = text.rfind(')');
  if (paren == std::string::npos) return -1;
  std::vector<std::string> fields;  // fields[0] is field 3 (state)
  std::size_t at = paren + 2;
  while (at < text.size()) {
    auto space = text.find(' ', at);
    fields.push_back(text.substr(at, space - at));
    if (space == std::string::npos) break;
    at = space + 1;
  }
  if (fields.size() < 13) return -1;
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  return (std::stod(fields[11]) + std::stod(fields[12])) / ticks * 1e6;  // utime, stime
}

// User + system CPU time of a finished child from its rusage, in microseconds.
inline double cpuMicros(const rusage& u) {
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e6 +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// The first line of /proc/loadavg (the machine's load, to judge the noise of a run).
inline std::string loadAverage() {
  std::ifstream f("/proc/loadavg");
  std::string line;
  std::getline(f, line);
  return line;
}

// Percentile (0..100) of a sample, nearest-rank.
inline double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size()) + 0.999999);
  rank = std::clamp<std::size_t>(rank, 1, v.size());
  return v[rank - 1];
}
inline double median(std::vector<double> v) { return percentile(std::move(v), 50); }

// Absolute path of an executable found in PATH, or "" when missing.
inline std::string findInPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  std::string_view rest(path);
  while (!rest.empty()) {
    auto colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

inline std::string format(const char* fmt, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, value);
  return buf;
}

// A plain text table: the first row is the header; columns are padded to their widest cell.
inline void printTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width;
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], row[i].size());
    }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string line;
    for (std::size_t i = 0; i < rows[r].size(); ++i) {
      line += rows[r][i];
      if (i + 1 < rows[r].size()) line += std::string(width[i] - rows[r][i].size() + 2, ' ');
    }
    std::printf("%s\n", line.c_str());
    if (r == 0) {
      std::size_t total = 0;
      for (auto w : width) total += w + 2;
      std::printf("%s\n", std::string(total > 2 ? total - 2 : 0, '-').c_str());
    }
  }
}

// The MCP `initialize` request (id 1) that starts every session the benchmarks measure.
constexpr std::string_view kInitialize =
    R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",)"
    R"("capabilities":{},"clientInfo":{"name":"bench","version":"1"}}})"
    "\n";

// The id of an answer and whether it is a result (not an error); cheap, without a full parse.
inline bool isResultFor(std::string_view line, long id) {
  auto at = line.rfind("\"id\":");
  if (at == std::string_view::npos) return false;
  long got = std::strtol(line.data() + at + 5, nullptr, 10);
  return got == id && line.find("\"result\"") != std::string_view::npos;
}

// Reads lines until the answer to `id` (skipping notifications); false on EOF, timeout or error answer.
inline bool awaitAnswer(LineReader& reader, long id, std::string* last = nullptr, int timeoutMs = 10000) {
  for (;;) {
    auto line = reader.next(timeoutMs);
    if (!line) return false;
    if (last != nullptr) *last = std::string(*line);
    if (line->find("\"method\"") != std::string_view::npos && line->find("\"id\"") == std::string_view::npos)
      continue;  // a notification
    return isResultFor(*line, id);
  }
}

// One spawn of a server: the wall time from just before fork until the whole `initialize` answer
// has been read (the request is written right after the fork), and the CPU time of the child and
// of the children it waited for, measured once it has exited on end of input.
struct StartSample {
  double wallUs = 0;
  double cpuUs = 0;
};
inline std::optional<StartSample> timeToInitializeAnswer(const std::vector<std::string>& argv,
                                                         const std::vector<std::string>& env,
                                                         std::string* answer = nullptr) {
  Child child;
  auto start = Clock::now();
  spawn(child, argv, env);
  writeAll(child.in, kInitialize);
  LineReader reader(child.out);
  bool ok = awaitAnswer(reader, 1, answer, 20000);
  double us = microsSince(start);
  child.finish(3000);
  if (!ok) return std::nullopt;
  return StartSample{us, cpuMicros(child.usage)};
}

}  // namespace bench
