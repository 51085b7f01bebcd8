// wait_until with a fake scheduler: the waits moto cannot show (Route 53 PENDING, RDS modifying)
// end when the state arrives, and time out with what was last seen when it does not.
#include <gtest/gtest.h>

#include <deque>

#include "act/failover/ecs_steps.h"
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
  // Pauses of 250 ms, 500 ms and 1 s: looks start fast and back off towards the 5 s interval.
  EXPECT_EQ(scheduler.now_ - std::chrono::steady_clock::time_point{}, 1750ms);
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
  // At 0, 0.25, 0.75, 1.75, 3.75, 7.75, 15.75 s, then every 10 s up to 55.75 s, and at the deadline.
  EXPECT_EQ(looks, 12);
  EXPECT_EQ(scheduler.now_ - std::chrono::steady_clock::time_point{}, 60s);
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

TEST(WaitUntil, LooksUntilItsDeadlineEvenWhenEachLookTakesTime) {
  // The drill of issue 15: verify_dns with a 15 s timeout gave up after 10 s and said "timed out
  // after 15s", because a look that took a few ms left less than one interval before the deadline.
  FakeScheduler scheduler;
  std::vector<std::chrono::steady_clock::duration> looked_at;
  std::optional<StepResult> result;
  wait_until(scheduler, {5s, 15s}, "app.example.test answers 198.51.100.7",
             [&](PollCallback look) {
               looked_at.push_back(scheduler.now_ - std::chrono::steady_clock::time_point{});
               scheduler.after(10ms, [look] { look(PollResult{false, "192.0.2.1"}); });  // a resolver's answer
             },
             [&](StepResult r) { result = std::move(r); });
  scheduler.run();
  ASSERT_TRUE(result && !*result);
  ASSERT_FALSE(looked_at.empty());
  EXPECT_GE(looked_at.back(), 15s) << "the last look is at the deadline, not one interval before it";
  EXPECT_GE(scheduler.now_ - std::chrono::steady_clock::time_point{}, 15s);
  EXPECT_EQ(result->error(), "app.example.test answers 198.51.100.7: timed out after 15s (last seen: 192.0.2.1)");
}

TEST(WaitUntil, TheFirstLooksComeFastSoAChangeThatLandsAtOnceIsSeenAtOnce) {
  // The drill of issue 15: the record was right a few ms after the change, but the second look
  // came 5 s later. Looks start fast and back off to the interval.
  FakeScheduler scheduler;
  int looks = 0;
  std::optional<StepResult> result;
  wait_until(scheduler, {5s, 60s}, "app.example.test answers 198.51.100.7",
             [&](PollCallback look) {
               ++looks;
               look(PollResult{looks == 2, looks == 2 ? "198.51.100.7" : "192.0.2.1"});
             },
             [&](StepResult r) { result = std::move(r); });
  scheduler.run();
  ASSERT_TRUE(result && *result);
  EXPECT_EQ(looks, 2);
  EXPECT_LE(scheduler.now_ - std::chrono::steady_clock::time_point{}, 500ms);
}

// AWS errors as the client hands them over after its own retries ran out.
aws::AwsError service_error(int status, std::string code, std::string message) {
  aws::AwsError error = aws::make_error(aws::AwsErrorKind::service_error, std::move(message));
  error.http_status = status;
  error.code = std::move(code);
  return error;
}

TEST(WaitUntil, ThrottlingA5xxAndNoAnswerDoNotEndTheWait) {
  // Issue 15, section 6: during a regional event the control plane throttles and answers 503;
  // a wait for instances in service must not give up (and roll back) on one such answer.
  FakeScheduler scheduler;
  const std::vector<std::expected<PollResult, std::string>> answers{
      poll_failed(service_error(400, "Throttling", "Rate exceeded")),
      poll_failed(service_error(503, "ServiceUnavailable", "try again")),
      poll_failed(aws::make_error(aws::AwsErrorKind::timeout, "no answer in 3s")),
      PollResult{true, "2/2 in service"}};
  std::size_t looks = 0;
  std::optional<StepResult> result;
  wait_until(scheduler, {5s, 60s}, "web-west in service", [&](PollCallback look) { look(answers.at(looks++)); },
             [&](StepResult r) { result = std::move(r); });
  scheduler.run();
  ASSERT_TRUE(result);
  ASSERT_TRUE(*result) << result->error();
  EXPECT_EQ(**result, "2/2 in service");
  EXPECT_EQ(looks, 4u);
}

TEST(WaitUntil, ARetryableErrorUntilTheDeadlineTimesOutWithThatError) {
  FakeScheduler scheduler;
  std::optional<StepResult> result;
  wait_until(scheduler, {10s, 60s}, "db-west available",
             [&](PollCallback look) { look(poll_failed(service_error(400, "Throttling", "Rate exceeded"))); },
             [&](StepResult r) { result = std::move(r); });
  scheduler.run();
  ASSERT_TRUE(result && !*result);
  EXPECT_EQ(result->error(),
            "db-west available: timed out after 60s (last seen: service_error: Throttling (HTTP 400): Rate exceeded)");
  EXPECT_EQ(scheduler.now_ - std::chrono::steady_clock::time_point{}, 60s);
}

TEST(WaitUntil, ANonRetryableErrorEndsTheWaitAtOnce) {
  FakeScheduler scheduler;
  std::optional<StepResult> result;
  wait_until(scheduler, {5s, 60s}, "web-west in service",
             [&](PollCallback look) { look(poll_failed(service_error(403, "AccessDenied", "not authorized"))); },
             [&](StepResult r) { result = std::move(r); });
  scheduler.run();
  ASSERT_TRUE(result && !*result);
  EXPECT_EQ(result->error(), "web-west in service: service_error: AccessDenied (HTTP 403): not authorized");
  EXPECT_EQ(scheduler.now_ - std::chrono::steady_clock::time_point{}, 0s);
}

// ECS services as DescribeServices shows them while tasks start (moto starts them at once).
aws::ecs::Service ecs_service(std::int64_t running, std::int64_t pending, std::string rollout = "IN_PROGRESS") {
  aws::ecs::Service service;
  service.status = "ACTIVE";
  service.desired_count = running + pending;
  service.running_count = running;
  service.pending_count = pending;
  service.deployments.push_back({"ecs-svc/1", "PRIMARY", std::move(rollout), "api:3", running + pending, running,
                                 pending, 0});
  return service;
}

TEST(WaitUntil, AnEcsServiceIsWaitedForUntilItsTasksRun) {
  FakeScheduler scheduler;
  const std::vector<aws::ecs::Service> seen{ecs_service(0, 3), ecs_service(1, 2), ecs_service(3, 0, "COMPLETED")};
  std::size_t looks = 0;
  std::optional<StepResult> result;
  wait_until(scheduler, {5s, 60s}, "api running",
             [&](PollCallback look) { look(ecs_scale_progress(seen.at(std::min(looks++, seen.size() - 1)), 3)); },
             [&](StepResult r) { result = std::move(r); });
  scheduler.run();
  ASSERT_TRUE(result && *result);
  EXPECT_EQ(**result, "3/3 running, 0 pending");
  EXPECT_EQ(looks, 3u);
}

TEST(WaitUntil, AFailedEcsDeploymentEndsTheWaitBeforeTheTimeout) {
  FakeScheduler scheduler;
  auto failed = ecs_service(1, 2, "FAILED");
  failed.deployments.front().failed_tasks = 4;
  const std::vector<aws::ecs::Service> seen{ecs_service(0, 3), failed};
  std::size_t looks = 0;
  std::optional<StepResult> result;
  wait_until(scheduler, {5s, 600s}, "api running",
             [&](PollCallback look) { look(ecs_scale_progress(seen.at(std::min(looks++, seen.size() - 1)), 3)); },
             [&](StepResult r) { result = std::move(r); });
  scheduler.run();
  ASSERT_TRUE(result && !*result);
  EXPECT_EQ(result->error(), "api running: deployment ecs-svc/1 failed (4 tasks failed)");
  // At the second look, after the first pause: not at the 600 s timeout.
  EXPECT_EQ(scheduler.now_ - std::chrono::steady_clock::time_point{}, 250ms);
}

TEST(WaitUntil, AnEcsServiceThatIsDrainedCannotBeWaitedFor) {
  auto draining = ecs_service(0, 0);
  draining.status = "DRAINING";
  const auto progress = ecs_scale_progress(draining, 2);
  ASSERT_FALSE(progress);
  EXPECT_EQ(progress.error(), "service is DRAINING");
  // Timing out with tasks still pending says how far it got.
  FakeScheduler scheduler;
  std::optional<StepResult> result;
  wait_until(scheduler, {10s, 30s}, "api running",
             [&](PollCallback look) { look(ecs_scale_progress(ecs_service(1, 1), 2)); },
             [&](StepResult r) { result = std::move(r); });
  scheduler.run();
  ASSERT_TRUE(result && !*result);
  EXPECT_EQ(result->error(), "api running: timed out after 30s (last seen: 1/2 running, 1 pending)");
}

}  // namespace
}  // namespace rg::act
