#include "analyze/feature_matrix.h"

#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace rg {

FeatureMatrix::FeatureMatrix(std::size_t rows, std::size_t cols, std::vector<double> values)
    : cols_(cols), values_(std::move(values)) {
  if (values_.size() != rows * cols) {
    throw std::invalid_argument(
        fmt::format("FeatureMatrix: {} values for {} rows × {} cols", values_.size(), rows, cols));
  }
}

void FeatureMatrix::append_row(std::span<const double> values) {
  if (values.size() != cols_) {
    throw std::invalid_argument(
        fmt::format("FeatureMatrix::append_row: {} values for {} columns", values.size(), cols_));
  }
  values_.insert(values_.end(), values.begin(), values.end());
}

}  // namespace rg
