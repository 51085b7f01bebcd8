// The failover journal in etcd (issue 17) against a real three-member cluster: the same contract
// as the SQLite journal (tests/unit/store/failover_journal_test.cpp) — steps in order, undo
// states, readiness, CAS on plan states, generation fencing, supersede, plans newest first, locks
// — plus the cluster's own fence: a writer whose leadership was taken over gets `fenced` and
// nothing it wrote lands; one member of three down changes nothing; two down make a write fail
// within the client's timeout instead of hanging.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <set>
#include <thread>

#include "cluster/etcd_failover_journal.h"
#include "support/etcd_cluster.h"

namespace rg::cluster {
namespace {

using namespace std::chrono_literals;

const TimePoint t0 = from_unix_us(1'800'000'000'000'000);
const LeaseHolder agent_a{"host-a:100:1", "host-a", 100};
const LeaseHolder agent_b{"host-b:200:1", "host-b", 200};

JournalPlan plan(std::int64_t generation, std::string app = "shop") {
  JournalPlan out;
  out.app = std::move(app);
  out.generation = generation;
  out.kind = "failover";
  out.from = "us-east-1";
  out.to = "us-west-2";
  out.created_at = t0;
  out.updated_at = t0;
  return out;
}

EtcdSettings settings_for(const test::EtcdCluster& cluster, std::chrono::milliseconds timeout = 5s) {
  EtcdSettings settings;
  settings.endpoints = cluster.endpoints();
  settings.timeout = timeout;
  return settings;
}

// Plays the cluster agent's part: wins the election by creating the leader key, which gives the
// fencing token (its create_revision), as the agent does with a lease-bound key.
std::int64_t become_leader(EtcdBlockingClient& client, const std::string& leader_key, const LeaseHolder& holder) {
  const std::string value = R"({"name":")" + holder.host + R"(","owner":")" + holder.owner + R"(","host":")" +
                            holder.host + R"(","pid":)" + std::to_string(holder.pid) + "}";
  EtcdTxn elect;
  elect.compare.push_back({leader_key, EtcdCompare::Target::create_revision, EtcdCompare::Result::equal, 0, ""});
  elect.success.push_back(EtcdOperation::put(leader_key, value));
  auto won = client.txn(elect);
  if (!won || !won->succeeded) throw std::runtime_error("the test could not create the leader key " + leader_key);
  return client.range(leader_key).value().ranges.at(0).at(0).create_revision;
}

// One agent: its client, its token, and the journal fenced by that token.
struct Agent {
  Agent(const test::EtcdCluster& cluster, const std::string& prefix, std::chrono::milliseconds timeout = 5s)
      : client(settings_for(cluster, timeout)),
        journal(client, prefix, ClusterFence{prefix + "leader", [this] { return token(); }, nullptr}) {}
  std::optional<std::int64_t> token() const {
    const auto value = token_value.load();
    return value == 0 ? std::nullopt : std::optional(value);
  }
  void lead(const std::string& prefix, const LeaseHolder& holder) {
    token_value = become_leader(client, prefix + "leader", holder);
  }
  EtcdBlockingClient client;
  std::atomic<std::int64_t> token_value{0};
  EtcdFailoverJournal journal;
};

// One cluster for the contract tests; each test has its own prefix, so none sees another's keys.
class EtcdJournalContract : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { cluster_ = new test::EtcdCluster(); }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }
  void SetUp() override {
    prefix = "/regionguard/" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "/";
    agent = std::make_unique<Agent>(*cluster_, prefix);
    agent->lead(prefix, agent_a);
  }
  FailoverJournal& journal() { return agent->journal; }

  static test::EtcdCluster* cluster_;
  std::string prefix;
  std::unique_ptr<Agent> agent;
};
test::EtcdCluster* EtcdJournalContract::cluster_ = nullptr;

TEST_F(EtcdJournalContract, StepsAreKeptInOrderWithTheirUndoStateAndReadBackByAnotherAgent) {
  auto& j = journal();
  EXPECT_EQ(j.next_generation("shop").value(), 1);
  ASSERT_EQ(j.begin_plan(plan(1), agent_a.owner).value(), JournalWrite::ok);
  ASSERT_EQ(j.record_step("shop", 1, {0, "scale", StepPhase::started, t0, "", "", "", 0}).value(), JournalWrite::ok);
  ASSERT_EQ(j.record_step("shop", 1, {0, "scale", StepPhase::done, t0 + 1s, "2 in service", "", "", 0}).value(),
            JournalWrite::ok);
  ASSERT_EQ(j.record_step("shop", 1, {1, "promote", StepPhase::started, t0 + 2s, "", "", "", 0}).value(), JournalWrite::ok);
  ASSERT_EQ(j.record_undo_state("shop", 1, 0, R"({"desired":0})").value(), JournalWrite::ok);
  EXPECT_FALSE(j.record_undo_state("shop", 1, 7, "{}"));  // no such step started: an error, nothing written

  // Another agent (a follower, a new leader after a crash) reads the same plan from etcd.
  Agent other(*cluster_, prefix);
  const auto latest = other.journal.latest("shop").value();
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->generation, 1);
  EXPECT_EQ(latest->state, PlanState::running);
  EXPECT_EQ(latest->owner, agent_a.owner);
  EXPECT_EQ(latest->updated_at, t0 + 2s);
  ASSERT_EQ(latest->steps.size(), 3u);
  EXPECT_EQ(latest->steps[0].undo_state, R"({"desired":0})");
  EXPECT_EQ(latest->steps[1].phase, StepPhase::done);
  EXPECT_EQ(latest->steps[1].detail, "2 in service");
  EXPECT_EQ(latest->steps[1].at, t0 + 1s);
  EXPECT_EQ(latest->steps[1].undo_state, "");
  EXPECT_EQ(latest->steps[2].name, "promote");
  EXPECT_EQ(other.journal.next_generation("shop").value(), 2);
  EXPECT_EQ(other.journal.next_generation("other").value(), 1);
}

TEST_F(EtcdJournalContract, WhileTheAgentSaysEtcdDoesNotAnswerTheJournalFailsAtOnceWithoutTrying) {
  // With the etcd majority lost every call would wait out each member's timeout on the daemon's
  // loop, round after round; the agent knows etcd does not answer, so the journal does not try.
  bool answers = false;
  EtcdFailoverJournal j(agent->client, prefix,
                        ClusterFence{prefix + "leader", [this] { return agent->token(); }, [&answers] { return answers; }});
  const auto read = j.latest("shop");
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, StoreError::Code::io);
  EXPECT_NE(read.error().message.find("not tried"), std::string::npos) << read.error().message;
  EXPECT_FALSE(j.plans("shop", 10));
  EXPECT_FALSE(j.lock("shop"));
  EXPECT_FALSE(j.begin_plan(plan(1), agent_a.owner)) << "writes fail too, and nothing lands";
  answers = true;
  EXPECT_FALSE(j.latest("shop").value()) << "etcd answers again: read as usual (no plan was begun)";
}

TEST_F(EtcdJournalContract, ThePlansRecoveryFactsReachTheNextLeaderAsTheyWereJournaled) {
  // The recovery-time breakdown (issue 18) of a plan a new leader shows: when the failure began,
  // when it was decided, when it started, and each step's block and parallel group.
  auto& j = journal();
  auto p = plan(1);
  p.state = PlanState::running;
  p.failing_since = t0 - 5s;
  p.decided_at = t0 - 1s;
  ASSERT_EQ(j.begin_plan(p, agent_a.owner).value(), JournalWrite::ok);
  ASSERT_EQ(j.record_step("shop", 1, {0, "scale", StepPhase::started, t0, "", "", "autoscaling_groups", 1}).value(),
            JournalWrite::ok);
  Agent other(*cluster_, prefix);
  const auto seen = other.journal.latest("shop").value();
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->failing_since, t0 - 5s);
  EXPECT_EQ(seen->decided_at, t0 - 1s);
  EXPECT_EQ(seen->started_at, t0) << "a plan begun running started when it was created";
  ASSERT_EQ(seen->steps.size(), 1u);
  EXPECT_EQ(seen->steps[0].block, "autoscaling_groups");
  EXPECT_EQ(seen->steps[0].parallel_group, 1);
}

TEST_F(EtcdJournalContract, AnOlderGenerationCanNeverOverwriteANewerOne) {
  auto& j = journal();
  const auto& me = agent_a.owner;
  ASSERT_EQ(j.begin_plan(plan(1), me).value(), JournalWrite::ok);
  ASSERT_EQ(j.begin_plan(plan(2), me).value(), JournalWrite::ok);
  EXPECT_EQ(j.record_step("shop", 1, {0, "scale", StepPhase::done, t0, "", "", "", 0}).value(), JournalWrite::fenced);
  EXPECT_EQ(j.finish_plan("shop", 1, PlanState::running, PlanState::completed, t0, "").value(), JournalWrite::fenced);
  EXPECT_EQ(j.record_undo_state("shop", 1, 0, "{}").value(), JournalWrite::fenced);
  EXPECT_EQ(j.mark_ready("shop", 1, t0).value(), JournalWrite::fenced);
  EXPECT_EQ(j.begin_plan(plan(2), me).value(), JournalWrite::fenced);
  EXPECT_EQ(j.begin_plan(plan(1), me).value(), JournalWrite::fenced);
  EXPECT_EQ(j.finish_plan("shop", 2, PlanState::running, PlanState::completed, t0, "done").value(), JournalWrite::ok);
  EXPECT_EQ(j.begin_plan(plan(1, "blog"), me).value(), JournalWrite::ok);
  const auto plans = j.plans("shop", 10).value();
  ASSERT_EQ(plans.size(), 2u);
  EXPECT_EQ(plans[0].generation, 2);
  EXPECT_EQ(plans[0].state, PlanState::completed);
  EXPECT_EQ(plans[1].state, PlanState::running);  // the stale finish did not land
  EXPECT_TRUE(j.latest("shop").value()->steps.empty());
}

TEST_F(EtcdJournalContract, PlansAreListedNewestFirstUpToTheLimitWithoutSteps) {
  auto& j = journal();
  // Past nine, so an order by text ("10" < "9") would show.
  for (std::int64_t generation = 1; generation <= 11; ++generation) {
    ASSERT_EQ(j.begin_plan(plan(generation), agent_a.owner).value(), JournalWrite::ok);
    ASSERT_EQ(j.record_step("shop", generation, {0, "scale", StepPhase::started, t0, "", "", "", 0}).value(),
              JournalWrite::ok);
  }
  const auto three = j.plans("shop", 3).value();
  ASSERT_EQ(three.size(), 3u);
  EXPECT_EQ(three[0].generation, 11);
  EXPECT_EQ(three[1].generation, 10);
  EXPECT_EQ(three[2].generation, 9);
  EXPECT_TRUE(three[0].steps.empty());
  EXPECT_EQ(j.plans("shop", 100).value().size(), 11u);
  EXPECT_TRUE(j.plans("nothing", 5).value().empty());
  EXPECT_EQ(j.latest("shop").value()->steps.size(), 1u);
}

TEST_F(EtcdJournalContract, AProposalIsApprovedAndRunsAsItsOwnGeneration) {
  auto& j = journal();
  auto proposal = plan(1);
  proposal.state = PlanState::proposed;
  proposal.detail = "us-east-1 is down";
  ASSERT_EQ(j.begin_plan(proposal, agent_a.owner).value(), JournalWrite::ok);
  EXPECT_EQ(j.latest("shop").value()->detail, "us-east-1 is down");
  ASSERT_EQ(j.finish_plan("shop", 1, PlanState::proposed, PlanState::approved, t0, "approved").value(), JournalWrite::ok);
  EXPECT_EQ(j.latest("shop").value()->state, PlanState::approved);
  ASSERT_EQ(j.finish_plan("shop", 1, PlanState::approved, PlanState::running, t0, "").value(), JournalWrite::ok);
  ASSERT_EQ(j.begin_plan(plan(2), agent_a.owner).value(), JournalWrite::ok);
  EXPECT_EQ(j.finish_plan("shop", 1, PlanState::running, PlanState::declined, t0, "").value(), JournalWrite::fenced);
  const auto plans = j.plans("shop", 10).value();
  ASSERT_EQ(plans.size(), 2u);
  EXPECT_EQ(plans[1].state, PlanState::running);
  EXPECT_EQ(plans[1].detail, "");
}

// Two writers through the leader (the executor and an operator's answer) race on one proposal:
// exactly one lands; the other is told `conflict` and the state stays the winner's.
TEST_F(EtcdJournalContract, ApproveAndDeclineRacingOnOneProposalExactlyOneWins) {
  auto proposal = plan(1);
  proposal.state = PlanState::proposed;
  ASSERT_EQ(journal().begin_plan(proposal, agent_a.owner).value(), JournalWrite::ok);
  // A second journal of the same leader (same token): the API thread's.
  EtcdBlockingClient api_client(settings_for(*cluster_));
  EtcdFailoverJournal api(api_client, prefix, ClusterFence{prefix + "leader", [this] { return agent->token(); }, nullptr});
  EXPECT_EQ(api.finish_plan("shop", 1, PlanState::proposed, PlanState::declined, t0, "no").value(), JournalWrite::ok);
  EXPECT_EQ(journal().finish_plan("shop", 1, PlanState::proposed, PlanState::approved, t0, "yes").value(),
            JournalWrite::conflict);
  EXPECT_EQ(journal().latest("shop").value()->state, PlanState::declined);
  EXPECT_EQ(journal().latest("shop").value()->detail, "no");
}

TEST_F(EtcdJournalContract, ConcurrentStepWritersAllLandThroughTheModRevisionRetry) {
  ASSERT_EQ(journal().begin_plan(plan(1), agent_a.owner).value(), JournalWrite::ok);
  // Three threads append two steps each to the same plan at once: a read-modify-write that loses
  // its race reads again. Six writes in all, so no writer can lose more than five times: within
  // the journal's bound of retries, every step lands exactly once.
  std::vector<std::thread> writers;
  std::atomic<int> ok{0};
  for (int w = 0; w < 3; ++w) {
    writers.emplace_back([&, w] {
      EtcdBlockingClient own(settings_for(*cluster_));
      EtcdFailoverJournal j(own, prefix, ClusterFence{prefix + "leader", [this] { return agent->token(); }, nullptr});
      for (int s = 0; s < 2; ++s) {
        const auto written = j.record_step("shop", 1, {w * 10 + s, "step", StepPhase::started, t0, "", "", "", 0});
        if (written && *written == JournalWrite::ok) ++ok;
      }
    });
  }
  for (auto& writer : writers) writer.join();
  EXPECT_EQ(ok.load(), 6);
  const auto steps = journal().latest("shop").value()->steps;
  ASSERT_EQ(steps.size(), 6u);
  std::set<int> numbers;
  for (const auto& step : steps) numbers.insert(step.step);
  EXPECT_EQ(numbers.size(), 6u);
}

TEST_F(EtcdJournalContract, FinishingAPlanThatWasMeanwhileFinishedElsewhereIsAConflictNotAnOverwrite) {
  auto& j = journal();
  ASSERT_EQ(j.begin_plan(plan(1), agent_a.owner).value(), JournalWrite::ok);
  ASSERT_EQ(j.finish_plan("shop", 1, PlanState::running, PlanState::rolled_back, t0, "by hand").value(), JournalWrite::ok);
  EXPECT_EQ(j.finish_plan("shop", 1, PlanState::running, PlanState::completed, t0, "").value(), JournalWrite::conflict);
  EXPECT_EQ(j.mark_ready("shop", 1, t0).value(), JournalWrite::conflict);  // readiness only for a running plan
  EXPECT_EQ(j.latest("shop").value()->state, PlanState::rolled_back);
  EXPECT_EQ(j.finish_plan("shop", 5, PlanState::running, PlanState::completed, t0, "").value(), JournalWrite::conflict);
}

TEST_F(EtcdJournalContract, SupersedingARunningPlanFencesItsRunnerInOneTransaction) {
  auto& j = journal();
  const auto& me = agent_a.owner;
  ASSERT_EQ(j.begin_plan(plan(1), me).value(), JournalWrite::ok);
  auto rollback = plan(2);
  rollback.kind = "rollback";
  ASSERT_EQ(j.supersede(rollback, 1, me).value(), JournalWrite::ok);
  EXPECT_EQ(j.record_step("shop", 1, {1, "promote", StepPhase::started, t0, "", "", "", 0}).value(), JournalWrite::fenced);
  const auto plans = j.plans("shop", 10).value();
  ASSERT_EQ(plans.size(), 2u);
  EXPECT_EQ(plans[0].kind, "rollback");
  EXPECT_EQ(plans[1].state, PlanState::fenced);
  EXPECT_EQ(plans[1].detail, "superseded by rollback #2");
  ASSERT_EQ(j.finish_plan("shop", 2, PlanState::running, PlanState::rolled_back, t0, "").value(), JournalWrite::ok);
  EXPECT_EQ(j.supersede(plan(3), 2, me).value(), JournalWrite::conflict);  // it ended meanwhile
  EXPECT_EQ(j.next_generation("shop").value(), 3);                          // and generation 3 was not taken
}

TEST_F(EtcdJournalContract, ReadinessMarkFingerprintAndLocksAreKept) {
  auto& j = journal();
  auto begun = plan(1);
  begun.fingerprint = "abc";
  ASSERT_EQ(j.begin_plan(begun, agent_a.owner).value(), JournalWrite::ok);
  EXPECT_FALSE(j.latest("shop").value()->ready_at);
  ASSERT_EQ(j.mark_ready("shop", 1, t0 + 3s).value(), JournalWrite::ok);
  ASSERT_TRUE(j.set_lock("shop", {true, t0, 1, "halted: promotion took effect"}));
  Agent reader(*cluster_, prefix);  // not leading: reads are for everyone
  const auto latest = reader.journal.latest("shop").value();
  EXPECT_EQ(latest->ready_at, t0 + 3s);
  EXPECT_EQ(latest->fingerprint, "abc");
  auto lock = reader.journal.lock("shop").value();
  EXPECT_TRUE(lock.locked);
  EXPECT_EQ(lock.generation, 1);
  EXPECT_EQ(lock.at, t0);
  EXPECT_EQ(lock.reason, "halted: promotion took effect");
  // An operator's unlock goes through the leader; a follower's is refused.
  EXPECT_FALSE(reader.journal.set_lock("shop", {false, t0, 0, "from a follower"}));
  ASSERT_TRUE(j.set_lock("shop", {false, t0, 0, "unlocked: replica rebuilt"}));
  lock = reader.journal.lock("shop").value();
  EXPECT_FALSE(lock.locked);
  EXPECT_EQ(lock.reason, "unlocked: replica rebuilt");
  EXPECT_FALSE(j.lock("blog").value().locked);
}

// In a cluster the application's lease is the leadership: `ours` only for the leader's token,
// and everyone sees the leader as the holder.
TEST_F(EtcdJournalContract, TheLeaseIsTheClusterLeadership) {
  auto& j = journal();
  const auto mine = j.acquire_lease("shop", agent_a, t0, 10s).value();
  EXPECT_TRUE(mine.ours);
  EXPECT_EQ(mine.lease.holder.owner, agent_a.owner);
  EXPECT_EQ(mine.lease.holder.host, "host-a");
  EXPECT_EQ(mine.lease.holder.pid, 100);
  EXPECT_EQ(mine.lease.expires_at, t0 + 10s);
  Agent follower(*cluster_, prefix);
  const auto theirs = follower.journal.acquire_lease("shop", agent_b, t0, 10s).value();
  EXPECT_FALSE(theirs.ours);
  EXPECT_EQ(theirs.lease.holder.owner, agent_a.owner);
  EXPECT_EQ(follower.journal.lease("shop").value()->holder.owner, agent_a.owner);
  // A follower cannot begin a plan, nor can the leader's journal for an owner that is not the leader.
  EXPECT_EQ(follower.journal.begin_plan(plan(1), agent_b.owner).value(), JournalWrite::fenced);
  EXPECT_EQ(j.begin_plan(plan(1), agent_b.owner).value(), JournalWrite::conflict);
  EXPECT_FALSE(j.latest("shop").value());
  ASSERT_TRUE(j.release_lease("shop", agent_a.owner));  // a no-op: the agent gives leadership up
  EXPECT_TRUE(j.lease("shop").value().has_value());
}

// Issue 17, fencing: agent A led and was deposed (its etcd lease ran out while it was paused);
// B re-created the leader key and leads. A's late writes carry A's old token and are refused by
// etcd itself: `fenced`, and nothing of them lands.
TEST_F(EtcdJournalContract, ADeposedLeadersLateWritesAreFencedAndNothingLands) {
  ASSERT_EQ(journal().begin_plan(plan(1), agent_a.owner).value(), JournalWrite::ok);
  ASSERT_EQ(journal().record_step("shop", 1, {0, "scale", StepPhase::started, t0, "", "", "", 0}).value(), JournalWrite::ok);

  Agent b(*cluster_, prefix);
  ASSERT_TRUE(b.client.erase(prefix + "leader"));  // A's key went with its lease
  b.lead(prefix, agent_b);
  ASSERT_NE(b.token(), agent->token());

  auto& late = journal();  // A, still believing it leads
  EXPECT_EQ(late.record_step("shop", 1, {0, "scale", StepPhase::done, t0, "", "", "", 0}).value(), JournalWrite::fenced);
  EXPECT_EQ(late.record_undo_state("shop", 1, 0, "{}").value(), JournalWrite::fenced);
  EXPECT_EQ(late.mark_ready("shop", 1, t0).value(), JournalWrite::fenced);
  EXPECT_EQ(late.finish_plan("shop", 1, PlanState::running, PlanState::completed, t0, "").value(), JournalWrite::fenced);
  EXPECT_EQ(late.begin_plan(plan(2), agent_a.owner).value(), JournalWrite::fenced);
  EXPECT_EQ(late.supersede(plan(2), 1, agent_a.owner).value(), JournalWrite::fenced);
  EXPECT_FALSE(late.set_lock("shop", {true, t0, 1, "late"}));
  EXPECT_FALSE(late.acquire_lease("shop", agent_a, t0, 10s).value().ours);

  const auto seen = b.journal.latest("shop").value();
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->generation, 1);
  EXPECT_EQ(seen->state, PlanState::running);
  ASSERT_EQ(seen->steps.size(), 1u);
  EXPECT_EQ(seen->steps[0].phase, StepPhase::started);
  EXPECT_EQ(seen->steps[0].undo_state, "");
  EXPECT_FALSE(seen->ready_at);
  EXPECT_FALSE(b.journal.lock("shop").value().locked);
  // The new leader resumes: it rolls the plan back as a new generation.
  auto rollback = plan(2);
  rollback.kind = "rollback";
  EXPECT_EQ(b.journal.supersede(rollback, 1, agent_b.owner).value(), JournalWrite::ok);
  EXPECT_EQ(b.journal.plans("shop", 5).value().at(1).state, PlanState::fenced);
}

// An agent that does not lead (no token) writes nothing.
TEST_F(EtcdJournalContract, WithoutATokenEveryWriteIsRefused) {
  Agent follower(*cluster_, prefix);
  EXPECT_EQ(follower.journal.begin_plan(plan(1), agent_a.owner).value(), JournalWrite::fenced);
  EXPECT_EQ(follower.journal.finish_plan("shop", 1, PlanState::running, PlanState::completed, t0, "").value(),
            JournalWrite::fenced);
  EXPECT_FALSE(follower.journal.set_lock("shop", {true, t0, 0, "x"}));
  EXPECT_FALSE(journal().latest("shop").value());
}

// The cluster's own failures: these stop members, so each test has its own cluster.
TEST(EtcdJournalQuorum, WithOneMemberOfThreeStoppedWritesStillSucceed) {
  test::EtcdCluster cluster;
  const std::string prefix = "/regionguard/prod/";
  Agent agent(cluster, prefix);
  agent.lead(prefix, agent_a);
  ASSERT_EQ(agent.journal.begin_plan(plan(1), agent_a.owner).value(), JournalWrite::ok);
  cluster.stop(0);  // the member the client talked to first
  const auto written = agent.journal.record_step("shop", 1, {0, "scale", StepPhase::started, t0, "", "", "", 0});
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(*written, JournalWrite::ok);
  EXPECT_EQ(agent.journal.finish_plan("shop", 1, PlanState::running, PlanState::completed, t0, "").value(),
            JournalWrite::ok);
  EXPECT_EQ(agent.journal.latest("shop").value()->state, PlanState::completed);
}

TEST(EtcdJournalQuorum, WithTwoMembersOfThreeStoppedAWriteFailsWithinTheTimeoutInsteadOfHanging) {
  test::EtcdCluster cluster;
  const std::string prefix = "/regionguard/prod/";
  Agent agent(cluster, prefix, 1500ms);
  agent.lead(prefix, agent_a);
  ASSERT_EQ(agent.journal.begin_plan(plan(1), agent_a.owner).value(), JournalWrite::ok);
  cluster.stop(0);
  cluster.stop(1);
  const auto started = std::chrono::steady_clock::now();
  const auto written = agent.journal.record_step("shop", 1, {0, "scale", StepPhase::started, t0, "", "", "", 0});
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(written) << "a write without an etcd majority succeeded";
  EXPECT_EQ(written.error().code, StoreError::Code::io);
  EXPECT_NE(written.error().message.find("etcd"), std::string::npos) << written.error().message;
  // One member is tried per call at most (the stopped ones refuse at once): one timeout, with a
  // margin for a loaded machine; a hang would be stopped by ctest long after.
  EXPECT_LT(took, 10s) << written.error().message;
  // The majority back: the next write goes through and the failed one left nothing.
  cluster.restart(0);  // waits until it is healthy: the cluster has a leader again
  std::optional<JournalWrite> again;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!again && std::chrono::steady_clock::now() < deadline) {
    if (auto w = agent.journal.record_step("shop", 1, {0, "scale", StepPhase::started, t0, "", "", "", 0}); w) again = *w;
  }
  ASSERT_EQ(again, JournalWrite::ok);
  EXPECT_EQ(agent.journal.latest("shop").value()->steps.size(), 1u);
}

}  // namespace
}  // namespace rg::cluster
