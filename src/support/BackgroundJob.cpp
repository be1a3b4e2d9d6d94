#include "support/BackgroundJob.h"

#include <algorithm>

namespace nemo::support {

JobCore::JobCore(std::string id) : id_(std::move(id)) {}

JobState JobCore::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

Clock::time_point JobCore::finishedAt() const {
  std::lock_guard lock(mutex_);
  return finishedAt_;
}

std::optional<JobProgress> JobCore::latestStep() const {
  std::lock_guard lock(mutex_);
  return latestStep_;
}

void JobCore::changeUnderLock(const std::function<void()>& change, std::optional<JobState> finishAs) {
  {
    std::lock_guard lock(mutex_);
    if (finishAs && state_ != JobState::Running) return;  // finished once: the result stays as it was
    change();
    if (finishAs) {
      state_ = *finishAs;
      finishedAt_ = Clock::now();
    }
  }
  changed_.notify_all();
}

void JobCore::report(JobProgress progress) {
  {
    std::lock_guard lock(mutex_);
    if (progress.kind == JobProgress::Kind::Step) latestStep_ = progress;
    progressBytes_ += progress.text.size();
    progress_.push_back(std::move(progress));
    while (progress_.size() > 1 && (progress_.size() > kKeptProgress || progressBytes_ > kKeptProgressBytes)) {
      progressBytes_ -= progress_.front().text.size();
      progress_.pop_front();
      ++firstProgress_;
    }
  }
  changed_.notify_all();
}

bool JobCore::pause(std::chrono::milliseconds howLong) {
  auto stop = stop_.get_token();
  std::unique_lock lock(mutex_);
  changed_.wait_until(lock, stop, Clock::now() + howLong, [&] { return wakes_ != wakesSeen_; });
  wakesSeen_ = wakes_;
  return !stop.stop_requested();
}

void JobCore::requestStop() {
  stop_.request_stop();  // wakes a pause: it waits on this very token
}

void JobCore::wake() {
  {
    std::lock_guard lock(mutex_);
    ++wakes_;
  }
  changed_.notify_all();
}

WaitEnd JobCore::wait(Clock::time_point deadline, const std::stop_token& callerStop,
                      const std::function<void(const JobProgress&)>& onProgress, const JobWaitOptions& options) {
  auto relay = [&](std::unique_lock<std::mutex>& lock, const JobProgress& progress) {
    if (!onProgress) return;
    lock.unlock();  // the callback writes to the client: never under the job's lock
    onProgress(progress);
    lock.lock();
  };
  // A heartbeat at least every 100 ms: never a busy loop.
  const auto heartbeatEvery = std::max(options.heartbeatEvery, std::chrono::milliseconds(100));
  std::unique_lock lock(mutex_);
  // A waiter relays what happens from now on: what came before is in the view it reads after.
  std::uint64_t cursor = options.fromStart ? firstProgress_ : firstProgress_ + progress_.size();
  auto lastSignal = Clock::now();
  if (options.announceLatestStep && latestStep_) relay(lock, JobProgress(*latestStep_));
  for (;;) {
    while (cursor < firstProgress_ + progress_.size()) {
      if (cursor < firstProgress_) cursor = firstProgress_;  // too far behind: the oldest kept
      JobProgress next = progress_[cursor - firstProgress_];
      ++cursor;
      relay(lock, next);
      lastSignal = Clock::now();
    }
    if (state_ != JobState::Running) return WaitEnd::Finished;
    if (callerStop.stop_requested()) return WaitEnd::Stopped;
    const auto now = Clock::now();
    if (now >= deadline) return WaitEnd::Deadline;
    if (now - lastSignal >= heartbeatEvery) {
      JobProgress beat{JobProgress::Kind::Heartbeat, latestStep_ ? latestStep_->text : std::string(),
                       latestStep_ ? latestStep_->percent : std::nullopt};
      relay(lock, beat);
      lastSignal = Clock::now();
      continue;
    }
    const auto seenEnd = firstProgress_ + progress_.size();
    changed_.wait_until(lock, callerStop, std::min(deadline, lastSignal + heartbeatEvery),
                        [&] { return state_ != JobState::Running || firstProgress_ + progress_.size() != seenEnd; });
  }
}

}  // namespace nemo::support
