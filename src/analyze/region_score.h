#pragma once
// The region health score: one number, 0-100, per region, from the latest state of its DNS
// probes, endpoint checks (HTTP, TCP, calculated) and AWS resource checks. Pure.
//
// Each check scores points: healthy 100, warning 70, critical 0; an AWS resource that counts
// units (targets, tasks, instances) scores at most its share of healthy units (2 of 3 targets:
// at most 67). A kind's score is the mean of its checks' points, each check weighed by its
// service's priority (HealthScoreWeights::priorities); the region's is the weighted mean
// of its kinds' scores (HealthScoreWeights), over the kinds it has checks of, so a region without
// resource checks is judged by DNS and endpoints alone.
#include <optional>
#include <string>
#include <vector>

#include "analyze/health_summary.h"
#include "config/config.h"

namespace rg {

struct RegionHealthScore {
  std::string region;
  double score = 0;                    // 0-100
  std::optional<double> dns;           // each kind's own score, when the region has such checks
  std::optional<double> endpoints;
  std::optional<double> resources;
  friend bool operator==(const RegionHealthScore&, const RegionHealthScore&) = default;
};

// The points one check scores (0-100), as described above.
double check_points(const EndpointState& state);

// One score per region that has states, in `region_order` then first-seen order (as summarize).
std::vector<RegionHealthScore> region_health_scores(const std::vector<EndpointState>& states,
                                                    const std::vector<std::string>& region_order,
                                                    const HealthScoreWeights& weights);

}  // namespace rg
