#pragma once
// A dense table of features: rows × cols doubles, row-major and contiguous, so one row's values sit
// together in memory (what the Isolation Forest reads per tree) and the whole table can be handed
// to a scaler or written out in one piece. Values only: no names, no labels.
#include <cstddef>
#include <span>
#include <vector>

namespace rg {

class FeatureMatrix {
 public:
  FeatureMatrix() = default;
  // An empty matrix of `cols` columns, to be filled with append_row().
  explicit FeatureMatrix(std::size_t cols) : cols_(cols) {}
  // rows × cols zeros.
  FeatureMatrix(std::size_t rows, std::size_t cols) : cols_(cols), values_(rows * cols, 0.0) {}
  // Takes row-major values; throws std::invalid_argument unless values.size() == rows * cols.
  FeatureMatrix(std::size_t rows, std::size_t cols, std::vector<double> values);

  std::size_t rows() const { return cols_ == 0 ? 0 : values_.size() / cols_; }
  std::size_t cols() const { return cols_; }
  bool empty() const { return values_.empty(); }

  double operator()(std::size_t row, std::size_t col) const { return values_[row * cols_ + col]; }
  double& operator()(std::size_t row, std::size_t col) { return values_[row * cols_ + col]; }
  std::span<const double> row(std::size_t row) const { return {values_.data() + row * cols_, cols_}; }
  std::span<double> row(std::size_t row) { return {values_.data() + row * cols_, cols_}; }

  // Throws std::invalid_argument unless values.size() == cols().
  void append_row(std::span<const double> values);
  void reserve_rows(std::size_t rows) { values_.reserve(rows * cols_); }

  // All values, row after row.
  std::span<const double> values() const { return values_; }
  std::span<double> values() { return values_; }

 private:
  std::size_t cols_ = 0;
  std::vector<double> values_;
};

}  // namespace rg
