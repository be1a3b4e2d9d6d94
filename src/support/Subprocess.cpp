#include "support/Subprocess.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

namespace nemo::support {

bool programOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string folders = path != nullptr ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= folders.size()) {
    auto end = folders.find(':', start);
    auto folder = folders.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!folder.empty() && ::access((std::filesystem::path(folder) / name).c_str(), X_OK) == 0) return true;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return false;
}

ProgramRun runProgram(const std::string& name, const std::vector<std::string>& args, std::chrono::milliseconds timeout,
                      std::size_t maxOutput) {
  ProgramRun run;
  int pipeFds[2];
  if (::pipe2(pipeFds, O_CLOEXEC) != 0) return run;
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(name.c_str()));
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(pipeFds[0]);
    ::close(pipeFds[1]);
    return run;
  }
  if (pid == 0) {
    // Child: stdout to the pipe, nothing on stdin, stderr discarded (our stdout is the protocol).
    int devNull = ::open("/dev/null", O_RDWR);
    ::dup2(devNull, STDIN_FILENO);
    ::dup2(pipeFds[1], STDOUT_FILENO);
    ::dup2(devNull, STDERR_FILENO);
    ::execvp(name.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(pipeFds[1]);
  run.started = true;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[65536];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      run.timedOut = true;
      break;
    }
    pollfd fd{pipeFds[0], POLLIN, 0};
    int ready = ::poll(&fd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    auto got = ::read(pipeFds[0], buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    auto room = maxOutput > run.output.size() ? maxOutput - run.output.size() : 0;
    run.output.append(buffer, std::min(room, static_cast<std::size_t>(got)));
  }
  ::close(pipeFds[0]);
  if (run.timedOut) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!run.timedOut && WIFEXITED(status)) run.exitCode = WEXITSTATUS(status);
  return run;
}

}  // namespace nemo::support
