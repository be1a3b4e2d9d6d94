// Tests of the background-job primitive that chat turns, renders and rate-limit waits share:
// completion with a final view, waiters that relay progress and wake at once on a change, on
// their own stop and at their deadline, cancellation through the job's stop token, the work's
// pause and wake, and the set of jobs (one worker per id, broken work, shutdown).
#include "support/BackgroundJob.h"
#include "support/BackgroundJobs.h"
#include "support/Pause.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using nemo::support::BackgroundJob;
using nemo::support::BackgroundJobs;
using nemo::support::Clock;
using nemo::support::JobProgress;
using nemo::support::JobState;
using nemo::support::WaitEnd;

namespace {

struct Words {
  std::string text;
  std::string why;
};

std::chrono::milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

}  // namespace

TEST_CASE("a waiter relays progress and returns the final view when the job finishes", "[support][jobs]") {
  BackgroundJob<Words> job("job_1", {});
  std::vector<std::string> relayed;
  std::thread work([&] {
    std::this_thread::sleep_for(50ms);
    job.report({JobProgress::Kind::Text, "Hello, ", std::nullopt});
    job.update([](Words& words) { words.text = "Hello, "; });
    job.report({JobProgress::Kind::Step, "Rendering 40%", 40.0});
    job.finish(JobState::Completed, [](Words& words) { words.text = "Hello, world."; });
  });
  auto end = job.wait(Clock::now() + 5s, {}, [&](const JobProgress& p) { relayed.push_back(p.text); });
  work.join();
  CHECK(end == WaitEnd::Finished);
  CHECK(relayed == std::vector<std::string>{"Hello, ", "Rendering 40%"});
  auto snapshot = job.snapshot();
  CHECK(snapshot.state == JobState::Completed);
  CHECK(snapshot.view.text == "Hello, world.");
  CHECK(job.latestStep()->percent == 40.0);
  CHECK(job.finishedAt() != Clock::time_point::max());
}

TEST_CASE("a job finishes once: a later finish changes neither state nor view", "[support][jobs]") {
  BackgroundJob<Words> job("job_1", {});
  job.finish(JobState::Cancelled, [](Words& words) { words.why = "cancelled by the user"; });
  job.finish(JobState::Failed, [](Words& words) { words.why = "late"; });
  CHECK(job.state() == JobState::Cancelled);
  CHECK(job.view().why == "cancelled by the user");
}

TEST_CASE("a waiter relays only what happens after it began waiting", "[support][jobs]") {
  BackgroundJob<Words> job("job_1", {});
  job.report({JobProgress::Kind::Text, "before", std::nullopt});
  job.report({JobProgress::Kind::Step, "Waiting for a render slot", std::nullopt});
  std::vector<std::string> plain, announced;
  job.wait(Clock::now() + 50ms, {}, [&](const JobProgress& p) { plain.push_back(p.text); }, {1h, false});
  job.wait(Clock::now() + 50ms, {}, [&](const JobProgress& p) { announced.push_back(p.text); }, {1h, true});
  CHECK(plain.empty());
  // A waiter that joins late may ask for the current step first.
  CHECK(announced == std::vector<std::string>{"Waiting for a render slot"});
}

TEST_CASE("the caller that started a job may relay it from its first progress", "[support][jobs]") {
  BackgroundJob<Words> job("job_1", {});
  job.report({JobProgress::Kind::Text, "First words", std::nullopt});
  std::vector<std::string> relayed;
  job.wait(Clock::now() + 50ms, {}, [&](const JobProgress& p) { relayed.push_back(p.text); }, {1h, false, true});
  CHECK(relayed == std::vector<std::string>{"First words"});
}

TEST_CASE("a note is relayed once and never repeated by heartbeats", "[support][jobs]") {
  BackgroundJob<Words> job("job_1", {});
  job.report({JobProgress::Kind::Step, "Rendering 12%", 12.0});
  job.report({JobProgress::Kind::Note, "NemoVideo is rate limiting; retrying once in 30 seconds.", std::nullopt});
  CHECK(job.latestStep()->text == "Rendering 12%");
  std::vector<std::string> relayed;
  job.wait(Clock::now() + 250ms, {}, [&](const JobProgress& p) { relayed.push_back(p.text); }, {100ms, true});
  REQUIRE(relayed.size() >= 2);
  for (const auto& line : relayed) CHECK(line == "Rendering 12%");
}

TEST_CASE("the kept progress is bounded; a waiter far behind skips ahead", "[support][jobs]") {
  BackgroundJob<Words> job("job_1", {});
  std::vector<std::string> relayed;
  std::thread work([&] {
    std::this_thread::sleep_for(50ms);
    // 3 MB of words in 3000 pieces: more than the 1 MB kept.
    for (int i = 0; i < 3000; ++i) job.report({JobProgress::Kind::Text, std::string(1024, 'a' + i % 26), std::nullopt});
    job.finish(JobState::Completed);
  });
  std::size_t bytes = 0;
  job.wait(Clock::now() + 10s, {}, [&](const JobProgress& p) {
    if (relayed.empty()) std::this_thread::sleep_for(300ms);  // a slow client: the job runs ahead
    relayed.push_back(p.text);
    bytes += p.text.size();
  });
  work.join();
  CHECK(job.state() == JobState::Completed);
  CHECK(bytes <= 1024 * 1024 + 1024 * 2);  // what was kept, plus the piece in hand
  CHECK_FALSE(relayed.empty());
}

TEST_CASE("a wait ends at its deadline, with heartbeats carrying the latest step while quiet", "[support][jobs]") {
  BackgroundJob<Words> job("job_1", {});
  job.report({JobProgress::Kind::Step, "Rendering 12%", 12.0});
  std::vector<JobProgress> relayed;
  auto start = Clock::now();
  auto end = job.wait(Clock::now() + 350ms, {}, [&](const JobProgress& p) { relayed.push_back(p); }, {100ms, false});
  CHECK(end == WaitEnd::Deadline);
  CHECK(since(start) >= 340ms);
  CHECK(since(start) < 2s);
  REQUIRE(relayed.size() >= 2);
  for (const auto& beat : relayed) {
    CHECK(beat.kind == JobProgress::Kind::Heartbeat);
    CHECK(beat.text == "Rendering 12%");
    CHECK(beat.percent == 12.0);
  }
  CHECK(job.running());
}

TEST_CASE("the caller's stop ends its wait at once, and the job goes on", "[support][jobs]") {
  BackgroundJob<Words> job("job_1", {});
  std::stop_source caller;
  std::thread stopper([&] {
    std::this_thread::sleep_for(100ms);
    caller.request_stop();
  });
  auto start = Clock::now();
  auto end = job.wait(Clock::now() + 30s, caller.get_token(), {}, {30s, false});
  stopper.join();
  CHECK(end == WaitEnd::Stopped);
  CHECK(since(start) < 5s);
  CHECK(job.running());
  CHECK_FALSE(job.stopRequested());
}

TEST_CASE("requestStop cancels the work: its pause ends at once and false", "[support][jobs]") {
  BackgroundJob<Words> job("job_1", {});
  std::promise<bool> paused;
  std::thread work([&] {
    bool goOn = job.pause(30s);
    paused.set_value(goOn);
    job.finish(job.stopRequested() ? JobState::Cancelled : JobState::Completed);
  });
  auto start = Clock::now();
  std::this_thread::sleep_for(50ms);
  job.requestStop();
  CHECK(job.wait(Clock::now() + 30s, {}, {}) == WaitEnd::Finished);
  work.join();
  CHECK(since(start) < 5s);
  CHECK_FALSE(paused.get_future().get());
  CHECK(job.state() == JobState::Cancelled);
}

TEST_CASE("wake ends a pause early; a wake just before the pause is not lost, and counts once", "[support][jobs]") {
  BackgroundJob<Words> job("job_1", {});
  job.wake();  // between the work's last look and its pause: the pause must not sleep through it
  auto start = Clock::now();
  CHECK(job.pause(30s));
  CHECK(since(start) < 5s);
  start = Clock::now();
  CHECK(job.pause(150ms));  // that wake was used up
  CHECK(since(start) >= 140ms);

  std::thread waker([&] {
    std::this_thread::sleep_for(50ms);
    job.wake();
  });
  start = Clock::now();
  CHECK(job.pause(30s));
  waker.join();
  CHECK(since(start) < 5s);
}

TEST_CASE("many waiters are all woken by one finish", "[support][jobs]") {
  BackgroundJob<Words> job("job_1", {});
  std::atomic<int> finished{0};
  std::vector<std::thread> waiters;
  for (int i = 0; i < 8; ++i) {
    waiters.emplace_back([&] {
      if (job.wait(Clock::now() + 30s, {}, {}) == WaitEnd::Finished) ++finished;
    });
  }
  std::this_thread::sleep_for(50ms);
  auto start = Clock::now();
  job.finish(JobState::Completed);
  for (auto& waiter : waiters) waiter.join();
  CHECK(finished == 8);
  CHECK(since(start) < 5s);
}

TEST_CASE("pauseUntil sleeps until its time, or until a stop", "[support][jobs]") {
  auto start = Clock::now();
  CHECK(nemo::support::pauseUntil(Clock::now() + 100ms, {}));
  CHECK(since(start) >= 90ms);

  std::stop_source stop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(50ms);
    stop.request_stop();
  });
  start = Clock::now();
  CHECK_FALSE(nemo::support::pauseUntil(Clock::now() + 30s, stop.get_token()));
  stopper.join();
  CHECK(since(start) < 5s);
}

TEST_CASE("a job set runs one worker per id and finds jobs by id and view", "[support][jobs]") {
  BackgroundJobs<Words> jobs(1h);
  std::atomic<int> workers{0};
  auto work = [&](BackgroundJob<Words>& job) {
    ++workers;
    job.pause(30s);  // until stopped
  };
  auto broken = [](Words&, const std::string&, bool) {};
  auto first = jobs.start("render_1", {"a", ""}, work, broken);
  auto again = jobs.start("render_1", {"b", ""}, work, broken);
  CHECK(first == again);
  CHECK(jobs.find("render_1") == first);
  CHECK(jobs.find("render_2") == nullptr);
  CHECK(jobs.findRunning([](const Words& w) { return w.text == "a"; }) == first);
  CHECK(jobs.findRunning([](const Words& w) { return w.text == "b"; }) == nullptr);

  jobs.stopAll();
  CHECK(first->wait(Clock::now() + 5s, {}, {}) == WaitEnd::Finished);
  // Work that returns without finishing after a stop request ends cancelled.
  CHECK(first->state() == JobState::Cancelled);
  CHECK(workers == 1);
  // A finished id may run again (a render resumed after its poller gave up).
  auto next = jobs.start("render_1", {"c", ""}, [](BackgroundJob<Words>& job) { job.finish(JobState::Completed); },
                         broken);
  CHECK(next != first);
  CHECK(next->wait(Clock::now() + 5s, {}, {}) == WaitEnd::Finished);
  CHECK(next->state() == JobState::Completed);
}

TEST_CASE("work that throws or just returns ends its job as failed, saying why", "[support][jobs]") {
  BackgroundJobs<Words> jobs(1h);
  auto broken = [](Words& words, const std::string& why, bool began) { words.why = why + (began ? "" : " (never began)"); };
  auto thrower = jobs.start("turn_1", {}, [](BackgroundJob<Words>&) { throw std::runtime_error("boom"); }, broken);
  REQUIRE(thrower->wait(Clock::now() + 5s, {}, {}) == WaitEnd::Finished);
  CHECK(thrower->state() == JobState::Failed);
  CHECK(thrower->view().why == "boom");

  auto odd = jobs.start("turn_3", {}, [](BackgroundJob<Words>&) { throw 42; }, broken);
  REQUIRE(odd->wait(Clock::now() + 5s, {}, {}) == WaitEnd::Finished);
  CHECK(odd->state() == JobState::Failed);
  CHECK(odd->view().why == "an unknown exception");

  // Work that finished its job and then threw keeps its result.
  auto done = jobs.start("turn_4", {}, [](BackgroundJob<Words>& job) {
    job.finish(JobState::Completed, [](Words& words) { words.text = "All done."; });
    throw std::runtime_error("after the end");
  }, broken);
  REQUIRE(done->wait(Clock::now() + 5s, {}, {}) == WaitEnd::Finished);
  CHECK(done->state() == JobState::Completed);
  CHECK(done->view().why.empty());

  auto quitter = jobs.start("turn_2", {}, [](BackgroundJob<Words>&) {}, broken);
  REQUIRE(quitter->wait(Clock::now() + 5s, {}, {}) == WaitEnd::Finished);
  CHECK(quitter->state() == JobState::Failed);
}

TEST_CASE("finished jobs are forgotten after their keep time; running ones never", "[support][jobs]") {
  BackgroundJobs<Words> jobs(50ms);
  auto broken = [](Words&, const std::string&, bool) {};
  auto done = jobs.start("turn_1", {}, [](BackgroundJob<Words>& job) { job.finish(JobState::Completed); }, broken);
  auto running = jobs.start("turn_2", {}, [](BackgroundJob<Words>& job) { job.pause(30s); }, broken);
  REQUIRE(done->wait(Clock::now() + 5s, {}, {}) == WaitEnd::Finished);
  std::this_thread::sleep_for(100ms);
  jobs.start("turn_3", {}, [](BackgroundJob<Words>& job) { job.finish(JobState::Completed); }, broken);  // prunes
  CHECK(jobs.find("turn_1") == nullptr);
  CHECK(jobs.find("turn_2") == running);
}

TEST_CASE("destroying a job set stops its running jobs and joins their threads", "[support][jobs]") {
  std::shared_ptr<BackgroundJob<Words>> job;
  auto start = Clock::now();
  {
    BackgroundJobs<Words> jobs(1h);
    job = jobs.start("render_1", {}, [](BackgroundJob<Words>& j) { j.pause(1h); }, [](Words&, const std::string&, bool) {});
  }
  CHECK(since(start) < 5s);
  CHECK(job->state() == JobState::Cancelled);
}
