// FailoverPolicy and the database promotion (issue 15, section 3): a plan that promotes a read
// replica in the target cannot be undone — the old writer and the new one would both take
// writes — so in mode automatic it waits until the region it leaves has been failing for
// promote_after (default twice the time the policy needs to decide), and one bad minute does
// not split the data.
#include <gtest/gtest.h>

#include "decide/failover_policy.h"
#include "policy_story.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
using namespace policy_story;

// shop with its database: failing over to us-west-2 promotes the replica db-west.
ApplicationConfig shop_promoting_in_west(FailoverMode mode = FailoverMode::automatic) {
  auto app = shop(mode);
  app.plan.rds_replicas = {{"us-west-2", "db-west"}};
  return app;
}

TEST(FailoverPolicyPromotion, APromotionWaitsUntilTheSourceHasFailedForPromoteAfter) {
  Controller c(shop_promoting_in_west());
  // Three failing rounds of 10 s checks make us-east-1 down: 20 s after its first failure. The
  // move would promote db-west, so it waits for promote_after: by default 2 x 3 x 10 s = 60 s.
  FailoverDecision decision;
  for (int i = 0; i < 3; ++i) decision = c.step(round(false, true));
  EXPECT_TRUE(decision.regions[0].down);
  EXPECT_EQ(decision.kind, DecisionKind::hold) << decision.reason;
  EXPECT_EQ(decision.rule, "promote-after");
  EXPECT_NE(decision.reason.find("promoting db-west in us-west-2 waits until us-east-1 has failed for 1m"),
            std::string::npos)
      << decision.reason;
  EXPECT_NE(decision.reason.find("40s left"), std::string::npos) << decision.reason;
  // It was one bad half minute: us-east-1 answers again. Nothing moved, nothing was promoted.
  decision = c.step(round(false, true));
  EXPECT_EQ(decision.rule, "promote-after");
  decision = c.step(round(true, true));
  EXPECT_EQ(decision.kind, DecisionKind::stay) << decision.reason;
  EXPECT_EQ(c.moves, 0);
  // A real outage: a minute after its first failure us-east-1 is left, and db-west promoted.
  for (int i = 0; i < 6; ++i) {
    decision = c.step(round(false, true));
    ASSERT_NE(decision.kind, DecisionKind::failover) << "after " << i << " rounds";
  }
  decision = c.step(round(false, true));
  EXPECT_EQ(decision.kind, DecisionKind::failover) << decision.reason;
  EXPECT_EQ(decision.to, "us-west-2");
  EXPECT_EQ(c.moves, 1);
}

TEST(FailoverPolicyPromotion, PromoteAfterIsMeasuredFromTheFirstFailureOnTheMonotonicClock) {
  auto app = shop_promoting_in_west();
  app.policy.promote_after = 2min;
  Controller c(app);
  FailoverDecision decision;
  for (int i = 0; i < 3; ++i) decision = c.step(round(false, true));
  EXPECT_NE(decision.reason.find("has failed for 2m (promote_after): 100s left"), std::string::npos)
      << decision.reason;
  // The wall clock jumps an hour ahead: the source has still failed for 30 s, not an hour.
  c.jump(1h);
  decision = c.step(round(false, true));
  EXPECT_EQ(decision.rule, "promote-after") << decision.reason;
  EXPECT_NE(decision.reason.find("90s left"), std::string::npos) << decision.reason;
}

TEST(FailoverPolicyPromotion, OnlyAnAutomaticMoveThatPromotesWaits) {
  // A target without a replica to promote: the move is undoable, it goes at once.
  auto no_database_in_west = shop();
  no_database_in_west.plan.rds_replicas = {{"eu-west-1", "db-eu"}};
  Controller undoable(no_database_in_west);
  FailoverDecision decision;
  for (int i = 0; i < 3; ++i) decision = undoable.step(round(false, true));
  EXPECT_EQ(decision.kind, DecisionKind::failover) << decision.reason;
  EXPECT_EQ(decision.to, "us-west-2");
  // In manual-approval mode the operator who approves is the wait: the proposal comes at once.
  Controller proposing(shop_promoting_in_west(FailoverMode::manual_approval));
  for (int i = 0; i < 3; ++i) decision = proposing.step(round(false, true));
  EXPECT_EQ(decision.kind, DecisionKind::failover) << decision.reason;
  EXPECT_EQ(decision.action, DecisionAction::propose);
}

TEST(FailoverPolicyPromotion, TheDefaultWaitFollowsTheSlowestCheckOfTheSource) {
  // us-east-1 is judged by a DNS check every 10 s and its database every 60 s: deciding takes
  // three of the slowest, so the default promote_after is 2 x 3 x 60 s = 6 min.
  auto app = shop_promoting_in_west();
  app.checks["us-east-1"].push_back("db.us-east-1");
  Controller c(app);
  const auto view = [&] {
    auto db = check("us-east-1", false);
    db.endpoint_id = "db.us-east-1";
    db.kind = ProbeKind::rds;
    db.interval = 60s;
    auto v = round(false, true);
    v.states.push_back(db);
    return v;
  };
  FailoverDecision decision;
  for (int i = 0; i < 3; ++i) decision = c.step(view());
  EXPECT_EQ(decision.rule, "promote-after") << decision.reason;
  EXPECT_NE(decision.reason.find("has failed for 6m (promote_after)"), std::string::npos) << decision.reason;
}

}  // namespace
}  // namespace rg
