// The per-endpoint error-rate change detector (two windows, one-sided binomial test).
#include "analyze/error_rate_baseline.h"

#include <gtest/gtest.h>

#include <cmath>

namespace rg {
namespace {

TEST(BinomialUpperTail, MatchesHandComputedValues) {
  EXPECT_DOUBLE_EQ(binomial_upper_tail(0, 10, 0.3), 1.0);
  EXPECT_NEAR(binomial_upper_tail(10, 10, 0.5), 1.0 / 1024.0, 1e-15);
  // P(X >= 1) = 1 − 0.9^10
  EXPECT_NEAR(binomial_upper_tail(1, 10, 0.1), 1.0 - std::pow(0.9, 10), 1e-12);
  EXPECT_DOUBLE_EQ(binomial_upper_tail(11, 10, 0.5), 0.0);
}

TEST(ErrorRateBaseline, ACleanEndpointNeedsThreeFailuresInTenNotInARow) {
  ErrorRateBaseline baseline;  // window 120, recent 10, warm-up 30, alpha 0.001
  for (int i = 0; i < 120; ++i) baseline.add(false);
  EXPECT_FALSE(baseline.shifted());
  baseline.add(true);
  baseline.add(false);
  baseline.add(true);
  EXPECT_FALSE(baseline.shifted()) << "p=" << *baseline.p_value();  // two in ten: p ≈ 0.003
  baseline.add(false);
  baseline.add(true);
  EXPECT_TRUE(baseline.shifted()) << "p=" << *baseline.p_value();  // three in ten: p ≈ 8e-05
  EXPECT_EQ(baseline.recent_failures(), 3u);
}

TEST(ErrorRateBaseline, AnEndpointThatAlwaysFailedSometimesIsNotAShift) {
  ErrorRateBaseline baseline;
  // One failure in ten all along, including the recent window.
  for (int i = 0; i < 300; ++i) {
    baseline.add(i % 10 == 3);
    EXPECT_FALSE(baseline.shifted()) << "probe " << i;
  }
  EXPECT_NEAR(baseline.baseline_rate(), 13.0 / 122.0, 1e-12);
}

TEST(ErrorRateBaseline, NoVerdictDuringTheWarmUp) {
  ErrorRateBaseline baseline;
  for (int i = 0; i < 39; ++i) baseline.add(true);  // 10 recent + 29 baseline
  EXPECT_FALSE(baseline.p_value().has_value());
  EXPECT_FALSE(baseline.shifted());
}

TEST(ErrorRateBaseline, RefusesAnAlphaOutsideZeroToOne) {
  ErrorRateBaseline::Options options;
  options.alpha = 1.0;
  EXPECT_THROW(ErrorRateBaseline{options}, std::invalid_argument);
}

}  // namespace
}  // namespace rg
