#include "app/commands/failover_command.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <iostream>

#include "act/failover/failover_plan_builder.h"
#include "act/failover/plan_executor.h"
#include "net/curl_multi.h"
#include "aws/aws_session.h"
#include "store/open_store.h"

namespace rg {
namespace {

using namespace std::chrono_literals;

constexpr int kNotCompleted = 1;
constexpr int kUsageError = 3;

// Where traffic goes now: the target of the newest completed plan, else the primary.
std::string active_region(FailoverJournal& journal, const ApplicationConfig& app) {
  const auto plans = journal.plans(app.name, 100);
  if (plans)
    for (const auto& plan : *plans)
      if (plan.state == PlanState::completed) return plan.to;
  return app.primary;
}

void print_report(const act::PlanReport& report, std::ostream& out) {
  for (const auto& line : report.log) out << "  " << line << "\n";
  out << "outcome: " << act::to_string(report.outcome);
  if (report.generation > 0) out << " (generation " << report.generation << ")";
  if (!report.reason.empty()) out << ": " << report.reason;
  out << "\n";
}

int show_status(FailoverJournal& journal, const ApplicationConfig& app, std::ostream& out) {
  out << app.name << ": active region " << active_region(journal, app) << " (primary " << app.primary
      << ", mode " << to_string(app.policy.mode) << ")\n";
  const auto plans = journal.plans(app.name, 10);
  if (!plans) {
    out << "journal: " << plans.error().message << "\n";
    return kNotCompleted;
  }
  if (plans->empty()) out << "no plans yet\n";
  for (const auto& plan : *plans)
    out << "  #" << plan.generation << " " << plan.kind << " " << plan.from << " -> " << plan.to << "  "
        << to_string(plan.state) << "  " << format_iso8601(plan.created_at)
        << (plan.detail.empty() ? "" : "  " + plan.detail) << "\n";
  return 0;
}

// The daemon proposed a move (manual-approval): approving marks it approved in the journal and the
// daemon runs it at its next round (it holds the AWS clients and the monitor's view of the
// target); rolling back declines it.
int answer_proposal(FailoverJournal& journal, const JournalPlan& proposal, bool approve, std::ostream& out) {
  const auto written = journal.finish_plan(proposal.app, proposal.generation,
                                           approve ? PlanState::approved : PlanState::declined, now_us(),
                                           approve ? "approved on the command line" : "declined on the command line");
  if (!written) {
    out << "journal: " << written.error().message << "\n";
    return kNotCompleted;
  }
  if (*written == JournalWrite::fenced) {
    out << "proposal #" << proposal.generation << " is stale: a newer plan exists\n";
    return kNotCompleted;
  }
  out << (approve ? "approved" : "declined") << " #" << proposal.generation << " " << proposal.kind << " "
      << proposal.from << " -> " << proposal.to;
  out << (approve ? ": the daemon runs it at its next round (follow it with `failover status`)\n" : "\n");
  return 0;
}

}  // namespace

CLI::App* add_failover_command(CLI::App& cli, FailoverCommandOptions& options) {
  auto* failover = cli.add_subcommand("failover", "Plan, execute, approve, roll back or show an application's failover");
  failover->add_option("-c,--config", options.config_file, "Configuration file")->capture_default_str();
  failover->add_option("action", options.action, "plan, execute, approve, rollback or status")
      ->required()
      ->check(CLI::IsMember({"plan", "execute", "approve", "rollback", "status"}));
  failover->add_option("app", options.app, "Application name (applications: in the configuration)")->required();
  failover->add_option("--to", options.to, "Target region (default: the first secondary, or back to the primary)");
  failover->add_flag("--dry-run", options.dry_run, "Check readiness and print the steps; change nothing");
  return failover;
}

int run_failover_command(const Config& config, const FailoverCommandOptions& options, std::ostream& out) {
  const auto app = std::ranges::find(config.applications, options.app, &ApplicationConfig::name);
  if (app == config.applications.end()) {
    out << "no application `" << options.app << "` in " << config.source_file << "\n";
    return kUsageError;
  }
  auto store = open_store(config.store, StoreAccess::read_write);
  if (!store) {
    out << "cannot open the failover journal " << config.store.path << ": " << store.error().message << "\n";
    return kUsageError;
  }
  FailoverJournal& journal = *store->journal;
  if (options.action == "status") return show_status(journal, *app, out);

  const auto latest = journal.latest(app->name);
  if (!latest) {
    out << "journal: " << latest.error().message << "\n";
    return kNotCompleted;
  }
  if (*latest && (*latest)->state == PlanState::proposed && (options.action == "approve" || options.action == "rollback"))
    return answer_proposal(journal, **latest, options.action == "approve", out);
  if (options.action == "approve") {
    out << app->name << " has no proposal waiting for approval (see `regionguard failover status " << app->name
        << "`)\n";
    return kUsageError;
  }
  const std::string from = active_region(journal, *app);
  std::string to = options.to;
  const auto regions = app->regions();
  if (options.action == "rollback") {
    // A plan left running (a crash) is rolled back in place; a completed one is reversed by a
    // new plan back to the region it left.
    if (!*latest || ((*latest)->state != PlanState::running && (*latest)->state != PlanState::completed)) {
      out << app->name << " has no running or completed plan to roll back\n";
      return kUsageError;
    }
    to = (*latest)->state == PlanState::running ? (*latest)->to : (*latest)->from;
  } else if (to.empty()) {
    to = from == app->primary ? app->secondaries.front() : app->primary;
  }
  if (std::ranges::find(regions, to) == regions.end()) {
    out << "`" << to << "` is not a region of " << app->name << "\n";
    return kUsageError;
  }
  if (to == from && options.action != "rollback") {
    out << app->name << " is already active in " << to << "\n";
    return kUsageError;
  }

  boost::asio::io_context io;
  CurlMulti curl(io);
  aws::AwsSession session(io, curl, config.aws);
  aws::AsioScheduler scheduler(io);
  act::PlanContext context{session.lookup(config.aws.timeout), scheduler, act::WaitOptions{}, std::nullopt, false,
                           std::nullopt, io.get_executor()};
  act::PlanExecutor executor(io.get_executor(), journal, [] { return now_us(); });
  std::optional<act::PlanReport> report;
  // A plan left running is rolled back in place, and succeeds when everything was put back.
  const bool in_place = options.action == "rollback" && (*latest)->state == PlanState::running;
  // A client that cannot be made (no credentials) stops the plan before it starts, with the reason.
  auto plan = act::build_failover_plan(*app, in_place ? (*latest)->from : from, to, context);
  if (!plan) {
    out << "cannot reach AWS: " << plan.error() << "\n";
    return kNotCompleted;
  }
  if (in_place)
    out << "rolling back " << plan->kind << " of " << app->name << " (generation " << (*latest)->generation
        << ", left running): " << plan->from << " -> " << plan->to << "\n";
  else
    out << (options.dry_run || options.action == "plan" ? "plan" : "executing") << " " << plan->kind << " of "
        << app->name << ": " << plan->from << " -> " << plan->to << "\n";
  const auto done = [&](act::PlanReport r) {
    report = std::move(r);
    io.stop();
  };
  if (options.dry_run || options.action == "plan") {
    executor.dry_run(std::move(*plan), done);
  } else if (in_place) {
    executor.recover(std::move(*plan), **latest, act::Recovery::rollback, done);
  } else {
    const auto generation = journal.next_generation(app->name);
    if (!generation) {
      out << "journal: " << generation.error().message << "\n";
      return kNotCompleted;
    }
    executor.run(std::move(*plan), *generation, done);
  }
  // Credentials resolve on a worker thread: keep the loop running until the plan reports.
  auto work = boost::asio::make_work_guard(io);
  if (!report) io.run();
  if (!report) {
    out << "the plan did not finish\n";
    return kNotCompleted;
  }
  print_report(*report, out);
  const auto wanted = in_place ? act::PlanOutcome::rolled_back : act::PlanOutcome::completed;
  return report->outcome == wanted ? 0 : kNotCompleted;
}

}  // namespace rg
