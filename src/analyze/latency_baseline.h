#pragma once
// One endpoint's latency baseline: a robust z-score of its recent latency against a rolling window
// of its own past (median and MAD), so a drift on one endpoint shows even while others are fine.
//
//   z = 0.6745 · (median of the newest `recent` samples − median of the baseline) / MAD'
//
// (Iglewicz and Hoaglin's modified z-score; 0.6745 makes it comparable to a standard z under normal
// noise, where 3.5 is the usual threshold). Why these choices:
//  * the median of a few recent samples, not the newest one, is judged: one slow answer is noise,
//    several in a row are a level;
//  * median and MAD, not mean and standard deviation: a timeout-length spike in the baseline moves
//    the mean and inflates the deviation for the whole window, and hides the next drift;
//  * MAD' = max(MAD, mad_floor_ms, mad_floor_ratio · median): a LAN resolver answering in 0.4 ms ±
//    0.01 ms would otherwise call a 0.1 ms wobble z = 7;
//  * every sample enters the baseline once it leaves the recent window, so a lasting change becomes
//    the new normal after about half a window (the median's lag) and stops being reported; a drift
//    slower than that is, by this definition, not a drift;
//  * only slower is abnormal: a negative z is returned but never reported by the callers;
//  * failed probes are not latency samples (a timeout's latency is its timeout); the error-rate
//    baseline judges them.
// Pure: samples in, numbers out.
#include <cstddef>
#include <deque>
#include <optional>
#include <vector>

namespace rg {

struct LatencyBaselineOptions {
  std::size_t window = 120;      // baseline samples kept (rolling)
  std::size_t recent = 5;        // newest samples whose median is judged
  std::size_t min_samples = 30;  // baseline samples needed before a z-score (warm-up)
  double mad_floor_ms = 1.0;
  double mad_floor_ratio = 0.05;
};

class LatencyBaseline {
 public:
  using Options = LatencyBaselineOptions;
  // Throws std::invalid_argument when recent or window is 0 or min_samples > window.
  explicit LatencyBaseline(Options options = {});

  void add(double latency_ms);

  // nullopt during the warm-up: fewer than `recent` new samples or `min_samples` baseline samples.
  std::optional<double> z() const;
  std::optional<double> baseline_median() const;  // nullopt when the baseline is empty
  std::optional<double> recent_median() const;    // nullopt until `recent` samples arrived
  double mad_used() const;  // MAD' of the baseline (0 when empty)
  std::size_t baseline_size() const { return baseline_.size(); }

 private:
  Options options_;
  std::deque<double> recent_;
  std::deque<double> baseline_;
};

// The median of `values` (the mean of the middle two for an even count); nullopt when empty.
std::optional<double> median_of(std::vector<double> values);

}  // namespace rg
