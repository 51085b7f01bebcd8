#include "analyze/classifier.h"

namespace rg {

HealthStatus classify(const ProbeResult& result, const Thresholds& thresholds) {
  if (!result.success) return HealthStatus::critical;
  // Compared as durations, so microsecond latencies and millisecond thresholds meet exactly:
  // 100'000 us is healthy under a 100 ms bound, 100'001 us is not.
  if (result.latency <= thresholds.healthy_max) return HealthStatus::healthy;
  if (result.latency <= thresholds.warning_max) return HealthStatus::warning;
  return HealthStatus::critical;
}

}  // namespace rg
