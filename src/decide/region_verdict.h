#pragma once
// One vantage point's verdict on one region of an application: the policy judges each view with
// it, and the cluster's "who sees what" matrix shows the same verdict per agent (issue 17).
#include <chrono>
#include <vector>

#include "analyze/health_summary.h"
#include "config/config.h"

namespace rg {

struct RegionVerdict {
  double score = 0;  // analyze/region_score.h over these states
  std::chrono::microseconds latency{0};  // mean of the successful checks
  bool failing = false;  // below health_threshold, or latency above response_time_threshold
};

// `states`: the fresh states of the application's checks of one region, from one vantage point.
RegionVerdict region_verdict(const std::vector<EndpointState>& states, const FailoverPolicyConfig& policy,
                             const HealthScoreWeights& weights);

}  // namespace rg
