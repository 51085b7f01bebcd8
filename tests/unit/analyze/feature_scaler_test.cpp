// StandardScaler as scikit-learn's: population std, constant columns left unscaled.
#include "analyze/feature_scaler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace rg {
namespace {

TEST(StandardScaler, CentresAndScalesByThePopulationStd) {
  // sklearn.preprocessing.StandardScaler on the same rows: mean_ [3, 5, 5],
  // scale_ [1.63299316, 1, 2.94392029] (the middle column is constant).
  StandardScaler scaler;
  const auto x = scaler.fit_transform(FeatureMatrix(3, 3, {1, 5, 2, 3, 5, 4, 5, 5, 9}));
  EXPECT_THAT(std::vector<double>(scaler.mean().begin(), scaler.mean().end()), ::testing::ElementsAre(3, 5, 5));
  EXPECT_NEAR(scaler.scale()[0], std::sqrt(8.0 / 3.0), 1e-15);
  EXPECT_EQ(scaler.scale()[1], 1.0);
  EXPECT_NEAR(scaler.scale()[2], std::sqrt(26.0 / 3.0), 1e-15);
  EXPECT_NEAR(x(0, 0), -2.0 / std::sqrt(8.0 / 3.0), 1e-15);
  EXPECT_EQ(x(1, 0), 0.0);
  EXPECT_EQ(x(0, 1), 0.0);
  EXPECT_EQ(x(2, 1), 0.0);
}

TEST(StandardScaler, TransformsNewRowsWithWhatFitLearned) {
  StandardScaler scaler;
  scaler.fit(FeatureMatrix(2, 1, {10, 20}));  // mean 15, std 5
  EXPECT_EQ(scaler.variance()[0], 25.0);
  const auto x = scaler.transform(FeatureMatrix(3, 1, {15, 25, 0}));
  EXPECT_EQ(x(0, 0), 0.0);
  EXPECT_EQ(x(1, 0), 2.0);
  EXPECT_EQ(x(2, 0), -3.0);
}

TEST(StandardScaler, TreatsRoundingNoiseAsConstant) {
  // 0.1 + 0.2 and 0.3 differ in the last bit only: scikit-learn's bound calls that constant.
  StandardScaler scaler;
  scaler.fit(FeatureMatrix(2, 1, {0.1 + 0.2, 0.3}));
  EXPECT_EQ(scaler.scale()[0], 1.0);
}

TEST(StandardScaler, RejectsMisuse) {
  StandardScaler scaler;
  EXPECT_THROW(scaler.transform(FeatureMatrix(1, 1)), std::logic_error);
  EXPECT_THROW(scaler.fit(FeatureMatrix(0, 1)), std::invalid_argument);
  scaler.fit(FeatureMatrix(2, 2));
  EXPECT_THROW(scaler.transform(FeatureMatrix(1, 3)), std::invalid_argument);
}

}  // namespace
}  // namespace rg
