#include "support/Pause.h"

#include <condition_variable>
#include <mutex>

namespace nemo::support {

bool pauseUntil(std::chrono::steady_clock::time_point until, const std::stop_token& stop) {
  std::mutex mutex;
  std::condition_variable_any stopped;  // only a stop request wakes it
  std::unique_lock lock(mutex);
  stopped.wait_until(lock, stop, until, [] { return false; });
  return !stop.stop_requested();
}

}  // namespace nemo::support
