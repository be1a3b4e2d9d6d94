#include "jsonrpc/OutputChannel.h"

#include <cerrno>
#include <string>
#include <unistd.h>

namespace nemo::jsonrpc {

bool OutputChannel::send(const nlohmann::json& message) {
  // Invalid UTF-8 from a backend must not throw here: replace it.
  return sendLine(message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

bool OutputChannel::sendLine(std::string_view serialized) {
  std::string line;
  line.reserve(serialized.size() + 1);
  line.append(serialized);
  line.push_back('\n');
  std::lock_guard lock(mutex_);
  if (broken_) return false;
  const char* data = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    auto written = ::write(fd_, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      broken_ = true;  // EPIPE and friends: the client is gone
      return false;
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
  return true;
}

}  // namespace nemo::jsonrpc
