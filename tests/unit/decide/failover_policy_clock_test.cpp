// FailoverPolicy when the wall clock jumps (issue 15, section 6): an NTP step or an operator
// setting the date moves the wall clock by hours while the monotonic clock runs on. The policy
// judges freshness by the wall clock (probes date their results by it) and measures its own
// waits — cool-down, the hourly limit, failback_after — by the monotonic clock, so a jump neither
// ends a wait early nor stretches it, and results keep counting as news.
#include <gtest/gtest.h>

#include "decide/failover_policy.h"
#include "policy_story.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
using namespace policy_story;

TEST(FailoverPolicyClock, AWallClockJumpForwardDoesNotEndACoolDown) {
  Controller c(shop());  // cool-down 10 min
  for (int i = 0; i < 3; ++i) c.step(round(false, true));
  ASSERT_EQ(c.snapshot.active_region, "us-west-2");
  // The wall clock jumps two hours ahead. Then us-west-2 goes down too: by the wall clock the last
  // move was two hours ago, but only 30 s have passed. It holds, and says how long it really was.
  c.jump(2h);
  FailoverDecision decision;
  for (int i = 0; i < 3; ++i) decision = c.step(round(false, false));
  EXPECT_EQ(decision.kind, DecisionKind::hold) << decision.reason;
  EXPECT_EQ(decision.rule, "cool-down");
  EXPECT_NE(decision.reason.find("the last move was 30s ago"), std::string::npos) << decision.reason;
  EXPECT_EQ(c.moves, 1);
  // Ten minutes after the move, by the monotonic clock, eu-west-1 takes over.
  c.pass(10min);
  decision = c.step(round(false, false));
  EXPECT_EQ(decision.kind, DecisionKind::failover) << decision.reason;
  EXPECT_EQ(decision.to, "eu-west-1");
}

TEST(FailoverPolicyClock, AWallClockSetBackDoesNotStretchTheCoolDown) {
  auto app = shop();
  app.policy.cooldown = 5min;
  Controller c(app);
  for (int i = 0; i < 3; ++i) c.step(round(false, true));
  ASSERT_EQ(c.snapshot.active_region, "us-west-2");
  // The wall clock is set back an hour: by it, the move is in the future. us-west-2 goes down.
  c.jump(-1h);
  FailoverDecision decision;
  for (int i = 0; i < 3; ++i) decision = c.step(round(false, false));
  EXPECT_EQ(decision.rule, "cool-down") << decision.reason;
  EXPECT_NE(decision.reason.find("the last move was 30s ago"), std::string::npos) << decision.reason;
  // Five minutes after the move the cool-down is over: not an hour and five minutes.
  c.pass(5min);
  decision = c.step(round(false, false));
  EXPECT_EQ(decision.kind, DecisionKind::failover) << decision.reason;
  EXPECT_EQ(decision.to, "eu-west-1");
}

TEST(FailoverPolicyClock, AWallClockSetBackDoesNotHideAMoveFromTheHourlyLimit) {
  auto app = shop();
  app.policy.cooldown = 5min;
  app.policy.max_moves_per_hour = 1;
  Controller c(app);
  for (int i = 0; i < 3; ++i) c.step(round(false, true));
  ASSERT_EQ(c.snapshot.active_region, "us-west-2");
  // Set back an hour, the move would be "in the future" and out of the last hour's count.
  c.jump(-1h);
  c.pass(6min);
  FailoverDecision decision;
  for (int i = 0; i < 3; ++i) decision = c.step(round(false, false));
  EXPECT_EQ(decision.kind, DecisionKind::hold) << decision.reason;
  EXPECT_EQ(decision.rule, "rate-limit") << decision.reason;
  EXPECT_NE(decision.reason.find("1 failovers in the last hour"), std::string::npos) << decision.reason;
  // An hour after the move, by the monotonic clock, the limit lets the next one go.
  c.pass(1h);
  decision = c.step(round(false, false));
  EXPECT_EQ(decision.kind, DecisionKind::failover) << decision.reason;
  EXPECT_EQ(c.moves, 2);
}

TEST(FailoverPolicyClock, AWallClockJumpForwardDoesNotMakeFailBackComeEarly) {
  Controller c(shop());  // failback_after 30 min
  for (int i = 0; i < 3; ++i) c.step(round(false, true));
  ASSERT_EQ(c.snapshot.active_region, "us-west-2");
  // The primary recovers; five minutes later the wall clock jumps an hour ahead. It has been seen
  // healthy for five minutes, not sixty-five: going back waits for the full half hour.
  for (int i = 0; i < 6 * 5; ++i) c.step(round(true, true));
  c.jump(1h);
  FailoverDecision decision;
  for (int i = 0; i < 6 * 24; ++i) {
    decision = c.step(round(true, true));
    ASSERT_NE(decision.kind, DecisionKind::failback) << "after " << i << " rounds: " << decision.reason;
  }
  for (int i = 0; i < 12 && decision.kind != DecisionKind::failback; ++i) decision = c.step(round(true, true));
  EXPECT_EQ(decision.kind, DecisionKind::failback) << decision.reason;
  EXPECT_NE(decision.reason.find("healthy for 1800s"), std::string::npos) << decision.reason;
}

TEST(FailoverPolicyClock, AWallClockSetBackDoesNotFreezeTheFailureCount) {
  Controller c(shop());
  // Two failing rounds, then the wall clock is set back an hour: the next results are dated
  // before the ones already counted. They are still new results, and the third failure counts.
  c.step(round(false, true));
  c.step(round(false, true));
  c.jump(-1h);
  const auto decision = c.step(round(false, true));
  EXPECT_EQ(decision.regions[0].consecutive_failures, 3);
  EXPECT_EQ(decision.kind, DecisionKind::failover) << decision.reason;
}

TEST(FailoverPolicyClock, AJournalMoveDatedInTheFutureHoldsOneCoolDownAtMost) {
  // The daemon starts after the wall clock was set back an hour: the journal's last move is dated
  // 30 minutes ahead. How long ago it really was cannot be known; it counts as just now — one
  // cool-down at most, not the 35 minutes until the wall clock passes it plus the cool-down.
  auto app = shop();
  app.policy.cooldown = 5min;
  Controller c(app);
  c.snapshot.active_region = "us-west-2";
  c.snapshot.moves.push_back({c.now.wall + 30min, false});
  FailoverDecision decision;
  for (int i = 0; i < 3; ++i) decision = c.step(round(false, false));
  EXPECT_EQ(decision.rule, "cool-down") << decision.reason;
  c.pass(5min);
  decision = c.step(round(false, false));
  EXPECT_EQ(decision.kind, DecisionKind::failover) << decision.reason;
  EXPECT_EQ(decision.to, "eu-west-1");
}

TEST(FailoverPolicyClock, AMoveTheCallerDatedOnTheMonotonicClockIsTakenAsIs) {
  // A controller that read the monotonic clock when the plan started passes it: no conversion.
  Controller c(shop());
  c.snapshot.moves.push_back({c.now.wall + 3h, false, c.now.steady - 9min});
  for (int i = 0; i < 3; ++i) c.step(round(false, true));
  // The move was 9.5 minutes ago by the monotonic clock, whatever the wall clock says.
  const auto decision = c.step(round(false, true));
  EXPECT_EQ(decision.rule, "cool-down") << decision.reason;
  EXPECT_NE(decision.reason.find("the last move was 580s ago"), std::string::npos) << decision.reason;
}

}  // namespace
}  // namespace rg
