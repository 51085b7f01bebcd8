#pragma once
// Standardisation of features before the Isolation Forest, as the seed does with scikit-learn's
// StandardScaler: each column becomes (x − mean) / std, with the population std (ddof = 0). A column
// that is constant (its variance is within the rounding error of the two-pass computation, the
// test scikit-learn uses) keeps scale 1, so it becomes all zeros instead of a division by zero.
#include <span>
#include <vector>

#include "analyze/feature_matrix.h"

namespace rg {

class StandardScaler {
 public:
  // Learns each column's mean and scale. Throws std::invalid_argument on an empty matrix.
  void fit(const FeatureMatrix& x);
  // Throws std::logic_error before fit(), std::invalid_argument when the column count differs.
  void transform_in_place(FeatureMatrix& x) const;
  FeatureMatrix transform(FeatureMatrix x) const {
    transform_in_place(x);
    return x;
  }
  FeatureMatrix fit_transform(FeatureMatrix x) {
    fit(x);
    transform_in_place(x);
    return x;
  }

  bool fitted() const { return !mean_.empty(); }
  std::span<const double> mean() const { return mean_; }
  std::span<const double> variance() const { return variance_; }  // population variance
  std::span<const double> scale() const { return scale_; }        // sqrt(variance), 1 when constant

 private:
  std::vector<double> mean_;
  std::vector<double> variance_;
  std::vector<double> scale_;
};

}  // namespace rg
