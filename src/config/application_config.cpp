#include "config/application_config.h"

#include <algorithm>

namespace rg {

const std::vector<std::string_view> failover_mode_names{"automatic", "manual-approval", "dry-run"};

std::string_view to_string(FailoverMode mode) { return failover_mode_names[static_cast<std::size_t>(mode)]; }

std::optional<FailoverMode> failover_mode_from_string(std::string_view name) {
  const auto it = std::ranges::find(failover_mode_names, name);
  if (it == failover_mode_names.end()) return std::nullopt;
  return static_cast<FailoverMode>(it - failover_mode_names.begin());
}

}  // namespace rg
