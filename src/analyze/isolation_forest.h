#pragma once
// Isolation Forest (Liu, Ting and Zhou, "Isolation Forest", ICDM 2008), as scikit-learn's
// sklearn.ensemble.IsolationForest computes it, so the seed's anomaly detection keeps its meaning:
//
//  * each of `trees` trees is grown on ψ = min(subsample, rows) rows drawn without replacement;
//  * a node picks a feature uniformly among those not constant on its rows (a feature whose
//    max − min ≤ 1e-7 over the node is constant, scikit-learn's FEATURE_THRESHOLD; a node where
//    every feature is constant is a leaf) and a threshold uniformly in [min, max); rows ≤ the
//    threshold go left. Growth stops at one row or at the height limit ⌈log₂ ψ⌉;
//  * the path length of x in a tree is the depth of its leaf plus c(n), n being the training rows
//    in that leaf, with c(n) = 2H(n−1) − 2(n−1)/n, H(i) = ln i + γ, c(2) = 1, c(n ≤ 1) = 0;
//  * s(x, ψ) = 2^(−E[h(x)] / c(ψ)) over the trees, and score_samples(x) = −s(x, ψ): lower is more
//    abnormal, in [−1, 0], as scikit-learn's score_samples.
//
// The random numbers are our own (SplitMix64 from the seed), so the trees are not scikit-learn's
// trees for the same seed; they are the same distribution of trees, and a fit is deterministic for
// a seed on every platform. Parity with scikit-learn is checked on labelled data sets by ROC AUC
// (tests/unit/analyze/isolation_forest_test.cpp, scripts/sklearn_parity.py).
//
// Single-threaded; pure: values in, values out. Features must be finite (no NaN, no infinity).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "analyze/feature_matrix.h"

namespace rg {

struct IsolationForestOptions {
  int trees = 100;
  int subsample = 256;  // ψ; a smaller training set is used whole (scikit-learn's max_samples="auto")
  std::uint64_t seed = 0;
  // Share of the training rows predict() calls anomalous: the threshold (offset) is this quantile
  // of the training rows' score_samples, interpolated linearly as numpy.percentile. In (0, 0.5].
  // nullopt is scikit-learn's contamination="auto": a fixed offset of −0.5, i.e. s(x) > 0.5.
  std::optional<double> contamination = 0.1;
};

class IsolationForest {
 public:
  using Options = IsolationForestOptions;

  // Throws std::invalid_argument on trees < 1, subsample < 1 or contamination outside (0, 0.5].
  explicit IsolationForest(Options options = {});

  // Grows the trees on x and, with a contamination, sets the offset from x's scores. Refitting
  // replaces the previous model. Throws std::invalid_argument on an empty matrix or a non-finite
  // value.
  void fit(const FeatureMatrix& x);

  // −s(x, ψ) per row, in [−1, 0]; lower is more abnormal. Throws std::logic_error before fit(),
  // std::invalid_argument when the column count differs from fit's or on a non-finite value.
  std::vector<double> score_samples(const FeatureMatrix& x) const;
  // score_samples − offset(): negative for anomalies.
  std::vector<double> decision_function(const FeatureMatrix& x) const;
  // −1 for an anomaly (decision_function < 0), +1 for a normal row, as scikit-learn.
  std::vector<int> predict(const FeatureMatrix& x) const;

  bool fitted() const { return trees_ > 0; }
  const Options& options() const { return options_; }
  double offset() const { return offset_; }
  int subsample_size() const { return subsample_size_; }  // ψ actually used (max_samples_)
  int height_limit() const { return height_limit_; }      // ⌈log₂ ψ⌉
  std::size_t node_count() const { return node_count_; }  // splits and leaves of all trees

 private:
  struct Builder;

  void score_into(const FeatureMatrix& x, std::span<double> scores) const;

  Options options_;
  std::size_t cols_ = 0;
  int subsample_size_ = 0;
  int height_limit_ = 0;
  double offset_ = -0.5;
  std::size_t trees_ = 0;
  std::size_t node_count_ = 0;
  // Each tree is laid out as the complete binary tree of height h = height_limit_, in heap order
  // (position p has children 2p + 1 and 2p + 2): 2^h − 1 split positions, then 2^h leaf positions.
  // A row at split position p moves to 2p + 2 when x[feature] > threshold, to 2p + 1 otherwise. A
  // leaf of the grown tree above depth h becomes splits with threshold +∞ (always left) down to
  // the leaf position under it, which holds its path length. So every row takes exactly h steps,
  // with no branch and no child pointer to load; the layout holds at most twice the grown tree's
  // nodes (2^h < 2ψ). Arrays are per tree, tree after tree.
  std::vector<std::uint32_t> split_feature_;
  std::vector<double> split_threshold_;
  std::vector<double> leaf_path_;  // depth + c(training rows in the leaf) of the leaf owning the position
};

// c(n) of Liu et al.: the average path length of an unsuccessful search in a binary search tree of
// n keys, scikit-learn's _average_path_length. c(0) = c(1) = 0, c(2) = 1.
double average_path_length(double n);

// Area under the ROC curve of `scores` (higher = more likely positive) against labels (nonzero =
// positive), with tied scores counted half, as sklearn.metrics.roc_auc_score. nullopt when the
// labels hold only one class. Throws std::invalid_argument when the sizes differ.
std::optional<double> roc_auc(std::span<const double> scores, std::span<const int> labels);

}  // namespace rg
