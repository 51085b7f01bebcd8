#include "core/health_status.h"

namespace rg {

std::string_view to_string(HealthStatus status) {
  switch (status) {
    case HealthStatus::healthy: return "healthy";
    case HealthStatus::warning: return "warning";
    case HealthStatus::critical: return "critical";
  }
  return "critical";
}

std::optional<HealthStatus> health_status_from_string(std::string_view name) {
  if (name == "healthy") return HealthStatus::healthy;
  if (name == "warning") return HealthStatus::warning;
  if (name == "critical") return HealthStatus::critical;
  return std::nullopt;
}

}  // namespace rg
