#include "nemo/renders/FilePlacement.h"

#include <cctype>
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace nemo::renders {

std::string safeFileStem(const std::string& title) {
  std::string stem;
  for (unsigned char c : title) {
    if (std::isalnum(c) || c == '-' || c == '_' || c >= 0x80) stem += static_cast<char>(c);
    else if ((c == ' ' || c == '.') && !stem.empty() && stem.back() != ' ') stem += ' ';
  }
  while (!stem.empty() && (stem.back() == ' ' || stem.back() == '.')) stem.pop_back();
  if (stem.size() > 80) stem.resize(80);
  return stem.empty() ? std::string("nemo-video") : stem;
}

bool placeWithoutOverwrite(const std::filesystem::path& temp, const std::filesystem::path& dir, const std::string& stem,
                           std::string& placed) {
  for (int n = 1; n < 1000; ++n) {
    auto candidate = dir / (stem + (n == 1 ? std::string() : " (" + std::to_string(n) + ")") + ".mp4");
    // link() fails when the name exists, unlike rename(): no check-then-act race.
    if (::link(temp.c_str(), candidate.c_str()) == 0) {
      ::unlink(temp.c_str());
      placed = candidate.string();
      return true;
    }
    if (errno == EEXIST) continue;
    // No hard links here (FAT, some network mounts): claim the name exclusively, then move onto it.
    int claim = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (claim < 0) {
      if (errno == EEXIST) continue;
      return false;
    }
    ::close(claim);
    if (::rename(temp.c_str(), candidate.c_str()) != 0) {
      ::unlink(candidate.c_str());
      return false;
    }
    placed = candidate.string();
    return true;
  }
  return false;
}

}  // namespace nemo::renders
