// The forest side of anomaly detection: fitted on a window of normal history (as the daemon's
// runner does off the loop), then judging new rounds with the seed's rule — more than 10% of a
// round's points anomalous is a high forest_round signal. Before a model there is no verdict.
#include "analyze/anomaly_detector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "anomaly_test_data.h"

namespace rg {
namespace {

using namespace anomaly_test;
using ::testing::Contains;
using ::testing::HasSubstr;

// 200 rounds (33 minutes) of every endpoint answering normally, one history per endpoint.
std::vector<std::vector<ProbeResult>> normal_history(const Config& config, int rounds) {
  std::vector<std::vector<ProbeResult>> histories(config.endpoints.size());
  for (int r = 0; r < rounds; ++r)
    for (std::size_t i = 0; i < config.endpoints.size(); ++i)
      histories[i].push_back(normal_result(config.endpoints[i].id, r, i));
  return histories;
}

AnomalyDetector::Options options() { return detector_options(AnomalyConfig{}); }

class AnomalyDetectorTest : public ::testing::Test {
 protected:
  AnomalyDetectorTest() : config_(fleet_config(7)), detector_(options()) {}

  void fit() {
    auto model = fit_forest_model(normal_history(config_, 200), options(), kStart, kStart + 2000s);
    ASSERT_TRUE(model.has_value()) << model.error();
    detector_.set_model(std::make_shared<const ForestModel>(std::move(*model)));
  }

  Config config_;
  AnomalyDetector detector_;
};

TEST_F(AnomalyDetectorTest, BeforeTheFirstFitThereIsNoVerdictEvenForAnObviousSpike) {
  auto results = normal_round(config_, 200);
  for (std::size_t i = 0; i < 10; ++i) add_latency(results[i], 2000);
  EXPECT_FALSE(detector_.fitted());
  EXPECT_FALSE(detector_.score_round(results).has_value());
}

TEST_F(AnomalyDetectorTest, ARoundOfInjectedSpikesAfterFittingOnNormalHistoryIsHigh) {
  fit();
  ASSERT_TRUE(detector_.fitted());
  EXPECT_EQ(detector_.model()->training_rows, 21u * 200u);
  EXPECT_EQ(detector_.model()->endpoints, 21u);

  // A normal round right after the window: nothing, or too little to fire.
  const auto calm = detector_.score_round(normal_round(config_, 200));
  ASSERT_TRUE(calm.has_value());
  EXPECT_EQ(calm->points, 21u);
  EXPECT_LE(calm->anomalous_percent, 10.0);
  EXPECT_FALSE(calm->signal.has_value());

  // Next round: 3 endpoints answer in 400 ms and 2 return the empty answer of October 2025.
  auto results = normal_round(config_, 201);
  for (const std::size_t i : {1u, 9u, 17u}) add_latency(results[i], 380);
  results[4] = nodata_result(config_.endpoints[4].id, 201);
  results[12] = nodata_result(config_.endpoints[12].id, 201);
  const auto verdict = detector_.score_round(results);
  ASSERT_TRUE(verdict.has_value());
  EXPECT_GE(verdict->anomalous, 5u);  // 5 of 21 = 24% > 10%
  EXPECT_LT(verdict->min_score, -0.6);
  ASSERT_TRUE(verdict->signal.has_value());
  const auto& signal = *verdict->signal;
  EXPECT_EQ(signal.kind, AnomalyKind::forest_round);
  EXPECT_EQ(signal.severity, AnomalySeverity::high);
  EXPECT_DOUBLE_EQ(signal.score, verdict->anomalous_percent);
  EXPECT_EQ(signal.at, kStart + 2010s);
  for (const std::size_t i : {1u, 4u, 9u, 12u, 17u}) EXPECT_THAT(signal.endpoints, Contains(config_.endpoints[i].id));
  EXPECT_THAT(signal.message, HasSubstr("forest: " + std::to_string(verdict->anomalous) + " of 21 points anomalous"));
}

TEST_F(AnomalyDetectorTest, OneSpikeInARoundIsFlaggedButDoesNotFireTheTenPercentRule) {
  fit();
  auto results = normal_round(config_, 200);
  add_latency(results[6], 380);  // 1 of 21 = 4.8%
  const auto verdict = detector_.score_round(results);
  ASSERT_TRUE(verdict.has_value());
  EXPECT_GE(verdict->anomalous, 1u);
  EXPECT_FALSE(verdict->signal.has_value());
}

TEST(FitForestModel, TooLittleHistoryIsNoModelAndSaysWhy) {
  const auto config = fleet_config(1);
  const auto model = fit_forest_model(normal_history(config, 10), options(), kStart, kStart + 100s);
  ASSERT_FALSE(model.has_value());
  EXPECT_EQ(model.error(), "30 stored observations in the window, 256 needed");
}

TEST(FitForestModel, IsDeterministicForASeed) {
  const auto config = fleet_config(3);
  const auto history = normal_history(config, 100);
  const auto a = fit_forest_model(history, options(), kStart, kStart + 1000s);
  const auto b = fit_forest_model(history, options(), kStart, kStart + 1000s);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->forest.offset(), b->forest.offset());
  auto other = options();
  other.forest.seed = 7;
  const auto c = fit_forest_model(history, other, kStart, kStart + 1000s);
  ASSERT_TRUE(c.has_value());
  EXPECT_NE(a->forest.offset(), c->forest.offset());
}

}  // namespace
}  // namespace rg
