#include "app/cli.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "act/failover/static_stability.h"
#include "app/adhoc_config.h"
#include "app/commands/ami_sync_command.h"
#include "app/commands/cloudwatch_command.h"
#include "app/commands/doctor_command.h"
#include "app/commands/drill_command.h"
#include "app/commands/cluster_command.h"
#include "app/commands/failover_command.h"
#include "app/commands/lab_command.h"
#include "app/commands/probe_command.h"
#include "app/iam_policy.h"
#include "app/logging.h"
#include "app/pipeline.h"
#include "app/version_text.h"
#include "config/config_loader.h"
#include "config/duration.h"
#include "dns/record_type.h"

namespace rg {
namespace {

// Exit code for usage and configuration errors; 0/1/2 are health results for `probe`.
constexpr int kUsageError = 3;

// Set from --log-format before any configuration is read: with JSON logs, the configuration's
// errors and warnings are log records too, so that stderr stays one JSON object a line.
bool json_logs = false;

std::optional<Config> load_or_report(const std::string& path) {
  auto config = load_config_file(path);
  if (!config) {
    const auto count = std::to_string(config.error().size()) + (config.error().size() == 1 ? " error" : " errors") +
                       " in " + path;
    if (json_logs) {
      for (const auto& error : config.error()) spdlog::error("{}", error.to_string());
      spdlog::error("{}", count);
    } else {
      std::cerr << to_string(config.error()) << count << "\n";
    }
    return std::nullopt;
  }
  for (const auto& warning : config->warnings) {
    if (json_logs) {
      spdlog::warn("{}", warning.to_string());
    } else {
      std::cerr << "warning: " << warning.to_string() << '\n';
    }
  }
  return std::move(*config);
}

bool use_colour(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  return isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
}

// CLI11 validator for "10s", "500ms"...
CLI::Validator duration_validator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        auto parsed = parse_duration(text);
        return parsed ? std::string() : parsed.error();
      },
      "DURATION");
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"regionguard: multi-region resilience monitor and failover controller"};
  // CLI11 prints the text and a newline: version_text() ends in one already.
  app.set_version_flag("--version", [] {
    auto text = version_text();
    text.pop_back();
    return text;
  });
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  std::string log_format = "text";
  app.add_option("--log-format", log_format, "text, or json: one JSON object a line (journald, CloudWatch Logs)")
      ->check(CLI::IsMember(kLogFormats))
      ->capture_default_str();

  // run
  std::string run_config = "config/regionguard.yaml";
  std::uint64_t max_rounds = 0;
  auto* run = app.add_subcommand("run", "Run the daemon: probe, analyse and store continuously");
  run->add_option("-c,--config", run_config, "Configuration file")->capture_default_str();
  run->add_option("--rounds", max_rounds, "Stop after this many rounds (0: until SIGINT/SIGTERM)");

  // probe
  std::string probe_config;
  bool watch = false, json = false;
  std::string colour = "auto";
  std::vector<std::string> resolvers, hostnames;
  std::string record_type = "A", timeout = "5s", interval = "10s";
  bool insecure = false;
  auto* probe = app.add_subcommand("probe", "Probe once (or --watch) and print the endpoint table");
  probe->add_option("-c,--config", probe_config, "Configuration file (default: config/regionguard.yaml unless "
                                                  "HOSTNAMEs are given)");
  probe->add_flag("-w,--watch", watch, "Keep probing every interval and refresh the view");
  probe->add_flag("--json", json, "Print JSON instead of the table");
  probe->add_option("--color", colour, "auto, always or never")->check(CLI::IsMember({"auto", "always", "never"}));
  probe->add_option("--resolver", resolvers, "Ask this server (IP[:PORT]); repeatable. Default: the system's")
      ->allow_extra_args(false);
  probe->add_option("--type", record_type, "Record type for HOSTNAMEs (A, AAAA, CNAME, ...)")->capture_default_str();
  probe->add_option("--timeout", timeout, "Timeout for HOSTNAMEs")->check(duration_validator())->capture_default_str();
  probe->add_option("--interval", interval, "Interval for --watch with HOSTNAMEs")
      ->check(duration_validator())
      ->capture_default_str();
  probe->add_flag("-k,--insecure", insecure, "Do not verify TLS certificates of https:// and tls:// targets");
  probe->add_option("targets", hostnames,
                    "DNS names, http(s):// URLs or tcp://HOST:PORT / tls://HOST:PORT targets to check without a "
                    "configuration file");

  // check-config
  std::string check_file;
  auto* check = app.add_subcommand("check-config", "Validate a configuration file; exit 0 when valid, 1 when not");
  check->add_option("file", check_file, "Configuration file")->required();
  bool strict = false;
  check->add_flag("--strict", strict,
                  "Also fail on warnings and on static-stability findings (a move that needs the control plane of "
                  "the region it leaves, or of us-east-1 without the data-plane gate)");

  // doctor
  std::string doctor_config = "config/regionguard.yaml";
  auto* doctor = app.add_subcommand("doctor", "Check AWS credentials, endpoints and that each AWS check can run");
  doctor->add_option("-c,--config", doctor_config, "Configuration file")->capture_default_str();

  // ami-sync, drill (disaster-recovery jobs)
  AmiSyncCommandOptions ami_sync_options;
  auto* ami_sync = add_ami_sync_command(app, ami_sync_options);
  DrillCommandOptions drill_options;
  auto* drill = add_drill_command(app, drill_options);

  // failover
  FailoverCommandOptions failover_options;
  auto* failover = add_failover_command(app, failover_options);

  // cloudwatch apply
  CloudWatchCommandOptions cloudwatch_options;
  auto* cloudwatch = add_cloudwatch_command(app, cloudwatch_options);

  // cluster status
  ClusterCommandOptions cluster_options;
  auto* cluster = add_cluster_command(app, cluster_options);

  // lab
  LabCommandOptions lab_options;
  auto* lab = add_lab_command(app, lab_options);

  // iam-policy
  std::string iam_config = "config/regionguard.yaml";
  auto* iam = app.add_subcommand("iam-policy", "Print the least-privilege IAM policy for this configuration");
  iam->add_option("-c,--config", iam_config, "Configuration file")->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kUsageError;
  }
  set_up_logging(log_format, log_level);
  json_logs = log_format == "json";

  if (*check) {
    auto config = load_or_report(check_file);
    if (!config) return 1;
    if (strict) {
      std::size_t findings = 0;
      for (const auto& application : config->applications)
        for (const auto& finding : act::static_stability_findings(application)) {
          std::cerr << "static stability: " << application.name << ": " << finding << "\n";
          ++findings;
        }
      if (findings + config->warnings.size() > 0) {
        std::cerr << check_file << ": " << config->warnings.size() << " warning(s) and " << findings
                  << " static-stability finding(s); --strict fails on them\n";
        return 1;
      }
    }
    std::cout << check_file << ": ok (" << config->endpoints.size() << " endpoints, " << config->regions.size()
              << " regions)\n";
    return 0;
  }

  if (*lab) return run_lab_command(lab_options, std::cout, std::cerr);

  if (*failover) {
    auto config = load_or_report(failover_options.config_file);
    if (!config) return kUsageError;
    return run_failover_command(*config, failover_options, std::cout);
  }

  if (*cluster) {
    auto config = load_or_report(cluster_options.config_file);
    if (!config) return kUsageError;
    return run_cluster_command(*config, cluster_options, std::cout, std::cerr);
  }

  if (*cloudwatch) {
    auto config = load_or_report(cloudwatch_options.config_file);
    if (!config) return kUsageError;
    return run_cloudwatch_command(*config, cloudwatch_options, std::cout);
  }

  if (*iam) {
    auto config = load_or_report(iam_config);
    if (!config) return kUsageError;
    return run_iam_policy_command(*config, std::cout, std::cerr);
  }

  if (*ami_sync) {
    auto config = load_or_report(ami_sync_options.config_file);
    if (!config) return kUsageError;
    return run_ami_sync_command(*config, ami_sync_options, std::cout);
  }

  if (*drill) {
    auto config = load_or_report(drill_options.config_file);
    if (!config) return kUsageError;
    return run_drill_command(*config, drill_options, std::cout);
  }

  if (*doctor) {
    auto config = load_or_report(doctor_config);
    if (!config) return kUsageError;
    return run_doctor_command(*config, std::cout);
  }

  if (*run) {
    auto config = load_or_report(run_config);
    if (!config) return kUsageError;
    return run_pipeline(std::move(*config), PipelineOptions{max_rounds, run_config});
  }

  // probe
  std::optional<Config> config;
  if (!hostnames.empty()) {
    if (!probe_config.empty()) {
      std::cerr << "probe: give either --config or HOSTNAMEs, not both\n";
      return kUsageError;
    }
    AdhocOptions adhoc;
    adhoc.hostnames = hostnames;
    for (const auto& text : resolvers) {
      auto address = parse_network_address(text);
      if (!address) {
        std::cerr << "--resolver " << text << ": " << address.error() << "\n";
        return kUsageError;
      }
      adhoc.resolvers.push_back(*address);
    }
    const auto code = dns::record_type_code(record_type);
    if (code == 0) {
      std::cerr << "--type " << record_type << ": unknown record type\n";
      return kUsageError;
    }
    adhoc.record_type = RecordType{code, record_type};
    adhoc.timeout = *parse_duration(timeout);
    adhoc.interval = *parse_duration(interval);
    adhoc.verify_tls = !insecure;
    if (adhoc.timeout >= adhoc.interval && watch) {
      std::cerr << "--timeout must be less than --interval\n";
      return kUsageError;
    }
    auto adhoc_config = make_adhoc_config(adhoc);
    if (!adhoc_config) {
      std::cerr << "probe: " << adhoc_config.error() << "\n";
      return kUsageError;
    }
    config = std::move(*adhoc_config);
  } else {
    if (!resolvers.empty()) {
      std::cerr << "probe: --resolver applies to HOSTNAMEs; set resolvers in the configuration file instead\n";
      return kUsageError;
    }
    config = load_or_report(probe_config.empty() ? "config/regionguard.yaml" : probe_config);
    if (!config) return kUsageError;
  }
  return run_probe_command(*config, ProbeCommandOptions{watch, json, use_colour(colour), hostnames.empty()});
}

}  // namespace rg
