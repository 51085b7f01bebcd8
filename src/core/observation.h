#pragma once
// One probe outcome as analyze/ judges it and store/ keeps it: the probe result plus the status
// the analysis gave it. Plain values, so that analyze/ needs nothing from store/.
#include <cstdint>
#include <optional>

#include "core/health_status.h"
#include "core/probe_result.h"

namespace rg {

struct Observation {
  ProbeResult result;
  HealthStatus status = HealthStatus::critical;
};

// Counts over a time window, from raw rows and per-minute rollups together.
struct UptimeStats {
  std::int64_t total = 0;
  std::int64_t successes = 0;
  std::int64_t healthy = 0;
  std::int64_t warning = 0;
  std::int64_t critical = 0;
  // successes / total in percent; nullopt when there is no data in the window.
  std::optional<double> uptime_percent() const {
    if (total == 0) return std::nullopt;
    return 100.0 * static_cast<double>(successes) / static_cast<double>(total);
  }
};

}  // namespace rg
