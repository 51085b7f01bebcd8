#include "analyze/feature_scaler.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace rg {

void StandardScaler::fit(const FeatureMatrix& x) {
  if (x.empty()) throw std::invalid_argument("StandardScaler::fit: no rows");
  const std::size_t rows = x.rows();
  const std::size_t cols = x.cols();
  const auto n = static_cast<double>(rows);

  std::vector<double> sum(cols, 0.0);
  for (std::size_t r = 0; r < rows; ++r) {
    const auto row = x.row(r);
    for (std::size_t c = 0; c < cols; ++c) sum[c] += row[c];
  }
  std::vector<double> mean(cols);
  for (std::size_t c = 0; c < cols; ++c) mean[c] = sum[c] / n;

  // Two passes with the correction term of Chan, Golub and LeVeque, as scikit-learn's
  // _incremental_mean_and_var: sum((x - mean)^2) - (sum(x - mean))^2 / n.
  std::vector<double> squares(cols, 0.0);
  std::vector<double> correction(cols, 0.0);
  for (std::size_t r = 0; r < rows; ++r) {
    const auto row = x.row(r);
    for (std::size_t c = 0; c < cols; ++c) {
      const double d = row[c] - mean[c];
      correction[c] += d;
      squares[c] += d * d;
    }
  }
  constexpr double eps = std::numeric_limits<double>::epsilon();
  std::vector<double> variance(cols);
  std::vector<double> scale(cols);
  for (std::size_t c = 0; c < cols; ++c) {
    variance[c] = (squares[c] - correction[c] * correction[c] / n) / n;
    // scikit-learn's _is_constant_feature: the variance is below the error bound of the two-pass
    // algorithm, so the column is indistinguishable from a constant.
    const double bound = n * eps * variance[c] + (n * mean[c] * eps) * (n * mean[c] * eps);
    scale[c] = variance[c] <= bound ? 1.0 : std::sqrt(variance[c]);
  }
  mean_ = std::move(mean);
  variance_ = std::move(variance);
  scale_ = std::move(scale);
}

void StandardScaler::transform_in_place(FeatureMatrix& x) const {
  if (!fitted()) throw std::logic_error("StandardScaler::transform before fit");
  if (x.cols() != mean_.size()) {
    throw std::invalid_argument(
        fmt::format("StandardScaler::transform: {} columns, fitted on {}", x.cols(), mean_.size()));
  }
  const std::size_t cols = x.cols();
  for (std::size_t r = 0; r < x.rows(); ++r) {
    const auto row = x.row(r);
    for (std::size_t c = 0; c < cols; ++c) row[c] = (row[c] - mean_[c]) / scale_[c];
  }
}

}  // namespace rg
