// Issue 20: parallel groups and approval pauses in the executor, told as stories with fake steps
// that record what they did, and the real SQLite journal. The operator's answers are journal rows
// (answer_approval), as the controller writes them from the API, the dashboard or a command line.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "act/failover/plan_executor.h"
#include "store/sqlite_failover_journal.h"
#include "support/temp_dir.h"

namespace rg::act {
namespace {

const TimePoint t0 = from_unix_us(1'800'000'000'000'000);
const LeaseHolder owner{"elsewhere:1:1", "elsewhere", 1};
using namespace std::chrono_literals;

class PlanPauseTest : public ::testing::Test {
 protected:
  // A step that records "do N" / "undo N"; its action answers on the loop, failing when `fail`.
  PlanStep step(int n, bool fail = false) {
    PlanStep s;
    s.name = "step " + std::to_string(n);
    s.action = [this, n, fail](StepCallback done) {
      trace.push_back("do " + std::to_string(n));
      boost::asio::post(io, [done, fail] { done(fail ? StepResult(std::unexpected("boom")) : "ok"); });
    };
    s.undo = [this, n](StepCallback done) {
      trace.push_back("undo " + std::to_string(n));
      done("");
    };
    return s;
  }

  PlanStep in_group(PlanStep s, int group) {
    s.parallel_group = group;
    return s;
  }

  PlanStep approval(std::chrono::milliseconds timeout) {
    PlanStep s;
    s.name = "approval before the database";
    s.approval_timeout = timeout;
    return s;
  }

  Plan plan(std::vector<PlanStep> steps) { return {"shop", "failover", "us-east-1", "us-west-2", {}, std::move(steps)}; }

  // Runs `p`; `operator_turn`, when given, is called on every progress line with the journal, as
  // an operator watching the plan would act.
  PlanReport run(Plan p, std::function<void(const Progress&)> operator_turn = {}) {
    PlanExecutor executor{io.get_executor(), *journal, [] { return t0; },
                          ExecutorSettings{owner.owner, 30ms, 1ms, 4, 1ms, 1ms},
                          [&](const Plan&, const Progress& progress) {
                            if (operator_turn) operator_turn(progress);
                          }};
    PlanReport out;
    bool finished = false;
    executor.run(std::move(p), 1, [&](PlanReport r) {
      out = std::move(r);
      finished = true;
    });
    io.run();
    io.restart();
    EXPECT_TRUE(finished) << "the plan never finished";
    return out;
  }

  void answer(bool approve) {
    const auto record = journal->latest("shop").value();
    ASSERT_TRUE(record);
    ASSERT_TRUE(awaiting_approval(*record)) << "the plan is not waiting at its approval pause";
    EXPECT_EQ(answer_approval(*journal, *record, approve, "the CLI by alice", t0).value(), JournalWrite::ok);
  }

  test::TempDir dir;
  std::unique_ptr<FailoverJournal> journal = [this] {
    auto opened = SqliteFailoverJournal::open((dir.path() / "rg.db").string()).value();
    EXPECT_TRUE(opened->acquire_lease("shop", owner, t0, std::chrono::hours(1)).value().ours);
    return opened;
  }();
  boost::asio::io_context io;
  std::vector<std::string> trace;
};

// Scaling the ASG and the ECS service of the target one after the other doubles the time before
// traffic can move. In a group both start before either has answered: each action here answers
// only once the other has started, so run one at a time the plan would never finish.
TEST_F(PlanPauseTest, StepsOfAParallelGroupRunAtOnce) {
  int started = 0;
  std::vector<StepCallback> waiting;
  const auto together = [&](int n) {
    PlanStep s = step(n);
    s.action = [&, n](StepCallback done) {
      trace.push_back("do " + std::to_string(n));
      waiting.push_back(std::move(done));
      if (++started == 2)
        for (auto& answer : waiting) answer("ok");
    };
    return in_group(std::move(s), 1);
  };
  const auto report = run(plan({step(1), together(2), together(3), step(4)}));
  EXPECT_EQ(report.outcome, PlanOutcome::completed) << report.reason;
  EXPECT_EQ(trace, (std::vector<std::string>{"do 1", "do 2", "do 3", "do 4"}));
  // Each is journaled started before either finished.
  const auto record = journal->latest("shop").value();
  std::vector<std::string> rows;
  for (const auto& row : record->steps) rows.push_back(row.name + " " + std::string(to_string(row.phase)));
  EXPECT_EQ(rows, (std::vector<std::string>{"step 1 started", "step 1 done", "step 2 started", "step 3 started",
                                            "step 2 done", "step 3 done", "step 4 started", "step 4 done"}));
}

// One member of the group fails: the plan waits for the others, then undoes those that took effect
// and everything before, newest first; the failed one changed nothing and is not undone.
TEST_F(PlanPauseTest, AFailingMemberOfAGroupUndoesTheMembersThatFinishedAndTheStepsBefore) {
  const auto report = run(plan({step(1), in_group(step(2), 1), in_group(step(3, true), 1), in_group(step(5), 1), step(4)}));
  EXPECT_EQ(report.outcome, PlanOutcome::rolled_back);
  EXPECT_NE(report.reason.find("step 3 (step 3) failed: boom"), std::string::npos) << report.reason;
  EXPECT_EQ(trace, (std::vector<std::string>{"do 1", "do 2", "do 3", "do 5", "undo 5", "undo 2", "undo 1"}));
}

// The plan scales the target, then stops before promoting the database until an operator looks:
// approved, it goes on.
TEST_F(PlanPauseTest, AnApprovalPauseWaitsForTheOperatorThenGoesOn) {
  bool answered = false;
  const auto report = run(plan({step(1), approval(1h), step(2)}), [&](const Progress& progress) {
    if (answered || !progress.line.starts_with("waiting for an operator")) return;
    answered = true;
    EXPECT_EQ(trace, (std::vector<std::string>{"do 1"})) << "step 2 ran before the approval";
    answer(true);
  });
  EXPECT_EQ(report.outcome, PlanOutcome::completed) << report.reason;
  EXPECT_EQ(trace, (std::vector<std::string>{"do 1", "do 2"}));
  EXPECT_NE(std::ranges::find(report.log, "approved: approval before the database (approved on the CLI by alice)"),
            report.log.end());
}

// Declined: what ran before the pause is undone.
TEST_F(PlanPauseTest, ADeclinedApprovalRollsBackWhatRanBeforeIt) {
  const auto report = run(plan({step(1), approval(1h), step(2)}), [&](const Progress& progress) {
    if (progress.line.starts_with("waiting for an operator")) answer(false);
  });
  EXPECT_EQ(report.outcome, PlanOutcome::rolled_back);
  EXPECT_EQ(trace, (std::vector<std::string>{"do 1", "undo 1"}));
  EXPECT_NE(report.reason.find("declined on the CLI by alice"), std::string::npos) << report.reason;
}

// Nobody answers: after the timeout the plan rolls back rather than holding half a move.
TEST_F(PlanPauseTest, AnApprovalNobodyGivesRollsBackAfterItsTimeout) {
  const auto report = run(plan({step(1), approval(20ms), step(2)}));
  EXPECT_EQ(report.outcome, PlanOutcome::rolled_back);
  EXPECT_EQ(trace, (std::vector<std::string>{"do 1", "undo 1"}));
  EXPECT_NE(report.reason.find("no operator approved within"), std::string::npos) << report.reason;
}

// An answer for a plan that does not wait is refused, not journaled.
TEST_F(PlanPauseTest, AnAnswerWhenNothingWaitsIsAConflict) {
  const auto report = run(plan({step(1)}));
  ASSERT_EQ(report.outcome, PlanOutcome::completed);
  const auto record = journal->latest("shop").value();
  EXPECT_FALSE(awaiting_approval(*record));
  EXPECT_EQ(answer_approval(*journal, *record, true, "the API", t0).value(), JournalWrite::conflict);
}

}  // namespace
}  // namespace rg::act
