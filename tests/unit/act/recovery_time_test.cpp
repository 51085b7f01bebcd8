// The recovery time of a plan, read from its journal alone: narrated timelines, written row by row
// as the executor writes them, and the breakdown each must give.
#include "act/failover/recovery_time.h"

#include <gtest/gtest.h>

#include <numeric>

namespace rg::act {
namespace {

using std::chrono::milliseconds;

const TimePoint t0 = from_unix_us(1'800'000'000'000'000);

// `seconds` after t0.
TimePoint at(double seconds) { return t0 + std::chrono::microseconds(static_cast<std::int64_t>(seconds * 1e6)); }

JournalStep row(int step, std::string block, StepPhase phase, double seconds, int group = 0) {
  return {step, block + " step", phase, at(seconds), "", "", std::move(block), group};
}

JournalPlan plan(PlanState state, double created, double updated) {
  JournalPlan p{"shop", 4, "failover", "us-east-1", "us-west-2", PlanState::running, at(created), at(updated), "",
                {},     {},  "",        "",          {},          {},                 {}};
  p.state = state;
  p.started_at = at(created);
  return p;
}

std::vector<std::string> names(const RecoveryTime& recovery) {
  std::vector<std::string> out;
  for (const auto& phase : recovery.phases) out.push_back(phase.name);
  return out;
}

std::vector<milliseconds> durations(const RecoveryTime& recovery) {
  std::vector<milliseconds> out;
  for (const auto& phase : recovery.phases) out.push_back(phase.duration);
  return out;
}

// Phases lie back to back from the first moment to the last, and add up to the total.
void expect_back_to_back(const RecoveryTime& recovery) {
  ASSERT_FALSE(recovery.phases.empty());
  EXPECT_EQ(recovery.phases.front().from, recovery.began);
  EXPECT_EQ(recovery.phases.back().to, recovery.ended);
  for (std::size_t i = 1; i < recovery.phases.size(); ++i)
    EXPECT_EQ(recovery.phases[i].from, recovery.phases[i - 1].to) << recovery.phases[i].name;
  const auto sum = std::accumulate(recovery.phases.begin(), recovery.phases.end(), milliseconds(0),
                                   [](milliseconds total, const RecoveryPhase& phase) { return total + phase.duration; });
  EXPECT_EQ(sum, recovery.total);
}

// us-east-1 starts failing at 0 s; the third failing round decides at 3 s and the plan begins at
// once; readiness passes at 4 s; the ECS service scales until 34 s; Route 53 and the gate move
// traffic by 38 s; the public name answers the new value at 40 s; the target stays healthy until
// 41 s, when the plan completes.
JournalPlan daemon_failover() {
  auto p = plan(PlanState::completed, 3, 41);
  p.failing_since = at(0);
  p.decided_at = at(3);
  p.ready_at = at(4);
  p.steps = {row(0, "ecs_services", StepPhase::started, 4),  row(0, "ecs_services", StepPhase::done, 34),
             row(1, "route53", StepPhase::started, 34),      row(1, "route53", StepPhase::done, 36),
             row(2, "gate", StepPhase::started, 36),         row(2, "gate", StepPhase::done, 38),
             row(3, "verify_dns", StepPhase::started, 38),   row(3, "verify_dns", StepPhase::done, 40),
             row(4, "settle", StepPhase::started, 40),       row(4, "settle", StepPhase::done, 41)};
  return p;
}

TEST(RecoveryTime, ADaemonFailoverIsBrokenDownFromTheFirstFailureToTheSettledPlan) {
  const auto recovery = recovery_time(daemon_failover(), at(500)).value();
  EXPECT_EQ(recovery.outcome, "recovered");
  EXPECT_FALSE(recovery.running);
  EXPECT_FALSE(recovery.resumed);
  EXPECT_EQ(names(recovery),
            (std::vector<std::string>{"detect", "decide", "readiness", "scale", "traffic", "verify", "settle"}));
  EXPECT_EQ(durations(recovery), (std::vector<milliseconds>{milliseconds(3000), milliseconds(0), milliseconds(1000),
                                                            milliseconds(30000), milliseconds(4000), milliseconds(2000),
                                                            milliseconds(1000)}));
  EXPECT_EQ(recovery.total, milliseconds(41000));
  expect_back_to_back(recovery);
  EXPECT_EQ(recovery.traffic_moved_at, at(38));  // the gate, the last traffic step
  EXPECT_EQ(recovery.verified_at, at(40));
  EXPECT_EQ(recovery.settled_at, at(41));
  EXPECT_EQ(recovery.text,
            "recovered in 41 s: detect 3 s, decide 0 s, readiness 1 s, scale 30 s, traffic 4 s, verify 2 s, settle 1 s");
}

TEST(RecoveryTime, APlanRolledBackShowsWhereItFailedAndHowLongTheUndoTook) {
  // The Route 53 change fails at 12 s: its undo and the ECS service's run until 20 s, and the plan
  // is journaled rolled back half a second later.
  auto p = plan(PlanState::rolled_back, 3, 20.5);
  p.failing_since = at(0);
  p.decided_at = at(3);
  p.ready_at = at(4);
  p.steps = {row(0, "ecs_services", StepPhase::started, 4), row(0, "ecs_services", StepPhase::done, 10),
             row(1, "route53", StepPhase::started, 10),     row(1, "route53", StepPhase::failed, 12),
             row(1, "route53", StepPhase::undo_started, 12), row(1, "route53", StepPhase::undone, 13),
             row(0, "ecs_services", StepPhase::undo_started, 13), row(0, "ecs_services", StepPhase::undone, 20)};
  const auto recovery = recovery_time(p, at(500)).value();
  EXPECT_EQ(recovery.outcome, "rolled back");
  EXPECT_EQ(names(recovery), (std::vector<std::string>{"detect", "decide", "readiness", "scale", "traffic", "rollback"}));
  EXPECT_EQ(recovery.phases.back().duration, milliseconds(8500));  // until the plan's end, not its last undo
  expect_back_to_back(recovery);
  EXPECT_FALSE(recovery.traffic_moved_at) << "the traffic step failed: traffic never moved";
  EXPECT_FALSE(recovery.settled_at);
  EXPECT_EQ(recovery.text,
            "rolled back after 21 s: detect 3 s, decide 0 s, readiness 1 s, scale 6 s, traffic 2 s, rollback 8.5 s");
}

TEST(RecoveryTime, ARunningPlanCountsItsStepInFlightUntilNow) {
  // At 25 s the ECS service, started at 4 s, is still scaling.
  auto p = plan(PlanState::running, 3, 4);
  p.failing_since = at(0);
  p.decided_at = at(3);
  p.ready_at = at(4);
  p.steps = {row(0, "ecs_services", StepPhase::started, 4)};
  const auto recovery = recovery_time(p, at(25)).value();
  EXPECT_TRUE(recovery.running);
  EXPECT_EQ(recovery.outcome, "running");
  EXPECT_EQ(names(recovery), (std::vector<std::string>{"detect", "decide", "readiness", "scale"}));
  EXPECT_EQ(recovery.phases.back().duration, milliseconds(21000));
  EXPECT_EQ(recovery.total, milliseconds(25000));
  expect_back_to_back(recovery);
  EXPECT_EQ(recovery.text, "running for 25 s so far: detect 3 s, decide 0 s, readiness 1 s, scale 21 s");
}

TEST(RecoveryTime, APlanResumedAfterACrashCountsTheOutageInTheStepThatWasInFlight) {
  // The daemon dies at 35 s while Route 53 is changing; the restarted daemon starts that step
  // again at 95 s, and the plan completes at 99 s.
  auto p = plan(PlanState::completed, 3, 99);
  p.failing_since = at(0);
  p.decided_at = at(3);
  p.ready_at = at(4);
  p.steps = {row(0, "ecs_services", StepPhase::started, 4), row(0, "ecs_services", StepPhase::done, 34),
             row(1, "route53", StepPhase::started, 35),     row(1, "route53", StepPhase::started, 95),
             row(1, "route53", StepPhase::done, 97),        row(2, "verify_dns", StepPhase::started, 97),
             row(2, "verify_dns", StepPhase::done, 99)};
  const auto recovery = recovery_time(p, at(500)).value();
  EXPECT_TRUE(recovery.resumed);
  EXPECT_EQ(names(recovery), (std::vector<std::string>{"detect", "decide", "readiness", "scale", "traffic", "verify"}));
  EXPECT_EQ(recovery.phases[4].duration, milliseconds(63000));
  expect_back_to_back(recovery);
  EXPECT_EQ(recovery.traffic_moved_at, at(97));
  EXPECT_EQ(recovery.text, "recovered in 1 min 39 s: detect 3 s, decide 0 s, readiness 1 s, scale 30 s, traffic 1 min 3 s, "
                           "verify 2 s (resumed after a restart)");
}

TEST(RecoveryTime, ARollbackInterruptedByACrashAndFinishedAfterTheRestartIsResumedToo) {
  // The undo of the scale-up is in flight at 12 s when the process dies; the restart at 70 s
  // begins it again, and the plan ends rolled back at 72 s.
  auto p = plan(PlanState::rolled_back, 0, 72);
  p.decided_at = at(0);
  p.ready_at = at(1);
  p.steps = {row(0, "ecs_services", StepPhase::started, 1),       row(0, "ecs_services", StepPhase::failed, 10),
             row(0, "ecs_services", StepPhase::undo_started, 12), row(0, "ecs_services", StepPhase::undo_started, 70),
             row(0, "ecs_services", StepPhase::undone, 72)};
  const auto recovery = recovery_time(p, at(500)).value();
  EXPECT_TRUE(recovery.resumed);
  EXPECT_EQ(names(recovery), (std::vector<std::string>{"decide", "readiness", "scale", "rollback"}));
  EXPECT_EQ(recovery.phases.back().duration, milliseconds(62000));
  expect_back_to_back(recovery);
}

TEST(RecoveryTime, ARetryAfterAFailureIsNotTakenForAResume) {
  // Past an irreversible step a failing step is tried again: started, failed, started, done.
  auto p = plan(PlanState::completed, 0, 9);
  p.decided_at = at(0);
  p.ready_at = at(1);
  p.steps = {row(0, "rds_replicas", StepPhase::started, 1), row(0, "rds_replicas", StepPhase::done, 5),
             row(1, "route53", StepPhase::started, 5),      row(1, "route53", StepPhase::failed, 6),
             row(1, "route53", StepPhase::started, 7),      row(1, "route53", StepPhase::done, 9)};
  const auto recovery = recovery_time(p, at(500)).value();
  EXPECT_FALSE(recovery.resumed);
  EXPECT_EQ(names(recovery), (std::vector<std::string>{"decide", "readiness", "data", "traffic"}));
}

TEST(RecoveryTime, ACommandLinePlanHasNoDetectionAndCountsFromTheOperatorsRequest) {
  // `regionguard failover execute shop` at 100 s: nothing was failing.
  auto p = plan(PlanState::completed, 100.05, 104);
  p.decided_at = at(100);
  p.ready_at = at(100.5);
  p.steps = {row(0, "dns_update", StepPhase::started, 100.5), row(0, "dns_update", StepPhase::done, 101),
             row(1, "verify_dns", StepPhase::started, 101),   row(1, "verify_dns", StepPhase::done, 104)};
  const auto recovery = recovery_time(p, at(500)).value();
  EXPECT_EQ(recovery.outcome, "completed");
  EXPECT_FALSE(recovery.failing_since);
  EXPECT_EQ(recovery.began, at(100));
  EXPECT_EQ(names(recovery), (std::vector<std::string>{"decide", "readiness", "traffic", "verify"}));
  EXPECT_EQ(recovery.total, milliseconds(4000));
  expect_back_to_back(recovery);
  EXPECT_EQ(recovery.text, "completed in 4 s: decide 0.1 s, readiness 0.5 s, traffic 0.5 s, verify 3 s");
}

TEST(RecoveryTime, AProposalCountsTheOperatorsWaitAsApproval) {
  // Proposed at the decision (3 s); an operator approved it and it began at 60 s.
  auto p = plan(PlanState::completed, 3, 65);
  p.failing_since = at(0);
  p.decided_at = at(3);
  p.started_at = at(60);
  p.ready_at = at(61);
  p.steps = {row(0, "route53", StepPhase::started, 61), row(0, "route53", StepPhase::done, 65)};
  const auto recovery = recovery_time(p, at(500)).value();
  EXPECT_EQ(names(recovery), (std::vector<std::string>{"detect", "decide", "approval", "readiness", "traffic"}));
  EXPECT_EQ(recovery.phases[2].duration, milliseconds(57000));
  expect_back_to_back(recovery);
}

TEST(RecoveryTime, AParallelGroupIsOnePhaseNamedAfterItsStages) {
  // `order: [parallel: [ecs_services, ssm_parameters], route53]`: both start at 1 s, the parameter
  // is done at 2 s, the service at 20 s.
  auto p = plan(PlanState::completed, 0, 22);
  p.decided_at = at(0);
  p.ready_at = at(1);
  p.steps = {row(0, "ecs_services", StepPhase::started, 1, 1), row(1, "ssm_parameters", StepPhase::started, 1, 1),
             row(1, "ssm_parameters", StepPhase::done, 2, 1),  row(0, "ecs_services", StepPhase::done, 20, 1),
             row(2, "route53", StepPhase::started, 20),        row(2, "route53", StepPhase::done, 22)};
  const auto recovery = recovery_time(p, at(500)).value();
  EXPECT_EQ(names(recovery), (std::vector<std::string>{"decide", "readiness", "scale+data", "traffic"}));
  EXPECT_EQ(recovery.phases[2].duration, milliseconds(19000));  // once, not 19 s + 1 s
  expect_back_to_back(recovery);
}

TEST(RecoveryTime, AReadinessFailureIsAllReadiness) {
  auto p = plan(PlanState::not_ready, 3, 5);
  p.failing_since = at(0);
  p.decided_at = at(3);
  const auto recovery = recovery_time(p, at(500)).value();
  EXPECT_EQ(recovery.outcome, "not ready");
  EXPECT_EQ(names(recovery), (std::vector<std::string>{"detect", "decide", "readiness"}));
  EXPECT_EQ(recovery.phases.back().duration, milliseconds(2000));
}

TEST(RecoveryTime, APlanJournaledBeforeVersion9CountsFromItsCreation) {
  // No decision time, no start mark, no blocks: what the journal held before this release.
  auto p = plan(PlanState::completed, 10, 15);
  p.started_at.reset();
  p.ready_at = at(11);
  p.steps = {{0, "point at us-west-2", StepPhase::started, at(11), "", "", "", 0},
             {0, "point at us-west-2", StepPhase::done, at(15), "", "", "", 0}};
  const auto recovery = recovery_time(p, at(500)).value();
  EXPECT_EQ(recovery.began, at(10));
  EXPECT_EQ(names(recovery), (std::vector<std::string>{"readiness", "steps"}));
  EXPECT_EQ(recovery.total, milliseconds(5000));
}

TEST(RecoveryTime, PlansThatNeverRanHaveNone) {
  for (const auto state : {PlanState::proposed, PlanState::approved, PlanState::declined, PlanState::expired,
                           PlanState::withdrawn})
    EXPECT_FALSE(recovery_time(plan(state, 0, 1), at(5))) << to_string(state);
}

TEST(RecoveryTime, BlocksCountInTheirStage) {
  EXPECT_EQ(recovery_phase_of("autoscaling_groups"), "scale");
  EXPECT_EQ(recovery_phase_of("aurora_global"), "data");
  EXPECT_EQ(recovery_phase_of("global_accelerator"), "traffic");
  EXPECT_EQ(recovery_phase_of("verify_dns"), "verify");
  EXPECT_EQ(recovery_phase_of("approve"), "approval");
  EXPECT_EQ(recovery_phase_of("flush-cache"), "flush-cache");  // a custom step is its own phase
}

TEST(RecoveryTime, DurationsReadAsAnOperatorSaysThem) {
  const std::vector<std::pair<std::int64_t, std::string>> cases{
      {0, "0 s"},         {40, "0 s"},       {449, "0.4 s"},  {3000, "3 s"},         {3460, "3.5 s"},
      {9960, "10 s"},     {41'400, "41 s"},  {60'000, "1 min"}, {99'000, "1 min 39 s"}, {3'600'000, "1 h"},
      {5'430'000, "1 h 31 min"}, {-5, "0 s"}};
  for (const auto& [ms, text] : cases) EXPECT_EQ(format_recovery_duration(milliseconds(ms)), text) << ms;
}

}  // namespace
}  // namespace rg::act
