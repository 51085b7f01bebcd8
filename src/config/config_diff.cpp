#include "config/config_diff.h"

#include <algorithm>
#include <functional>
#include <map>

namespace rg {
namespace {

// Equal apart from where they were written.
template <typename T>
bool same_settings(T a, T b) {
  a.mark = {};
  b.mark = {};
  return a == b;
}

template <typename T>
bool same_list(const std::vector<T>& a, const std::vector<T>& b) {
  return std::ranges::equal(a, b, [](const T& x, const T& y) { return same_settings(x, y); });
}

struct Section {
  const char* name;
  std::function<bool(const Config&, const Config&)> same;
};

// Sections the running components take on at once (app/config_reload.cpp).
const std::vector<Section>& live_sections() {
  static const std::vector<Section> sections{
      {"regions", [](const Config& a, const Config& b) { return a.regions == b.regions; }},
      {"services", [](const Config& a, const Config& b) { return same_list(a.services, b.services); }},
      {"thresholds", [](const Config& a, const Config& b) { return a.thresholds == b.thresholds; }},
      // Interval, timeout and resolvers are copied into every endpoint, whose diff shows them;
      // jitter belongs to the scheduler.
      {"defaults.jitter", [](const Config& a, const Config& b) { return a.jitter == b.jitter; }},
      {"hysteresis", [](const Config& a, const Config& b) { return a.hysteresis == b.hysteresis; }},
      {"uptime_window", [](const Config& a, const Config& b) { return a.uptime_window == b.uptime_window; }},
      {"health_score", [](const Config& a, const Config& b) { return a.score_weights == b.score_weights; }},
      {"dependencies", [](const Config& a, const Config& b) { return a.dependencies == b.dependencies; }},
      {"alerts",
       [](const Config& a, const Config& b) {
         return same_list(a.alerts.rules, b.alerts.rules) && a.alerts.group_wait == b.alerts.group_wait &&
                a.alerts.repeat_interval == b.alerts.repeat_interval;
       }},
      {"notifiers", [](const Config& a, const Config& b) { return same_list(a.notifiers, b.notifiers); }},
      {"applications", [](const Config& a, const Config& b) { return a.applications == b.applications; }},
  };
  return sections;
}

// Sections held by what starts once: the listening sockets, the store's connections, the AWS
// session, the publishers and the job timers.
struct RestartSection {
  const char* name;
  std::function<bool(const Config&, const Config&)> same;
  std::function<void(const Config&, Config&)> keep;
};

const std::vector<RestartSection>& restart_sections() {
  static const std::vector<RestartSection> sections{
      {"server", [](const Config& a, const Config& b) { return same_settings(a.server, b.server); },
       [](const Config& from, Config& to) { to.server = from.server; }},
      {"store", [](const Config& a, const Config& b) { return a.store == b.store; },
       [](const Config& from, Config& to) { to.store = from.store; }},
      {"aws", [](const Config& a, const Config& b) { return a.aws == b.aws; },
       [](const Config& from, Config& to) { to.aws = from.aws; }},
      {"cloudwatch", [](const Config& a, const Config& b) { return same_settings(a.cloudwatch, b.cloudwatch); },
       [](const Config& from, Config& to) { to.cloudwatch = from.cloudwatch; }},
      {"anomaly", [](const Config& a, const Config& b) { return same_settings(a.anomaly, b.anomaly); },
       [](const Config& from, Config& to) { to.anomaly = from.anomaly; }},
      {"jobs", [](const Config& a, const Config& b) { return a.jobs == b.jobs; },
       [](const Config& from, Config& to) { to.jobs = from.jobs; }},
      {"cluster", [](const Config& a, const Config& b) { return a.cluster == b.cluster; },
       [](const Config& from, Config& to) { to.cluster = from.cluster; }},
  };
  return sections;
}

}  // namespace

bool ConfigDiff::applies(std::string_view section) const { return std::ranges::find(applied, section) != applied.end(); }

ConfigDiff diff_configs(const Config& running, const Config& next) {
  ConfigDiff diff;
  std::map<std::string_view, const EndpointConfig*> before;
  for (const auto& endpoint : running.endpoints) before.emplace(endpoint.id, &endpoint);
  std::map<std::string_view, const EndpointConfig*> after;
  for (const auto& endpoint : next.endpoints) after.emplace(endpoint.id, &endpoint);

  for (const auto& endpoint : running.endpoints)
    if (!after.contains(endpoint.id)) diff.removed.push_back(endpoint.id);
  for (const auto& endpoint : next.endpoints) {
    const auto old = before.find(endpoint.id);
    if (old == before.end()) diff.added.push_back(endpoint.id);
    else if (same_settings(*old->second, endpoint)) diff.unchanged.push_back(endpoint.id);
    else diff.changed.push_back(endpoint.id);
  }
  for (const auto& section : live_sections())
    if (!section.same(running, next)) diff.applied.emplace_back(section.name);
  for (const auto& section : restart_sections())
    if (!section.same(running, next)) diff.needs_restart.emplace_back(section.name);
  return diff;
}

void keep_restart_sections(const Config& running, Config& next) {
  for (const auto& section : restart_sections()) section.keep(running, next);
}

}  // namespace rg
