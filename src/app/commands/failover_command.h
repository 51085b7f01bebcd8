#pragma once
// `regionguard failover plan|execute|approve|rollback|status|unlock APP [--to REGION] [--dry-run]
// [--reason TEXT] [--json]`: an operator's hands on the failover controller. Plans are built from the
// configuration (act/failover/failover_plan_builder.h) and journaled in the store's file, the same
// journal the daemon uses. One process runs an application's plans at a time: when a live daemon
// holds the application's owner lease, execute, approve and rollback are sent to it through its
// API (with the configured token); when nobody does, the command takes the lease for its length.
#include <CLI/CLI.hpp>
#include <iosfwd>
#include <string>

#include "config/config.h"

namespace rg {

struct FailoverCommandOptions {
  std::string config_file = "config/regionguard.yaml";
  std::string action;  // plan, execute, approve, rollback, status, unlock
  std::string app;
  std::string to;  // empty: the first secondary when on the primary, else the primary
  bool dry_run = false;
  std::string reason;  // unlock: why automation is safe again (journaled)
  bool json = false;   // status: the API's object of the application (docs/api.md) instead of text
};

// Adds the `failover` subcommand to `cli`; `options` is filled when it is parsed.
CLI::App* add_failover_command(CLI::App& cli, FailoverCommandOptions& options);

// Exit codes: 0 done (plan printed, plan completed, status shown), 1 the plan did not complete
// (not ready, rolled back, fenced, refused by the daemon), 3 a usage or configuration error.
int run_failover_command(const Config& config, const FailoverCommandOptions& options, std::ostream& out);

}  // namespace rg
