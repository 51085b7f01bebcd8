#include "analyze/error_rate_baseline.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace rg {

double binomial_upper_tail(std::size_t k, std::size_t n, double p) {
  if (k == 0) return 1.0;
  if (k > n || p <= 0.0) return 0.0;
  if (p >= 1.0) return 1.0;
  double sum = 0.0;
  for (std::size_t i = k; i <= n; ++i) {
    const double ni = static_cast<double>(n);
    const double ii = static_cast<double>(i);
    const double log_term = std::lgamma(ni + 1) - std::lgamma(ii + 1) - std::lgamma(ni - ii + 1) + ii * std::log(p) +
                            (ni - ii) * std::log1p(-p);
    sum += std::exp(log_term);
  }
  return std::min(sum, 1.0);
}

ErrorRateBaseline::ErrorRateBaseline(Options options) : options_(options) {
  if (options_.recent == 0 || options_.window == 0 || options_.min_samples > options_.window ||
      !(options_.alpha > 0.0 && options_.alpha < 1.0))
    throw std::invalid_argument(
        "error-rate baseline: need recent >= 1, window >= 1, min_samples <= window and 0 < alpha < 1");
}

void ErrorRateBaseline::add(bool failed) {
  recent_.push_back(failed);
  recent_failures_ += failed ? 1 : 0;
  if (recent_.size() <= options_.recent) return;
  const bool leaving = recent_.front();
  recent_.pop_front();
  recent_failures_ -= leaving ? 1 : 0;
  baseline_.push_back(leaving);
  baseline_failures_ += leaving ? 1 : 0;
  if (baseline_.size() > options_.window) {
    baseline_failures_ -= baseline_.front() ? 1 : 0;
    baseline_.pop_front();
  }
}

double ErrorRateBaseline::baseline_rate() const {
  return (static_cast<double>(baseline_failures_) + 1.0) / (static_cast<double>(baseline_.size()) + 2.0);
}

std::optional<double> ErrorRateBaseline::p_value() const {
  if (baseline_.size() < options_.min_samples || recent_.size() < options_.recent) return std::nullopt;
  return binomial_upper_tail(recent_failures_, recent_.size(), baseline_rate());
}

bool ErrorRateBaseline::shifted() const {
  const auto p = p_value();
  return p && *p < options_.alpha;
}

}  // namespace rg
