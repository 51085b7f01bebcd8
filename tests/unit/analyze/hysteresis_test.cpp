// Narrated, result by result, in the manner of dnsdist's test-dnsdistbackend_cc.cc.
#include "analyze/hysteresis.h"

#include <gtest/gtest.h>

namespace rg {
namespace {

constexpr bool ok = true;
constexpr bool fail = false;

TEST(Hysteresis, ThreeFailuresTakeItDownTwoSuccessesBringItBack) {
  Hysteresis h{/*fall=*/3, /*rise=*/2};
  ASSERT_TRUE(h.is_up());

  // Successes while up: nothing to report.
  EXPECT_EQ(h.observe(ok), Transition::unchanged);
  EXPECT_EQ(h.consecutive_successes(), 1);

  // Two failures are not enough: a flip is under way, the state holds.
  EXPECT_EQ(h.observe(fail), Transition::pending);
  EXPECT_EQ(h.observe(fail), Transition::pending);
  EXPECT_TRUE(h.is_up());
  EXPECT_EQ(h.consecutive_failures(), 2);
  EXPECT_EQ(h.consecutive_successes(), 0);

  // ... the third takes it down.
  EXPECT_EQ(h.observe(fail), Transition::changed);
  EXPECT_FALSE(h.is_up());

  // Further failures keep counting but change nothing.
  EXPECT_EQ(h.observe(fail), Transition::unchanged);
  EXPECT_EQ(h.consecutive_failures(), 4);

  // One success is not enough to come back ...
  EXPECT_EQ(h.observe(ok), Transition::pending);
  EXPECT_FALSE(h.is_up());
  EXPECT_EQ(h.consecutive_failures(), 0);
  // ... the second is.
  EXPECT_EQ(h.observe(ok), Transition::changed);
  EXPECT_TRUE(h.is_up());
  EXPECT_EQ(h.consecutive_successes(), 2);

  EXPECT_EQ(h.observe(ok), Transition::unchanged);
}

TEST(Hysteresis, ASuccessWhileUpResetsTheFailureStreak) {
  Hysteresis h{3, 2};
  EXPECT_EQ(h.observe(fail), Transition::pending);
  EXPECT_EQ(h.observe(fail), Transition::pending);
  // Two failures, then a success: the count starts over.
  EXPECT_EQ(h.observe(ok), Transition::unchanged);
  EXPECT_EQ(h.consecutive_failures(), 0);
  // So two more failures are still not enough ...
  EXPECT_EQ(h.observe(fail), Transition::pending);
  EXPECT_EQ(h.observe(fail), Transition::pending);
  EXPECT_TRUE(h.is_up());
  // ... it takes a third in a row.
  EXPECT_EQ(h.observe(fail), Transition::changed);
  EXPECT_FALSE(h.is_up());
}

TEST(Hysteresis, AFailureWhileDownResetsTheSuccessStreak) {
  Hysteresis h{1, 3};
  EXPECT_EQ(h.observe(fail), Transition::changed);
  EXPECT_EQ(h.observe(ok), Transition::pending);
  EXPECT_EQ(h.observe(ok), Transition::pending);
  // Two successes then a failure: back to square one.
  EXPECT_EQ(h.observe(fail), Transition::unchanged);
  EXPECT_EQ(h.consecutive_successes(), 0);
  EXPECT_EQ(h.observe(ok), Transition::pending);
  EXPECT_EQ(h.observe(ok), Transition::pending);
  EXPECT_FALSE(h.is_up());
  EXPECT_EQ(h.observe(ok), Transition::changed);
  EXPECT_TRUE(h.is_up());
}

TEST(Hysteresis, FlappingThatNeverReachesAThresholdNeverChangesTheState) {
  Hysteresis h{3, 2};
  // fail, fail, ok, fail, fail, ok ... for a long time: never three failures in a row.
  for (int round = 0; round < 50; ++round) {
    EXPECT_EQ(h.observe(fail), Transition::pending);
    EXPECT_EQ(h.observe(fail), Transition::pending);
    EXPECT_EQ(h.observe(ok), Transition::unchanged);
    ASSERT_TRUE(h.is_up()) << "round " << round;
  }

  // The same once down: ok, fail, ok, fail never brings two successes in a row.
  Hysteresis down{3, 2, /*start_up=*/false};
  for (int round = 0; round < 50; ++round) {
    EXPECT_EQ(down.observe(ok), Transition::pending);
    EXPECT_EQ(down.observe(fail), Transition::unchanged);
    ASSERT_FALSE(down.is_up()) << "round " << round;
  }
}

TEST(Hysteresis, StartingDownNeedsRiseSuccessesBeforeTheFirstUp) {
  Hysteresis h{3, 2, /*start_up=*/false};
  EXPECT_FALSE(h.is_up());
  EXPECT_EQ(h.observe(ok), Transition::pending);
  EXPECT_EQ(h.observe(ok), Transition::changed);
  EXPECT_TRUE(h.is_up());
}

TEST(Hysteresis, ThresholdsOfOneFlipOnTheFirstContraryResult) {
  Hysteresis h{1, 1};
  EXPECT_EQ(h.observe(ok), Transition::unchanged);
  EXPECT_EQ(h.observe(fail), Transition::changed);
  EXPECT_EQ(h.observe(ok), Transition::changed);
}

TEST(Hysteresis, ThresholdsBelowOneAreTreatedAsOne) {
  Hysteresis h{0, -2};
  EXPECT_EQ(h.fall(), 1);
  EXPECT_EQ(h.rise(), 1);
  EXPECT_EQ(h.observe(fail), Transition::changed);
  EXPECT_EQ(h.observe(ok), Transition::changed);
}

TEST(Hysteresis, TransitionsHaveNames) {
  EXPECT_EQ(to_string(Transition::unchanged), "unchanged");
  EXPECT_EQ(to_string(Transition::changed), "changed");
  EXPECT_EQ(to_string(Transition::pending), "pending");
}

}  // namespace
}  // namespace rg
