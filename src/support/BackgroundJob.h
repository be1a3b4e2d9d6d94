// Long work as one concept: a generation turn, a render, and the rate-limit waits inside them.
// A job runs on a thread of its own and has a state, a log of progress, a view of its result
// (so far, then final) and a stop token. Callers wait on it for a bounded time, relaying its
// progress, and come back later with its id (a client's task is such a wait, too). Waits wake
// on a change, on the caller's own stop and at their deadline: one condition variable, no
// polling. Knows nothing of what the work is. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>

namespace nemo::support {

using Clock = std::chrono::steady_clock;

enum class JobState { Running, Completed, Failed, Cancelled };

struct JobProgress {
  // Text: more of the work's words; Step: what it is doing now ("Rendering 44%"), repeated by
  // heartbeats; Note: a passing remark ("NemoVideo is rate limiting; retrying in 30 s"), said
  // once; Heartbeat: nothing new (a wait says so when it has been quiet for a while).
  enum class Kind { Text, Step, Note, Heartbeat };
  Kind kind = Kind::Step;
  std::string text;
  std::optional<double> percent;
};

struct JobWaitOptions {
  std::chrono::milliseconds heartbeatEvery{10'000};  // the longest silence a waiter relays
  bool announceLatestStep = false;                    // a waiter joining late: the current step first
  bool fromStart = false;  // the caller that started the job: everything from the first progress on
};

enum class WaitEnd { Finished, Deadline, Stopped };

// What every job has, whatever its result looks like.
class JobCore {
 public:
  explicit JobCore(std::string id);
  JobCore(const JobCore&) = delete;
  JobCore& operator=(const JobCore&) = delete;
  virtual ~JobCore() = default;

  const std::string& id() const { return id_; }
  JobState state() const;
  bool running() const { return state() == JobState::Running; }
  Clock::time_point finishedAt() const;  // time_point::max() while running

  // The work's side. Progress is kept for waiters that relay it from the moment they started.
  void report(JobProgress progress);
  std::stop_token stopToken() const { return stop_.get_token(); }
  bool stopRequested() const { return stop_.stop_requested(); }
  // The pause between two steps of the work: ends after `howLong`, at a stop request, or at
  // once when wake() was called since the last pause (a wake-up is never lost). False when the
  // job is asked to stop.
  bool pause(std::chrono::milliseconds howLong);

  // Anyone's side.
  void requestStop();  // the work ends as soon as it notices (a stream closes within a second)
  void wake();         // ends the work's current pause: something it waits for has happened
  std::optional<JobProgress> latestStep() const;

  // Waits until the job finishes, the deadline passes or `callerStop` is requested, relaying
  // progress from now on (and a heartbeat after a quiet `heartbeatEvery`).
  WaitEnd wait(Clock::time_point deadline, const std::stop_token& callerStop,
               const std::function<void(const JobProgress&)>& onProgress, const JobWaitOptions& options = {});

 protected:
  // Takes the job's lock, runs `change` and wakes the waiters; `finishAs` ends the job, once: a
  // second finish changes nothing (its `change` does not run).
  void changeUnderLock(const std::function<void()>& change, std::optional<JobState> finishAs = std::nullopt);
  JobState stateWhileLocked() const { return state_; }  // caller holds mutex_
  mutable std::mutex mutex_;

 private:
  // The progress kept for waiters; one this far behind skips ahead.
  static constexpr std::size_t kKeptProgress = 4096;
  static constexpr std::size_t kKeptProgressBytes = 1 << 20;

  std::string id_;
  std::stop_source stop_;
  std::condition_variable_any changed_;
  JobState state_ = JobState::Running;
  Clock::time_point finishedAt_ = Clock::time_point::max();
  std::deque<JobProgress> progress_;
  std::size_t progressBytes_ = 0;
  // Progress is numbered from the job's start; progress_ holds the latest ones, from this number.
  std::uint64_t firstProgress_ = 0;
  std::optional<JobProgress> latestStep_;
  std::uint64_t wakes_ = 0;
  std::uint64_t wakesSeen_ = 0;  // by pause()
};

// A job whose result is a `View`: filled in while it runs (a turn's text so far), final when
// it finished.
template <class View>
class BackgroundJob : public JobCore {
 public:
  BackgroundJob(std::string id, View initial) : JobCore(std::move(id)), view_(std::move(initial)) {}

  struct Snapshot {
    JobState state;
    View view;
  };
  Snapshot snapshot() const {
    std::lock_guard lock(mutex_);
    return {stateWhileLocked(), view_};
  }
  View view() const {
    std::lock_guard lock(mutex_);
    return view_;
  }
  // Reads part of the view without copying it all (`read` runs under the job's lock).
  template <class Read>
  auto read(Read&& read) const {
    std::lock_guard lock(mutex_);
    return read(stateWhileLocked(), view_);
  }
  void update(const std::function<void(View&)>& change) {
    changeUnderLock([&] { change(view_); });
  }
  void finish(JobState state, const std::function<void(View&)>& fill = {}) {
    changeUnderLock([&] { if (fill) fill(view_); }, state);
  }

 private:
  View view_;
};

}  // namespace nemo::support
