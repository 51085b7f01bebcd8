#pragma once
// Carries each endpoint's state from one probe round to the next: classifies every result,
// feeds the consecutive-failure hysteresis, notices answer changes, counts uptime, and builds the
// summary, the region scores and cascade risk. It is the analysis half of the daemon's loop and of
// `regionguard probe --watch`. Pure: rounds come in as values, observations and events go out;
// nothing here does I/O.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analyze/answer_change.h"
#include "analyze/cascade_risk.h"
#include "analyze/dependency_graph.h"
#include "analyze/health_summary.h"
#include "analyze/hysteresis.h"
#include "analyze/region_score.h"
#include "config/config.h"
#include "core/observation.h"

namespace rg {

struct EndpointEvent {
  enum class Kind { went_down, came_up, status_changed, answer_changed };
  Kind kind;
  std::string endpoint_id;
  TimePoint at{};
  std::string message;  // one line for logs
};

std::string_view to_string(EndpointEvent::Kind kind);

struct AnalyzedRound {
  std::vector<Observation> observations;  // one per result, with its status
  std::vector<EndpointEvent> events;
  std::vector<EndpointState> states;      // latest state of every endpoint seen so far, config order
  HealthSummary summary;
  std::vector<RegionHealthScore> scores;  // per region, in the summary's region order
  // Per region of the summary: what the endpoints failing `fall` times in a row may take down.
  std::vector<RegionCascadeRisk> cascade;
};

class RoundAnalyzer {
 public:
  explicit RoundAnalyzer(const Config& config);

  // Uptime counts already in the store for an endpoint's window; the rounds analysed from now on
  // are added to them.
  void set_stored_uptime(const std::string& endpoint_id, const UptimeStats& stats);

  AnalyzedRound analyze(const std::vector<ProbeResult>& results);

  // After a configuration reload (config/config_diff.h): the endpoints in `unchanged` take on
  // what `previous` knew of them (settled up/down state and streaks, the last good answer, the
  // latest result and status, uptime counts), judged from now on by this analyzer's thresholds.
  // Added and changed endpoints start afresh; removed ones are forgotten.
  void carry_over(const RoundAnalyzer& previous, const std::vector<std::string>& unchanged);

 private:
  struct Tracked {
    const EndpointConfig* endpoint;
    Hysteresis hysteresis;
    std::optional<ProbeResult> last_good;  // the last successful result, for answer changes
    std::optional<ProbeResult> latest;
    std::optional<HealthStatus> latest_status;
    UptimeStats uptime;
  };
  void observe(Tracked& tracked, const ProbeResult& result, HealthStatus status, std::vector<EndpointEvent>& events);
  void record(Tracked& tracked, ProbeResult result, AnalyzedRound& round);
  ProbeResult evaluate_calculated(const EndpointConfig& endpoint, TimePoint at) const;
  std::vector<EndpointState> settled_states(std::vector<EndpointState> states) const;

  const Config& config_;
  DependencyGraph graph_;  // of config_.dependencies, for cascade risk
  std::map<std::string, Tracked> tracked_;
};

}  // namespace rg
