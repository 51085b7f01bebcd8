// The Isolation Forest: c(n), path lengths on data small enough to check by hand, determinism,
// scikit-learn's conventions (score_samples, offset, predict), ROC AUC — and parity with
// scikit-learn on the labelled data sets of tests/data/anomaly, made and scored by
// scripts/sklearn_parity.py (scikit-learn is not needed to run this test).
#include "analyze/isolation_forest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numbers>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "analyze/feature_extractor.h"
#include "analyze/feature_scaler.h"

namespace rg {
namespace {

using ::testing::DoubleNear;
using ::testing::Each;

constexpr double kGamma = std::numbers::egamma;

// ---------------------------------------------------------------------------------------------
// c(n)

TEST(AveragePathLength, MatchesScikitLearnsDefinition) {
  EXPECT_EQ(average_path_length(0), 0.0);
  EXPECT_EQ(average_path_length(1), 0.0);
  EXPECT_EQ(average_path_length(2), 1.0);
  EXPECT_DOUBLE_EQ(average_path_length(3), 2.0 * (std::log(2.0) + kGamma) - 4.0 / 3.0);
  // Values printed by sklearn.ensemble._iforest._average_path_length.
  EXPECT_NEAR(average_path_length(4), 1.8516559071392846, 1e-12);
  EXPECT_NEAR(average_path_length(5), 2.327020052042847, 1e-12);
  EXPECT_NEAR(average_path_length(256), 10.244770920119917, 1e-12);
  EXPECT_NEAR(average_path_length(1000), 12.969940887100172, 1e-12);
}

// ---------------------------------------------------------------------------------------------
// Trees small enough to check by hand

FeatureMatrix column(std::vector<double> values) {
  const std::size_t rows = values.size();
  return FeatureMatrix(rows, 1, std::move(values));
}

TEST(IsolationForest, FourPointsHaveOneTreeShapeWhateverTheSeed) {
  // {0, 0, 0, 10}: ψ = 4, height limit 2. The root's threshold is drawn in [0, 10), so the three
  // zeros go left and 10 goes right, alone: a leaf at depth 1, path 1. The zeros are constant, so
  // their node is a leaf at depth 1 holding 3 rows: path 1 + c(3). s = 2^(-path / c(4)).
  for (std::uint64_t seed : {0u, 1u, 42u}) {
    IsolationForest forest({.trees = 10, .subsample = 256, .seed = seed, .contamination = std::nullopt});
    forest.fit(column({0, 0, 0, 10}));
    EXPECT_EQ(forest.subsample_size(), 4);
    EXPECT_EQ(forest.height_limit(), 2);
    EXPECT_EQ(forest.node_count(), 10u * 3u);

    const double c4 = average_path_length(4);
    const double outlier = -std::exp2(-1.0 / c4);                                // -0.68774...
    const double inlier = -std::exp2(-(1.0 + average_path_length(3)) / c4);      // -0.43766...
    EXPECT_NEAR(outlier, -0.6877436677788326, 1e-12);
    EXPECT_NEAR(inlier, -0.43765986316299915, 1e-12);
    const auto scores = forest.score_samples(column({0, 10, -5, 20}));
    EXPECT_NEAR(scores[0], inlier, 1e-12);
    EXPECT_NEAR(scores[1], outlier, 1e-12);
    EXPECT_NEAR(scores[2], inlier, 1e-12) << "below every threshold: the zeros' leaf";
    EXPECT_NEAR(scores[3], outlier, 1e-12) << "above every threshold: 10's leaf";
  }
}

TEST(IsolationForest, TwoPointsAreEachOneSplitAway) {
  // ψ = 2: one split isolates both, path 1 = c(2), so s = 2^-1 for each.
  IsolationForest forest({.trees = 5, .contamination = std::nullopt});
  forest.fit(column({1, 2}));
  EXPECT_THAT(forest.score_samples(column({1, 2, 100})), Each(DoubleNear(-0.5, 1e-15)));
}

TEST(IsolationForest, ConstantDataIsOneLeafPerTree) {
  // Nothing to split on, as scikit-learn: the root is a leaf of ψ rows, path c(ψ), s = 2^-1.
  FeatureMatrix x(300, 3);
  for (std::size_t r = 0; r < x.rows(); ++r) x(r, 1) = 7.0;
  IsolationForest forest({.trees = 20, .contamination = std::nullopt});
  forest.fit(x);
  EXPECT_EQ(forest.node_count(), 20u);
  EXPECT_THAT(forest.score_samples(x), Each(DoubleNear(-0.5, 1e-12)));
}

TEST(IsolationForest, ConstantColumnsAreNeverSplitOn) {
  // Column 0 varies, column 1 is constant: every split is on column 0, so a query that differs
  // only in column 1 scores as if column 1 were not there.
  FeatureMatrix x(256, 2);
  for (std::size_t r = 0; r < x.rows(); ++r) {
    x(r, 0) = static_cast<double>(r);
    x(r, 1) = 3.0;
  }
  IsolationForest forest({.trees = 50, .seed = 7, .contamination = std::nullopt});
  forest.fit(x);
  FeatureMatrix queries(2, 2);
  queries(0, 0) = queries(1, 0) = 100.5;
  queries(0, 1) = 3.0;
  queries(1, 1) = -1e6;
  const auto scores = forest.score_samples(queries);
  EXPECT_EQ(scores[0], scores[1]);
}

TEST(IsolationForest, HeightLimitIsCeilLog2OfTheSubsample) {
  FeatureMatrix x(1000, 1);
  for (std::size_t r = 0; r < x.rows(); ++r) x(r, 0) = static_cast<double>(r % 97);
  const std::pair<int, int> cases[] = {{256, 8}, {100, 7}, {128, 7}, {129, 8}, {2, 1}, {1, 1}};
  for (auto [psi, height] : cases) {
    IsolationForest forest({.trees = 3, .subsample = psi});
    forest.fit(x);
    EXPECT_EQ(forest.subsample_size(), psi);
    EXPECT_EQ(forest.height_limit(), height) << "psi " << psi;
    EXPECT_LE(forest.node_count(), 3u * static_cast<std::size_t>(2 * psi - 1));
  }
}

// ---------------------------------------------------------------------------------------------
// Determinism and the obvious cases

FeatureMatrix gaussian_cloud(std::size_t rows, std::uint32_t seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  FeatureMatrix x(rows, 2);
  for (double& v : x.values()) v = normal(gen);
  return x;
}

TEST(IsolationForest, SameSeedSameScoresOtherSeedOtherScores) {
  const auto x = gaussian_cloud(2000, 1);
  IsolationForest a({.seed = 99});
  IsolationForest b({.seed = 99});
  IsolationForest c({.seed = 100});
  a.fit(x);
  b.fit(x);
  c.fit(x);
  EXPECT_EQ(a.score_samples(x), b.score_samples(x));
  EXPECT_EQ(a.offset(), b.offset());
  EXPECT_NE(a.score_samples(x), c.score_samples(x));
}

TEST(IsolationForest, AFarPointScoresLowestAndIsPredictedAnomalous) {
  auto x = gaussian_cloud(1000, 2);
  x(500, 0) = 8.0;
  x(500, 1) = 8.0;
  IsolationForest forest;
  forest.fit(x);
  const auto scores = forest.score_samples(x);
  EXPECT_EQ(std::ranges::min_element(scores) - scores.begin(), 500);
  EXPECT_LT(scores[500], -0.7);
  EXPECT_GT(*std::ranges::max_element(scores), -0.5);
  EXPECT_EQ(forest.predict(x)[500], -1);
}

TEST(IsolationForest, ContaminationSetsTheOffsetAtThatQuantileOfTrainingScores) {
  const auto x = gaussian_cloud(1001, 3);
  IsolationForest forest({.contamination = 0.1});
  forest.fit(x);
  auto scores = forest.score_samples(x);
  std::ranges::sort(scores);
  EXPECT_DOUBLE_EQ(forest.offset(), scores[100]) << "numpy.percentile: position 0.1 * (1001 - 1) = 100";

  const auto decisions = forest.decision_function(x);
  const auto labels = forest.predict(x);
  for (std::size_t r = 0; r < labels.size(); ++r) EXPECT_EQ(labels[r], decisions[r] < 0 ? -1 : 1);
  EXPECT_EQ(std::ranges::count(labels, -1), 100);
}

TEST(IsolationForest, AutoContaminationIsScikitLearnsFixedOffset) {
  const auto x = gaussian_cloud(500, 4);
  IsolationForest forest({.contamination = std::nullopt});
  forest.fit(x);
  EXPECT_EQ(forest.offset(), -0.5);
  const auto scores = forest.score_samples(x);
  const auto labels = forest.predict(x);
  for (std::size_t r = 0; r < labels.size(); ++r) EXPECT_EQ(labels[r], scores[r] < -0.5 ? -1 : 1);
}

TEST(IsolationForest, FittedOnItsOwnRoundAtTenPercentItFlagsAtMostTenPercent) {
  // The seed fits on a round and predicts on that same round (fit_predict), then alerts when more
  // than 10% of the points are anomalous. With contamination 0.1 the threshold is the round's own
  // 10th percentile, so however bad the round, no more than ~10% fall below it: that rule needs a
  // forest fitted on other rounds (a baseline), or contamination="auto".
  auto x = gaussian_cloud(1000, 5);
  for (std::size_t r = 0; r < 300; ++r) x(r, 0) += 12.0;  // 30% of the round far away
  IsolationForest tenth({.contamination = 0.1});
  tenth.fit(x);
  EXPECT_LE(std::ranges::count(tenth.predict(x), -1), 100);
}

TEST(IsolationForest, RejectsBadOptionsAndInputs) {
  EXPECT_THROW(IsolationForest({.trees = 0}), std::invalid_argument);
  EXPECT_THROW(IsolationForest({.subsample = 0}), std::invalid_argument);
  EXPECT_THROW(IsolationForest({.contamination = 0.0}), std::invalid_argument);
  EXPECT_THROW(IsolationForest({.contamination = 0.6}), std::invalid_argument);

  IsolationForest forest;
  EXPECT_THROW(forest.score_samples(gaussian_cloud(3, 1)), std::logic_error);
  EXPECT_THROW(forest.fit(FeatureMatrix(0, 2)), std::invalid_argument);
  auto bad = gaussian_cloud(10, 1);
  bad(3, 1) = std::nan("");
  EXPECT_THROW(forest.fit(bad), std::invalid_argument);
  forest.fit(gaussian_cloud(10, 1));
  EXPECT_THROW(forest.score_samples(FeatureMatrix(2, 3)), std::invalid_argument);
  bad(3, 1) = INFINITY;
  EXPECT_THROW(forest.score_samples(bad), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// ROC AUC

TEST(RocAuc, MatchesScikitLearnIncludingTies) {
  const std::vector<double> scores{0.1, 0.4, 0.35, 0.8};
  const std::vector<int> labels{0, 0, 1, 1};
  EXPECT_DOUBLE_EQ(*roc_auc(scores, labels), 0.75);  // roc_auc_score's documented example
  // roc_auc_score([0, 1, 0, 1, 1], [1, 1, 2, 2, 3]) = 0.6666...
  EXPECT_DOUBLE_EQ(*roc_auc(std::vector<double>{1, 1, 2, 2, 3}, std::vector<int>{0, 1, 0, 1, 1}), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(*roc_auc(std::vector<double>{1, 2, 3}, std::vector<int>{0, 1, 1}), 1.0);
  EXPECT_DOUBLE_EQ(*roc_auc(std::vector<double>{3, 2, 1}, std::vector<int>{0, 1, 1}), 0.0);
  EXPECT_DOUBLE_EQ(*roc_auc(std::vector<double>{5, 5, 5, 5}, std::vector<int>{0, 1, 0, 1}), 0.5);
  EXPECT_FALSE(roc_auc(std::vector<double>{1, 2}, std::vector<int>{1, 1}).has_value());
  EXPECT_THROW(roc_auc(std::vector<double>{1, 2}, std::vector<int>{1}), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// Parity with scikit-learn

struct LabelledData {
  FeatureMatrix x;
  std::vector<int> labels;
};

std::string data_path(const std::string& file) { return std::string(RG_SOURCE_DIR) + "/tests/data/anomaly/" + file; }

LabelledData read_csv(const std::string& name) {
  std::ifstream in(data_path(name + ".csv"));
  if (!in) ADD_FAILURE() << "cannot open " << data_path(name + ".csv") << " (scripts/sklearn_parity.py datasets)";
  std::string line;
  std::getline(in, line);
  std::string expected_header;
  for (const auto column : feature_column_names()) expected_header += std::string(column) + ",";
  EXPECT_EQ(line, expected_header + "label") << "the CSV's columns are not feature_extractor.h's: regenerate it";

  LabelledData data{FeatureMatrix(kFeatureColumns), {}};
  std::vector<double> row(kFeatureColumns);
  while (std::getline(in, line)) {
    std::istringstream cells(line);
    std::string cell;
    for (std::size_t c = 0; c < kFeatureColumns; ++c) {
      std::getline(cells, cell, ',');
      row[c] = std::stod(cell);
    }
    std::getline(cells, cell);
    data.x.append_row(row);
    data.labels.push_back(std::stoi(cell));
  }
  return data;
}

nlohmann::json read_reference(const std::string& name) {
  std::ifstream in(data_path(name + ".sklearn.json"));
  if (!in) ADD_FAILURE() << "cannot open " << data_path(name + ".sklearn.json");
  return nlohmann::json::parse(in);
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const auto n = static_cast<double>(a.size());
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) ma += a[i] / n, mb += b[i] / n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

class SklearnParity : public ::testing::TestWithParam<std::string> {};

TEST_P(SklearnParity, RocAucWithinOneHundredthOfScikitLearns) {
  const auto data = read_csv(GetParam());
  const auto reference = read_reference(GetParam());
  ASSERT_EQ(data.x.rows(), reference["rows"].get<std::size_t>());
  const auto sklearn_aucs = reference["roc_auc"].get<std::vector<double>>();
  const auto sklearn_scores = reference["score_samples_random_state_0"].get<std::vector<double>>();

  // The seed's pipeline with the forest: StandardScaler, 100 trees, ψ = 256. As many
  // seeds as scikit-learn's random states, so both sides' AUCs average the same number of forests.
  StandardScaler scaler;
  const auto x = scaler.fit_transform(data.x);
  double auc_sum = 0.0;
  std::vector<double> first_scores;
  for (std::size_t seed = 0; seed < sklearn_aucs.size(); ++seed) {
    IsolationForest forest({.trees = 100, .subsample = 256, .seed = seed, .contamination = std::nullopt});
    forest.fit(x);
    auto scores = forest.score_samples(x);
    if (seed == 0) first_scores = scores;
    for (double& s : scores) s = -s;  // higher = more abnormal, as roc_auc_score(label, -score_samples)
    const auto auc = roc_auc(scores, data.labels);
    ASSERT_TRUE(auc.has_value());
    auc_sum += *auc;
    RecordProperty("regionguard_auc_seed_" + std::to_string(seed), std::to_string(*auc));
  }
  const double ours = auc_sum / static_cast<double>(sklearn_aucs.size());
  double theirs = 0.0;
  for (double a : sklearn_aucs) theirs += a / static_cast<double>(sklearn_aucs.size());

  // Row by row, two forests of 100 trees agree closely on how abnormal each result looks.
  const double correlation = pearson(first_scores, sklearn_scores);
  std::cout << GetParam() << ": ROC AUC regionguard " << ours << ", scikit-learn " << theirs << " (mean of "
            << sklearn_aucs.size() << " seeds each); score_samples correlation " << correlation << "\n";
  EXPECT_GT(ours, 0.9) << "a forest that matched a broken reference would still fail here";
  EXPECT_GT(theirs, 0.9);
  EXPECT_NEAR(ours, theirs, 0.01);
  EXPECT_GT(correlation, 0.95);
}

INSTANTIATE_TEST_SUITE_P(AnomalyDataSets, SklearnParity,
                         ::testing::Values("latency_spikes", "dns_failures", "october_2025"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) { return param_info.param; });

}  // namespace
}  // namespace rg
