#include "analyze/isolation_forest.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

namespace rg {
namespace {

// scikit-learn's FEATURE_THRESHOLD (sklearn/tree/_splitter.pyx): a feature whose values on a node
// span no more than this is constant there and is never split on.
constexpr double kConstantSpan = 1e-7;

// SplitMix64 (Steele, Lea and Flood 2014; Vigna's reference code): tiny, fast, passes BigCrush, and
// gives the same stream everywhere, unlike std:: distributions whose algorithms are unspecified.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, bound), bound > 0, without modulo bias.
  std::uint64_t below(std::uint64_t bound) {
    const std::uint64_t reject_under = (0 - bound) % bound;  // 2^64 mod bound
    for (;;) {
      const std::uint64_t r = next();
      if (r >= reject_under) return r % bound;
    }
  }
  // Uniform in [0, 1), 53 random bits.
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  std::uint64_t state_;
};

int ceil_log2(std::uint64_t n) {
  int h = 0;
  while ((std::uint64_t{1} << h) < n) ++h;
  return h;
}

void require_finite(const FeatureMatrix& x, const char* where) {
  const auto values = x.values();
  const auto bad = std::ranges::find_if(values, [](double v) { return !std::isfinite(v); });
  if (bad != values.end()) {
    const auto at = static_cast<std::size_t>(bad - values.begin());
    throw std::invalid_argument(fmt::format("IsolationForest::{}: row {} column {} is {}", where, at / x.cols(),
                                            at % x.cols(), *bad));
  }
}

}  // namespace

double average_path_length(double n) {
  if (n <= 1.0) return 0.0;
  if (n == 2.0) return 1.0;
  return 2.0 * (std::log(n - 1.0) + std::numbers::egamma) - 2.0 * (n - 1.0) / n;
}

// Scratch space for growing trees, reused from one tree to the next.
struct IsolationForest::Builder {
  std::size_t cols;
  std::size_t psi;
  int height;
  std::vector<std::uint64_t> seen;       // open-addressing set of drawn rows (row + 1; 0 = empty)
  int seen_shift = 0;
  std::vector<std::size_t> rows;         // the ψ rows of this tree
  std::vector<double> sample;            // those rows, column-major: sample[f * psi + i]
  std::vector<std::int32_t> order;       // sample positions, partitioned node by node
  std::vector<std::uint8_t> constant;    // (height + 1) × cols: features known constant per depth
  struct Frame {
    std::uint32_t position;  // in the tree's heap layout
    std::int32_t begin, end, depth;
  };
  std::vector<Frame> stack;

  Builder(std::size_t columns, std::size_t subsample, int levels)
      : cols(columns), psi(subsample), height(levels), sample(columns * subsample), order(subsample),
        constant(static_cast<std::size_t>(levels + 1) * columns) {
    const int bits = ceil_log2(4 * psi) + 1;
    seen.resize(std::size_t{1} << bits);
    seen_shift = 64 - bits;
    rows.reserve(psi);
  }

  // Inserts row into `seen`; false when it was already there.
  bool insert(std::uint64_t row) {
    const std::uint64_t key = row + 1;
    std::size_t slot = static_cast<std::size_t>((key * 0x9e3779b97f4a7c15ULL) >> seen_shift);
    const std::size_t mask = seen.size() - 1;
    while (seen[slot] != 0) {
      if (seen[slot] == key) return false;
      slot = (slot + 1) & mask;
    }
    seen[slot] = key;
    return true;
  }

  // ψ distinct rows of n, uniformly (Floyd's algorithm: ψ draws whatever n is).
  void draw_rows(std::size_t n, SplitMix64& rng) {
    rows.clear();
    if (psi == n) {
      for (std::size_t r = 0; r < n; ++r) rows.push_back(r);
      return;
    }
    std::ranges::fill(seen, 0);
    for (std::size_t j = n - psi; j < n; ++j) {
      const auto t = static_cast<std::size_t>(rng.below(j + 1));
      if (insert(t)) {
        rows.push_back(t);
      } else {
        insert(j);
        rows.push_back(j);
      }
    }
  }

  void gather(const FeatureMatrix& x) {
    for (std::size_t i = 0; i < psi; ++i) {
      const auto row = x.row(rows[i]);
      for (std::size_t f = 0; f < cols; ++f) sample[f * psi + i] = row[f];
    }
  }
};

IsolationForest::IsolationForest(Options options) : options_(options) {
  if (options_.trees < 1) throw std::invalid_argument(fmt::format("IsolationForest: trees = {}", options_.trees));
  if (options_.subsample < 1) {
    throw std::invalid_argument(fmt::format("IsolationForest: subsample = {}", options_.subsample));
  }
  if (options_.contamination && !(*options_.contamination > 0.0 && *options_.contamination <= 0.5)) {
    throw std::invalid_argument(
        fmt::format("IsolationForest: contamination = {} is not in (0, 0.5]", *options_.contamination));
  }
}

void IsolationForest::fit(const FeatureMatrix& x) {
  if (x.empty() || x.cols() == 0) throw std::invalid_argument("IsolationForest::fit: no rows");
  require_finite(x, "fit");
  const std::size_t n = x.rows();
  const std::size_t cols = x.cols();
  const std::size_t psi = std::min(static_cast<std::size_t>(options_.subsample), n);
  const int height = ceil_log2(std::max<std::size_t>(psi, 2));
  // ψ ≤ INT_MAX, so h ≤ 31 and every heap position (< 2^(h+1) − 1) fits the builder's uint32.
  if (cols > std::numeric_limits<std::uint32_t>::max()) {
    throw std::invalid_argument(fmt::format("IsolationForest::fit: {} columns", cols));
  }
  const std::size_t splits = (std::size_t{1} << height) - 1;
  const std::size_t leaves = std::size_t{1} << height;

  cols_ = cols;
  subsample_size_ = static_cast<int>(psi);
  height_limit_ = height;
  trees_ = static_cast<std::size_t>(options_.trees);
  node_count_ = 0;
  split_feature_.assign(trees_ * splits, 0);
  split_threshold_.assign(trees_ * splits, std::numeric_limits<double>::infinity());
  leaf_path_.assign(trees_ * leaves, 0.0);

  Builder b(cols, psi, height);
  SplitMix64 seeds(options_.seed);
  for (std::size_t t = 0; t < trees_; ++t) {
    SplitMix64 rng(seeds.next());
    b.draw_rows(n, rng);
    b.gather(x);
    std::iota(b.order.begin(), b.order.end(), 0);
    std::uint32_t* tree_feature = split_feature_.data() + t * splits;
    double* tree_threshold = split_threshold_.data() + t * splits;
    double* tree_leaf = leaf_path_.data() + t * leaves;

    b.stack.push_back({0, 0, static_cast<std::int32_t>(psi), 0});
    while (!b.stack.empty()) {
      const auto [position, begin, end, depth] = b.stack.back();
      b.stack.pop_back();
      const auto count = end - begin;
      ++node_count_;

      // Features found constant above this node are constant here too. Depth-first order keeps
      // the parent's row of `constant` intact until both its children have copied it.
      std::uint8_t* known = b.constant.data() + static_cast<std::size_t>(depth) * cols;
      if (depth == 0) {
        std::fill_n(known, cols, std::uint8_t{0});
      } else {
        std::copy_n(known - cols, cols, known);
      }

      std::int32_t feature = -1;
      double lo = 0.0;
      double hi = 0.0;
      if (depth < height && count > 1) {
        auto unknown = static_cast<std::uint64_t>(cols - static_cast<std::size_t>(std::count(known, known + cols, 1)));
        while (unknown > 0) {
          // The k-th feature not known constant, k uniform: every non-constant feature is equally
          // likely to be the one split on (scikit-learn's draw, without its bookkeeping).
          auto k = rng.below(unknown);
          std::size_t f = 0;
          for (;; ++f) {
            if (known[f]) continue;
            if (k == 0) break;
            --k;
          }
          const double* column = b.sample.data() + f * psi;
          lo = hi = column[b.order[static_cast<std::size_t>(begin)]];
          for (auto i = static_cast<std::size_t>(begin) + 1; i < static_cast<std::size_t>(end); ++i) {
            const double v = column[b.order[i]];
            lo = std::min(lo, v);
            hi = std::max(hi, v);
          }
          if (hi <= lo + kConstantSpan) {
            known[f] = 1;
            --unknown;
            continue;
          }
          feature = static_cast<std::int32_t>(f);
          break;
        }
      }

      if (feature < 0) {  // a leaf: one row, the height limit, or nothing left to split on
        // Its split positions are already +∞ (always left): the value goes to the leftmost leaf
        // position below it.
        std::size_t leftmost = position;
        for (int d = depth; d < height; ++d) leftmost = 2 * leftmost + 1;
        tree_leaf[leftmost - splits] = depth + average_path_length(count);
        continue;
      }

      double threshold = lo + rng.unit() * (hi - lo);
      if (threshold >= hi) threshold = lo;  // rounding reached max: scikit-learn falls back to min
      const double* column = b.sample.data() + static_cast<std::size_t>(feature) * psi;
      auto i = static_cast<std::size_t>(begin);
      auto j = static_cast<std::size_t>(end);
      while (i < j) {
        if (column[b.order[i]] <= threshold) {
          ++i;
        } else {
          std::swap(b.order[i], b.order[--j]);
        }
      }
      const auto mid = static_cast<std::int32_t>(i);

      tree_feature[position] = static_cast<std::uint32_t>(feature);
      tree_threshold[position] = threshold;
      b.stack.push_back({2 * position + 2, mid, end, depth + 1});
      b.stack.push_back({2 * position + 1, begin, mid, depth + 1});
    }
  }

  offset_ = -0.5;
  if (options_.contamination) {
    std::vector<double> scores(n);
    score_into(x, scores);
    // numpy.percentile(scores, 100 * contamination), linear interpolation.
    const double position = *options_.contamination * static_cast<double>(n - 1);
    const auto below = static_cast<std::size_t>(position);
    const auto at_below = scores.begin() + static_cast<std::ptrdiff_t>(below);
    std::ranges::nth_element(scores, at_below);
    const double low = *at_below;
    const double high = below + 1 < n ? *std::ranges::min_element(at_below + 1, scores.end()) : low;
    offset_ = low + (high - low) * (position - static_cast<double>(below));
  }
}

void IsolationForest::score_into(const FeatureMatrix& x, std::span<double> scores) const {
  // Rows go through the forest in blocks: a block's features and path sums stay in L1 while every
  // tree walks them. Within a block, kLanes rows walk a tree in lockstep, so their independent
  // loads overlap instead of waiting on each other.
  constexpr std::size_t kBlock = 128;
  constexpr std::size_t kLanes = 16;
  const std::size_t rows = x.rows();
  const std::size_t cols = cols_;
  const int height = height_limit_;
  const std::size_t splits = (std::size_t{1} << height) - 1;
  const std::size_t leaves = std::size_t{1} << height;
  const double denominator = static_cast<double>(trees_) * average_path_length(subsample_size_);

  double sums[kBlock];
  for (std::size_t start = 0; start < rows; start += kBlock) {
    const std::size_t block = std::min(kBlock, rows - start);
    const double* xb = x.values().data() + start * cols;
    std::fill_n(sums, block, 0.0);
    for (std::size_t t = 0; t < trees_; ++t) {
      const std::uint32_t* feature = split_feature_.data() + t * splits;
      const double* threshold = split_threshold_.data() + t * splits;
      const double* leaf = leaf_path_.data() + t * leaves;
      std::size_t r = 0;
      for (; r + kLanes <= block; r += kLanes) {
        std::size_t at[kLanes] = {};
        const double* row = xb + r * cols;
        for (int d = 0; d < height; ++d) {
          // Unrolled at -O2 too (the release preset), where GCC 12 otherwise keeps the loop and
          // scoring is 1.5× slower.
#pragma GCC unroll 16
          for (std::size_t l = 0; l < kLanes; ++l) {
            at[l] = 2 * at[l] + 1 + (row[l * cols + feature[at[l]]] > threshold[at[l]]);
          }
        }
        for (std::size_t l = 0; l < kLanes; ++l) sums[r + l] += leaf[at[l] - splits];
      }
      for (; r < block; ++r) {
        std::size_t at = 0;
        const double* row = xb + r * cols;
        for (int d = 0; d < height; ++d) at = 2 * at + 1 + (row[feature[at]] > threshold[at]);
        sums[r] += leaf[at - splits];
      }
    }
    for (std::size_t r = 0; r < block; ++r) {
      // scikit-learn: with ψ = 1, c(ψ) = 0 and every score is 2^-1.
      scores[start + r] = denominator > 0.0 ? -std::exp2(-sums[r] / denominator) : -0.5;
    }
  }
}

std::vector<double> IsolationForest::score_samples(const FeatureMatrix& x) const {
  if (!fitted()) throw std::logic_error("IsolationForest::score_samples before fit");
  if (x.cols() != cols_) {
    throw std::invalid_argument(
        fmt::format("IsolationForest::score_samples: {} columns, fitted on {}", x.cols(), cols_));
  }
  require_finite(x, "score_samples");
  std::vector<double> scores(x.rows());
  score_into(x, scores);
  return scores;
}

std::vector<double> IsolationForest::decision_function(const FeatureMatrix& x) const {
  auto scores = score_samples(x);
  for (double& s : scores) s -= offset_;
  return scores;
}

std::vector<int> IsolationForest::predict(const FeatureMatrix& x) const {
  const auto decisions = decision_function(x);
  std::vector<int> labels(decisions.size());
  std::ranges::transform(decisions, labels.begin(), [](double d) { return d < 0.0 ? -1 : 1; });
  return labels;
}

std::optional<double> roc_auc(std::span<const double> scores, std::span<const int> labels) {
  if (scores.size() != labels.size()) {
    throw std::invalid_argument(fmt::format("roc_auc: {} scores, {} labels", scores.size(), labels.size()));
  }
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::ranges::sort(order, [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  // Mann–Whitney U: each positive counts the negatives scored below it, plus half of those tied
  // with it — the area under scikit-learn's ROC curve, whose ties make diagonal segments.
  double pairs = 0.0;
  double negatives_below = 0.0;
  double positives = 0.0;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    double pos = 0.0;
    double neg = 0.0;
    for (; j < order.size() && scores[order[j]] == scores[order[i]]; ++j) (labels[order[j]] != 0 ? pos : neg) += 1.0;
    pairs += pos * (negatives_below + 0.5 * neg);
    negatives_below += neg;
    positives += pos;
    i = j;
  }
  if (positives == 0.0 || negatives_below == 0.0) return std::nullopt;
  return pairs / (positives * negatives_below);
}

}  // namespace rg
