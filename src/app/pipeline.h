#pragma once
// The daemon: probe → analyze → store and present (HTTP API, WebSocket, /metrics), on one
// io_context, until SIGINT/SIGTERM.
#include "config/config.h"

namespace rg {

struct PipelineOptions {
  // Stop after this many rounds (0 = run until a signal). Used by tests and drills.
  std::uint64_t max_rounds = 0;
};

// Returns the process exit code.
int run_pipeline(const Config& config, const PipelineOptions& options);

}  // namespace rg
