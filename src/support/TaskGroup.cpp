#include "support/TaskGroup.h"

namespace nemo::support {

TaskGroup::~TaskGroup() {
  waitAll(std::chrono::hours(1));
}

void TaskGroup::spawn(std::function<void()> task) {
  std::lock_guard lock(mutex_);
  reapFinished();
  auto& entry = entries_.emplace_back();
  ++running_;
  entry.thread = std::thread([this, &entry, task = std::move(task)] {
    task();
    std::lock_guard done(mutex_);
    entry.finished = true;
    if (--running_ == 0) idle_.notify_all();
  });
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
