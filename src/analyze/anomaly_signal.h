#pragma once
// What anomaly detection says about one round, for the alert engine (analyze/alert*), the log,
// /metrics and the WebSocket stream. Signals are level-triggered: one is emitted in every round
// its condition holds, and the alert engine turns them into alerts (its `for` durations,
// deduplication and grouping); nothing here remembers what it said before.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace rg {

enum class AnomalyKind {
  forest_round,      // the seed's rule: more than threshold_percent of a round's points anomalous
  latency_drift,     // one endpoint's latency well above its own rolling baseline
  error_rate_shift,  // one endpoint failing more often than its own baseline explains
  widespread,        // many endpoints of the fleet, or of one region, shifted in the same round
};
inline constexpr std::size_t kAnomalyKinds = static_cast<std::size_t>(AnomalyKind::widespread) + 1;

// The alert engine's severities, by the same names (issue 4: info, warning, high, critical).
enum class AnomalySeverity { info, warning, high, critical };

struct AnomalySignal {
  AnomalyKind kind = AnomalyKind::forest_round;
  AnomalySeverity severity = AnomalySeverity::warning;
  TimePoint at{};           // the round's time (its newest result's started_at)
  std::string endpoint_id;  // latency_drift, error_rate_shift; empty otherwise
  std::string region;       // the endpoint's region; for widespread the region, or empty for the fleet
  std::vector<std::string> endpoints;  // every endpoint involved, most abnormal first
  // forest_round: percent of the round's points anomalous; latency_drift: the robust z-score;
  // error_rate_shift: −log10 of the binomial p-value; widespread: percent of the evaluated
  // endpoints that shifted.
  double score = 0.0;
  std::string message;  // one line for logs and notifications, saying which kind it was
};

std::string_view to_string(AnomalyKind kind);
std::string_view to_string(AnomalySeverity severity);

// Since the daemon started, for /metrics.
struct AnomalyStats {
  bool enabled = false;
  bool model_fitted = false;
  std::uint64_t fits = 0;         // models installed
  std::uint64_t failed_fits = 0;  // fits that could not read the store or had too little history
  std::size_t training_rows = 0;  // of the current model
  std::optional<TimePoint> fitted_at;
  std::uint64_t rounds_scored = 0;  // rounds the forest judged (none before the first fit)
  std::optional<double> latest_anomalous_percent;  // of the latest scored round
  std::optional<double> latest_min_score;          // its most abnormal score_samples value, in [−1, 0]
  std::array<std::uint64_t, kAnomalyKinds> signals{};  // by AnomalyKind
};

}  // namespace rg
