#include "analyze/region_score.h"

#include <algorithm>
#include <array>

namespace rg {

namespace {

constexpr double kHealthyPoints = 100;
constexpr double kWarningPoints = 70;  // degraded but serving: well above a failure, below full marks

enum class ScoreGroup { dns, endpoints, resources };

ScoreGroup group_of(ProbeKind kind) {
  if (kind == ProbeKind::dns) return ScoreGroup::dns;
  return is_aws_kind(kind) ? ScoreGroup::resources : ScoreGroup::endpoints;
}

// Of the checks' points, each weighed by its service's priority.
struct Mean {
  double sum = 0;
  double weight = 0;
  std::optional<double> value() const { return weight <= 0 ? std::nullopt : std::optional(sum / weight); }
};

RegionHealthScore score_region(const std::string& region, const std::vector<EndpointState>& states,
                               const HealthScoreWeights& weights) {
  std::array<Mean, 3> means{};
  for (const auto& state : states) {
    if (state.region != region) continue;
    auto& mean = means[static_cast<std::size_t>(group_of(state.kind))];
    const double weight = weights.weight_of(state.priority);
    mean.sum += check_points(state) * weight;
    mean.weight += weight;
  }
  RegionHealthScore score{region, 0, means[0].value(), means[1].value(), means[2].value()};
  double weighted = 0;
  double weight_sum = 0;
  for (const auto& [part, weight] : {std::pair{score.dns, weights.dns}, std::pair{score.endpoints, weights.endpoints},
                                     std::pair{score.resources, weights.resources}}) {
    if (!part || weight <= 0) continue;
    weighted += *part * weight;
    weight_sum += weight;
  }
  // Only kinds weighted 0 present: their plain mean, rather than a score out of nothing.
  if (weight_sum == 0) {
    for (const auto& part : {score.dns, score.endpoints, score.resources})
      if (part) {
        weighted += *part;
        weight_sum += 1;
      }
  }
  score.score = weight_sum == 0 ? 0 : std::clamp(weighted / weight_sum, 0.0, 100.0);
  return score;
}

}  // namespace

double check_points(const EndpointState& state) {
  double points = 0;
  switch (state.status) {
    case HealthStatus::healthy: points = kHealthyPoints; break;
    case HealthStatus::warning: points = kWarningPoints; break;
    case HealthStatus::critical: return 0;
  }
  if (state.resource && state.resource->expected > 0) {
    const double share = static_cast<double>(state.resource->healthy) / state.resource->expected;
    points = std::min(points, 100.0 * std::clamp(share, 0.0, 1.0));
  }
  return points;
}

std::vector<RegionHealthScore> region_health_scores(const std::vector<EndpointState>& states,
                                                    const std::vector<std::string>& region_order,
                                                    const HealthScoreWeights& weights) {
  std::vector<std::string> regions;
  for (const auto& region : region_order)
    if (std::ranges::any_of(states, [&](const auto& s) { return s.region == region; })) regions.push_back(region);
  for (const auto& state : states)
    if (std::ranges::find(regions, state.region) == regions.end()) regions.push_back(state.region);
  std::vector<RegionHealthScore> scores;
  for (const auto& region : regions) scores.push_back(score_region(region, states, weights));
  return scores;
}

}  // namespace rg
