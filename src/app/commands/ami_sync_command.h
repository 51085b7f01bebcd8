#pragma once
// `regionguard ami-sync -c CONFIG [--dry-run]`: one run of `jobs.ami_sync` (act/dr/ami_sync.h),
// the same job the daemon runs on its schedule, with a line per step on `out`.
#include <CLI/CLI.hpp>
#include <iosfwd>
#include <string>

#include "act/dr/ami_sync.h"
#include "config/config.h"
#include "aws/aws_session.h"

namespace rg {

struct AmiSyncCommandOptions {
  std::string config_file = "config/regionguard.yaml";
  bool dry_run = false;
};

CLI::App* add_ami_sync_command(CLI::App& cli, AmiSyncCommandOptions& options);

// Exit codes: 0 synced (or, with --dry-run, the plan printed), 1 a step failed, 3 no
// jobs.ami_sync in the configuration.
int run_ami_sync_command(const Config& config, const AmiSyncCommandOptions& options, std::ostream& out);

}  // namespace rg
