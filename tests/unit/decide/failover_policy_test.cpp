// FailoverPolicy, told as stories: rounds of check results arrive every 10 s of a fake clock, and
// each test says what an operator would expect the controller to do, and why.
#include <gtest/gtest.h>

#include "decide/failover_policy.h"
#include "policy_story.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
using namespace policy_story;

TEST(FailoverPolicy, AHealthyPrimaryStays) {
  Controller c(shop());
  for (int i = 0; i < 10; ++i) EXPECT_EQ(c.step(round(true, true)).kind, DecisionKind::stay);
  EXPECT_EQ(c.moves, 0);
}

TEST(FailoverPolicy, ThreeFailingRoundsInARowMoveToTheHealthiestSecondary) {
  Controller c(shop());
  // Two failing rounds are not an outage yet: the default threshold is 3.
  EXPECT_EQ(c.step(round(false, true)).kind, DecisionKind::stay);
  const auto second = c.step(round(false, true));
  EXPECT_EQ(second.kind, DecisionKind::stay);
  EXPECT_EQ(second.regions[0].consecutive_failures, 2);
  const auto third = c.step(round(false, true));
  EXPECT_EQ(third.kind, DecisionKind::failover);
  EXPECT_EQ(third.action, DecisionAction::execute);
  EXPECT_EQ(third.from, "us-east-1");
  EXPECT_EQ(third.to, "us-west-2");  // tied with eu-west-1 on score and latency: configured order
  EXPECT_NE(third.reason.find("us-east-1 is down (3 failing rounds"), std::string::npos) << third.reason;
}

TEST(FailoverPolicy, TheTargetIsChosenByScoreThenLatency) {
  Controller c(shop());
  // us-west-2 answers but slowly (a warning band would need thresholds; here: higher latency),
  // eu-west-1 answers fast: same score, so the lower latency wins over the configured order.
  const auto view = [] {
    return VantageView{"local", {check("us-east-1", false), check("us-west-2", true, 300ms),
                                 check("eu-west-1", true, 40ms)}};
  };
  c.step(view());
  c.step(view());
  const auto decision = c.step(view());
  ASSERT_EQ(decision.kind, DecisionKind::failover);
  EXPECT_EQ(decision.to, "eu-west-1");
}

TEST(FailoverPolicy, FailOpenNeverMovesToARegionThatIsNoBetter) {
  Controller c(shop());
  // Everything is failing at once (a resolver problem on our side looks exactly like this): moving
  // would not help and might hurt, so the controller holds and says why.
  for (int i = 0; i < 5; ++i) {
    const auto decision = c.step(round(false, false, false));
    EXPECT_NE(decision.kind, DecisionKind::failover);
  }
  const auto last = c.step(round(false, false, false));
  EXPECT_EQ(last.kind, DecisionKind::hold);
  EXPECT_NE(last.reason.find("fail-open"), std::string::npos) << last.reason;
  EXPECT_EQ(c.moves, 0);
}

TEST(FailoverPolicy, TheMarginKeepsANoBetterRegionFromBeingChosen) {
  auto app = shop();
  app.policy.margin = 40;
  Controller c(app);
  // The primary answers, but in 2 s: failing by response_time_threshold (1 s) while its score is
  // still 100. No region can score 40 points more, so it stays down where it is.
  const auto slow = [] {
    return VantageView{"local", {check("us-east-1", true, 2s), check("us-west-2", true), check("eu-west-1", true)}};
  };
  FailoverDecision decision;
  for (int i = 0; i < 4; ++i) {
    decision = c.step(slow());
    EXPECT_NE(decision.kind, DecisionKind::failover) << decision.reason;
  }
  EXPECT_TRUE(decision.regions[0].down);
  EXPECT_EQ(decision.kind, DecisionKind::hold);
  EXPECT_NE(decision.reason.find("40 points better"), std::string::npos) << decision.reason;
}

TEST(FailoverPolicy, FlappingCausesAtMostOneMove) {
  Controller c(shop());
  // The primary flaps: fail, fail, pass, fail, fail, pass... never three in a row. No move.
  for (int i = 0; i < 30; ++i) c.step(round(i % 3 == 2, true));
  EXPECT_EQ(c.moves, 0);
  // Then it flaps with longer bad streaks, and us-west-2 flaps too, for two hours: the first
  // streak moves shop to us-west-2; after that the cool-down, the healthy-for-30-minutes rule for
  // failing back and fail-open keep it from bouncing.
  for (int i = 0; i < 720; ++i) {
    const bool east = i % 5 >= 3;  // three failures, two passes
    const bool west = i % 7 != 0;  // one failure in seven
    c.step(round(east, west));
  }
  EXPECT_EQ(c.moves, 1);
  EXPECT_EQ(c.snapshot.active_region, "us-west-2");
}

TEST(FailoverPolicy, CoolDownAndRateLimitHoldASecondMove) {
  auto app = shop();
  app.policy.cooldown = 5min;
  app.policy.max_moves_per_hour = 1;
  Controller c(app);
  for (int i = 0; i < 3; ++i) c.step(round(false, true));
  ASSERT_EQ(c.snapshot.active_region, "us-west-2");
  // Now us-west-2 goes down too, with eu-west-1 healthy: within the cool-down, hold.
  c.step(round(false, false));
  c.step(round(false, false));
  auto decision = c.step(round(false, false));
  EXPECT_EQ(decision.kind, DecisionKind::hold);
  EXPECT_NE(decision.reason.find("cool-down"), std::string::npos) << decision.reason;
  // After the cool-down the rate limit (1 per hour) still holds.
  c.pass(6min);
  decision = c.step(round(false, false));
  EXPECT_EQ(decision.kind, DecisionKind::hold);
  EXPECT_NE(decision.reason.find("rate limit"), std::string::npos) << decision.reason;
  // An hour after the first move, eu-west-1 takes over.
  c.pass(1h);
  decision = c.step(round(false, false));
  EXPECT_EQ(decision.kind, DecisionKind::failover);
  EXPECT_EQ(decision.to, "eu-west-1");
}

TEST(FailoverPolicy, APrimaryThatRelapsesAfterAFailBackIsLeftAgain) {
  // The drill of issue 15: shop fails over, fails back half an hour later, and the primary goes
  // down again within the hour. With max_moves_per_hour 2, counting every move kept traffic on
  // the failing primary ("rate limit: 2 moves in the last hour") until the hour was over.
  auto app = shop();
  app.policy.automatic_failback = true;
  app.policy.cooldown = 5min;
  Controller c(app);
  for (int i = 0; i < 3; ++i) c.step(round(false, true));
  ASSERT_EQ(c.snapshot.active_region, "us-west-2");
  FailoverDecision decision;
  for (int i = 0; i < 6 * 31 && decision.kind != DecisionKind::failback; ++i) decision = c.step(round(true, true));
  ASSERT_EQ(decision.kind, DecisionKind::failback);
  ASSERT_EQ(c.snapshot.active_region, "us-east-1");
  // The cool-down passes, then us-east-1 relapses: leaving it is the one move that must not wait.
  c.pass(5min);
  for (int i = 0; i < 3; ++i) decision = c.step(round(false, true));
  EXPECT_EQ(decision.kind, DecisionKind::failover) << decision.reason;
  EXPECT_EQ(c.snapshot.active_region, "us-west-2");
  // Going back again is what the limit is for: three moves in the hour hold the next failback,
  // and traffic stays where it is healthy.
  c.pass(5min);
  for (int i = 0; i < 6 * 31; ++i) decision = c.step(round(true, true));
  EXPECT_EQ(decision.kind, DecisionKind::hold);
  EXPECT_NE(decision.reason.find("rate limit"), std::string::npos) << decision.reason;
  EXPECT_EQ(c.snapshot.active_region, "us-west-2");
  EXPECT_EQ(c.moves, 3);
}

TEST(FailoverPolicy, AHoldNamesItsRuleSoThatOnlyAChangeOfRuleIsLogged) {
  // The drill of issue 15: with nowhere to go, the hold's text carried the growing count of
  // failing rounds, and the daemon logged it again every round (28 lines in 30 s). The rule that
  // decided stays the same while its figures change; the controller logs a change of rule.
  Controller c(shop());
  FailoverDecision first;
  for (int i = 0; i < 3; ++i) first = c.step(round(false, false, false));
  ASSERT_EQ(first.kind, DecisionKind::hold);
  const auto later = c.step(round(false, false, false));
  EXPECT_NE(first.reason, later.reason) << "the text carries the count";
  EXPECT_EQ(first.rule, "fail-open");
  EXPECT_EQ(later.rule, first.rule);
  EXPECT_EQ(c.step(round(true, false, false)).rule, "healthy");
}

TEST(FailoverPolicy, AQuorumOfVantagePointsMustAgree) {
  Controller c(shop());
  // Of three vantage points only one sees us-east-1 failing (its own network): no move.
  for (int i = 0; i < 6; ++i) {
    const auto decision = c.step({round(false, true, true, "a"), round(true, true, true, "b"),
                                  round(true, true, true, "c")});
    EXPECT_EQ(decision.kind, DecisionKind::stay);
    EXPECT_FALSE(decision.regions[0].failing);
  }
  // Two of three agree: after three rounds, move.
  FailoverDecision decision;
  for (int i = 0; i < 3; ++i)
    decision = c.step({round(false, true, true, "a"), round(false, true, true, "b"), round(true, true, true, "c")});
  EXPECT_EQ(decision.kind, DecisionKind::failover);
  EXPECT_EQ(decision.to, "us-west-2");
}

TEST(FailoverPolicy, ManualApprovalAndDryRunProposeInsteadOfExecuting) {
  for (const auto& [mode, action] : {std::pair{FailoverMode::manual_approval, DecisionAction::propose},
                                    std::pair{FailoverMode::dry_run, DecisionAction::dry_run}}) {
    Controller c(shop(mode));
    FailoverDecision decision;
    for (int i = 0; i < 3; ++i) decision = c.step(round(false, true));
    EXPECT_EQ(decision.kind, DecisionKind::failover);
    EXPECT_EQ(decision.action, action);
    EXPECT_EQ(c.moves, 0);
  }
}

TEST(FailoverPolicy, FailBackIsProposedOnceThePrimaryHasBeenHealthyLongEnough) {
  Controller c(shop());
  for (int i = 0; i < 3; ++i) c.step(round(false, true));
  ASSERT_EQ(c.snapshot.active_region, "us-west-2");
  // The primary recovers. 29 minutes of passing rounds: not yet.
  FailoverDecision decision;
  for (int i = 0; i < 29 * 6; ++i) {
    decision = c.step(round(true, true));
    ASSERT_NE(decision.kind, DecisionKind::failback) << "after " << i << " rounds";
  }
  // One failing round in between restarts the count.
  c.step(round(false, true));
  for (int i = 0; i < 6 * 29; ++i) ASSERT_NE(c.step(round(true, true)).kind, DecisionKind::failback);
  for (int i = 0; i < 12 && decision.kind != DecisionKind::failback; ++i) decision = c.step(round(true, true));
  EXPECT_EQ(decision.kind, DecisionKind::failback);
  EXPECT_EQ(decision.to, "us-east-1");
  // automatic_failback is off by default: even in automatic mode an operator approves going back.
  EXPECT_EQ(decision.action, DecisionAction::propose);
}

TEST(FailoverPolicy, NothingNewWhileAPlanIsInProgress) {
  Controller c(shop());
  c.snapshot.plan_in_progress = true;
  FailoverDecision decision;
  for (int i = 0; i < 5; ++i) decision = c.step(round(false, true));
  EXPECT_EQ(decision.kind, DecisionKind::stay);
  EXPECT_EQ(decision.reason, "a plan is in progress");
  EXPECT_TRUE(decision.regions[0].down);  // still counted, so the move comes when the plan is done
}

// An RDS check of the region, probed every 60 s as AWS checks are: it last answered at `at`.
EndpointState rds(const std::string& region, bool ok, TimePoint at) {
  EndpointState state = check(region, ok);
  state.endpoint_id = "db." + region;
  state.kind = ProbeKind::rds;
  state.interval = 60s;
  state.last_check = at;
  return state;
}

// shop judged by two checks per region: its DNS check every 10 s and its database every 60 s.
ApplicationConfig shop_with_database() {
  auto app = shop();
  for (const auto& region : app.regions()) app.checks[region].push_back("db." + region);
  return app;
}

TEST(FailoverPolicy, OneFailedObservationCountsOnceHoweverManyRoundsShowIt) {
  // The drill of issue 15: a 60 s AWS check failed once, and its one result was counted in six
  // 10 s rounds, reaching the threshold of 3 failing rounds with a single observation. A round
  // counts only when the checks that make the region fail bring new results.
  Controller c(shop_with_database());
  const auto view = [&](TimePoint east_db) {
    return VantageView{"local", {check("us-east-1", true), rds("us-east-1", false, east_db), check("us-west-2", true),
                                 rds("us-west-2", true, c.now.wall + kRound), check("eu-west-1", true),
                                 rds("eu-west-1", true, c.now.wall + kRound)}};
  };
  // The database fails once; its DNS check stays fine. Six rounds show that same result.
  const TimePoint failed_at = c.now.wall + kRound;
  FailoverDecision decision;
  for (int i = 0; i < 6; ++i) {
    decision = c.step(view(failed_at));
    EXPECT_EQ(decision.kind, DecisionKind::stay) << decision.reason;
    EXPECT_TRUE(decision.regions[0].failing) << "a 57 point region is failing, but only one round of it is known";
    EXPECT_EQ(decision.regions[0].consecutive_failures, 1);
  }
  // A minute later it fails again: two observations, two failing rounds...
  decision = c.step(view(c.now.wall + kRound));
  EXPECT_EQ(decision.regions[0].consecutive_failures, 2);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(c.step(view(failed_at + 60s)).regions[0].consecutive_failures, 2);
  // ...and the third observation makes it down: the move comes after three real failures.
  decision = c.step(view(c.now.wall + kRound));
  EXPECT_EQ(decision.kind, DecisionKind::failover) << decision.reason;
  EXPECT_EQ(c.moves, 1);
}

TEST(FailoverPolicy, ARoundWithoutNewResultsNeitherAdvancesNorResetsTheCount) {
  Controller c(shop());
  // Two failing rounds, then the primary's prober falls behind: its last (failing) result is shown
  // again for two rounds. The count stays at 2; it is not "healthy" either.
  c.step(round(false, true));
  const TimePoint last = c.now.wall + kRound;
  auto decision = c.step(round(false, true));
  ASSERT_EQ(decision.regions[0].consecutive_failures, 2);
  for (int i = 0; i < 2; ++i) {
    auto view = round(false, true);
    view.states[0].last_check = last;
    decision = c.step(view);
    EXPECT_EQ(decision.regions[0].consecutive_failures, 2);
    EXPECT_EQ(decision.kind, DecisionKind::stay);
  }
  // Its next real result fails too: three failures, down.
  EXPECT_EQ(c.step(round(false, true)).kind, DecisionKind::failover);
}

TEST(FailoverPolicy, AStateOlderThanStaleAfterIsUnreportedNeverFailingNorHealthy) {
  Controller c(shop());
  // us-west-2's checks stopped answering 40 s ago (three of their 10 s intervals is 30 s): its last
  // "healthy" must not make it the target. The primary fails; eu-west-1 is fresh and takes over.
  const TimePoint west_last = c.now.wall - 20s;
  FailoverDecision decision;
  for (int i = 0; i < 3; ++i) {
    auto view = round(false, true);
    view.states[1].last_check = west_last;
    decision = c.step(view);
  }
  EXPECT_FALSE(decision.regions[1].reported);
  EXPECT_FALSE(decision.regions[1].failing);
  EXPECT_NE(decision.regions[1].unreported_reason.find("stale after 30s"), std::string::npos)
      << decision.regions[1].unreported_reason;
  ASSERT_EQ(decision.kind, DecisionKind::failover) << decision.reason;
  EXPECT_EQ(decision.to, "eu-west-1");
}

TEST(FailoverPolicy, APrimaryWhoseResultsAreStaleIsNotDownAndNothingMoves) {
  auto app = shop();
  app.policy.stale_after = 15s;  // the policy's own setting wins over three intervals
  Controller c(app);
  // Two failing rounds, then the primary's results stop: 20 s later they are stale, and the
  // region is unknown. No move on old data, and no news is not good news either.
  c.step(round(false, true));
  c.step(round(false, true));
  const TimePoint last = c.now.wall;
  FailoverDecision decision;
  for (int i = 0; i < 6; ++i) {
    auto view = round(false, true);
    view.states[0].last_check = last;
    decision = c.step(view);
  }
  EXPECT_FALSE(decision.regions[0].reported);
  EXPECT_FALSE(decision.regions[0].down);
  EXPECT_EQ(decision.regions[0].consecutive_failures, 2);
  EXPECT_EQ(decision.kind, DecisionKind::stay);
  EXPECT_EQ(decision.rule, "unreported");
  EXPECT_NE(decision.reason.find("stale after 15s"), std::string::npos) << decision.reason;
  EXPECT_EQ(c.moves, 0);
}

TEST(FailoverPolicy, APrimaryMustBeSeenHealthyWithoutAGapBeforeFailingBack) {
  Controller c(shop());
  for (int i = 0; i < 3; ++i) c.step(round(false, true));
  ASSERT_EQ(c.snapshot.active_region, "us-west-2");
  // The primary looks healthy for 20 minutes, then its results stop for 15 minutes (the last one
  // healthy), then it answers again: the half hour of health starts over after the gap.
  for (int i = 0; i < 6 * 20; ++i) c.step(round(true, true));
  const TimePoint last = c.now.wall;
  for (int i = 0; i < 6 * 15; ++i) {
    auto view = round(true, true);
    view.states[0].last_check = last;
    ASSERT_NE(c.step(view).kind, DecisionKind::failback);
  }
  FailoverDecision decision;
  for (int i = 0; i < 6 * 29; ++i) {
    decision = c.step(round(true, true));
    ASSERT_NE(decision.kind, DecisionKind::failback) << "after " << i << " fresh rounds";
  }
  for (int i = 0; i < 12 && decision.kind != DecisionKind::failback; ++i) decision = c.step(round(true, true));
  EXPECT_EQ(decision.kind, DecisionKind::failback);
}

TEST(FailoverPolicy, TooFewVantagePointsForTheQuorumMakeTheRegionUnknown) {
  auto app = shop();
  app.policy.quorum = 2;
  Controller c(app);
  // Of the two vantage points the quorum needs, only "a" reports (b lost its network). Its view
  // alone says us-east-1 fails: one vote is not a quorum of two, so the region is unknown — not
  // failing, and the quorum does not shrink to the one that reports.
  FailoverDecision decision;
  for (int i = 0; i < 6; ++i) {
    decision = c.step(round(false, true, true, "a"));
    EXPECT_FALSE(decision.regions[0].failing);
    EXPECT_FALSE(decision.regions[0].reported);
  }
  EXPECT_EQ(decision.kind, DecisionKind::stay);
  EXPECT_EQ(decision.rule, "unreported");
  EXPECT_NE(decision.reason.find("1 vantage point reports it, the quorum is 2"), std::string::npos) << decision.reason;
  EXPECT_EQ(c.moves, 0);
  // b is back and agrees: three rounds later shop moves.
  for (int i = 0; i < 3; ++i) decision = c.step({round(false, true, true, "a"), round(false, true, true, "b")});
  EXPECT_EQ(decision.kind, DecisionKind::failover) << decision.reason;
}

TEST(FailoverPolicy, AFailingCriticalServiceWeighsMoreThanAMediumOne) {
  // The drill of issue 15: `priority: critical` did not weigh in the score. shop is judged in each
  // region by DynamoDB (critical) and three medium services; one failing check of four scored 75
  // whichever it was, and shop stayed while the database it cannot run without was gone. Each
  // check now weighs by its service's priority (low 1, medium 2, high 3, critical 4).
  auto app = shop();
  const std::vector<std::string> services{"dynamodb", "s3", "lambda", "ec2"};
  for (const auto& region : app.regions()) {
    app.checks[region].clear();
    for (const auto& service : services) app.checks[region].push_back(service + "." + region);
  }
  const auto region_checks = [&](const std::string& region, const std::string& failing) {
    std::vector<EndpointState> states;
    for (const auto& service : services) {
      auto state = check(region, service != failing);
      state.endpoint_id = service + "." + region;
      state.service = service;
      state.priority = service == "dynamodb" ? Priority::critical : Priority::medium;
      states.push_back(state);
    }
    return states;
  };
  const auto view = [&](const std::string& east_failing) {
    VantageView all{"local", region_checks("us-east-1", east_failing)};
    for (const auto& region : {"us-west-2", "eu-west-1"})
      for (auto& state : region_checks(region, "")) all.states.push_back(state);
    return all;
  };
  Controller c(app);
  // A medium service failing: 8 of 10 weighted points, 80, above the threshold of 70. Stays.
  FailoverDecision decision;
  for (int i = 0; i < 6; ++i) decision = c.step(view("s3"));
  EXPECT_EQ(decision.kind, DecisionKind::stay) << decision.reason;
  EXPECT_DOUBLE_EQ(decision.regions[0].score, 80);
  // DynamoDB failing: 6 of 10, 60. Three rounds of it move shop.
  for (int i = 0; i < 3; ++i) decision = c.step(view("dynamodb"));
  EXPECT_DOUBLE_EQ(decision.regions[0].score, 60);
  EXPECT_EQ(decision.kind, DecisionKind::failover) << decision.reason;
}

}  // namespace
}  // namespace rg
