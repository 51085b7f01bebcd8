// The failover journal: plans and their steps survive reopening the file, generations count up
// per application, and a write for an older generation is fenced.
#include <gtest/gtest.h>

#include "store/failover_journal.h"
#include "support/temp_dir.h"

namespace rg {
namespace {

const TimePoint t0 = from_unix_us(1'800'000'000'000'000);

JournalPlan plan(std::int64_t generation, std::string app = "shop") {
  return {std::move(app), generation, "failover", "us-east-1", "us-west-2", PlanState::running, t0, t0, "", {}};
}

class FailoverJournalTest : public ::testing::Test {
 protected:
  test::TempDir dir;
  std::string path = (dir.path() / "rg.db").string();
};

TEST_F(FailoverJournalTest, StepsArePersistedInOrderAndReadBackAfterReopening) {
  {
    auto journal = FailoverJournal::open(path);
    ASSERT_TRUE(journal) << journal.error().message;
    EXPECT_EQ((*journal)->next_generation("shop").value(), 1);
    ASSERT_EQ((*journal)->begin_plan(plan(1)).value(), JournalWrite::ok);
    ASSERT_EQ((*journal)->record_step("shop", 1, {0, "scale", StepPhase::started, t0, "", ""}).value(), JournalWrite::ok);
    ASSERT_EQ((*journal)->record_step("shop", 1, {0, "scale", StepPhase::done, t0, "2 in service", ""}).value(),
              JournalWrite::ok);
    ASSERT_EQ((*journal)->record_step("shop", 1, {1, "promote", StepPhase::started, t0, "", ""}).value(),
              JournalWrite::ok);
    // What step 0's undo must put back goes on its started row.
    ASSERT_EQ((*journal)->record_undo_state("shop", 1, 0, R"({"desired":0})").value(), JournalWrite::ok);
    EXPECT_FALSE((*journal)->record_undo_state("shop", 1, 7, "{}"));  // no such step started
  }  // "crash": the connection goes away mid-plan
  auto journal = FailoverJournal::open(path);
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
  auto journal = FailoverJournal::open(path);
  ASSERT_TRUE(journal);
  auto& j = **journal;
  ASSERT_EQ(j.begin_plan(plan(1)).value(), JournalWrite::ok);
  ASSERT_EQ(j.begin_plan(plan(2)).value(), JournalWrite::ok);
  // Generation 1's executor wakes up late: each of its writes is refused.
  EXPECT_EQ(j.record_step("shop", 1, {0, "scale", StepPhase::done, t0, "", ""}).value(), JournalWrite::fenced);
  EXPECT_EQ(j.finish_plan("shop", 1, PlanState::completed, t0, "").value(), JournalWrite::fenced);
  EXPECT_EQ(j.record_undo_state("shop", 1, 0, "{}").value(), JournalWrite::fenced);
  // Nor can a plan reuse or go below the newest generation.
  EXPECT_EQ(j.begin_plan(plan(2)).value(), JournalWrite::fenced);
  EXPECT_EQ(j.begin_plan(plan(1)).value(), JournalWrite::fenced);
  // Generation 2 writes freely, and another application has its own generations.
  EXPECT_EQ(j.finish_plan("shop", 2, PlanState::completed, t0, "done").value(), JournalWrite::ok);
  EXPECT_EQ(j.begin_plan(plan(1, "blog")).value(), JournalWrite::ok);
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
  auto journal = FailoverJournal::open(path);
  ASSERT_TRUE(journal) << journal.error().message;
  auto proposal = plan(1);
  proposal.state = PlanState::proposed;
  proposal.detail = "us-east-1 is down";
  ASSERT_EQ((*journal)->begin_plan(proposal).value(), JournalWrite::ok);
  {
    auto operator_side = FailoverJournal::open(path);
    ASSERT_TRUE(operator_side);
    ASSERT_EQ((*operator_side)->finish_plan("shop", 1, PlanState::approved, t0, "approved").value(), JournalWrite::ok);
  }
  EXPECT_EQ((*journal)->latest("shop").value()->state, PlanState::approved);
  ASSERT_EQ((*journal)->finish_plan("shop", 1, PlanState::running, t0, "").value(), JournalWrite::ok);
  EXPECT_EQ((*journal)->latest("shop").value()->state, PlanState::running);

  ASSERT_EQ((*journal)->begin_plan(plan(2)).value(), JournalWrite::ok);
  EXPECT_EQ((*journal)->finish_plan("shop", 1, PlanState::declined, t0, "").value(), JournalWrite::fenced);
  const auto plans = (*journal)->plans("shop", 10).value();
  ASSERT_EQ(plans.size(), 2u);
  EXPECT_EQ(plans[1].state, PlanState::running);
  EXPECT_EQ(plans[1].detail, "");
}

}  // namespace
}  // namespace rg
