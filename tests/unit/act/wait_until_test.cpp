// wait_until with a fake scheduler: the waits moto cannot show (Route 53 PENDING, RDS modifying)
// end when the state arrives, and time out with what was last seen when it does not.
#include <gtest/gtest.h>

#include <deque>

#include "act/failover/wait_until.h"

namespace rg::act {
namespace {

using namespace std::chrono_literals;

// Time moves only when a scheduled callback runs.
class FakeScheduler final : public aws::AwsScheduler {
 public:
  TimePoint wall_now() override { return from_unix_us(0); }  // unused by wait_until
  std::chrono::steady_clock::time_point steady_now() override { return now_; }
  void after(std::chrono::milliseconds delay, std::function<void()> fn) override {
    pending_.emplace_back(delay, std::move(fn));
  }
  // Runs the timers one by one until none is left.
  void run() {
    while (!pending_.empty()) {
      auto [delay, fn] = std::move(pending_.front());
      pending_.pop_front();
      now_ += delay;
      fn();
    }
  }
  std::chrono::steady_clock::time_point now_{};

 private:
  std::deque<std::pair<std::chrono::milliseconds, std::function<void()>>> pending_;
};

TEST(WaitUntil, PollsUntilTheStateArrives) {
  FakeScheduler scheduler;
  // Route 53 answers PENDING three times, then INSYNC.
  int looks = 0;
  std::optional<StepResult> result;
  wait_until(scheduler, {5s, 60s}, "record INSYNC",
             [&](PollCallback look) {
               ++looks;
               look(PollResult{looks == 4, looks == 4 ? "INSYNC" : "PENDING"});
             },
             [&](StepResult r) { result = std::move(r); });
  scheduler.run();
  ASSERT_TRUE(result);
  ASSERT_TRUE(*result) << result->error();
  EXPECT_EQ(**result, "INSYNC");
  EXPECT_EQ(looks, 4);
  EXPECT_EQ(scheduler.now_ - std::chrono::steady_clock::time_point{}, 15s);
}

TEST(WaitUntil, TimesOutWithWhatItLastSaw) {
  FakeScheduler scheduler;
  // An RDS promotion stuck in "modifying".
  int looks = 0;
  std::optional<StepResult> result;
  wait_until(scheduler, {10s, 60s}, "db-west available",
             [&](PollCallback look) {
               ++looks;
               look(PollResult{false, "status modifying"});
             },
             [&](StepResult r) { result = std::move(r); });
  scheduler.run();
  ASSERT_TRUE(result);
  ASSERT_FALSE(*result);
  EXPECT_EQ(result->error(), "db-west available: timed out after 60s (last seen: status modifying)");
  EXPECT_EQ(looks, 7);  // at 0, 10, ..., 60 s
}

TEST(WaitUntil, AnErrorEndsTheWaitAtOnce) {
  FakeScheduler scheduler;
  std::optional<StepResult> result;
  wait_until(scheduler, {5s, 60s}, "web-west in service",
             [&](PollCallback look) { look(std::unexpected("ValidationError: group not found")); },
             [&](StepResult r) { result = std::move(r); });
  scheduler.run();
  ASSERT_TRUE(result && !*result);
  EXPECT_EQ(result->error(), "web-west in service: ValidationError: group not found");
}

}  // namespace
}  // namespace rg::act
