#pragma once
// `regionguard drill APP -c CONFIG [--execute]`: a game day, in the spirit of Route 53 ARC
// zonal autoshift's practice runs, so that a broken failover plan is found before an outage needs
// it. By default it runs the application's failover plan as a dry run (every readiness check, no
// change); with --execute (or `real: true` in jobs.drills) it executes the failover and then rolls
// it back to where it was. It runs the failover command itself (app/commands/failover_command.h), so a
// drill exercises exactly what an operator would run.
#include <CLI/CLI.hpp>
#include <iosfwd>
#include <string>

#include "config/config.h"

namespace rg {

struct DrillCommandOptions {
  std::string config_file = "config/regionguard.yaml";
  std::string app;
  bool execute = false;
};

CLI::App* add_drill_command(CLI::App& cli, DrillCommandOptions& options);

struct DrillOutcome {
  bool ready = false;
  int checks = 0;  // readiness checks, plus the move and the return when executed
  int failed = 0;
  int exit_code = 1;
};

// Prints the plan's lines indented, then "drill APP: READY|NOT READY (n checks, m failed)".
// Exit codes: 0 ready, 1 not ready, 3 a usage error (unknown application...). Blocks until done
// (it runs its own event loop): the daemon calls it on a thread (scheduled_jobs.h).
DrillOutcome run_drill(const Config& config, const DrillCommandOptions& options, std::ostream& out);
int run_drill_command(const Config& config, const DrillCommandOptions& options, std::ostream& out);

}  // namespace rg
