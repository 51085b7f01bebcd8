#include "analyze/latency_baseline.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace rg {
namespace {

// 0.6745 is the 0.75 quantile of the standard normal: MAD / 0.6745 estimates σ under normal noise.
constexpr double kMadToSigma = 0.6745;

std::optional<double> median_in_place(std::vector<double>& values) {  // reorders values
  if (values.empty()) return std::nullopt;
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  if (values.size() % 2 == 1) return *middle;
  const double upper = *middle;
  const double lower = *std::max_element(values.begin(), middle);
  return (lower + upper) / 2.0;
}

}  // namespace

std::optional<double> median_of(std::vector<double> values) { return median_in_place(values); }

LatencyBaseline::LatencyBaseline(Options options) : options_(options) {
  if (options_.recent == 0 || options_.window == 0 || options_.min_samples > options_.window)
    throw std::invalid_argument("latency baseline: need recent >= 1, window >= 1 and min_samples <= window");
}

void LatencyBaseline::add(double latency_ms) {
  recent_.push_back(latency_ms);
  if (recent_.size() <= options_.recent) return;
  baseline_.push_back(recent_.front());
  recent_.pop_front();
  if (baseline_.size() > options_.window) baseline_.pop_front();
}

std::optional<double> LatencyBaseline::baseline_median() const { return median_of({baseline_.begin(), baseline_.end()}); }

std::optional<double> LatencyBaseline::recent_median() const {
  if (recent_.size() < options_.recent) return std::nullopt;
  return median_of({recent_.begin(), recent_.end()});
}

double LatencyBaseline::mad_used() const {
  const auto median = baseline_median();
  if (!median) return 0.0;
  std::vector<double> deviations;
  deviations.reserve(baseline_.size());
  for (const double value : baseline_) deviations.push_back(std::abs(value - *median));
  const double mad = median_in_place(deviations).value_or(0.0);
  return std::max({mad, options_.mad_floor_ms, options_.mad_floor_ratio * std::abs(*median)});
}

std::optional<double> LatencyBaseline::z() const {
  if (baseline_.size() < options_.min_samples) return std::nullopt;
  const auto recent = recent_median();
  const auto median = baseline_median();
  if (!recent || !median) return std::nullopt;
  const double mad = mad_used();
  if (mad <= 0.0) return std::nullopt;  // only with both floors at 0 and a constant baseline
  return kMadToSigma * (*recent - *median) / mad;
}

}  // namespace rg
