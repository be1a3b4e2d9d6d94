// Tests of the task group: tasks run at the same time on their own threads, waitAll() gives up
// at its deadline while one still blocks, and succeeds (with nothing left running) after.
#include "support/TaskGroup.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <future>

using namespace std::chrono_literals;
using nemo::support::TaskGroup;

TEST_CASE("tasks run concurrently", "[support][taskgroup]") {
  TaskGroup group;
  std::mutex mutex;
  std::condition_variable changed;
  int arrived = 0;
  std::atomic<int> sawTheOther{0};
  // Each task waits until both have started: only possible when they run at the same time.
  auto task = [&] {
    std::unique_lock lock(mutex);
    ++arrived;
    changed.notify_all();
    if (changed.wait_for(lock, 1s, [&] { return arrived == 2; })) ++sawTheOther;
  };
  group.spawn(task);
  group.spawn(task);
  REQUIRE(group.waitAll(2s));
  CHECK(sawTheOther == 2);
  CHECK(group.running() == 0);
}

TEST_CASE("waitAll times out while a task blocks, then succeeds once it ends", "[support][taskgroup]") {
  TaskGroup group;
  std::promise<void> release;
  auto released = release.get_future().share();
  std::atomic<bool> quickDone{false};
  group.spawn([released] { released.wait(); });
  group.spawn([&] { quickDone = true; });

  auto started = std::chrono::steady_clock::now();
  CHECK_FALSE(group.waitAll(50ms));
  auto waited = std::chrono::steady_clock::now() - started;
  CHECK(waited >= 50ms);
  CHECK(waited < 500ms);
  CHECK(group.running() == 1);

  release.set_value();
  CHECK(group.waitAll(1s));
  CHECK(group.running() == 0);
  CHECK(quickDone);
}

TEST_CASE("an empty group is idle at once", "[support][taskgroup]") {
  TaskGroup group;
  auto started = std::chrono::steady_clock::now();
  CHECK(group.waitAll(1s));
  CHECK(std::chrono::steady_clock::now() - started < 100ms);
}

TEST_CASE("finished tasks are reaped when new ones are spawned", "[support][taskgroup]") {
  TaskGroup group;
  std::atomic<int> done{0};
  for (int i = 0; i < 20; ++i) {
    group.spawn([&] { ++done; });
  }
  REQUIRE(group.waitAll(2s));
  CHECK(done == 20);
  CHECK(group.running() == 0);
}
