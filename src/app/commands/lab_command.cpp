#include "app/commands/lab_command.h"

#include <signal.h>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <atomic>
#include <ctime>
#include <filesystem>
#include <thread>
#include <ostream>

#include "lab/lab_control.h"
#include "lab/lab_world.h"
#include "lab/scenario.h"
#include "lab/scenario_report.h"
#include "lab/scenario_runner.h"

namespace rg {

namespace {

constexpr int kUsageError = 3;

std::string scenario_names() {
  std::string names;
  for (const auto& scenario : lab::scenarios()) names += (names.empty() ? "" : ", ") + scenario.name;
  return names;
}

// The daemon is this very binary; its dashboard the checkout's build when run from build/<preset>/.
lab::LabOptions lab_options() {
  lab::LabOptions options;
  std::error_code ec;
  options.regionguard = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) options.regionguard = "/usr/bin/regionguard";
  const auto checkout_web = options.regionguard.parent_path() / ".." / ".." / "web" / "dist";
  if (std::filesystem::exists(checkout_web / "index.html", ec)) {
    options.web_root = std::filesystem::weakly_canonical(checkout_web, ec).string();
  }
  return options;
}

int run_interactive(bool route53, std::ostream& out, std::ostream& err) {
  // Blocked before any thread starts, so every thread inherits the mask and sigwait below gets
  // them; the children unblock them before exec (lab/child_process.cpp).
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  try {
    auto options = lab_options();
    options.route53 = route53;
    lab::LabWorld world(options);
    world.start_daemon();
    const lab::LabControl control(world);
    const auto& east = world.region_server("us-east-1");
    const auto& west = world.region_server("us-west-2");
    fmt::print(out,
               "regionguard lab: two regions on loopback, the daemon failing {app} over automatically\n"
               "  dashboard   {dashboard}\n"
               "  DNS front   127.0.0.1:{dns}   (kdig @127.0.0.1 -p {dns} {app}; dynamodb.us-east-1.lab, s3...)\n"
               "  knotd       127.0.0.1:{knot}   (zone lab., RFC 2136 under a generated TSIG key)\n"
               "  us-east-1   {east}   us-west-2 {west}\n"
               "  config      {config}\n"
               "  daemon log  {log}\n"
               "Break things from another terminal:\n"
               "  regionguard lab fault us-east-1 empty          # us-east-1's DynamoDB and S3 names answer empty\n"
               "  regionguard lab fault us-east-1 ok             # and back\n"
               "  regionguard lab fault dynamodb.us-east-1.lab nxdomain   # one name: ok empty nxdomain servfail "
               "drop delay [MS] loss [PCT]\n"
               "  regionguard lab fault app us-east-1 http-500   # the region's application: ok http-500 hang slow [MS]\n"
               "  regionguard lab fault all servfail             # the monitor's own resolver fails\n"
               "  regionguard lab run --short dynamodb-empty-dns # a scenario in a world of its own, with a verdict\n"
               "Ctrl-C stops everything the lab started.\n",
               fmt::arg("app", world.app_name()), fmt::arg("dashboard", world.dashboard_url()),
               fmt::arg("dns", world.dns_front().port()), fmt::arg("knot", world.knot().port()),
               fmt::arg("east", east.url("/")), fmt::arg("west", west.url("/")),
               fmt::arg("config", world.config_file().string()), fmt::arg("log", world.daemon_log().string()));
    if (world.moto() != nullptr) {
      // What the Route 53 variant changes: the move is a Route 53 change in moto, not an RFC 2136
      // update, so knotd keeps serving app.lab's old address (moto serves no DNS).
      fmt::print(out,
                 "Route 53 variant: moto_server {moto} holds {app} in hosted zone {zone}; the plan's route53 step\n"
                 "  moves it there instead of updating knotd (which keeps the old answer; no verify_dns). Read it:\n"
                 "  AWS_ACCESS_KEY_ID=lab AWS_SECRET_ACCESS_KEY=lab aws --endpoint-url {moto} route53 "
                 "list-resource-record-sets --hosted-zone-id {zone}\n",
                 fmt::arg("moto", world.moto()->endpoint()), fmt::arg("app", world.app_name()),
                 fmt::arg("zone", world.route53_zone_id()));
    }
    out.flush();
    int signal = 0;
    sigwait(&stop_signals, &signal);
    fmt::print(out, "regionguard lab: {}, stopping\n", signal == SIGINT ? "interrupted" : "terminated");
    out.flush();
    return 0;  // control, world: the daemon, the servers and knotd stop as they are destroyed
  } catch (const std::exception& e) {
    fmt::print(err, "regionguard lab: {}\n", e.what());
    return 1;
  }
}

int run_scenarios(const LabCommandOptions& options, std::ostream& out, std::ostream& err) {
  std::vector<const lab::Scenario*> chosen;
  for (const auto& name : options.scenarios) {
    if (name == "all") {
      for (const auto& scenario : lab::scenarios()) chosen.push_back(&scenario);
      continue;
    }
    const auto* scenario = lab::find_scenario(name);
    if (scenario == nullptr) {
      fmt::print(err, "lab run: unknown scenario '{}' (one of: {}, or all)\n", name, scenario_names());
      return kUsageError;
    }
    chosen.push_back(scenario);
  }
  // Ctrl-C ends the run in progress the orderly way: the world it built (the daemon, knotd, the
  // servers, their temporary directories) is torn down before the command exits.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::atomic<bool> cancelled{false};
  std::jthread watcher([&](std::stop_token stop) {
    const timespec tick{0, 100'000'000};
    while (!stop.stop_requested()) {
      if (sigtimedwait(&stop_signals, nullptr, &tick) > 0) {
        cancelled = true;
        return;
      }
    }
  });
  lab::RunOptions run_options{.lab = lab_options(), .short_run = options.short_run,
                              .progress = options.json ? nullptr : &out, .cancelled = &cancelled};
  bool all_passed = true;
  for (const auto* scenario : chosen) {
    std::vector<lab::ScenarioRun> runs;
    for (unsigned i = 0; i < options.repeat; ++i) {
      try {
        runs.push_back(lab::run_scenario(*scenario, run_options));
      } catch (const lab::RunCancelled&) {
        fmt::print(err, "lab run {}: interrupted\n", scenario->name);
        return 130;
      } catch (const std::exception& e) {
        fmt::print(err, "lab run {}: {}\n", scenario->name, e.what());
        return 1;
      }
      const auto& run = runs.back();
      all_passed = all_passed && run.pass;
      if (options.json) {
        fmt::print(out, "{}\n", lab::run_json(run).dump());
      } else {
        lab::print_run(out, run);
      }
      out.flush();
    }
    if (options.repeat > 1) {
      if (options.json) {
        fmt::print(out, "{}\n", nlohmann::json{{"summary", lab::summary_json(runs)}}.dump());
      } else {
        lab::print_summary(out, runs);
      }
    }
  }
  return all_passed ? 0 : 1;
}

}  // namespace

CLI::App* add_lab_command(CLI::App& cli, LabCommandOptions& options) {
  auto* lab = cli.add_subcommand("lab", "A two-region world on this machine (knotd, a DNS fault front, regional "
                                        "servers, the daemon): break it by hand, or run fault scenarios");
  lab->require_subcommand(0, 1);
  lab->add_flag("--route53", options.route53,
                "The Route 53 variant: moto_server (pip install 'moto[server]') holds the application's record, "
                "and the plan moves it with a Route 53 change instead of an RFC 2136 update of knotd");
  options.fault = lab->add_subcommand("fault", "Inject a fault into the running lab: REGION|NAME|all DNSFAULT [MS], "
                                               "or app REGION ok|http-500|hang|slow [MS]");
  options.fault->add_option("words", options.fault_words,
                            "e.g. `us-east-1 empty`, `dynamodb.us-east-1.lab servfail`, `app us-east-1 http-500`")
      ->required();
  options.run = lab->add_subcommand("run", "Run fault scenarios, each in a fresh lab, with a timeline and a verdict");
  options.run->add_option("scenarios", options.scenarios, "Scenarios (or all): " + scenario_names())->required();
  options.run->add_option("--repeat", options.repeat, "Run each scenario N times; prints median and p95 per step")
      ->check(CLI::Range(1u, 100u));
  options.run->add_flag("--json", options.json, "One JSON object a line per run (and a summary with --repeat)");
  options.run->add_flag("--short", options.short_run, "Each scenario in the few seconds CI can afford");
  return lab;
}

int run_lab_command(const LabCommandOptions& options, std::ostream& out, std::ostream& err) {
  if (options.fault != nullptr && options.fault->parsed()) {
    const auto done = lab::send_fault(options.fault_words);
    if (!done) {
      fmt::print(err, "lab fault: {}\n", done.error());
      return 1;
    }
    fmt::print(out, "{}\n", *done);
    return 0;
  }
  if (options.run != nullptr && options.run->parsed()) return run_scenarios(options, out, err);
  return run_interactive(options.route53, out, err);
}

}  // namespace rg
