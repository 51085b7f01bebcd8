// The failover journal: plans and their steps survive reopening the file, generations count up
// per application, and a write for an older generation is fenced.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store/sqlite_failover_journal.h"
#include "store/sqlite_schema.h"
#include "support/temp_dir.h"

namespace rg {
namespace {

const TimePoint t0 = from_unix_us(1'800'000'000'000'000);

JournalPlan plan(std::int64_t generation, std::string app = "shop") {
  return {std::move(app), generation, "failover", "us-east-1", "us-west-2", PlanState::running, t0, t0, "", {}, {}, {}, {}, {}, {}, {}};
}

// Holders on another host: their processes cannot be looked at, only their expiry counts.
const LeaseHolder remote_daemon{"host-b:100:1", "host-b", 100};
const LeaseHolder remote_cli{"host-c:200:1", "host-c", 200};

class FailoverJournalTest : public ::testing::Test {
 protected:
  // Opens the journal with the daemon holding the lease of "shop" and "blog".
  std::unique_ptr<FailoverJournal> open_owned() {
    auto journal = SqliteFailoverJournal::open(path);
    EXPECT_TRUE(journal) << journal.error().message;
    for (const auto* app : {"shop", "blog"})
      EXPECT_TRUE((*journal)->acquire_lease(app, remote_daemon, t0, std::chrono::seconds(30)).value().ours);
    return std::move(*journal);
  }

  test::TempDir dir;
  std::string path = (dir.path() / "rg.db").string();
};

TEST_F(FailoverJournalTest, StepsArePersistedInOrderAndReadBackAfterReopening) {
  {
    auto journal = open_owned();
    EXPECT_EQ(journal->next_generation("shop").value(), 1);
    ASSERT_EQ(journal->begin_plan(plan(1), remote_daemon.owner).value(), JournalWrite::ok);
    ASSERT_EQ(journal->record_step("shop", 1, {0, "scale", StepPhase::started, t0, "", "", "", 0}).value(), JournalWrite::ok);
    ASSERT_EQ(journal->record_step("shop", 1, {0, "scale", StepPhase::done, t0, "2 in service", "", "", 0}).value(),
              JournalWrite::ok);
    ASSERT_EQ(journal->record_step("shop", 1, {1, "promote", StepPhase::started, t0, "", "", "", 0}).value(),
              JournalWrite::ok);
    // What step 0's undo must put back goes on its started row.
    ASSERT_EQ(journal->record_undo_state("shop", 1, 0, R"({"desired":0})").value(), JournalWrite::ok);
    EXPECT_FALSE(journal->record_undo_state("shop", 1, 7, "{}"));  // no such step started
  }  // "crash": the connection goes away mid-plan
  auto journal = SqliteFailoverJournal::open(path);
  ASSERT_TRUE(journal);
  const auto latest = (*journal)->latest("shop");
  ASSERT_TRUE(latest && *latest);
  const JournalPlan& found = **latest;
  EXPECT_EQ(found.generation, 1);
  EXPECT_EQ(found.state, PlanState::running);
  ASSERT_EQ(found.steps.size(), 3u);
  EXPECT_EQ(found.steps[0].undo_state, R"({"desired":0})");
  EXPECT_EQ(found.steps[1].phase, StepPhase::done);
  EXPECT_EQ(found.steps[1].undo_state, "");
  EXPECT_EQ(found.steps[1].detail, "2 in service");
  EXPECT_EQ(found.steps[2].name, "promote");
  EXPECT_EQ(found.steps[2].phase, StepPhase::started);
  EXPECT_EQ((*journal)->next_generation("shop").value(), 2);
  EXPECT_EQ((*journal)->next_generation("other").value(), 1);
}

TEST_F(FailoverJournalTest, AnOlderGenerationCanNeverOverwriteANewerOne) {
  auto journal = open_owned();
  auto& j = *journal;
  const auto& me = remote_daemon.owner;
  ASSERT_EQ(j.begin_plan(plan(1), me).value(), JournalWrite::ok);
  ASSERT_EQ(j.begin_plan(plan(2), me).value(), JournalWrite::ok);
  // Generation 1's executor wakes up late: each of its writes is refused.
  EXPECT_EQ(j.record_step("shop", 1, {0, "scale", StepPhase::done, t0, "", "", "", 0}).value(), JournalWrite::fenced);
  EXPECT_EQ(j.finish_plan("shop", 1, PlanState::running, PlanState::completed, t0, "").value(), JournalWrite::fenced);
  EXPECT_EQ(j.record_undo_state("shop", 1, 0, "{}").value(), JournalWrite::fenced);
  // Nor can a plan reuse or go below the newest generation.
  EXPECT_EQ(j.begin_plan(plan(2), me).value(), JournalWrite::fenced);
  EXPECT_EQ(j.begin_plan(plan(1), me).value(), JournalWrite::fenced);
  // Generation 2 writes freely, and another application has its own generations.
  EXPECT_EQ(j.finish_plan("shop", 2, PlanState::running, PlanState::completed, t0, "done").value(), JournalWrite::ok);
  EXPECT_EQ(j.begin_plan(plan(1, "blog"), me).value(), JournalWrite::ok);
  const auto plans = j.plans("shop", 10);
  ASSERT_TRUE(plans);
  ASSERT_EQ(plans->size(), 2u);
  EXPECT_EQ((*plans)[0].generation, 2);
  EXPECT_EQ((*plans)[0].state, PlanState::completed);
  EXPECT_EQ((*plans)[1].state, PlanState::running);  // the stale finish did not land
  EXPECT_TRUE(j.latest("shop")->value().steps.empty());
}

}  // namespace
}  // namespace rg

namespace rg {
namespace {

// manual-approval: the daemon journals a proposal; an operator (another process) approves it and
// the same generation then runs; a newer plan makes an old approval stale.
TEST_F(FailoverJournalTest, AProposalIsApprovedAndRunsAsItsOwnGeneration) {
  auto journal = open_owned();
  const auto& me = remote_daemon.owner;
  auto proposal = plan(1);
  proposal.state = PlanState::proposed;
  proposal.detail = "us-east-1 is down";
  ASSERT_EQ(journal->begin_plan(proposal, me).value(), JournalWrite::ok);
  {
    auto operator_side = SqliteFailoverJournal::open(path);
    ASSERT_TRUE(operator_side);
    ASSERT_EQ((*operator_side)->finish_plan("shop", 1, PlanState::proposed, PlanState::approved, t0, "approved").value(),
              JournalWrite::ok);
  }
  EXPECT_EQ(journal->latest("shop").value()->state, PlanState::approved);
  ASSERT_EQ(journal->finish_plan("shop", 1, PlanState::approved, PlanState::running, t0, "").value(), JournalWrite::ok);
  EXPECT_EQ(journal->latest("shop").value()->state, PlanState::running);

  ASSERT_EQ(journal->begin_plan(plan(2), me).value(), JournalWrite::ok);
  EXPECT_EQ(journal->finish_plan("shop", 1, PlanState::running, PlanState::declined, t0, "").value(),
            JournalWrite::fenced);
  const auto plans = journal->plans("shop", 10).value();
  ASSERT_EQ(plans.size(), 2u);
  EXPECT_EQ(plans[1].state, PlanState::running);
  EXPECT_EQ(plans[1].detail, "");
}

// Issue 15, section 1: an operator declines a proposal on the command line while another operator
// approves it through the API. Both read "proposed"; exactly one answer lands, and the other is told.
TEST_F(FailoverJournalTest, ApproveAndDeclineRacingOnOneProposalExactlyOneWins) {
  auto journal = open_owned();
  auto proposal = plan(1);
  proposal.state = PlanState::proposed;
  ASSERT_EQ(journal->begin_plan(proposal, remote_daemon.owner).value(), JournalWrite::ok);
  auto other_process = SqliteFailoverJournal::open(path).value();
  EXPECT_EQ(other_process->finish_plan("shop", 1, PlanState::proposed, PlanState::declined, t0, "no").value(),
            JournalWrite::ok);
  EXPECT_EQ(journal->finish_plan("shop", 1, PlanState::proposed, PlanState::approved, t0, "yes").value(),
            JournalWrite::conflict);
  EXPECT_EQ(journal->latest("shop").value()->state, PlanState::declined);
}

// Section 1: a rollback typed while the daemon waits on a step finishes the plan rolled_back; the
// daemon, carrying on, must not write `completed` over it.
TEST_F(FailoverJournalTest, FinishingAPlanThatWasMeanwhileFinishedElsewhereIsAConflictNotAnOverwrite) {
  auto journal = open_owned();
  ASSERT_EQ(journal->begin_plan(plan(1), remote_daemon.owner).value(), JournalWrite::ok);
  ASSERT_EQ(journal->finish_plan("shop", 1, PlanState::running, PlanState::rolled_back, t0, "by hand").value(),
            JournalWrite::ok);
  EXPECT_EQ(journal->finish_plan("shop", 1, PlanState::running, PlanState::completed, t0, "").value(),
            JournalWrite::conflict);
  EXPECT_EQ(journal->latest("shop").value()->state, PlanState::rolled_back);
}

// Section 1: plans begin only under the application's lease. The daemon holds it; a CLI on
// another host cannot take it while it is live, nor begin a plan without it.
TEST_F(FailoverJournalTest, OnlyTheLeaseHolderBeginsPlansAndALiveLeaseIsNotTakenOver) {
  auto journal = open_owned();
  const auto taken = journal->acquire_lease("shop", remote_cli, t0 + std::chrono::seconds(10), std::chrono::seconds(30));
  ASSERT_TRUE(taken);
  EXPECT_FALSE(taken->ours);
  EXPECT_EQ(taken->lease.holder.owner, remote_daemon.owner);
  EXPECT_EQ(journal->begin_plan(plan(1), remote_cli.owner).value(), JournalWrite::conflict);
  EXPECT_FALSE(journal->latest("shop").value().has_value());
  // The daemon renews; once it stops renewing and the lease runs out, the CLI takes it.
  EXPECT_TRUE(journal->acquire_lease("shop", remote_daemon, t0 + std::chrono::seconds(20), std::chrono::seconds(30))
                  .value()
                  .ours);
  EXPECT_FALSE(journal->acquire_lease("shop", remote_cli, t0 + std::chrono::seconds(49), std::chrono::seconds(30))
                   .value()
                   .ours);
  const auto later = t0 + std::chrono::seconds(51);
  EXPECT_TRUE(journal->acquire_lease("shop", remote_cli, later, std::chrono::seconds(30)).value().ours);
  auto mine = plan(1);
  mine.created_at = later;
  EXPECT_EQ(journal->begin_plan(mine, remote_daemon.owner).value(), JournalWrite::conflict);
  EXPECT_EQ(journal->begin_plan(mine, remote_cli.owner).value(), JournalWrite::ok);
  EXPECT_EQ(journal->latest("shop").value()->owner, remote_cli.owner);
  // Releasing frees it at once.
  ASSERT_TRUE(journal->release_lease("shop", remote_cli.owner));
  EXPECT_FALSE(journal->lease("shop").value().has_value());
}

// On this host a lease whose process is gone is taken over at once: a daemon restarted after a
// crash need not wait out its predecessor's lease.
TEST_F(FailoverJournalTest, ALeaseOfADeadProcessOnThisHostIsTakenOverAtOnce) {
  auto journal = SqliteFailoverJournal::open(path).value();
  auto dead = this_process_holder();
  dead.owner += "-dead";
  dead.pid = 999'999'999;  // above pid_max: no such process
  ASSERT_TRUE(journal->acquire_lease("shop", dead, t0, std::chrono::seconds(30)).value().ours);
  const auto answer = journal->acquire_lease("shop", this_process_holder(), t0 + std::chrono::seconds(1),
                                             std::chrono::seconds(30));
  ASSERT_TRUE(answer);
  EXPECT_TRUE(answer->ours);
  // A live one (this very process, under another owner id) is not.
  auto alive = this_process_holder();
  alive.owner += "-other";
  EXPECT_FALSE(journal->acquire_lease("shop", alive, t0 + std::chrono::seconds(2), std::chrono::seconds(30))
                   .value()
                   .ours);
}

// Section 1: rolling back a running plan is a new generation that fences the old runner.
TEST_F(FailoverJournalTest, SupersedingARunningPlanFencesItsRunnerInOneTransaction) {
  auto journal = open_owned();
  const auto& me = remote_daemon.owner;
  ASSERT_EQ(journal->begin_plan(plan(1), me).value(), JournalWrite::ok);
  auto rollback = plan(2);
  rollback.kind = "rollback";
  ASSERT_EQ(journal->supersede(rollback, 1, me).value(), JournalWrite::ok);
  // The old runner's next write is refused: it stops before its next AWS call.
  EXPECT_EQ(journal->record_step("shop", 1, {1, "promote", StepPhase::started, t0, "", "", "", 0}).value(),
            JournalWrite::fenced);
  const auto plans = journal->plans("shop", 10).value();
  EXPECT_EQ(plans[1].state, PlanState::fenced);
  EXPECT_EQ(plans[1].detail, "superseded by rollback #2");
  // A plan that is no longer running cannot be superseded (it ended meanwhile).
  ASSERT_EQ(journal->finish_plan("shop", 2, PlanState::running, PlanState::rolled_back, t0, "").value(),
            JournalWrite::ok);
  EXPECT_EQ(journal->supersede(plan(3), 2, me).value(), JournalWrite::conflict);
  EXPECT_EQ(journal->next_generation("shop").value(), 3);
}

TEST_F(FailoverJournalTest, ReadinessMarkFingerprintAndLocksAreKept) {
  {
    auto journal = open_owned();
    auto begun = plan(1);
    begun.fingerprint = "abc";
    ASSERT_EQ(journal->begin_plan(begun, remote_daemon.owner).value(), JournalWrite::ok);
    EXPECT_FALSE(journal->latest("shop").value()->ready_at);
    ASSERT_EQ(journal->mark_ready("shop", 1, t0).value(), JournalWrite::ok);
    ASSERT_TRUE(journal->set_lock("shop", {true, t0, 1, "halted: promotion took effect"}));
  }
  auto journal = SqliteFailoverJournal::open(path).value();
  const auto latest = journal->latest("shop").value();
  EXPECT_EQ(latest->ready_at, t0);
  EXPECT_EQ(latest->fingerprint, "abc");
  auto lock = journal->lock("shop").value();
  EXPECT_TRUE(lock.locked);
  EXPECT_EQ(lock.generation, 1);
  ASSERT_TRUE(journal->set_lock("shop", {false, t0, 0, "unlocked: replica rebuilt"}));
  lock = journal->lock("shop").value();
  EXPECT_FALSE(lock.locked);
  EXPECT_EQ(lock.reason, "unlocked: replica rebuilt");
  EXPECT_FALSE(journal->lock("blog").value().locked);
}

TEST_F(FailoverJournalTest, ThePlansRecoveryFactsAndTheStepsBlocksAreKept) {
  {
    auto journal = open_owned();
    auto begun = plan(1);
    begun.failing_since = t0 - std::chrono::seconds(3);
    begun.decided_at = t0 - std::chrono::milliseconds(5);
    ASSERT_EQ(journal->begin_plan(begun, remote_daemon.owner).value(), JournalWrite::ok);
    ASSERT_EQ(journal->record_step("shop", 1, {0, "scale", StepPhase::started, t0, "", "", "ecs_services", 2}).value(),
              JournalWrite::ok);
    // A proposal has not started; it does when it is approved and run.
    auto proposal = plan(1, "blog");
    proposal.state = PlanState::proposed;
    ASSERT_EQ(journal->begin_plan(proposal, remote_daemon.owner).value(), JournalWrite::ok);
    EXPECT_FALSE(journal->latest("blog").value()->started_at);
    ASSERT_EQ(journal->finish_plan("blog", 1, PlanState::proposed, PlanState::approved, t0, "").value(), JournalWrite::ok);
    EXPECT_FALSE(journal->latest("blog").value()->started_at);
    ASSERT_EQ(journal->finish_plan("blog", 1, PlanState::approved, PlanState::running, t0 + std::chrono::seconds(60), "")
                  .value(),
              JournalWrite::ok);
  }
  auto journal = SqliteFailoverJournal::open(path).value();
  const auto shop = journal->latest("shop").value().value();
  EXPECT_EQ(shop.failing_since, t0 - std::chrono::seconds(3));
  EXPECT_EQ(shop.decided_at, t0 - std::chrono::milliseconds(5));
  EXPECT_EQ(shop.started_at, t0);  // begun running: when it was journaled
  ASSERT_EQ(shop.steps.size(), 1u);
  EXPECT_EQ(shop.steps[0].block, "ecs_services");
  EXPECT_EQ(shop.steps[0].parallel_group, 2);
  EXPECT_EQ(journal->latest("blog").value()->started_at, t0 + std::chrono::seconds(60));
  EXPECT_FALSE(journal->latest("blog").value()->failing_since) << "a plan with no failure seen keeps none";
}

// A raw SQLite handle, to build a journal as an older release left it.
class RawDatabase {
 public:
  explicit RawDatabase(const std::string& path) { EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK); }
  ~RawDatabase() { sqlite3_close(db_); }
  RawDatabase(const RawDatabase&) = delete;
  RawDatabase& operator=(const RawDatabase&) = delete;
  void exec(const std::string& sql) {
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
  }

 private:
  sqlite3* db_ = nullptr;
};

TEST_F(FailoverJournalTest, AVersion8JournalIsUpgradedKeepingItsPlansAndSteps) {
  // A journal as release 8 wrote it: a completed failover with its steps, and a proposal.
  {
    RawDatabase raw(path);
    for (int version = 0; version < 8; ++version) raw.exec(sqlite_schema::kSqliteMigrations[static_cast<std::size_t>(version)]);
    raw.exec("PRAGMA user_version = 8");
    const auto at = std::to_string(to_unix_us(t0));
    raw.exec("INSERT INTO failover_plans (app, generation, kind, from_region, to_region, state, created_at, updated_at, "
             "ready_at) VALUES ('shop', 1, 'failover', 'us-east-1', 'us-west-2', 'completed', " + at + ", " + at + ", " +
             at + ")");
    raw.exec("INSERT INTO failover_plans (app, generation, kind, from_region, to_region, state, created_at, updated_at) "
             "VALUES ('blog', 1, 'failover', 'us-east-1', 'us-west-2', 'proposed', " + at + ", " + at + ")");
    raw.exec("INSERT INTO failover_steps (app, generation, step, name, phase, at) VALUES ('shop', 1, 0, 'scale', "
             "'done', " + at + ")");
  }
  auto journal = SqliteFailoverJournal::open(path);
  ASSERT_TRUE(journal) << journal.error().message;
  const auto shop = (*journal)->latest("shop").value().value();
  EXPECT_EQ(shop.state, PlanState::completed);
  EXPECT_EQ(shop.started_at, t0) << "a plan that ran started when it was journaled";
  EXPECT_FALSE(shop.failing_since);
  EXPECT_FALSE(shop.decided_at);
  ASSERT_EQ(shop.steps.size(), 1u);
  EXPECT_EQ(shop.steps[0].name, "scale");
  EXPECT_EQ(shop.steps[0].block, "");
  EXPECT_EQ(shop.steps[0].parallel_group, 0);
  EXPECT_FALSE((*journal)->latest("blog").value()->started_at) << "a proposal never started";
  // And the upgraded journal takes new plans with their facts.
  ASSERT_TRUE((*journal)->acquire_lease("shop", remote_daemon, t0, std::chrono::seconds(30)).value().ours);
  auto next = plan(2);
  next.decided_at = t0;
  ASSERT_EQ((*journal)->begin_plan(next, remote_daemon.owner).value(), JournalWrite::ok);
  EXPECT_EQ((*journal)->latest("shop").value()->decided_at, t0);
}

}  // namespace
}  // namespace rg
