// The per-endpoint latency baseline (robust z-score of the recent median against a rolling median
// and MAD) narrated sample by sample.
#include "analyze/latency_baseline.h"

#include <gtest/gtest.h>

#include "anomaly_test_data.h"

namespace rg {
namespace {

using anomaly_test::noise;

LatencyBaseline::Options small() {
  LatencyBaseline::Options options;
  options.window = 40;
  options.recent = 5;
  options.min_samples = 20;
  options.mad_floor_ms = 0.5;
  options.mad_floor_ratio = 0.0;
  return options;
}

TEST(LatencyBaseline, SaysNothingDuringTheWarmUp) {
  LatencyBaseline baseline(small());
  // 5 recent + 19 baseline samples: one short of min_samples.
  for (int i = 0; i < 24; ++i) baseline.add(20.0);
  EXPECT_EQ(baseline.baseline_size(), 19u);
  EXPECT_FALSE(baseline.z().has_value());
  baseline.add(20.0);
  ASSERT_TRUE(baseline.z().has_value());
  EXPECT_DOUBLE_EQ(*baseline.z(), 0.0);
}

TEST(LatencyBaseline, NoiseAndASingleSpikeStayBelowTheThreshold) {
  LatencyBaseline baseline(small());
  for (int i = 0; i < 100; ++i) {
    // One probe in twenty waits 10× as long: the median of five recent samples shrugs it off.
    baseline.add(i % 20 == 7 ? 200.0 : 20.0 + 2.0 * noise(static_cast<std::uint64_t>(i), 0));
    if (const auto z = baseline.z()) {
      EXPECT_LT(*z, 3.5) << "sample " << i;
    }
  }
}

TEST(LatencyBaseline, ALevelShiftRaisesZAndBecomesTheNewNormalAfterAboutHalfAWindow) {
  LatencyBaseline baseline(small());
  for (int i = 0; i < 60; ++i) baseline.add(20.0 + noise(static_cast<std::uint64_t>(i), 1));
  ASSERT_LT(*baseline.z(), 3.5);
  // Now 30 ms: after three of five recent samples the recent median has moved.
  int first_over = -1;
  int last_over = -1;
  for (int i = 0; i < 60; ++i) {
    baseline.add(30.0 + noise(static_cast<std::uint64_t>(100 + i), 1));
    if (*baseline.z() >= 3.5) {
      if (first_over < 0) first_over = i;
      last_over = i;
    }
  }
  EXPECT_EQ(first_over, 2);
  // Once the 30 ms samples are the larger half of the 40-sample baseline, its median is 30 ms.
  EXPECT_GT(last_over, 15);
  EXPECT_LT(last_over, 30);
  EXPECT_LT(*baseline.z(), 1.0);
}

TEST(LatencyBaseline, TheMadFloorKeepsATinyWobbleOnAQuietResolverFromLookingHuge) {
  auto options = small();
  options.mad_floor_ms = 1.0;
  LatencyBaseline baseline(options);
  // A LAN resolver: 0.40 ms, ±0.01 ms. Then 0.6 ms: 20 MADs, but only 0.2 ms.
  for (int i = 0; i < 40; ++i) baseline.add(0.40 + 0.01 * noise(static_cast<std::uint64_t>(i), 2));
  for (int i = 0; i < 5; ++i) baseline.add(0.6);
  EXPECT_DOUBLE_EQ(baseline.mad_used(), 1.0);
  EXPECT_LT(*baseline.z(), 0.2);
}

TEST(LatencyBaseline, FasterIsANegativeZ) {
  LatencyBaseline baseline(small());
  for (int i = 0; i < 40; ++i) baseline.add(20.0 + noise(static_cast<std::uint64_t>(i), 3));
  for (int i = 0; i < 5; ++i) baseline.add(5.0);
  EXPECT_LT(*baseline.z(), -3.5);
}

TEST(LatencyBaseline, MedianOfEvenAndOddCounts) {
  EXPECT_EQ(median_of({3.0, 1.0, 2.0}), 2.0);
  EXPECT_EQ(median_of({4.0, 1.0, 3.0, 2.0}), 2.5);
  EXPECT_FALSE(median_of({}).has_value());
}

TEST(LatencyBaseline, RefusesAWarmUpLongerThanItsWindow) {
  auto options = small();
  options.min_samples = options.window + 1;
  EXPECT_THROW(LatencyBaseline{options}, std::invalid_argument);
}

}  // namespace
}  // namespace rg
