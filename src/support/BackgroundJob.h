// Long work as one concept: a generation turn, a render, a rate-limit wait. A job runs on a
// thread of its own and has a state, a log of progress, a view of its result (so far, then
// final) and a stop token. Callers wait on it for a bounded time, relaying its progress, and
// come back later with its id; the MCP tasks extension waits on the same job. Waits wake on
// a change, on the caller's own stop and at their deadline: one condition variable, no
// polling. Knows nothing of NemoVideo or MCP. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

namespace nemo::support {

using Clock = std::chrono::steady_clock;

enum class JobState { Running, Completed, Failed, Cancelled };
std::string_view jobStateName(JobState state);  // "running", "completed", "failed", "cancelled"

struct JobProgress {
  // Text: more of the work's words; Step: what it is doing now ("Rendering 44%"); Heartbeat:
  // nothing new (a wait says so when it has been quiet for a while).
  enum class Kind { Text, Step, Heartbeat };
  Kind kind = Kind::Step;
  std::string text;
  std::optional<double> percent;
};

struct JobWaitOptions {
  std::chrono::milliseconds heartbeatEvery{10'000};  // the longest silence a waiter relays
  bool announceLatestStep = false;                    // hand the current step over first
};

enum class WaitEnd { Finished, Deadline, Stopped };

// Sleeps until `until` or a stop request, whichever is first. False when stopped.
bool pauseUntil(Clock::time_point until, const std::stop_token& stop);

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
  Clock::time_point startedAt() const { return startedAt_; }
  Clock::time_point finishedAt() const;  // time_point::max() while running

  // The work's side. Progress is kept for waiters that relay it from the moment they started.
  void report(JobProgress progress);
  std::stop_token stopToken() const { return stop_.get_token(); }
  bool stopRequested() const { return stop_.stop_requested(); }
  // The pause between two steps of the work: ends after `howLong`, at wake() or at a stop
  // request. False when the job is asked to stop.
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
  // Runs `change` under the job's lock and wakes the waiters; `finishAs` ends the job (once:
  // a finished job's state stays, though its view may still be filled in).
  void changeLocked(const std::function<void()>& change, std::optional<JobState> finishAs = std::nullopt);
  JobState stateWhileLocked() const { return state_; }  // caller holds mutex_
  mutable std::mutex mutex_;

 private:
  static constexpr std::size_t kKeptProgress = 4096;  // a waiter this far behind skips ahead

  std::string id_;
  std::stop_source stop_;
  std::condition_variable_any changed_;
  JobState state_ = JobState::Running;
  Clock::time_point startedAt_ = Clock::now();
  Clock::time_point finishedAt_ = Clock::time_point::max();
  std::deque<JobProgress> progress_;
  std::uint64_t firstProgress_ = 0;  // the number of progress_.front() since the job began
  std::optional<JobProgress> latestStep_;
  std::uint64_t wakes_ = 0;
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
  void update(const std::function<void(View&)>& change) {
    changeLocked([&] { change(view_); });
  }
  void finish(JobState state, const std::function<void(View&)>& fill = {}) {
    changeLocked([&] { if (fill) fill(view_); }, state);
  }

 private:
  View view_;
};

}  // namespace nemo::support
