#pragma once
// `regionguard cloudwatch apply [--dry-run] [-c FILE]`: creates or updates the CloudWatch
// dashboard and alarms of cloudwatch_resources.h in cloudwatch.region. Idempotent: it reads what
// is there (GetDashboard, DescribeAlarms) and puts only what is missing or differs, printing
// each as created, updated (with the settings that differed) or unchanged. Alarms it no longer
// wants are left alone and named: deleting is for a person to decide. --dry-run prints the
// requests it would send, as JSON, and sends nothing at all (no credentials needed).
#include <CLI/CLI.hpp>
#include <iosfwd>
#include <string>

#include "config/config.h"

namespace rg {

struct CloudWatchCommandOptions {
  std::string config_file = "config/regionguard.yaml";
  std::string action;  // apply
  bool dry_run = false;
};

// Adds the `cloudwatch` subcommand to `cli`; `options` is filled when it is parsed.
CLI::App* add_cloudwatch_command(CLI::App& cli, CloudWatchCommandOptions& options);

// Exit codes: 0 done (or printed), 1 a CloudWatch call failed (what was done before it stays).
int run_cloudwatch_command(const Config& config, const CloudWatchCommandOptions& options, std::ostream& out);

}  // namespace rg
