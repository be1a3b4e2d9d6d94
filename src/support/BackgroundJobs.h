// Background jobs of one kind (chat turns, renders), each on a thread of its own and found by
// its id until a while after it finished. One worker per id: starting a job whose id still
// runs gives the running one. Destroying the set stops its jobs and joins their threads.
// Thread-safe.
#pragma once

#include <chrono>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "support/BackgroundJob.h"
#include "support/TaskGroup.h"

namespace nemo::support {

template <class View>
class BackgroundJobs {
 public:
  using Job = BackgroundJob<View>;
  using Work = std::function<void(Job&)>;
  // Fills in the view of a job whose work broke before it finished: it threw (`began` true), or
  // no thread could be started for it (`began` false: nothing of the work was done).
  using OnBroken = std::function<void(View&, const std::string& why, bool began)>;

  explicit BackgroundJobs(std::chrono::milliseconds keepFinished) : keepFinished_(keepFinished) {}
  ~BackgroundJobs() {
    stopAll();
    threads_.waitAll(std::chrono::seconds(5));
  }

  // Runs `work` on its own thread. Work that returns without finishing the job ends it as
  // cancelled (when it was asked to stop) or failed.
  std::shared_ptr<Job> start(const std::string& id, View initial, Work work, OnBroken onBroken) {
    auto job = std::make_shared<Job>(id, std::move(initial));
    {
      std::lock_guard lock(mutex_);
      forgetFinishedLocked();
      auto found = jobs_.find(id);
      if (found != jobs_.end() && found->second->running()) return found->second;
      jobs_[id] = job;
    }
    bool started = threads_.spawn([job, work = std::move(work), onBroken] {
      std::string broke;
      try {
        work(*job);
      } catch (const std::exception& e) {
        broke = e.what();
      } catch (...) {
        broke = "an unknown exception";
      }
      // Whatever happened, the job ends here: a job left running would block its session for good.
      if (!job->running()) return;
      if (!broke.empty()) {
        job->finish(JobState::Failed, [&](View& view) { onBroken(view, broke, true); });
      } else {
        job->finish(job->stopRequested() ? JobState::Cancelled : JobState::Failed);
      }
    });
    if (!started) {
      job->finish(JobState::Failed, [&](View& view) { onBroken(view, "no thread could be started", false); });
    }
    return job;
  }

  std::shared_ptr<Job> find(const std::string& id) const {
    std::lock_guard lock(mutex_);
    auto found = jobs_.find(id);
    return found == jobs_.end() ? nullptr : found->second;
  }

  // A running job whose view matches (`matches` runs under the job's lock: keep it short).
  std::shared_ptr<Job> findRunning(const std::function<bool(const View&)>& matches) const {
    std::lock_guard lock(mutex_);
    for (const auto& [id, job] : jobs_) {
      bool found = job->read([&](JobState state, const View& view) { return state == JobState::Running && matches(view); });
      if (found) return job;
    }
    return nullptr;
  }

  void stopAll() {
    std::lock_guard lock(mutex_);
    for (const auto& [id, job] : jobs_) job->requestStop();
  }

 private:
  void forgetFinishedLocked() {
    const auto now = Clock::now();
    for (auto it = jobs_.begin(); it != jobs_.end();) {
      auto finished = it->second->finishedAt();
      if (finished != Clock::time_point::max() && now - finished > keepFinished_) {
        it = jobs_.erase(it);
      } else {
        ++it;
      }
    }
  }

  std::chrono::milliseconds keepFinished_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Job>> jobs_;
  TaskGroup threads_;  // last member: joined first, while the rest still lives
};

}  // namespace nemo::support
