#include "app/commands/drill_command.h"

#include <algorithm>
#include <ostream>
#include <sstream>

#include "app/commands/failover_command.h"

namespace rg {
namespace {

constexpr int kUsageError = 3;

// Runs one failover action, copies its lines to `out` indented, and counts its readiness lines
// ("ready: ..." and "NOT READY: ..." from the plan executor's report).
int run_action(const Config& config, const std::string& config_file, const std::string& app, const std::string& action,
               bool dry_run, std::ostream& out, DrillOutcome& outcome, bool count_readiness) {
  FailoverCommandOptions failover;  // assigned by name: the struct may grow fields
  failover.config_file = config_file;
  failover.action = action;
  failover.app = app;
  failover.dry_run = dry_run;
  std::ostringstream text;
  const int code = run_failover_command(config, failover, text);
  std::istringstream lines(text.str());
  for (std::string line; std::getline(lines, line);) {
    out << "  " << line << "\n";
    if (!count_readiness) continue;
    const auto start = line.find_first_not_of(' ');
    const std::string_view trimmed = start == std::string::npos ? std::string_view() : std::string_view(line).substr(start);
    if (trimmed.starts_with("ready: ")) {
      ++outcome.checks;
    } else if (trimmed.starts_with("NOT READY: ")) {
      ++outcome.checks;
      ++outcome.failed;
    }
  }
  return code;
}

}  // namespace

CLI::App* add_drill_command(CLI::App& cli, DrillCommandOptions& options) {
  auto* drill = cli.add_subcommand("drill", "Game day: run an application's failover plan (dry run, or --execute "
                                            "and roll back) and report readiness");
  drill->add_option("-c,--config", options.config_file, "Configuration file")->capture_default_str();
  drill->add_option("app", options.app, "Application name (applications: in the configuration)")->required();
  drill->add_flag("--execute", options.execute,
                  "Really fail over, then roll back (default: a dry run; `real: true` in jobs.drills does the same)");
  return drill;
}

DrillOutcome run_drill(const Config& config, const DrillCommandOptions& options, std::ostream& out) {
  DrillOutcome outcome;
  const auto configured = std::ranges::find(config.jobs.drills, options.app, &DrillJobConfig::app);
  const bool real = options.execute || (configured != config.jobs.drills.end() && configured->real);
  out << "drill " << options.app << ": " << (real ? "executing the failover, then rolling it back" : "dry run")
      << "\n";

  const int plan_code = run_action(config, options.config_file, options.app, real ? "execute" : "plan", !real, out,
                                   outcome, true);
  if (plan_code == kUsageError) {
    outcome.exit_code = kUsageError;
    out << "drill " << options.app << ": cannot run (see above)\n";
    return outcome;
  }
  if (real) {
    // The move and the return count as checks of their own: a plan whose steps fail is not ready
    // however good its preconditions looked.
    ++outcome.checks;
    if (plan_code != 0) {
      ++outcome.failed;  // the executor rolled back whatever it had done, or changed nothing
    } else {
      ++outcome.checks;
      if (run_action(config, options.config_file, options.app, "rollback", false, out, outcome, false) != 0)
        ++outcome.failed;
    }
  } else if (plan_code != 0 && outcome.failed == 0) {
    // Failed without a readiness verdict (AWS unreachable, journal unreadable): still not ready.
    ++outcome.checks;
    ++outcome.failed;
  }
  outcome.ready = outcome.failed == 0;
  outcome.exit_code = outcome.ready ? 0 : 1;
  out << "drill " << options.app << ": " << (outcome.ready ? "READY" : "NOT READY") << " (" << outcome.checks
      << (outcome.checks == 1 ? " check, " : " checks, ") << outcome.failed << " failed)\n";
  return outcome;
}

int run_drill_command(const Config& config, const DrillCommandOptions& options, std::ostream& out) {
  return run_drill(config, options, out).exit_code;
}

}  // namespace rg
