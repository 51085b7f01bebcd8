#pragma once
// The daemon: probe → analyze → store and present (HTTP API, WebSocket, /metrics), on one
// io_context, until SIGINT/SIGTERM. SIGHUP and POST /api/v1/reload read the configuration file
// again and apply it without a restart (app/config_reload.h); under systemd it reports readiness,
// status, reloads and watchdog pings (core/systemd_notify.h).
#include <string>

#include "config/config.h"

namespace rg {

struct PipelineOptions {
  // Stop after this many rounds (0 = run until a signal). Used by tests and drills.
  std::uint64_t max_rounds = 0;
  // The file `config` was read from, read again on a reload.
  std::string config_file;
};

// Returns the process exit code.
int run_pipeline(Config config, const PipelineOptions& options);

}  // namespace rg
