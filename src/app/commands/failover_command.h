#pragma once
// `regionguard failover plan|execute|rollback|status APP [--to REGION] [--dry-run]`: an operator's
// hands on the failover controller. Plans are built from the configuration
// (act/failover/failover_plan_builder.h) and journaled in the store's file, the same journal the
// daemon uses, so generations and fencing hold between the CLI and the daemon.
#include <CLI/CLI.hpp>
#include <iosfwd>
#include <string>

#include "config/config.h"

namespace rg {

struct FailoverCommandOptions {
  std::string config_file = "config/regionguard.yaml";
  std::string action;  // plan, execute, rollback, status
  std::string app;
  std::string to;  // empty: the first secondary when on the primary, else the primary
  bool dry_run = false;
};

// Adds the `failover` subcommand to `cli`; `options` is filled when it is parsed.
CLI::App* add_failover_command(CLI::App& cli, FailoverCommandOptions& options);

// Exit codes: 0 done (plan printed, plan completed, status shown), 1 the plan did not complete
// (not ready, rolled back, fenced), 3 a usage or configuration error.
int run_failover_command(const Config& config, const FailoverCommandOptions& options, std::ostream& out);

}  // namespace rg
