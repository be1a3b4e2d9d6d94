#include "FuzzInput.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace nemo::fuzz {

int memoryFileWith(std::string_view bytes) {
  int fd = ::memfd_create("nemo-fuzz", MFD_CLOEXEC);
  if (fd < 0) throw std::runtime_error("memfd_create failed");
  while (!bytes.empty()) {
    auto written = ::write(fd, bytes.data(), bytes.size());
    if (written <= 0) throw std::runtime_error("memfd write failed");
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  ::lseek(fd, 0, SEEK_SET);
  return fd;
}

std::string contentsOf(int fd) {
  std::string out;
  char buffer[65536];
  for (off_t at = 0;;) {
    auto got = ::pread(fd, buffer, sizeof buffer, at);
    if (got <= 0) return out;
    out.append(buffer, static_cast<std::size_t>(got));
    at += got;
  }
}

void finding(const std::string& what) {
  std::fprintf(stderr, "FINDING: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace nemo::fuzz
