#include "mcp/Protocol.h"

namespace nemo::mcp {

int logLevelRank(std::string_view level) {
  static constexpr std::string_view kLevels[] = {"debug",    "info",  "notice", "warning",
                                                 "error",    "critical", "alert", "emergency"};
  for (int i = 0; i < static_cast<int>(std::size(kLevels)); ++i) {
    if (kLevels[i] == level) return i;
  }
  return -1;
}

}  // namespace nemo::mcp
