#pragma once
// What the server knows between rounds: the latest analysed round (states, summary, each
// endpoint's latest result) and the per-round counts of the last 1,000 rounds, with the JSON
// views the REST routes and the WebSocket stream answer from it. Lives on the event loop; the
// pipeline feeds it once per round (ApiServer::publish). Pure: no I/O, time comes in.
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyze/anomaly_signal.h"
#include "analyze/round_analyzer.h"
#include "config/config.h"

namespace rg {

struct EndpointFilter {
  std::optional<std::string> region;
  std::optional<std::string> service;
  std::optional<HealthStatus> status;  // endpoints not probed yet never match a status
  std::optional<ProbeKind> kind;
};

// Endpoints per state after one round (GET /api/v1/trends?rounds=N).
struct TrendPoint {
  TimePoint at{};
  int healthy = 0;
  int warning = 0;
  int critical = 0;
};

class DashboardState {
 public:
  static constexpr std::size_t kMaxTrendRounds = 1000;
  static constexpr std::size_t kStreamTrendRounds = 20;

  // `config` must outlive the state (or the next reconfigure()).
  explicit DashboardState(const Config& config);

  // A configuration reload: the endpoints of `config` are listed from now on; what is known of
  // those that stay is kept, and the removed ones are forgotten at once, not after the next round.
  void reconfigure(const Config& config);

  // The round numbered `round` was analysed at `at`.
  void update(std::uint64_t round, TimePoint at, const AnalyzedRound& analyzed);
  // The anomaly signals of the latest round (app/anomaly_runner.h), for the stream.
  void set_anomalies(std::vector<AnomalySignal> anomalies) { anomalies_ = std::move(anomalies); }
  // The applications' failover state after the latest round (as GET /api/v1/applications), for the stream.
  void set_applications(nlohmann::json applications) { applications_ = std::move(applications); }

  bool has_round() const { return updated_at_.has_value(); }
  std::uint64_t round() const { return round_; }
  bool has_endpoint(const std::string& id) const { return endpoint_index_.contains(id); }
  const Config& config() const { return *config_; }
  const HealthSummary& summary() const { return summary_; }
  const std::vector<EndpointState>& states() const { return states_; }
  // The endpoint's latest result, null before its first.
  const ProbeResult* latest_result(const std::string& id) const;
  const EndpointConfig* endpoint_config(const std::string& id) const;

  // GET /api/v1/summary
  nlohmann::json summary_json() const;
  // GET /api/v1/regions
  nlohmann::json regions_json() const;
  // GET /api/v1/endpoints: every configured endpoint in configuration order, filtered.
  nlohmann::json endpoints_json(const EndpointFilter& filter) const;
  // GET /api/v1/endpoints/{id}; nullopt for an unknown id.
  std::optional<nlohmann::json> endpoint_json(const std::string& id) const;
  // GET /api/v1/trends?rounds=N: the last N rounds, oldest first.
  nlohmann::json trend_json(std::size_t rounds) const;
  // A WebSocket message: {"type", "round", "published_at", "published_unix_ms", "summary",
  // "regions", "endpoints", "trend", "events", "anomalies", "applications"} (events of this round,
  // none in a snapshot; the latest round's anomaly signals and applications in both: they describe
  // the present state).
  // published_unix_ms (fractional) lets a client measure delivery latency.
  std::string stream_message(std::string_view type, TimePoint published_at) const;

 private:
  nlohmann::json endpoint_view(const EndpointConfig& endpoint) const;

  const Config* config_;
  std::unordered_map<std::string, std::size_t> endpoint_index_;  // id → index in config_.endpoints
  std::uint64_t round_ = 0;
  std::optional<TimePoint> updated_at_;
  std::vector<EndpointState> states_;
  std::unordered_map<std::string, std::size_t> state_index_;  // id → index in states_
  std::unordered_map<std::string, ProbeResult> latest_;
  HealthSummary summary_;
  std::vector<EndpointEvent> events_;  // of the latest round
  std::vector<AnomalySignal> anomalies_;  // of the latest round
  nlohmann::json applications_ = nlohmann::json::array();  // after the latest round
  std::deque<TrendPoint> trend_;
};

}  // namespace rg
