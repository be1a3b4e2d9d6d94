// Threads for work that may block (tool calls, streams, polls): each task gets its own thread,
// finished ones are reaped, waitAll() waits with a deadline, and the destructor joins (never
// detaches): owners stop their tasks before they destroy the group.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <list>
#include <mutex>
#include <thread>

namespace nemo::support {

class TaskGroup {
 public:
  ~TaskGroup();
  // Runs the task on a new thread; false when no thread could be started (nothing runs then).
  // An exception escaping the task is logged, never fatal.
  bool spawn(std::function<void()> task);
  // Waits until no task runs or the timeout passes; true when all finished (and were joined).
  bool waitAll(std::chrono::milliseconds timeout);
  std::size_t running() const;

 private:
  void reapFinished();  // caller holds mutex_
  struct Entry {
    std::thread thread;
    bool finished = false;
  };
  mutable std::mutex mutex_;
  std::condition_variable idle_;
  std::list<Entry> entries_;
  std::size_t running_ = 0;
};

}  // namespace nemo::support
