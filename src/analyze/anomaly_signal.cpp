#include "analyze/anomaly_signal.h"

namespace rg {

std::string_view to_string(AnomalyKind kind) {
  switch (kind) {
    case AnomalyKind::forest_round: return "forest_round";
    case AnomalyKind::latency_drift: return "latency_drift";
    case AnomalyKind::error_rate_shift: return "error_rate_shift";
    case AnomalyKind::widespread: return "widespread";
  }
  return "unknown";
}

std::string_view to_string(AnomalySeverity severity) {
  switch (severity) {
    case AnomalySeverity::info: return "info";
    case AnomalySeverity::warning: return "warning";
    case AnomalySeverity::high: return "high";
    case AnomalySeverity::critical: return "critical";
  }
  return "unknown";
}

}  // namespace rg
