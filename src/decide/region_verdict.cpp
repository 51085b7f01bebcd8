#include "decide/region_verdict.h"

#include "analyze/region_score.h"

namespace rg {

RegionVerdict region_verdict(const std::vector<EndpointState>& states, const FailoverPolicyConfig& policy,
                             const HealthScoreWeights& weights) {
  // The general region score, over this application's checks only: a region can be fine for one
  // application and failing for another that uses other services.
  const auto scores = region_health_scores(states, {}, weights);
  RegionVerdict verdict;
  verdict.score = scores.empty() ? 0 : scores.front().score;
  std::chrono::microseconds total{0};
  int successes = 0;
  for (const auto& state : states) {
    if (!state.success) continue;
    total += state.latency;
    ++successes;
  }
  verdict.latency = successes == 0 ? std::chrono::microseconds(0) : total / successes;
  verdict.failing = verdict.score < policy.health_threshold ||
                    verdict.latency > std::chrono::duration_cast<std::chrono::microseconds>(policy.response_time_threshold);
  return verdict;
}

}  // namespace rg
