#include "analyze/round_analyzer.h"

#include <fmt/format.h>

#include <algorithm>

#include "analyze/classifier.h"
#include "analyze/inversion.h"

namespace rg {

std::string_view to_string(EndpointEvent::Kind kind) {
  switch (kind) {
    case EndpointEvent::Kind::went_down: return "went_down";
    case EndpointEvent::Kind::came_up: return "came_up";
    case EndpointEvent::Kind::status_changed: return "status_changed";
    case EndpointEvent::Kind::answer_changed: return "answer_changed";
  }
  return "unknown";
}

namespace {
// Route 53's failure_threshold when set; otherwise the global fall/rise for DNS endpoints and
// Route 53's default of 3 both ways for HTTP, TCP and calculated checks.
Hysteresis hysteresis_for(const EndpointConfig& endpoint, const HysteresisConfig& global) {
  if (endpoint.failure_threshold) return Hysteresis(*endpoint.failure_threshold, *endpoint.failure_threshold);
  if (endpoint.kind == ProbeKind::dns) return Hysteresis(global.fall, global.rise);
  return Hysteresis(3, 3);
}
}  // namespace

RoundAnalyzer::RoundAnalyzer(const Config& config) : config_(config), graph_(config.dependencies) {
  for (const auto& endpoint : config_.endpoints)
    tracked_.emplace(endpoint.id, Tracked{&endpoint, hysteresis_for(endpoint, config_.hysteresis), std::nullopt,
                                          std::nullopt, std::nullopt, UptimeStats{}});
}

void RoundAnalyzer::carry_over(const RoundAnalyzer& previous, const std::vector<std::string>& unchanged) {
  for (const auto& id : unchanged) {
    const auto from = previous.tracked_.find(id);
    const auto to = tracked_.find(id);
    if (from == previous.tracked_.end() || to == tracked_.end()) continue;
    const Hysteresis fresh = to->second.hysteresis;  // this configuration's fall and rise
    to->second = from->second;
    to->second.endpoint = &*std::ranges::find(config_.endpoints, id, &EndpointConfig::id);
    to->second.hysteresis = from->second.hysteresis.with_thresholds(fresh.fall(), fresh.rise());
  }
}

void RoundAnalyzer::set_stored_uptime(const std::string& endpoint_id, const UptimeStats& stats) {
  if (auto it = tracked_.find(endpoint_id); it != tracked_.end()) it->second.uptime = stats;
}

namespace {
void count(UptimeStats& stats, const ProbeResult& result, HealthStatus status) {
  ++stats.total;
  if (result.success) ++stats.successes;
  switch (status) {
    case HealthStatus::healthy: ++stats.healthy; break;
    case HealthStatus::warning: ++stats.warning; break;
    case HealthStatus::critical: ++stats.critical; break;
  }
}

std::string failure_text(const ProbeResult& result) {
  return result.error.empty() ? std::string(to_string(result.failure))
                              : fmt::format("{}: {}", to_string(result.failure), result.error);
}
}  // namespace

void RoundAnalyzer::observe(Tracked& tracked, const ProbeResult& result, HealthStatus status,
                            std::vector<EndpointEvent>& events) {
  const auto& id = tracked.endpoint->id;
  if (tracked.hysteresis.observe(result.success) == Transition::changed) {
    if (tracked.hysteresis.is_up()) {
      events.push_back({EndpointEvent::Kind::came_up, id, result.started_at,
                        fmt::format("{} is up again after {} consecutive successes", id, tracked.hysteresis.rise())});
    } else {
      events.push_back({EndpointEvent::Kind::went_down, id, result.started_at,
                        fmt::format("{} is down: {} consecutive failures, last {}", id, tracked.hysteresis.fall(),
                                    failure_text(result))});
    }
  }
  if (tracked.latest_status && *tracked.latest_status != status) {
    events.push_back({EndpointEvent::Kind::status_changed, id, result.started_at,
                      fmt::format("{} {} → {}{}", id, to_string(*tracked.latest_status), to_string(status),
                                  result.success ? fmt::format(" ({:.1f} ms)", static_cast<double>(result.latency.count()) / 1000.0)
                                                 : " (" + failure_text(result) + ")")});
  }
  if (tracked.endpoint->dns.report_answer_changes && tracked.last_good) {
    if (auto change = compare_answers(*tracked.last_good, result))
      events.push_back({EndpointEvent::Kind::answer_changed, id, result.started_at,
                        fmt::format("{} {}", id, change->description)});
  }
  // Answer changes are judged between successful answers; keep the last good one across failures
  // so that "A → SERVFAIL → B" still reports the change from A to B.
  if (result.success) tracked.last_good = result;
  tracked.latest = result;
  tracked.latest_status = status;
  count(tracked.uptime, result, status);
}

void RoundAnalyzer::record(Tracked& tracked, ProbeResult result, AnalyzedRound& round) {
  apply_inversion(*tracked.endpoint, result);
  const auto status = is_aws_kind(tracked.endpoint->kind) ? classify_resource(result)
                                                          : classify(result, config_.thresholds_for(*tracked.endpoint));
  observe(tracked, result, status, round.events);
  round.observations.push_back(Observation{std::move(result), status});
}

// A calculated check is healthy when at least healthy_threshold of its children are up, judged by
// the children's hysteresis (Route 53 uses each child's own healthy/unhealthy state the same way).
ProbeResult RoundAnalyzer::evaluate_calculated(const EndpointConfig& endpoint, TimePoint at) const {
  int up = 0;
  for (const auto& child : endpoint.calculated.children)
    if (auto it = tracked_.find(child); it != tracked_.end() && it->second.hysteresis.is_up()) ++up;
  ProbeResult result;
  result.endpoint_id = endpoint.id;
  result.started_at = at;
  result.success = up >= endpoint.calculated.healthy_threshold;
  if (!result.success) {
    result.failure = FailureKind::children;
    result.error = fmt::format("{} of {} child checks healthy, {} needed", up, endpoint.calculated.children.size(),
                               endpoint.calculated.healthy_threshold);
  }
  return result;
}

// The states cascade risk is assessed on: an endpoint fails once its failures in a row reach its
// `fall` threshold and stops at its first success, exactly when the endpoint-down alert fires and
// resolves, so the two come and go together; fewer failures in a row are noise (a slow success
// stays a warning).
std::vector<EndpointState> RoundAnalyzer::settled_states(std::vector<EndpointState> states) const {
  for (auto& state : states) {
    const auto& hysteresis = tracked_.at(state.endpoint_id).hysteresis;
    if (hysteresis.consecutive_failures() >= hysteresis.fall()) state.status = HealthStatus::critical;
    else if (state.status == HealthStatus::critical) state.status = HealthStatus::healthy;
  }
  return states;
}

AnalyzedRound RoundAnalyzer::analyze(const std::vector<ProbeResult>& results) {
  AnalyzedRound round;
  TimePoint latest_start{};
  for (const auto& result : results) {
    auto it = tracked_.find(result.endpoint_id);
    if (it == tracked_.end()) continue;  // not an endpoint of this configuration
    latest_start = std::max(latest_start, result.started_at);
    record(it->second, result, round);
  }
  // Calculated checks follow their children, so they are evaluated after them, in every round
  // that probed something.
  if (!results.empty()) {
    for (const auto& endpoint : config_.endpoints)
      if (endpoint.kind == ProbeKind::calculated)
        record(tracked_.at(endpoint.id), evaluate_calculated(endpoint, latest_start), round);
  }
  for (const auto& endpoint : config_.endpoints) {
    const auto& tracked = tracked_.at(endpoint.id);
    if (!tracked.latest) continue;  // never probed yet
    round.states.push_back(make_endpoint_state(endpoint, config_.find_service(endpoint.service), *tracked.latest,
                                               *tracked.latest_status, tracked.uptime));
  }
  round.summary = summarize(round.states, config_.regions);
  round.scores = region_health_scores(round.states, config_.regions, config_.score_weights);
  for (auto& region : round.summary.regions)
    for (const auto& score : round.scores)
      if (score.region == region.region) region.health_score = score.score;
  round.cascade = assess_cascade_risk(config_, graph_, summarize(settled_states(round.states), config_.regions));
  return round;
}

}  // namespace rg
