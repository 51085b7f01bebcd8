#pragma once
// The three states the seed's dashboard and table use. Ordered so that "worst of" is std::max.
#include <optional>
#include <string_view>

namespace rg {

enum class HealthStatus { healthy = 0, warning = 1, critical = 2 };

std::string_view to_string(HealthStatus status);
std::optional<HealthStatus> health_status_from_string(std::string_view name);

}  // namespace rg
