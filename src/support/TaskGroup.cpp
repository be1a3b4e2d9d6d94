#include "support/TaskGroup.h"

#include <system_error>

#include <spdlog/spdlog.h>

namespace nemo::support {

TaskGroup::~TaskGroup() {
  // Owners stop their tasks first; joining (not detaching, not terminating) waits for the rest.
  std::list<Entry> entries;
  {
    std::lock_guard lock(mutex_);
    entries.swap(entries_);
  }
  for (auto& entry : entries) {
    if (entry.thread.joinable()) entry.thread.join();
  }
}

bool TaskGroup::spawn(std::function<void()> task) {
  std::lock_guard lock(mutex_);
  reapFinished();
  auto& entry = entries_.emplace_back();
  ++running_;
  try {
    entry.thread = std::thread([this, &entry, task = std::move(task)] {
      try {
        task();
      } catch (const std::exception& e) {
        // A task's failure must not take the process down with it (std::terminate).
        spdlog::error("background task failed: {}", e.what());
      } catch (...) {
        spdlog::error("background task failed");
      }
      std::lock_guard done(mutex_);
      entry.finished = true;
      if (--running_ == 0) idle_.notify_all();
    });
  } catch (const std::system_error& e) {
    spdlog::error("cannot start a thread: {}", e.what());
    entries_.pop_back();
    if (--running_ == 0) idle_.notify_all();
    return false;
  }
  return true;
}

void TaskGroup::reapFinished() {
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->finished) {
      it->thread.join();  // already returned from its body: joins at once
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

bool TaskGroup::waitAll(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  bool idle = idle_.wait_for(lock, timeout, [this] { return running_ == 0; });
  if (idle) reapFinished();
  return idle;
}

std::size_t TaskGroup::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

}  // namespace nemo::support
