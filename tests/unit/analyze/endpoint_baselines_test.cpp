// The fleet's per-endpoint baselines narrated round by round (10 s apart, time in the results): a
// drift on one endpoint is that endpoint's latency_drift and nobody else's; the same shift on most
// endpoints at once is one widespread signal; a region-wide shift is widespread for that region;
// noise, and one slow answer, are nothing.
#include "analyze/endpoint_baselines.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "anomaly_test_data.h"

namespace rg {
namespace {

using namespace anomaly_test;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int kWarmUpRounds = 60;  // 5 recent + 30 baseline samples, with room to spare

class EndpointBaselinesTest : public ::testing::Test {
 protected:
  EndpointBaselinesTest() : config_(fleet_config(7)), baselines_(config_, EndpointBaselines::Options{}) {}

  // Rounds of normal noise; every signal they raise is a false alarm.
  std::vector<AnomalySignal> warm_up() {
    std::vector<AnomalySignal> all;
    for (; round_ < kWarmUpRounds; ++round_) {
      auto signals = baselines_.observe(normal_round(config_, round_));
      all.insert(all.end(), signals.begin(), signals.end());
    }
    return all;
  }

  const std::string& id(std::size_t i) const { return config_.endpoints[i].id; }

  Config config_;  // 21 endpoints, 7 per region; index 0-6 us-east-1, 7-13 us-west-2, 14-20 eu-west-1
  EndpointBaselines baselines_;
  int round_ = 0;
};

std::vector<AnomalyKind> kinds(const std::vector<AnomalySignal>& signals) {
  std::vector<AnomalyKind> out;
  for (const auto& s : signals) out.push_back(s.kind);
  return out;
}

TEST_F(EndpointBaselinesTest, NoiseAndAnOccasionalSlowAnswerRaiseNothing) {
  EXPECT_THAT(warm_up(), IsEmpty());
  for (int n = 0; n < 300; ++n, ++round_) {
    auto results = normal_round(config_, round_);
    // Every 7th round one endpoint answers in 500 ms, never twice in a row.
    if (round_ % 7 == 0) add_latency(results[static_cast<std::size_t>(round_) % results.size()], 480);
    EXPECT_THAT(baselines_.observe(results), IsEmpty()) << "round " << round_;
  }
}

TEST_F(EndpointBaselinesTest, ASlowDriftOnOneEndpointIsThatEndpointsLatencyDriftOnly) {
  ASSERT_THAT(warm_up(), IsEmpty());
  // dynamodb-like endpoint 3 in us-east-1 creeps up 0.5 ms per round; everyone else is normal.
  std::vector<AnomalySignal> first;
  int drifted_rounds = 0;
  for (; drifted_rounds < 40 && first.empty(); ++drifted_rounds, ++round_) {
    auto results = normal_round(config_, round_);
    add_latency(results[3], 0.5 * (drifted_rounds + 1));
    first = baselines_.observe(results);
  }
  ASSERT_THAT(kinds(first), ElementsAre(AnomalyKind::latency_drift));
  // The noise's MAD is ~1.4 ms, so ~7 ms above the baseline's median is z 3.5; the baseline takes
  // in part of the drift as it goes, and the signal comes before the drift reaches 15 ms.
  EXPECT_LT(drifted_rounds, 30);
  const auto& signal = first[0];
  EXPECT_EQ(signal.endpoint_id, id(3));
  EXPECT_EQ(signal.region, "us-east-1");
  EXPECT_THAT(signal.endpoints, ElementsAre(id(3)));
  EXPECT_EQ(signal.severity, AnomalySeverity::warning);
  EXPECT_GE(signal.score, 3.5);
  EXPECT_EQ(signal.at, kStart + std::chrono::seconds(10 * (round_ - 1)));
  EXPECT_THAT(signal.message, HasSubstr("latency drift on " + id(3) + ": z="));
  // The neighbours' baselines are untouched.
  ASSERT_TRUE(baselines_.latency_z(id(4)).has_value());
  EXPECT_LT(*baselines_.latency_z(id(4)), 1.0);
}

TEST_F(EndpointBaselinesTest, AShiftAcrossMostOfTheFleetIsOneWidespreadSignal) {
  ASSERT_THAT(warm_up(), IsEmpty());
  std::vector<AnomalySignal> signals;
  // 12 of 21 endpoints, in all three regions, get 15 ms slower at once (the monitor's own uplink).
  for (int n = 0; n < 3; ++n, ++round_) {
    auto results = normal_round(config_, round_);
    for (std::size_t i = 0; i < 12; ++i) add_latency(results[i * 21 / 12], 15);
    signals = baselines_.observe(results);
  }
  ASSERT_THAT(kinds(signals), ElementsAre(AnomalyKind::widespread));
  EXPECT_EQ(signals[0].region, "");
  EXPECT_EQ(signals[0].severity, AnomalySeverity::high);
  EXPECT_EQ(signals[0].endpoints.size(), 12u);
  EXPECT_NEAR(signals[0].score, 100.0 * 12 / 21, 1e-9);
  EXPECT_EQ(signals[0].message,
            "widespread: 12 of 21 endpoints shifted across eu-west-1 4, us-east-1 4, us-west-2 4 (latency 12, "
            "error rate 0)");
}

TEST_F(EndpointBaselinesTest, AShiftOfOneWholeRegionIsWidespreadForThatRegion) {
  ASSERT_THAT(warm_up(), IsEmpty());
  std::vector<AnomalySignal> signals;
  // us-west-2 (7 of 21, a third of the fleet) answers empty: its error rate shifts everywhere.
  for (int n = 0; n < 3; ++n, ++round_) {
    auto results = normal_round(config_, round_);
    for (std::size_t i = 7; i < 14; ++i) results[i] = nodata_result(id(i), round_);
    signals = baselines_.observe(results);
  }
  ASSERT_THAT(kinds(signals), ElementsAre(AnomalyKind::widespread));
  EXPECT_EQ(signals[0].region, "us-west-2");
  EXPECT_EQ(signals[0].message, "widespread: 7 of 7 endpoints shifted in us-west-2 (latency 0, error rate 7)");
}

TEST_F(EndpointBaselinesTest, IntermittentFailuresOnOneEndpointAreItsErrorRateShift) {
  ASSERT_THAT(warm_up(), IsEmpty());
  std::vector<AnomalySignal> signals;
  // Endpoint 16 fails every other round: never three in a row, so hysteresis would not see it.
  for (int n = 0; n < 5; ++n, ++round_) {
    auto results = normal_round(config_, round_);
    if (n % 2 == 0) results[16] = nodata_result(id(16), round_);
    signals = baselines_.observe(results);
  }
  ASSERT_THAT(kinds(signals), ElementsAre(AnomalyKind::error_rate_shift));
  EXPECT_EQ(signals[0].endpoint_id, id(16));
  EXPECT_EQ(signals[0].region, "eu-west-1");
  EXPECT_THAT(signals[0].message, HasSubstr("error-rate shift on " + id(16) + ": 3 of the last 10 probes failed"));
}

TEST(EndpointBaselines, OptionsComeFromTheAnomalySection) {
  AnomalyConfig config;
  config.z_threshold = 5.0;
  config.min_samples = 50;
  config.widespread_percent = 75;
  const auto options = baselines_options(config);
  EXPECT_EQ(options.z_threshold, 5.0);
  EXPECT_EQ(options.widespread_percent, 75.0);
  EXPECT_EQ(options.latency.min_samples, 50u);
  EXPECT_EQ(options.error_rate.min_samples, 50u);
  EXPECT_GE(options.latency.window, 200u);  // the window keeps room beyond the warm-up
}

}  // namespace
}  // namespace rg
