#pragma once
// `regionguard probe`: one round (or a live view with --watch) printed as the seed's endpoint
// table, or as JSON. Exit code: 0 all healthy, 1 warning, 2 critical.
#include "config/config.h"

namespace rg {

struct ProbeCommandOptions {
  bool watch = false;
  bool json = false;
  bool colour = false;
  bool read_store = true;  // show uptime from the configured store when its file exists
};

int run_probe_command(const Config& config, const ProbeCommandOptions& options);

}  // namespace rg
