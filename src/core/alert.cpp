#include "core/alert.h"

#include <algorithm>
#include <array>

namespace rg {
namespace {
constexpr std::array<std::string_view, 4> severity_names{"info", "warning", "high", "critical"};
constexpr std::array<std::string_view, 3> state_names{"pending", "firing", "resolved"};

template <typename Enum, std::size_t N>
std::optional<Enum> from_name(const std::array<std::string_view, N>& names, std::string_view name) {
  const auto found = std::ranges::find(names, name);
  if (found == names.end()) return std::nullopt;
  return static_cast<Enum>(found - names.begin());
}
}  // namespace

std::string_view to_string(AlertSeverity severity) { return severity_names[static_cast<std::size_t>(severity)]; }
std::optional<AlertSeverity> alert_severity_from_string(std::string_view name) {
  return from_name<AlertSeverity>(severity_names, name);
}
std::string_view to_string(AlertState state) { return state_names[static_cast<std::size_t>(state)]; }
std::optional<AlertState> alert_state_from_string(std::string_view name) {
  return from_name<AlertState>(state_names, name);
}

bool Silence::matches(const Alert& alert) const {
  return std::ranges::all_of(matchers, [&](const auto& matcher) {
    const auto label = alert.labels.find(matcher.first);
    return label != alert.labels.end() && label->second == matcher.second;
  });
}

}  // namespace rg
