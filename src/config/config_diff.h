#pragma once
// What a configuration reload changes: the running configuration against the file read again,
// endpoint by endpoint (added, removed, changed, unchanged, by id) and section by section (applied
// at once, or kept until a restart). Pure: two Configs in, a ConfigDiff out; app/ carries it out
// (app/config_reload.h) and present/ reports it (POST /api/v1/reload).
//
// Where a value sits in the file is not part of it: an endpoint moved a few lines down, or one
// whose neighbour was deleted, is unchanged, so its hysteresis and counters carry on.
#include <string>
#include <vector>

#include "config/config.h"

namespace rg {

struct ConfigDiff {
  // Endpoint ids, each in the order of the configuration they come from (removed: the running
  // one; the others: the new one).
  std::vector<std::string> added;
  std::vector<std::string> removed;
  std::vector<std::string> changed;    // same id, different settings: starts afresh
  std::vector<std::string> unchanged;  // keeps its state
  // Sections that differ and take effect now: regions, services, thresholds (defaults.thresholds),
  // defaults.jitter, hysteresis, uptime_window, health_score, dependencies, alerts, notifiers,
  // applications. (The other defaults are copied into every endpoint, whose diff shows them.)
  std::vector<std::string> applied;
  // Sections that differ but only take effect after a restart (server, store, aws, cloudwatch,
  // anomaly, jobs): the running values are kept (keep_restart_sections).
  std::vector<std::string> needs_restart;

  bool endpoints_changed() const { return !added.empty() || !removed.empty() || !changed.empty(); }
  bool applies(std::string_view section) const;
  bool nothing_changed() const { return !endpoints_changed() && applied.empty() && needs_restart.empty(); }
};

ConfigDiff diff_configs(const Config& running, const Config& next);

// Copies into `next` the sections of `running` that cannot change without a restart, so that the
// configuration the components see is the one that actually runs.
void keep_restart_sections(const Config& running, Config& next);

}  // namespace rg
