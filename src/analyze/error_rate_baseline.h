#pragma once
// One endpoint's error-rate change detector: a two-window binomial test. The newest `recent`
// probes are compared with the `window` probes before them: if the baseline failure rate were
// still true, how likely would at least this many failures among the recent probes be?
//
//   p0      = (baseline failures + 1) / (baseline probes + 2)      (Laplace: a clean baseline is
//             not "never fails", or a single failure would be impossible and always reported)
//   p-value = P(X >= recent failures), X ~ Binomial(recent probes, p0)
//
// A shift is a p-value below `alpha`. With the defaults (120 baseline, 10 recent, alpha 0.001) a
// clean endpoint needs 3 failures in its last 10 probes — not necessarily in a row, which is what
// the consecutive-failure hysteresis misses — and one that failed 10% of the time all along needs
// 6. Like the latency baseline, probes enter the baseline as they leave the recent window, so a
// lasting change is accepted after a window. Pure.
#include <cstddef>
#include <deque>
#include <optional>

namespace rg {

struct ErrorRateBaselineOptions {
  std::size_t window = 120;      // baseline probes kept (rolling)
  std::size_t recent = 10;       // newest probes judged
  std::size_t min_samples = 30;  // baseline probes needed before a test (warm-up)
  double alpha = 0.001;
};

class ErrorRateBaseline {
 public:
  using Options = ErrorRateBaselineOptions;
  // Throws std::invalid_argument when recent or window is 0, min_samples > window, or alpha is
  // outside (0, 1).
  explicit ErrorRateBaseline(Options options = {});

  void add(bool failed);

  // nullopt during the warm-up.
  std::optional<double> p_value() const;
  bool shifted() const;  // p_value() < alpha
  std::size_t recent_failures() const { return recent_failures_; }
  std::size_t recent_size() const { return recent_.size(); }
  double baseline_rate() const;  // p0 above

 private:
  Options options_;
  std::deque<bool> recent_;
  std::deque<bool> baseline_;
  std::size_t recent_failures_ = 0;
  std::size_t baseline_failures_ = 0;
};

// P(X >= k) for X ~ Binomial(n, p), summed exactly in log space (n is small here).
double binomial_upper_tail(std::size_t k, std::size_t n, double p);

}  // namespace rg
