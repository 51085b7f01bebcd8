// JobScheduler on a real io_context with short fake schedules (every 100 ms instead of a cron
// minute): jobs run when due and again after, a run that outlasts its period makes the next due
// time a logged skip rather than a second concurrent run, and stop() ends it all.
#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>

#include "app/job_scheduler.h"

namespace rg {
namespace {

using namespace std::chrono_literals;

std::function<std::optional<TimePoint>(TimePoint)> every(std::chrono::milliseconds period) {
  return [period](TimePoint t) -> std::optional<TimePoint> { return t + period; };
}

// A job that takes `duration` on the loop (a timer), as an AWS call would, and counts its starts.
ScheduledJob timed_job(boost::asio::io_context& io, std::string name, std::chrono::milliseconds period,
                       std::chrono::milliseconds duration, int& starts, bool ok = true) {
  return {std::move(name), every(period), [&io, duration, &starts, ok](std::function<void(bool)> done) {
            ++starts;
            auto timer = std::make_shared<boost::asio::steady_timer>(io, duration);
            timer->async_wait([timer, done, ok](auto) { done(ok); });
          },
          nullptr};
}

TEST(JobScheduler, RunsAJobEachTimeItIsDue) {
  boost::asio::io_context io;
  int starts = 0;
  JobScheduler scheduler(io, {timed_job(io, "quick", 100ms, 1ms, starts)});
  scheduler.start();
  io.run_for(550ms);
  // Due at 100, 200, ..., 500 ms: five on an idle machine; allow a slow one a run less.
  EXPECT_GE(starts, 4);
  EXPECT_LE(starts, 5);
  const auto stats = scheduler.stats("quick");
  EXPECT_EQ(stats.runs, static_cast<std::uint64_t>(starts));
  EXPECT_GE(stats.succeeded, 4u);
  EXPECT_EQ(stats.skipped, 0u);
  EXPECT_TRUE(stats.next.has_value());
}

TEST(JobScheduler, ARunStillGoingWhenDueIsSkippedNotDoubled) {
  boost::asio::io_context io;
  int starts = 0;
  // Each run takes 250 ms; it is due every 100 ms.
  JobScheduler scheduler(io, {timed_job(io, "slow", 100ms, 250ms, starts)});
  scheduler.start();
  io.run_for(650ms);
  const auto stats = scheduler.stats("slow");
  // Starts at 100, (200 and 300 skipped), 400, (500 skipped), 600 at the most.
  EXPECT_GE(stats.runs, 2u);
  EXPECT_LE(stats.runs, 3u);
  EXPECT_GE(stats.skipped, 2u);
  EXPECT_EQ(stats.runs, static_cast<std::uint64_t>(starts));
}

TEST(JobScheduler, AJobHeldBackIsSkippedAndCountedUntilTheHoldEnds) {
  // In a cluster only the leader runs jobs: a follower's scheduler keeps the schedule and skips.
  boost::asio::io_context io;
  int starts = 0;
  bool leading = false;
  auto job = timed_job(io, "drill shop", 100ms, 1ms, starts);
  job.hold = [&leading]() -> std::optional<std::string> {
    if (leading) return std::nullopt;
    return "agent b leads the cluster";
  };
  JobScheduler scheduler(io, {job});
  scheduler.start();
  io.run_for(350ms);
  EXPECT_EQ(starts, 0);
  EXPECT_GE(scheduler.stats("drill shop").skipped, 2u);
  EXPECT_EQ(scheduler.stats("drill shop").runs, 0u);
  leading = true;
  io.run_for(250ms);
  EXPECT_GE(starts, 1) << "the new leader runs it when it is next due";
}

TEST(JobScheduler, FailuresAreCountedAndTheJobKeepsItsSchedule) {
  boost::asio::io_context io;
  int starts = 0;
  JobScheduler scheduler(io, {timed_job(io, "broken", 100ms, 1ms, starts, false)});
  scheduler.start();
  io.run_for(350ms);
  const auto stats = scheduler.stats("broken");
  EXPECT_GE(stats.failed, 2u);
  EXPECT_EQ(stats.succeeded, 0u);
}

TEST(JobScheduler, JobsAreIndependent) {
  boost::asio::io_context io;
  int fast = 0, slow = 0;
  JobScheduler scheduler(io, {timed_job(io, "fast", 50ms, 1ms, fast), timed_job(io, "slow", 200ms, 1000ms, slow)});
  scheduler.start();
  io.run_for(520ms);
  // The slow job's long run does not hold the fast one up: the loop is never blocked.
  EXPECT_GE(fast, 8);
  EXPECT_EQ(slow, 1);
  EXPECT_EQ(scheduler.names(), (std::vector<std::string>{"fast", "slow"}));
}

TEST(JobScheduler, StopEndsEveryTimer) {
  boost::asio::io_context io;
  int starts = 0;
  JobScheduler scheduler(io, {timed_job(io, "quick", 100ms, 1ms, starts)});
  scheduler.start();
  io.run_for(250ms);
  const int before = starts;
  EXPECT_GE(before, 1);
  scheduler.stop();
  io.restart();
  io.run_for(300ms);
  EXPECT_EQ(starts, before);
}

TEST(JobScheduler, WaitsForTheWallClockNotJustTheTimer) {
  boost::asio::io_context io;
  int starts = 0;
  // The read that arms the timer is 200 ms ahead (as before an NTP step back), so the timer fires
  // at 100 ms: the job must still not run before its due wall time, 300 ms from the start.
  const auto origin = now_us();
  const auto steady_origin = std::chrono::steady_clock::now();
  int reads = 0;
  auto clock = [&]() -> TimePoint {
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                               steady_origin);
    return origin + (++reads == 2 ? elapsed + 200ms : elapsed);  // the read that arms the timer lies
  };
  ScheduledJob job{"once", [origin](TimePoint t) -> std::optional<TimePoint> {
                     if (t < origin + 300ms) return origin + 300ms;
                     return std::nullopt;
                   },
                   [&starts](std::function<void(bool)> done) {
                     ++starts;
                     done(true);
                   },
                   nullptr};
  JobScheduler scheduler(io, {job}, clock);
  scheduler.start();
  io.run_for(200ms);
  EXPECT_EQ(starts, 0);  // the timer fired at 100 ms, saw the wall clock early, and re-armed
  io.restart();
  io.run_for(500ms);
  EXPECT_EQ(starts, 1);
  EXPECT_FALSE(scheduler.stats("once").next.has_value());  // never again
}

}  // namespace
}  // namespace rg
