#include "analyze/classifier.h"

#include <algorithm>

namespace rg {

namespace {
HealthStatus latency_band(std::chrono::microseconds latency, const Thresholds& thresholds) {
  // Compared as durations, so microsecond latencies and millisecond thresholds meet exactly:
  // 100'000 us is healthy under a 100 ms bound, 100'001 us is not.
  if (latency <= thresholds.healthy_max) return HealthStatus::healthy;
  if (latency <= thresholds.warning_max) return HealthStatus::warning;
  return HealthStatus::critical;
}
}  // namespace

HealthStatus classify(const ProbeResult& result, const Thresholds& thresholds) {
  if (!result.success) return HealthStatus::critical;
  const auto band = latency_band(result.latency, thresholds);
  // A warning the probe raised (a certificate about to expire) is never hidden by a fast answer.
  return result.warnings.empty() ? band : std::max(band, HealthStatus::warning);
}

HealthStatus classify_resource(const ProbeResult& result) {
  if (!result.success) return HealthStatus::critical;
  return result.warnings.empty() ? HealthStatus::healthy : HealthStatus::warning;
}

}  // namespace rg
