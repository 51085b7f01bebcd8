// Custom steps inside a plan (append_custom_steps + PlanExecutor, with a real journal and real
// commands): the generation reaches the command, an undo runs when a later step fails, an
// irreversible step is never undone, a missing command stops the plan before anything runs, and
// the journal keeps the command's output.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <fstream>
#include <sstream>

#include "act/failover/custom_steps.h"
#include "act/failover/plan_executor.h"
#include "store/sqlite_failover_journal.h"
#include "support/temp_dir.h"

namespace rg::act {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const TimePoint t0 = from_unix_us(1'800'000'000'000'000);
const LeaseHolder owner{"elsewhere:1:1", "elsewhere", 1};

class CustomStepsPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Appends "PHASE STEP GENERATION FROM>TO" to the trace file; exits with its first argument.
    recorder = (dir.path() / "record").string();
    std::ofstream(recorder) << "#!/bin/sh\necho \"$RG_PHASE $RG_STEP $RG_GENERATION $RG_FROM>$RG_TO\" >> "
                            << (dir.path() / "trace").string() << "\necho recorded $RG_STEP\nexit ${1:-0}\n";
    ::chmod(recorder.c_str(), 0755);
  }

  CustomStepConfig exec_step(const std::string& name, bool with_undo = true, int exit_status = 0) {
    CustomStepConfig step;
    step.name = name;
    step.action.argv = {recorder, std::to_string(exit_status)};
    step.action.timeout = 10s;
    if (with_undo) step.undo = CustomCallConfig{CustomCallConfig::Kind::exec, {recorder}, "", {}, 10s};
    return step;
  }

  Plan plan_of(const std::vector<CustomStepConfig>& steps) {
    Plan plan{"shop", "failover", "us-east-1", "us-west-2", {}, {}};
    append_custom_steps(plan, steps, {io.get_executor(), nullptr});
    return plan;
  }

  PlanReport execute(Plan plan, std::int64_t generation) {
    PlanReport out;
    executor.run(std::move(plan), generation, [&](PlanReport r) { out = std::move(r); });
    io.run();
    io.restart();
    return out;
  }

  std::vector<std::string> trace() {
    std::ifstream in(dir.path() / "trace");
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  test::TempDir dir;
  std::string recorder;
  std::string path = (dir.path() / "rg.db").string();
  std::unique_ptr<FailoverJournal> journal = [this] {
    auto opened = SqliteFailoverJournal::open(path).value();
    EXPECT_TRUE(opened->acquire_lease("shop", owner, t0, std::chrono::hours(1)).value().ours);
    return opened;
  }();
  boost::asio::io_context io;
  PlanExecutor executor{io.get_executor(), *journal, [] { return t0; },
                        ExecutorSettings{owner.owner, std::chrono::milliseconds(30), std::chrono::milliseconds(1)}};
};

TEST_F(CustomStepsPlanTest, StepsRunInOrderWithTheGenerationAndTheJournalKeepsTheirOutput) {
  const auto report = execute(plan_of({exec_step("warm-cache"), exec_step("tell-ops")}), 12);
  EXPECT_EQ(report.outcome, PlanOutcome::completed) << report.reason;
  EXPECT_THAT(trace(), ElementsAre("action warm-cache 12 us-east-1>us-west-2", "action tell-ops 12 us-east-1>us-west-2"));
  const auto latest = journal->latest("shop").value().value();
  std::vector<std::string> done;
  for (const auto& step : latest.steps)
    if (step.phase == StepPhase::done) done.push_back(step.name + ": " + step.detail);
  EXPECT_THAT(done, ElementsAre("warm-cache: recorded warm-cache", "tell-ops: recorded tell-ops"));
}

TEST_F(CustomStepsPlanTest, ALaterFailureRunsTheUndoWhichKnowsItIsOne) {
  const auto report = execute(plan_of({exec_step("warm-cache"), exec_step("tell-ops", false, 4)}), 3);
  EXPECT_EQ(report.outcome, PlanOutcome::rolled_back);
  EXPECT_THAT(report.reason, HasSubstr("step 2 (tell-ops) failed: " + recorder + " exited with status 4"));
  EXPECT_THAT(trace(), ElementsAre("action warm-cache 3 us-east-1>us-west-2", "action tell-ops 3 us-east-1>us-west-2",
                                   "undo warm-cache 3 us-east-1>us-west-2"));
}

TEST_F(CustomStepsPlanTest, AnIrreversibleStepIsNeverUndoneAndALaterFailureHalts) {
  auto point_of_no_return = exec_step("migrate-schema", false);
  point_of_no_return.irreversible = true;
  const auto report = execute(plan_of({exec_step("warm-cache"), point_of_no_return, exec_step("tell-ops", false, 4)}), 5);
  EXPECT_EQ(report.outcome, PlanOutcome::halted) << report.reason;
  EXPECT_THAT(report.not_undone, ElementsAre("migrate-schema"));
  // tell-ops is tried again while rolling forward; nothing is undone, warm-cache included.
  const auto lines = trace();
  ASSERT_GE(lines.size(), 4u);
  EXPECT_EQ(lines[0], "action warm-cache 5 us-east-1>us-west-2");
  EXPECT_EQ(lines[1], "action migrate-schema 5 us-east-1>us-west-2");
  for (std::size_t i = 2; i < lines.size(); ++i) EXPECT_EQ(lines[i], "action tell-ops 5 us-east-1>us-west-2");
  EXPECT_EQ(journal->latest("shop").value()->state, PlanState::halted);
}

TEST_F(CustomStepsPlanTest, AMissingCommandStopsThePlanBeforeAnythingRuns) {
  auto missing = exec_step("warm-cache");
  missing.undo->argv = {(dir.path() / "cool-cache").string()};
  const auto report = execute(plan_of({missing}), 1);
  EXPECT_EQ(report.outcome, PlanOutcome::not_ready);
  EXPECT_EQ(report.reason,
            "not ready: custom step commands can run: " + (dir.path() / "cool-cache").string() + " is not an executable file");
  EXPECT_TRUE(trace().empty());
}

TEST_F(CustomStepsPlanTest, TheDryRunSaysWhatEachStepWouldRun) {
  auto hook = exec_step("tell-cdn", false);
  hook.action = CustomCallConfig{CustomCallConfig::Kind::webhook, {}, "https://hooks.example.com/failover", {}, 10s};
  hook.undo = CustomCallConfig{CustomCallConfig::Kind::webhook, {}, "https://hooks.example.com/back", {}, 5s};
  auto once = exec_step("migrate-schema", false);
  once.irreversible = true;
  PlanReport report;
  executor.dry_run(plan_of({exec_step("warm-cache"), hook, once}), [&](PlanReport r) { report = std::move(r); });
  io.run();
  EXPECT_EQ(report.outcome, PlanOutcome::completed) << report.reason;
  EXPECT_THAT(report.log, ElementsAre(HasSubstr("custom step commands can run"),
                                      "would warm-cache: run " + recorder + " 0 (timeout 10s); undo: run " + recorder +
                                          " (timeout 10s)",
                                      "would tell-cdn: POST https://hooks.example.com/failover (timeout 10s); undo: POST "
                                      "https://hooks.example.com/back (timeout 5s)",
                                      "would migrate-schema: run " + recorder + " 0 (timeout 10s); irreversible: never undone"));
  EXPECT_TRUE(trace().empty());
}

}  // namespace
}  // namespace rg::act
