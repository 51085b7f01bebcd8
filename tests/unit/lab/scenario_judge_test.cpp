// The scenarios' expectations, judged on runs made up here: what each one accepts and what it
// calls a failure, without building a world. (The worlds run in tests/integration/lab_test.cpp.)
#include <gtest/gtest.h>

#include "lab/scenario.h"
#include "lab/scenario_report.h"

namespace rg::lab {
namespace {

ScenarioRun judged(std::string_view name, ScenarioRun run) {
  const auto* scenario = find_scenario(name);
  EXPECT_NE(scenario, nullptr) << name;
  if (scenario == nullptr) return run;
  run.scenario = std::string(name);
  scenario->judge(run);
  run.pass = run.findings.empty();
  return run;
}

ScenarioRun moved_to_west() {
  ScenarioRun run;
  run.moves = 1;
  run.journal_state = "completed";
  run.active_region = "us-west-2";
  run.served_region = "us-west-2";
  run.alert_services = {"dynamodb/us-east-1"};
  run.client_switched_s = 4.1;
  return run;
}

ScenarioRun stayed_in_east() {
  ScenarioRun run;
  run.active_region = "us-east-1";
  run.served_region = "us-east-1";
  return run;
}

TEST(ScenarioJudge, EveryScenarioOfTheIssueIsThere) {
  for (const char* name : {"dynamodb-empty-dns", "region-blackhole", "http-500", "latency-creep", "noise", "flap",
                           "all-bad", "partial", "crash-mid-plan"}) {
    EXPECT_NE(find_scenario(name), nullptr) << name;
  }
  EXPECT_EQ(scenarios().size(), 9u);
  EXPECT_EQ(find_scenario("dynamodb"), nullptr);
}

TEST(ScenarioJudge, AnEmptyDynamodbAnswerPassesWithOneCompletedMove) {
  EXPECT_TRUE(judged("dynamodb-empty-dns", moved_to_west()).pass);
}

TEST(ScenarioJudge, AMoveThatKnotdDoesNotServeFails) {
  auto run = moved_to_west();
  run.served_region = "us-east-1";  // the journal says completed, the zone says otherwise
  const auto result = judged("dynamodb-empty-dns", run);
  EXPECT_FALSE(result.pass);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0], "expected knotd to serve us-west-2's address, serves 'us-east-1'");
}

TEST(ScenarioJudge, TwoMovesAreOneTooManyForAFailover) {
  auto run = moved_to_west();
  run.moves = 2;
  EXPECT_FALSE(judged("dynamodb-empty-dns", run).pass);
}

TEST(ScenarioJudge, NoiseFailsOnAnyPlanEvenOneThatDidNotComplete) {
  EXPECT_TRUE(judged("noise", stayed_in_east()).pass);
  auto run = stayed_in_east();
  run.decision_s = 12.0;
  run.journal_state = "rolled_back";
  EXPECT_FALSE(judged("noise", run).pass);
}

TEST(ScenarioJudge, AllBadNeedsAlertsOnBothRegionsAndNoMove) {
  auto run = stayed_in_east();
  run.alert_services = {"dynamodb/us-east-1"};
  EXPECT_FALSE(judged("all-bad", run).pass) << "only one region alerted";
  run.alert_services.push_back("dynamodb/us-west-2");
  EXPECT_TRUE(judged("all-bad", run).pass);
}

TEST(ScenarioJudge, PartialMustBlameTheFailingServiceOnly) {
  auto run = stayed_in_east();
  run.alert_services = {"s3/us-east-1"};
  EXPECT_TRUE(judged("partial", run).pass);
  run.alert_services.push_back("dynamodb/us-east-1");
  EXPECT_FALSE(judged("partial", run).pass);
}

TEST(ScenarioJudge, LatencyCreepWantsTheAnomalyBeforeAnyThresholdAlert) {
  auto run = stayed_in_east();
  run.alert_rules = {"anomaly", "endpoint-degraded"};
  EXPECT_TRUE(judged("latency-creep", run).pass);
  run.alert_rules = {"endpoint-degraded", "anomaly"};
  EXPECT_FALSE(judged("latency-creep", run).pass);
}

TEST(ScenarioJudge, FlapAllowsOneMoveAndNoFailback) {
  EXPECT_TRUE(judged("flap", moved_to_west()).pass);
  auto run = moved_to_west();
  run.moves = 2;  // failed over, then back while the primary still flapped
  run.active_region = "us-east-1";
  EXPECT_FALSE(judged("flap", run).pass);
}

TEST(ScenarioJudge, CrashMidPlanAcceptsCompletedOrRolledBackButNeverHalf) {
  auto completed = moved_to_west();
  completed.crashed_during = "ready: TSIG key regionguard-lab readable";
  EXPECT_TRUE(judged("crash-mid-plan", completed).pass);

  auto rolled_back = stayed_in_east();
  rolled_back.crashed_during = completed.crashed_during;
  rolled_back.journal_state = "rolled_back";
  EXPECT_TRUE(judged("crash-mid-plan", rolled_back).pass);

  auto half = rolled_back;
  half.served_region = "us-west-2";  // rolled back in the journal, moved in the zone
  EXPECT_FALSE(judged("crash-mid-plan", half).pass);

  auto stuck = completed;
  stuck.journal_state = "running";
  EXPECT_FALSE(judged("crash-mid-plan", stuck).pass);

  auto never_killed = completed;
  never_killed.crashed_during.clear();
  EXPECT_FALSE(judged("crash-mid-plan", never_killed).pass);
}

TEST(ScenarioReport, QuantilesAreNearestRank) {
  EXPECT_EQ(quantile({}, 0.5), std::nullopt);
  EXPECT_EQ(quantile({3.0}, 0.95), 3.0);
  EXPECT_EQ(quantile({5.0, 1.0, 3.0, 2.0, 4.0}, 0.5), 3.0);
  EXPECT_EQ(quantile({5.0, 1.0, 3.0, 2.0, 4.0}, 0.95), 5.0);
  EXPECT_EQ(quantile({1.0, 2.0}, 0.5), 1.0);
}

TEST(ScenarioReport, JsonHasTheFieldsTheIssueAsksFor) {
  auto run = judged("dynamodb-empty-dns", moved_to_west());
  run.first_alert_s = 1.94;
  const auto json = run_json(run);
  EXPECT_EQ(json["scenario"], "dynamodb-empty-dns");
  EXPECT_EQ(json["verdict"], "pass");
  EXPECT_EQ(json["moves"], 1);
  EXPECT_EQ(json["client_errors"], 0);
  EXPECT_EQ(json["timeline"]["fault_s"], 0.0);
  EXPECT_EQ(json["timeline"]["first_alert_s"], 1.94);
  EXPECT_TRUE(json["timeline"]["decision_s"].is_null()) << "a step that never happened is null";
  EXPECT_EQ(json["timeline"]["client_switched_s"], 4.1);
}

}  // namespace
}  // namespace rg::lab
