#pragma once
// What the API asks of a configuration reload (app/config_reload.h): POST /api/v1/reload runs
// one, and /metrics shows how the last one went. Typed values only; reload_views.h makes JSON.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config/config_diff.h"
#include "core/time.h"

namespace rg {

struct ReloadReport {
  bool reloaded = false;            // the file was valid and is now the running configuration
  std::vector<std::string> errors;  // when not: every problem, "file:line:col: path: message"
  ConfigDiff diff;                  // when reloaded: what changed
  // Sections applied later: "applications" while a failover plan runs (it finishes under the
  // configuration it started with).
  std::vector<std::string> deferred;
};

// For /metrics, as Prometheus names its own: regionguard_config_last_reload_successful and
// regionguard_config_last_reload_success_timestamp_seconds (the start counts as a success).
struct ReloadStatus {
  bool last_successful = true;
  TimePoint last_success{};
  std::uint64_t reloads = 0;         // attempts, whether they succeeded or not
  std::size_t last_errors = 0;       // problems in the file at the last attempt
};

struct ReloadHooks {
  std::function<ReloadReport()> reload;  // on the loop; empty: the server runs without a daemon
  std::function<ReloadStatus()> status;
};

}  // namespace rg
