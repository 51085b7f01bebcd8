// PlanExecutor with fake steps that record what they did to a pretend world: which actions and
// undos ran in which order, what the journal says, and how a restart picks a plan up again.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "store/sqlite_failover_journal.h"
#include "act/failover/plan_executor.h"
#include "store/sqlite_failover_journal.h"
#include "support/temp_dir.h"
#include "unit/act/failing_journal.h"

namespace rg::act {
namespace {

const TimePoint t0 = from_unix_us(1'800'000'000'000'000);

const LeaseHolder owner{"elsewhere:1:1", "elsewhere", 1};

class PlanExecutorTest : public ::testing::Test {
 protected:
  // A step that appends "do N" / "undo N" to `trace`; it fails its action when `fail_action`,
  // its verification when `fail_verify`, and never answers when `hang` (the process "dies" there).
  PlanStep step(int n, bool fail_action = false, bool fail_verify = false, bool hang = false) {
    PlanStep s;
    s.name = "step " + std::to_string(n);
    s.description = "changes thing " + std::to_string(n);
    s.action = [this, n, fail_action, hang](StepCallback done) {
      trace.push_back("do " + std::to_string(n));
      if (hang) return;
      // Answer later, as a real call would.
      boost::asio::post(io, [done, fail_action] { done(fail_action ? StepResult(std::unexpected("boom")) : "ok"); });
    };
    s.verify = [fail_verify](StepCallback done) {
      done(fail_verify ? StepResult(std::unexpected("not in effect")) : StepResult("checked"));
    };
    s.undo = [this, n](StepCallback done) {
      trace.push_back("undo " + std::to_string(n));
      done("");
    };
    return s;
  }

  Plan plan(std::vector<PlanStep> steps, std::vector<ReadinessCheck> readiness = {}) {
    return {"shop", "failover", "us-east-1", "us-west-2", std::move(readiness), std::move(steps)};
  }

  // Runs `p` as generation 1 on `other` (a journal in front of the real one), journal writes
  // retried every millisecond.
  PlanReport run_with(FailoverJournal& other, Plan p) {
    PlanExecutor patient{io.get_executor(), other, [] { return t0; },
                         ExecutorSettings{owner.owner, std::chrono::milliseconds(30), std::chrono::milliseconds(1), 4,
                                          std::chrono::milliseconds(1)}};
    PlanReport report;
    patient.run(std::move(p), 1, [&](PlanReport r) { report = std::move(r); });
    io.run();
    io.restart();
    return report;
  }

  PlanReport execute(Plan p, std::int64_t generation = 1) {
    PlanReport out;
    bool finished = false;
    executor.run(std::move(p), generation, [&](PlanReport r) {
      out = std::move(r);
      finished = true;
    });
    io.run();
    io.restart();
    EXPECT_TRUE(finished);
    return out;
  }

  std::vector<StepPhase> phases_of(int step_index) {
    std::vector<StepPhase> out;
    const auto latest = journal->latest("shop").value();  // kept: the loop must not walk a temporary
    for (const auto& s : latest->steps)
      if (s.step == step_index) out.push_back(s.phase);
    return out;
  }

  test::TempDir dir;
  std::string path = (dir.path() / "rg.db").string();
  // The journal, with this test's executor holding the lease of "shop" (a holder of another host,
  // so that only the lease's expiry counts).
  std::unique_ptr<FailoverJournal> journal = [this] {
    auto opened = SqliteFailoverJournal::open(path).value();
    EXPECT_TRUE(opened->acquire_lease("shop", owner, t0, std::chrono::hours(1)).value().ours);
    return opened;
  }();
  boost::asio::io_context io;
  // Rolling forward after an irreversible step: retried every millisecond for 30 ms.
  PlanExecutor executor{io.get_executor(), *journal, [] { return t0; },
                        ExecutorSettings{owner.owner, std::chrono::milliseconds(30), std::chrono::milliseconds(1)}};
  std::vector<std::string> trace;
};

TEST_F(PlanExecutorTest, RunsEveryStepInOrderAndJournalsEachBeforeAndAfter) {
  const auto report = execute(plan({step(1), step(2), step(3)}));
  EXPECT_EQ(report.outcome, PlanOutcome::completed) << report.reason;
  EXPECT_EQ(trace, (std::vector<std::string>{"do 1", "do 2", "do 3"}));
  const auto latest = journal->latest("shop").value();
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->state, PlanState::completed);
  EXPECT_EQ(phases_of(1), (std::vector{StepPhase::started, StepPhase::done}));
  EXPECT_EQ(latest->steps.size(), 6u);
}

TEST_F(PlanExecutorTest, AFailedActionAtStepKUndoesTheStepsBeforeItNewestFirst) {
  const auto report = execute(plan({step(1), step(2), step(3, true), step(4)}));
  EXPECT_EQ(report.outcome, PlanOutcome::rolled_back);
  EXPECT_NE(report.reason.find("step 3 (step 3) failed: boom"), std::string::npos) << report.reason;
  // Step 3's action did not take effect: only 2 and 1 are undone; step 4 never ran.
  EXPECT_EQ(trace, (std::vector<std::string>{"do 1", "do 2", "do 3", "undo 2", "undo 1"}));
  EXPECT_EQ(phases_of(2), (std::vector{StepPhase::started, StepPhase::failed}));
  EXPECT_EQ(phases_of(0), (std::vector{StepPhase::started, StepPhase::done, StepPhase::undo_started,
                                       StepPhase::undone}));
  EXPECT_EQ(journal->latest("shop").value()->state, PlanState::rolled_back);
}

TEST_F(PlanExecutorTest, AFailedVerificationUndoesTheStepItself) {
  const auto report = execute(plan({step(1), step(2, false, true), step(3)}));
  EXPECT_EQ(report.outcome, PlanOutcome::rolled_back);
  EXPECT_EQ(trace, (std::vector<std::string>{"do 1", "do 2", "undo 2", "undo 1"}));
}

TEST_F(PlanExecutorTest, AFailedReadinessCheckChangesNothing) {
  const auto report = execute(plan({step(1)}, {{"replica lag", [](StepCallback done) { done("3s"); }},
                                              {"capacity", [](StepCallback done) {
                                                 done(std::unexpected("max 2 < desired 4"));
                                               }}}));
  EXPECT_EQ(report.outcome, PlanOutcome::not_ready);
  EXPECT_EQ(report.reason, "not ready: capacity: max 2 < desired 4");
  EXPECT_TRUE(trace.empty());
  EXPECT_EQ(journal->latest("shop").value()->state, PlanState::not_ready);
}

TEST_F(PlanExecutorTest, DryRunChecksReadinessAndListsStepsWithoutRunningOrJournaling) {
  PlanReport report;
  executor.dry_run(plan({step(1), step(2)}, {{"target healthy", [](StepCallback done) { done("score 100"); }}}),
                   [&](PlanReport r) { report = std::move(r); });
  io.run();
  EXPECT_EQ(report.outcome, PlanOutcome::completed);
  EXPECT_TRUE(trace.empty());
  EXPECT_EQ(report.log, (std::vector<std::string>{"ready: target healthy (score 100)",
                                                  "would step 1: changes thing 1", "would step 2: changes thing 2"}));
  EXPECT_FALSE(journal->latest("shop").value().has_value());
}

TEST_F(PlanExecutorTest, AStalePlanIsFencedAndTouchesNothing) {
  ASSERT_EQ(execute(plan({step(1)}), 2).outcome, PlanOutcome::completed);
  trace.clear();
  const auto report = execute(plan({step(1), step(2)}), 1);
  EXPECT_EQ(report.outcome, PlanOutcome::fenced);
  EXPECT_TRUE(trace.empty());
  EXPECT_EQ(journal->latest("shop").value()->generation, 2);
}

TEST_F(PlanExecutorTest, ANewerPlanMidwayFencesTheOlderOneWithoutARollback) {
  // Step 2 of generation 1 is slow; meanwhile generation 2 begins (an operator's rollback, say).
  auto slow = step(2);
  slow.action = [this](StepCallback done) {
    trace.push_back("do 2");
    ASSERT_EQ(journal->begin_plan({"shop", 2, "failover", "us-west-2", "us-east-1", PlanState::running, t0, t0, "", {}, {}, {}, {}, {}, {}, {}},
                                  owner.owner)
                  .value(),
              JournalWrite::ok);
    done("ok");
  };
  const auto report = execute(plan({step(1), slow, step(3)}), 1);
  EXPECT_EQ(report.outcome, PlanOutcome::fenced);
  // No undo: generation 2 owns the resources now; and step 3 never ran.
  EXPECT_EQ(trace, (std::vector<std::string>{"do 1", "do 2"}));
}

// The process dies while step 2 is in flight; a new process finds the plan running in the journal.
class CrashRecoveryTest : public PlanExecutorTest {
 protected:
  JournalPlan crash_in_step_2() {
    executor.run(plan({step(1), step(2, false, false, true), step(3)}), 1, [](PlanReport) {
      ADD_FAILURE() << "the plan must not finish: its process died";
    });
    io.run();  // returns when nothing is pending: step 2 never answers
    io.restart();
    auto record = journal->latest("shop").value();
    EXPECT_TRUE(record);
    EXPECT_EQ(record->state, PlanState::running);
    trace.clear();
    return *record;
  }

  PlanReport recover(const JournalPlan& record, Recovery mode) {
    PlanReport out;
    executor.recover(plan({step(1), step(2), step(3)}), record, mode, [&](PlanReport r) { out = std::move(r); });
    io.run();
    io.restart();
    return out;
  }
};

TEST_F(CrashRecoveryTest, RollbackUndoesTheInFlightStepAndEverythingBeforeIt) {
  const auto record = crash_in_step_2();
  const auto report = recover(record, Recovery::rollback);
  EXPECT_EQ(report.outcome, PlanOutcome::rolled_back);
  EXPECT_EQ(trace, (std::vector<std::string>{"undo 2", "undo 1"}));
  EXPECT_EQ(journal->latest("shop").value()->state, PlanState::rolled_back);
}

TEST_F(CrashRecoveryTest, ResumeRunsAgainFromTheInFlightStep) {
  const auto record = crash_in_step_2();
  const auto report = recover(record, Recovery::resume);
  EXPECT_EQ(report.outcome, PlanOutcome::completed) << report.reason;
  EXPECT_EQ(trace, (std::vector<std::string>{"do 2", "do 3"}));
  EXPECT_EQ(journal->latest("shop").value()->state, PlanState::completed);
}

TEST_F(CrashRecoveryTest, ACrashDuringARollbackFinishesTheRollbackEvenWhenAskedToResume) {
  auto record = crash_in_step_2();
  // The journal shows step 2's undo started and then the process died again.
  ASSERT_EQ(journal->record_step("shop", 1, {1, "step 2", StepPhase::undo_started, t0, "", "", "", 0}).value(), JournalWrite::ok);
  record = *journal->latest("shop").value();
  const auto report = recover(record, Recovery::resume);
  EXPECT_EQ(report.outcome, PlanOutcome::rolled_back);
  EXPECT_EQ(trace, (std::vector<std::string>{"undo 2", "undo 1"}));
}

// A step like scale_asg_step: its action keeps the "capacity" before changing it, and its undo
// puts that back. The world is an int.
PlanStep capacity_step(int& world, int target, bool hang = false) {
  PlanStep s;
  s.name = "scale to " + std::to_string(target);
  s.memory = std::make_shared<UndoMemory>();
  s.action = [&world, target, hang, memory = s.memory](StepCallback done) {
    if (auto kept = memory->remember({{"capacity", world}}); !kept) return done(std::unexpected(kept.error()));
    world = target;
    if (!hang) done("");
  };
  s.undo = [&world, memory = s.memory](StepCallback done) {
    if (!memory->state()) return done("nothing was changed");
    world = memory->state()->at("capacity").get<int>();
    done("");
  };
  return s;
}

TEST_F(CrashRecoveryTest, TheUndoStateKeptBeforeTheCrashIsWhatTheRollbackPutsBack) {
  int capacity = 1;
  int parameter = 10;
  executor.run(plan({capacity_step(capacity, 4), capacity_step(parameter, 20, true)}), 1,
               [](PlanReport) { ADD_FAILURE() << "the process died"; });
  io.run();
  io.restart();
  ASSERT_EQ(capacity, 4);
  ASSERT_EQ(parameter, 20);
  const auto record = journal->latest("shop").value().value();
  // The new process rebuilds the plan: its steps remember nothing of their own.
  PlanReport report;
  executor.recover(plan({capacity_step(capacity, 4), capacity_step(parameter, 20)}), record, Recovery::rollback,
                   [&](PlanReport r) { report = std::move(r); });
  io.run();
  EXPECT_EQ(report.outcome, PlanOutcome::rolled_back) << report.reason;
  EXPECT_EQ(capacity, 1);
  EXPECT_EQ(parameter, 10);
}

TEST_F(CrashRecoveryTest, AResumedStepKeepsTheStateFromBeforeThePlanNotItsOwnChange) {
  int capacity = 1;
  executor.run(plan({capacity_step(capacity, 4, true)}), 1, [](PlanReport) { ADD_FAILURE() << "the process died"; });
  io.run();
  io.restart();
  const auto record = journal->latest("shop").value().value();
  // Resumed: the action runs again and reads 4, which must not replace the kept 1.
  std::vector<PlanStep> steps{capacity_step(capacity, 4)};
  const auto memory = steps[0].memory;
  PlanReport report;
  executor.recover(plan(std::move(steps)), record, Recovery::resume, [&](PlanReport r) { report = std::move(r); });
  io.run();
  EXPECT_EQ(report.outcome, PlanOutcome::completed) << report.reason;
  ASSERT_TRUE(memory->state());
  EXPECT_EQ(memory->state()->at("capacity"), 1);
}

TEST_F(CrashRecoveryTest, AnUnreadableUndoStateChangesNothingAndSaysSo) {
  int capacity = 1;
  executor.run(plan({capacity_step(capacity, 4, true)}), 1, [](PlanReport) { ADD_FAILURE() << "the process died"; });
  io.run();
  io.restart();
  ASSERT_EQ(journal->record_undo_state("shop", 1, 0, "{not json").value(), JournalWrite::ok);
  const auto record = journal->latest("shop").value().value();
  PlanReport report;
  executor.recover(plan({capacity_step(capacity, 4)}), record, Recovery::rollback,
                   [&](PlanReport r) { report = std::move(r); });
  io.run();
  EXPECT_EQ(capacity, 4);
  ASSERT_FALSE(report.log.empty());
  EXPECT_NE(report.log.front().find("unreadable"), std::string::npos) << report.log.front();
}

TEST_F(PlanExecutorTest, AStepThatThrowsFailsAndIsRolledBack) {
  PlanStep throwing = step(2);
  throwing.action = [](StepCallback) { throw std::runtime_error("bad state"); };
  const auto report = execute(plan({step(1), throwing}));
  EXPECT_EQ(report.outcome, PlanOutcome::rolled_back);
  EXPECT_NE(report.reason.find("threw: bad state"), std::string::npos) << report.reason;
  EXPECT_EQ(trace, (std::vector<std::string>{"do 1", "undo 1"}));
}

// Issue 15, section 1: a process that does not hold the application's lease (a CLI while the
// daemon owns it) cannot begin a plan: nothing is journaled and nothing changes.
TEST_F(PlanExecutorTest, AProcessWithoutTheLeaseCannotBeginAPlan) {
  PlanExecutor stranger{io.get_executor(), *journal, [] { return t0; }, ExecutorSettings{"someone-else"}};
  PlanReport report;
  stranger.run(plan({step(1)}), 1, [&](PlanReport r) { report = std::move(r); });
  io.run();
  EXPECT_EQ(report.outcome, PlanOutcome::refused);
  EXPECT_NE(report.reason.find("does not hold the lease"), std::string::npos) << report.reason;
  EXPECT_TRUE(trace.empty());
  EXPECT_FALSE(journal->latest("shop").value().has_value());
}

// Section 1: an approval is a compare-and-set. The operator approved; before the daemon's round
// came, another operator declined. The daemon must not run the declined plan.
TEST_F(PlanExecutorTest, AProposalDeclinedBeforeItRunsIsNotRun) {
  JournalPlan proposal{"shop", 1, "failover", "us-east-1", "us-west-2", PlanState::proposed, t0, t0, "", {}, {}, {}, {}, {}, {}, {}};
  ASSERT_EQ(journal->begin_plan(proposal, owner.owner).value(), JournalWrite::ok);
  ASSERT_EQ(journal->finish_plan("shop", 1, PlanState::proposed, PlanState::declined, t0, "no").value(),
            JournalWrite::ok);
  PlanReport report;
  executor.run_approved(plan({step(1)}), 1, [&](PlanReport r) { report = std::move(r); });
  io.run();
  EXPECT_EQ(report.outcome, PlanOutcome::refused);
  EXPECT_TRUE(trace.empty());
  EXPECT_EQ(journal->latest("shop").value()->state, PlanState::declined);
}

// Section 4: the Route 53 change was sent and its answer lost; the action reports an error. It had
// journaled what the record was before, so its change may well have landed: it is undone too.
TEST_F(PlanExecutorTest, AFailedActionThatKeptItsUndoStateIsUndoneToo) {
  int record = 1;
  PlanStep lost = capacity_step(record, 2);
  lost.action = [&record, memory = lost.memory](StepCallback done) {
    if (auto kept = memory->remember({{"capacity", record}}); !kept) return done(std::unexpected(kept.error()));
    record = 2;                                      // the change lands...
    done(std::unexpected("connection reset"));       // ...and its answer is lost
  };
  const auto report = execute(plan({step(1), lost}));
  EXPECT_EQ(report.outcome, PlanOutcome::rolled_back);
  EXPECT_EQ(record, 1) << "the step whose answer was lost must be undone";
  EXPECT_EQ(trace, (std::vector<std::string>{"do 1", "undo 1"}));
}

// Section 3: after the replica was promoted, the traffic step fails. Rolling back would send
// traffic to the old writer while the new one has taken writes: the executor retries the
// traffic step instead; here it keeps failing, so the plan halts, naming the promotion.
TEST_F(PlanExecutorTest, AFailureAfterAnIrreversibleStepRollsForwardThenHaltsWithoutUndoing) {
  auto promote = step(2);
  promote.name = "promote shop-west";
  promote.undo = nullptr;
  promote.irreversible = true;
  int attempts = 0;
  auto traffic = step(3);
  traffic.action = [&](StepCallback done) {
    ++attempts;
    done(std::unexpected("Throttling"));
  };
  const auto report = execute(plan({step(1), promote, traffic}));
  EXPECT_EQ(report.outcome, PlanOutcome::halted) << report.reason;
  EXPECT_GT(attempts, 1) << "the failing step is retried before the plan halts";
  EXPECT_EQ(trace, (std::vector<std::string>{"do 1", "do 2"})) << "nothing is undone";
  EXPECT_EQ(report.not_undone, (std::vector<std::string>{"promote shop-west"}));
  EXPECT_NE(report.reason.find("promote shop-west"), std::string::npos) << report.reason;
  EXPECT_EQ(journal->latest("shop").value()->state, PlanState::halted);
}

TEST_F(PlanExecutorTest, AFailureAfterAnIrreversibleStepThatClearsOnRetryCompletes) {
  auto promote = step(2);
  promote.irreversible = true;
  int attempts = 0;
  auto traffic = step(3);
  traffic.action = [&](StepCallback done) {
    done(++attempts < 3 ? StepResult(std::unexpected("Throttling")) : StepResult("moved"));
  };
  const auto report = execute(plan({step(1), promote, traffic}));
  EXPECT_EQ(report.outcome, PlanOutcome::completed) << report.reason;
  EXPECT_EQ(attempts, 3);
}

// Section 2: the process died after the plan was journaled but before readiness passed. The
// resume must check readiness again, and a target that is no longer ready stops it.
TEST_F(CrashRecoveryTest, AResumeWithoutAJournaledReadinessChecksReadinessAgain) {
  JournalPlan begun{"shop", 1, "failover", "us-east-1", "us-west-2", PlanState::running, t0, t0, "", {}, {}, {}, {}, {}, {}, {}};
  ASSERT_EQ(journal->begin_plan(begun, owner.owner).value(), JournalWrite::ok);
  const auto record = journal->latest("shop").value().value();
  ASSERT_FALSE(record.ready_at);
  int checks = 0;
  PlanReport report;
  executor.recover(plan({step(1), step(2)}, {{"replica lag", [&](StepCallback done) {
                                                ++checks;
                                                done(std::unexpected("lag 900 s > rpo 60 s"));
                                              }}}),
                   record, Recovery::resume, [&](PlanReport r) { report = std::move(r); });
  io.run();
  EXPECT_EQ(checks, 1);
  EXPECT_EQ(report.outcome, PlanOutcome::not_ready);
  EXPECT_TRUE(trace.empty());
}

TEST_F(CrashRecoveryTest, AResumeAfterAJournaledReadinessDoesNotCheckAgain) {
  const auto record = crash_in_step_2();
  ASSERT_TRUE(record.ready_at);
  int checks = 0;
  PlanReport report;
  executor.recover(plan({step(1), step(2), step(3)}, {{"lag", [&](StepCallback done) {
                                                         ++checks;
                                                         done("");
                                                       }}}),
                   record, Recovery::resume, [&](PlanReport r) { report = std::move(r); });
  io.run();
  EXPECT_EQ(checks, 0);
  EXPECT_EQ(report.outcome, PlanOutcome::completed) << report.reason;
}

// Section 2: between the crash and the restart an operator removed a step from the plan. The
// journal's step 2 is not the new plan's step 2: the plan is rolled back by name, not resumed.
TEST_F(CrashRecoveryTest, APlanWhoseStepsChangedSinceTheCrashIsRolledBackByNameNotResumed) {
  const auto record = crash_in_step_2();
  PlanReport report;
  executor.recover(plan({step(1), step(3)}), record, Recovery::resume, [&](PlanReport r) { report = std::move(r); });
  io.run();
  EXPECT_EQ(report.outcome, PlanOutcome::rolled_back);
  EXPECT_NE(report.reason.find("changed in the configuration"), std::string::npos) << report.reason;
  EXPECT_NE(report.reason.find("step 2"), std::string::npos) << "the step it can no longer undo is named";
  EXPECT_EQ(trace, (std::vector<std::string>{"undo 1"})) << "step 3 never ran, so it is not undone";
}

// Section 3: the process died after the promotion. Asked to roll back (the plan is too old to
// resume), the executor rolls forward instead: traffic never goes back to the old writer.
TEST_F(CrashRecoveryTest, ARollbackPastThePointOfNoReturnRollsForward) {
  auto promote = step(2, false, false, true);
  promote.irreversible = true;
  executor.run(plan({step(1), promote, step(3)}), 1, [](PlanReport) { ADD_FAILURE() << "the process died"; });
  io.run();
  io.restart();
  const auto record = journal->latest("shop").value().value();
  trace.clear();
  auto rebuilt = step(2);
  rebuilt.irreversible = true;
  PlanReport report;
  executor.recover(plan({step(1), rebuilt, step(3)}), record, Recovery::rollback,
                   [&](PlanReport r) { report = std::move(r); });
  io.run();
  EXPECT_EQ(report.outcome, PlanOutcome::completed) << report.reason;
  EXPECT_EQ(trace, (std::vector<std::string>{"do 2", "do 3"}));
}

// Section 1: an operator rolls back a running plan. The rollback is generation 2: it fences
// generation 1's runner, and undoes generation 1's steps with their journaled undo states.
TEST_F(CrashRecoveryTest, ARollbackOfARunningPlanIsANewGenerationThatFencesTheOldRunner) {
  int capacity = 1;
  executor.run(plan({capacity_step(capacity, 4), step(2, false, false, true)}), 1,
               [](PlanReport) { ADD_FAILURE() << "the old runner is stuck in step 2"; });
  io.run();
  io.restart();
  const auto record = journal->latest("shop").value().value();
  JournalPlan rollback{"shop", 2, "rollback", "us-west-2", "us-east-1", PlanState::running, t0, t0, "", {}, {}, {}, {}, {}, {}, {}};
  ASSERT_EQ(journal->supersede(rollback, 1, owner.owner).value(), JournalWrite::ok);
  trace.clear();
  PlanReport report;
  executor.undo_superseded(plan({capacity_step(capacity, 4), step(2)}), record, 2,
                           [&](PlanReport r) { report = std::move(r); });
  io.run();
  EXPECT_EQ(report.outcome, PlanOutcome::rolled_back) << report.reason;
  EXPECT_EQ(report.generation, 2);
  EXPECT_EQ(capacity, 1);
  EXPECT_EQ(trace, (std::vector<std::string>{"undo 2"}));
  const auto plans = journal->plans("shop", 5).value();
  EXPECT_EQ(plans[0].state, PlanState::rolled_back);
  EXPECT_EQ(plans[1].state, PlanState::fenced);
  // The old runner wakes up: its next write is fenced, so it changes nothing more.
  EXPECT_EQ(journal->record_step("shop", 1, {1, "step 2", StepPhase::done, t0, "", "", "", 0}).value(), JournalWrite::fenced);
}

// Section 6: the journal cannot be written between two steps (an I/O error that passes). No step
// runs until the write lands; it is tried again, and the plan carries on.
TEST_F(PlanExecutorTest, AJournalWriteThatFailsMidPlanIsTriedAgainBeforeAnyMoreStepRuns) {
  test::FailingJournal failing(*journal);
  failing.fail_step_writes(3, 2);  // step 2's "started": fails twice, then lands
  const auto report = run_with(failing, plan({step(1), step(2)}));
  EXPECT_EQ(report.outcome, PlanOutcome::completed) << report.reason;
  EXPECT_EQ(trace, (std::vector<std::string>{"do 1", "do 2"}));
  EXPECT_EQ(std::ranges::count_if(report.log, [](const std::string& line) {
              return line.starts_with("the journal could not be written (disk I/O error): no AWS call until it is");
            }),
            2);
}

// Section 6: the journal stays broken. The plan stops before its next change, ends journal_failed
// (the controller locks the application) and says how often it tried.
TEST_F(PlanExecutorTest, AJournalThatStaysBrokenStopsThePlanBeforeItsNextChange) {
  test::FailingJournal failing(*journal);
  failing.fail_step_writes(3, -1);
  const auto report = run_with(failing, plan({step(1), step(2)}));
  EXPECT_EQ(report.outcome, PlanOutcome::journal_failed);
  EXPECT_EQ(trace, (std::vector<std::string>{"do 1"})) << "step 2 never ran without its journal row";
  EXPECT_EQ(failing.step_writes(), 6) << "two writes, then step 2's start tried four times";
  EXPECT_NE(report.reason.find("4 attempts"), std::string::npos) << report.reason;
}

}  // namespace
}  // namespace rg::act
