// The policy's decision as the alert's runbook words it (issue 15, section 10): the same round's
// assessment, never a guess from the configuration.
#include "decide/decision_advice.h"

#include <gtest/gtest.h>

#include "policy_story.h"

namespace rg {
namespace {

using namespace policy_story;

TEST(DecisionAdvice, AFailingButNotDownPrimaryGetsNoFailoverLine) {
  // DynamoDB of us-east-1 fails one round: an alert may fire, but for the policy shop stays.
  Controller c(shop(FailoverMode::manual_approval));
  const auto advice = to_advice("shop", c.step(round(false, true)));
  EXPECT_EQ(advice.region, "us-east-1");
  EXPECT_FALSE(advice.region_down);
  EXPECT_EQ(advice.to, "");
  EXPECT_EQ(failover_runbook_line(advice), "No failover for shop: us-east-1 is failing but not down");
}

TEST(DecisionAdvice, ADownPrimaryGetsThePolicysTargetAndCommand) {
  Controller c(shop(FailoverMode::manual_approval));
  FailoverDecision decision;
  for (int i = 0; i < 3; ++i) decision = c.step(round(false, false, true));  // us-west-2 is down too
  const auto advice = to_advice("shop", decision);
  EXPECT_TRUE(advice.region_down);
  EXPECT_EQ(advice.to, "eu-west-1");
  EXPECT_FALSE(advice.automatic);
  EXPECT_EQ(failover_runbook_line(advice).rfind("Fail shop over to eu-west-1: regionguard failover plan shop --to "
                                                "eu-west-1 (us-east-1 is down (3 failing rounds",
                                                0),
            0u)
      << failover_runbook_line(advice);
}

TEST(DecisionAdvice, AHoldSaysWhyTheApplicationStays) {
  Controller c(shop());
  FailoverDecision decision;
  for (int i = 0; i < 3; ++i) decision = c.step(round(false, false, false));  // fail-open
  const auto advice = to_advice("shop", decision);
  EXPECT_TRUE(advice.region_down);
  EXPECT_EQ(advice.to, "");
  EXPECT_EQ(failover_runbook_line(advice).rfind("shop stays in us-east-1 for now: us-east-1 is down", 0), 0u)
      << failover_runbook_line(advice);
}

TEST(DecisionAdvice, AnAutomaticMoveIsReportedAsUnderWay) {
  Controller c(shop());
  FailoverDecision decision;
  for (int i = 0; i < 3; ++i) decision = c.step(round(false, true));
  const auto advice = to_advice("shop", decision);
  EXPECT_TRUE(advice.automatic);
  EXPECT_EQ(failover_runbook_line(advice).rfind("shop is failing over to us-west-2 (automatic): ", 0), 0u)
      << failover_runbook_line(advice);
}

}  // namespace
}  // namespace rg
