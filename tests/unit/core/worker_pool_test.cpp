// WorkerPool and its lanes: order within a strand, a width that is never exceeded, the bound
// that refuses rather than drops, a busy lane that does not hold another back, and shutdown that
// finishes (or, when asked, forgets) what is queued. No sleeps: jobs wait on gates the test
// opens, and the test waits on futures the jobs fulfil.
#include "core/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <vector>

namespace rg {
namespace {

// A job that says it started, then waits until the test opens the gate.
struct Gate {
  std::promise<void> open_promise;
  std::shared_future<void> opened = open_promise.get_future().share();
  void open() { open_promise.set_value(); }
};

Job blocked_until(Gate& gate, std::promise<void>& started) {
  return [&gate, &started] {
    started.set_value();
    gate.opened.wait();
  };
}

TEST(WorkerLane, AWidthOfOneRunsJobsOneAtATimeInPostingOrder) {
  WorkerPool pool(4);
  std::vector<int> order;
  std::atomic<int> running{0};
  std::atomic<bool> overlapped{false};
  {
    WorkerLane lane(pool, {.width = 1, .capacity = 1'000});
    for (int i = 0; i < 1'000; ++i) {
      ASSERT_TRUE(lane.post([&, i] {
        if (running.fetch_add(1) != 0) overlapped = true;
        order.push_back(i);  // unguarded on purpose: one at a time, or the sanitizers complain
        running.fetch_sub(1);
      }));
    }
    lane.wait_idle();
  }
  EXPECT_FALSE(overlapped);
  ASSERT_EQ(order.size(), 1'000u);
  for (int i = 0; i < 1'000; ++i) ASSERT_EQ(order[static_cast<std::size_t>(i)], i);
}

TEST(WorkerLane, RunsAsManyJobsAtOnceAsItsWidthAndNoMore) {
  WorkerPool pool(3);
  Gate gate;
  std::promise<void> first, second;
  std::atomic<bool> third_ran{false};
  WorkerLane lane(pool, {.width = 2, .capacity = 10});
  ASSERT_TRUE(lane.post(blocked_until(gate, first)));
  ASSERT_TRUE(lane.post(blocked_until(gate, second)));
  ASSERT_TRUE(lane.post([&] { third_ran = true; }));
  first.get_future().wait();
  second.get_future().wait();  // two run at once...
  EXPECT_FALSE(third_ran);     // ...and the pool's third thread is not given a third
  gate.open();
  lane.wait_idle();
  EXPECT_TRUE(third_ran);
}

TEST(WorkerLane, AFullLaneRefusesTheJobAndSaysSo) {
  WorkerPool pool(1);
  Gate gate;
  std::promise<void> started;
  std::atomic<int> ran{0};
  WorkerLane lane(pool, {.width = 1, .capacity = 2});
  ASSERT_TRUE(lane.post(blocked_until(gate, started)));
  started.get_future().wait();  // running: it no longer counts against the capacity
  EXPECT_TRUE(lane.post([&] { ++ran; }));
  EXPECT_TRUE(lane.post([&] { ++ran; }));
  EXPECT_FALSE(lane.post([&] { ++ran; }));  // two waiting already
  auto canary = std::make_shared<int>(0);
  Job refused = [canary] {};
  EXPECT_FALSE(lane.post(std::move(refused)));
  EXPECT_TRUE(refused);  // left to its caller, captures and all
  EXPECT_FALSE(lane.idle());
  gate.open();
  lane.wait_idle();
  EXPECT_TRUE(lane.idle());
  EXPECT_EQ(ran, 2);
  EXPECT_TRUE(lane.post([&] { ++ran; }));  // room again
  lane.wait_idle();
  EXPECT_EQ(ran, 3);
}

TEST(WorkerLane, ABusyLaneDoesNotHoldBackAnotherWhileThePoolHasAThreadFree) {
  WorkerPool pool(2);
  Gate gate;
  std::promise<void> slow_started;
  std::promise<void> quick_done;
  WorkerLane slow(pool, {.width = 1, .capacity = 10});
  WorkerLane quick(pool, {.width = 1, .capacity = 10});
  ASSERT_TRUE(slow.post(blocked_until(gate, slow_started)));
  ASSERT_TRUE(slow.post([] {}));  // queued behind the blocked one, in its own lane
  slow_started.get_future().wait();
  ASSERT_TRUE(quick.post([&] { quick_done.set_value(); }));
  quick_done.get_future().wait();  // while the slow lane is still blocked
  EXPECT_FALSE(slow.idle());
  gate.open();
}

TEST(WorkerLane, OnAPoolOfItsOwnItRunsWhileTheSharedPoolIsBusy) {
  WorkerPool shared(1);
  Gate gate;
  std::promise<void> started;
  std::promise<void> own_done;
  WorkerLane busy(shared, {.width = 1, .capacity = 1});
  WorkerLane own({.width = 1, .capacity = 1});
  ASSERT_TRUE(busy.post(blocked_until(gate, started)));
  started.get_future().wait();  // the shared pool's one thread is taken
  ASSERT_TRUE(own.post([&] { own_done.set_value(); }));
  own_done.get_future().wait();
  gate.open();
}

TEST(WorkerLane, ItsDestructorRunsWhatIsQueuedAndWaitsForIt) {
  WorkerPool pool(1);
  Gate gate;
  std::promise<void> started;
  std::atomic<int> ran{0};
  {
    WorkerLane lane(pool, {.width = 1, .capacity = 10});
    ASSERT_TRUE(lane.post(blocked_until(gate, started)));
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(lane.post([&] { ++ran; }));
    started.get_future().wait();
    gate.open();
  }  // three still queued here, most likely; all have run once the lane is gone
  EXPECT_EQ(ran, 3);
}

TEST(WorkerLane, AbandoningForgetsTheJobsNotStartedAndRefusesNewOnes) {
  WorkerPool pool(1);
  Gate gate;
  std::promise<void> started;
  std::atomic<int> ran{0};
  auto canary = std::make_shared<int>(0);
  WorkerLane lane(pool, {.width = 1, .capacity = 10});
  ASSERT_TRUE(lane.post(blocked_until(gate, started)));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(lane.post([&ran, canary] { ++ran; }));
  started.get_future().wait();
  EXPECT_EQ(lane.abandon(), 3u);
  EXPECT_EQ(canary.use_count(), 1);  // the forgotten jobs and their captures are gone
  EXPECT_FALSE(lane.post([&ran] { ++ran; }));
  gate.open();
  lane.wait_idle();
  EXPECT_EQ(ran, 0);
}

TEST(WorkerPool, ALaneOnASingleThreadStillRunsEverythingPostedFromItsOwnJobs) {
  // A job may post its follow-up to its own lane (the pool's one thread is busy running it).
  WorkerPool pool(1);
  std::promise<void> second_done;
  WorkerLane lane(pool, {.width = 1, .capacity = 10});
  ASSERT_TRUE(lane.post([&] { ASSERT_TRUE(lane.post([&] { second_done.set_value(); })); }));
  second_done.get_future().wait();
  lane.wait_idle();
}

}  // namespace
}  // namespace rg
