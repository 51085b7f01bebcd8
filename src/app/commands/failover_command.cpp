#include "app/commands/failover_command.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <iostream>
#include <memory>

#include "act/failover/failover_plan_builder.h"
#include "act/failover/plan_executor.h"
#include "app/commands/daemon_client.h"
#include "app/probers.h"
#include "aws/aws_session.h"
#include "net/curl_multi.h"
#include "store/open_store.h"

namespace rg {
namespace {

using namespace std::chrono_literals;

constexpr int kNotCompleted = 1;
constexpr int kUsageError = 3;
// The CLI's lease: renewed while its command runs, so that a killed CLI frees the application soon.
constexpr auto kCliLeaseTtl = 30s;
constexpr auto kCliLeaseRenewal = 5s;

// Where traffic goes now: the target of the newest completed plan, else the primary.
std::string active_region(FailoverJournal& journal, const ApplicationConfig& app) {
  const auto plans = journal.plans(app.name, 100);
  if (plans)
    for (const auto& plan : *plans)
      if (plan.state == PlanState::completed) return plan.to;
  return app.primary;
}

// The lease of another live process (the daemon, or another CLI), if any.
std::optional<Lease> live_owner(FailoverJournal& journal, const std::string& app) {
  const auto lease = journal.lease(app);
  if (!lease || !*lease) return std::nullopt;
  const auto& held = **lease;
  if (held.holder.owner == this_process_holder().owner || held.expires_at <= now_us() || !holder_alive(held.holder))
    return std::nullopt;
  return held;
}

void print_report(const act::PlanReport& report, std::ostream& out) {
  for (const auto& line : report.log) out << "  " << line << "\n";
  out << "outcome: " << act::to_string(report.outcome);
  if (report.generation > 0) out << " (generation " << report.generation << ")";
  if (!report.reason.empty()) out << ": " << report.reason;
  out << "\n";
  for (const auto& step : report.not_undone) out << "left as it is (irreversible): " << step << "\n";
}

int show_status(FailoverJournal& journal, const ApplicationConfig& app, std::ostream& out) {
  const auto plans = journal.plans(app.name, 10);
  if (!plans) {
    out << "journal: " << plans.error().message << "\n";
    return kNotCompleted;
  }
  out << app.name << ": active region " << active_region(journal, app) << " (primary " << app.primary << ", mode "
      << to_string(app.policy.mode) << ")\n";
  if (!plans->empty() && plans->front().state == PlanState::running)
    out << "in flight: #" << plans->front().generation << " " << plans->front().kind << " " << plans->front().from
        << " -> " << plans->front().to << " (traffic may already be on " << plans->front().to << ")\n";
  if (const auto owner = live_owner(journal, app.name))
    out << "owner: " << owner->holder.owner << " (pid " << owner->holder.pid << " on " << owner->holder.host
        << ", lease until " << format_iso8601(owner->expires_at) << ")\n";
  else
    out << "owner: none (no daemon runs its failover)\n";
  if (const auto lock = journal.lock(app.name); lock && lock->locked)
    out << "LOCKED since " << format_iso8601(lock->at) << ": " << lock->reason << "\n  unlock: regionguard failover unlock "
        << app.name << " --reason \"...\"\n";
  if (plans->empty()) out << "no plans yet\n";
  for (const auto& plan : *plans)
    out << "  #" << plan.generation << " " << plan.kind << " " << plan.from << " -> " << plan.to << "  "
        << to_string(plan.state) << "  " << format_iso8601(plan.created_at)
        << (plan.detail.empty() ? "" : "  " + plan.detail) << "\n";
  return 0;
}

int unlock(FailoverJournal& journal, const ApplicationConfig& app, const std::string& reason, std::ostream& out) {
  if (reason.empty()) {
    out << "unlock needs --reason \"...\": why automation is safe again (it is journaled)\n";
    return kUsageError;
  }
  const auto lock = journal.lock(app.name);
  if (!lock) {
    out << "journal: " << lock.error().message << "\n";
    return kNotCompleted;
  }
  if (!lock->locked) {
    out << app.name << " is not locked\n";
    return kUsageError;
  }
  const LockState unlocked{false, now_us(), 0, "unlocked on the command line: " + reason};
  if (auto written = journal.set_lock(app.name, unlocked); !written) {
    out << "journal: " << written.error().message << "\n";
    return kNotCompleted;
  }
  out << "unlocked " << app.name << " (it was locked since " << format_iso8601(lock->at) << ": " << lock->reason
      << ")\n";
  return 0;
}

// A live daemon owns the application: it takes the request (so it alone runs plans for it).
int ask_daemon(const Config& config, const FailoverCommandOptions& options, const Lease& owner, std::ostream& out) {
  out << options.app << "'s failover is run by " << owner.holder.owner << ": asking it through its API\n";
  nlohmann::json body = nlohmann::json::object();
  if (!options.to.empty()) body["to"] = options.to;
  const auto answer = post_to_daemon(config.server, "/api/v1/failover/" + options.app + "/" + options.action, body);
  if (!answer) {
    // The holder may be another command rather than a daemon: either way it is not ours to act.
    out << "refused: " << owner.holder.owner << " holds " << options.app << "'s failover until "
        << format_iso8601(owner.expires_at) << " and its API does not answer (" << answer.error()
        << "); if it is another `regionguard failover` command, try again when it ends\n";
    return kNotCompleted;
  }
  const bool accepted = answer->status >= 200 && answer->status < 300;
  if (!accepted && answer->body.contains("error"))
    out << "refused (" << answer->status << "): " << answer->body["error"].value("message", "") << "\n";
  else
    out << (accepted ? "accepted" : "refused") << " (" << answer->status << "): " << answer->body.dump() << "\n";
  if (accepted) out << "follow it with `regionguard failover status " << options.app << "`\n";
  return accepted ? 0 : kNotCompleted;
}

// The daemon proposed a move (manual-approval): approving marks it approved in the journal and the
// owner runs it at its next round (it holds the AWS clients and the monitor's view of the
// target, and checks that the source is still down); rolling back declines it.
int answer_proposal(FailoverJournal& journal, const JournalPlan& proposal, bool approve, std::ostream& out) {
  const auto written = journal.finish_plan(proposal.app, proposal.generation, PlanState::proposed,
                                           approve ? PlanState::approved : PlanState::declined, now_us(),
                                           approve ? "approved on the command line" : "declined on the command line");
  if (!written) {
    out << "journal: " << written.error().message << "\n";
    return kNotCompleted;
  }
  if (*written != JournalWrite::ok) {
    out << "proposal #" << proposal.generation << " is no longer waiting (answered, expired or superseded meanwhile)\n";
    return kNotCompleted;
  }
  out << (approve ? "approved" : "declined") << " #" << proposal.generation << " " << proposal.kind << " "
      << proposal.from << " -> " << proposal.to;
  out << (approve ? ": no daemon owns it now; the next daemon to own it runs it if " + proposal.from +
                        " is still down and the proposal has not expired\n"
                  : "\n");
  return 0;
}

// No monitor runs in this process: the replica's rds check is asked once for its ReplicaLag, so
// that readiness judges a known lag (an unknown one is not ready unless the plan allows it).
std::optional<double> probe_replica_lag(boost::asio::io_context& io, CurlMulti& curl, aws::AwsSession& aws,
                                        const Config& config, const ApplicationConfig& app, const std::string& to) {
  const auto replica = app.plan.rds_replicas.find(to);
  if (replica == app.plan.rds_replicas.end()) return std::nullopt;
  const auto check = std::ranges::find_if(config.endpoints, [&](const EndpointConfig& endpoint) {
    return endpoint.kind == ProbeKind::rds && endpoint.region == to && endpoint.aws.resource == replica->second;
  });
  if (check == config.endpoints.end()) return std::nullopt;
  Probers probers(io, curl, aws);
  ProbeScheduler scheduler(io, {*check}, ProbeScheduler::Options{std::chrono::milliseconds(0)});
  probers.register_with(scheduler);
  std::optional<double> lag;
  scheduler.run_once([&](ProbeRound&& round) {
    if (!round.results.empty() && round.results.front().resource) lag = round.results.front().resource->replica_lag_seconds;
    io.stop();
  });
  io.run();
  io.restart();
  return lag;
}

}  // namespace

CLI::App* add_failover_command(CLI::App& cli, FailoverCommandOptions& options) {
  auto* failover = cli.add_subcommand("failover", "Plan, execute, approve, roll back, unlock or show an application's failover");
  failover->add_option("-c,--config", options.config_file, "Configuration file")->capture_default_str();
  failover->add_option("action", options.action, "plan, execute, approve, rollback, status or unlock")
      ->required()
      ->check(CLI::IsMember({"plan", "execute", "approve", "rollback", "status", "unlock"}));
  failover->add_option("app", options.app, "Application name (applications: in the configuration)")->required();
  failover->add_option("--to", options.to, "Target region (default: the first secondary, or back to the primary)");
  failover->add_flag("--dry-run", options.dry_run, "Check readiness and print the steps; change nothing");
  failover->add_option("--reason", options.reason, "unlock: why automation is safe again (journaled)");
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
  if (options.action == "unlock") return unlock(journal, *app, options.reason, out);
  const bool changes = !options.dry_run && options.action != "plan";
  if (changes)
    if (const auto owner = live_owner(journal, app->name)) return ask_daemon(config, options, *owner, out);
  // The lease first, then the journal: what this command reads (the active region, a plan left
  // running, a proposal) cannot change under it, since nobody else may begin a plan meanwhile.
  const LeaseHolder me = this_process_holder();
  if (changes) {
    const auto lease = journal.acquire_lease(app->name, me, now_us(), kCliLeaseTtl);
    if (!lease || !lease->ours) {
      out << "refused: " << (lease ? "another process holds " + app->name + "'s failover: " + lease->lease.holder.owner
                                   : "journal: " + lease.error().message)
          << "\n";
      return kNotCompleted;
    }
  }
  const std::unique_ptr<const LeaseHolder, std::function<void(const LeaseHolder*)>> release(
      changes ? &me : nullptr, [&](const LeaseHolder* holder) { journal.release_lease(app->name, holder->owner); });

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
  const bool left_running = *latest && (*latest)->state == PlanState::running;
  if (changes && options.action == "execute" && left_running) {
    out << "refused: plan #" << (*latest)->generation << " (" << (*latest)->kind << " " << (*latest)->from << " -> "
        << (*latest)->to << ") is running, left by " << ((*latest)->owner.empty() ? "a process" : (*latest)->owner)
        << " that is gone: roll it back (`regionguard failover rollback " << app->name
        << "`) or start the daemon, which resumes or rolls it back\n";
    return kNotCompleted;
  }
  if (changes) {
    if (const auto lock = journal.lock(app->name); lock && lock->locked && options.action == "execute") {
      out << "refused: " << app->name << " is locked (" << lock->reason << "); unlock it first\n";
      return kNotCompleted;
    }
  }
  const std::string from = active_region(journal, *app);
  std::string to = options.to;
  const auto regions = app->regions();
  if (options.action == "rollback") {
    // A plan left running (a crash) is undone by a new generation that fences it; a completed
    // one is reversed by a new plan back to the region it left.
    if (!*latest || ((*latest)->state != PlanState::running && (*latest)->state != PlanState::completed)) {
      out << app->name << " has no running or completed plan to roll back\n";
      return kUsageError;
    }
    to = left_running ? (*latest)->to : (*latest)->from;
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
  // A plan left running is undone in place (as a new generation that fences it).
  const bool in_place = options.action == "rollback" && left_running;
  act::PlanContext context{session.lookup(config.aws.timeout), scheduler, act::WaitOptions{}, std::nullopt, false,
                           in_place ? std::nullopt : probe_replica_lag(io, curl, session, config, *app, to),
                           io.get_executor()};
  act::PlanExecutor executor(io.get_executor(), journal, [] { return now_us(); }, act::ExecutorSettings{me.owner});
  std::optional<act::PlanReport> report;
  // A client that cannot be made (no credentials) stops the plan before it starts, with the reason.
  auto plan = act::build_failover_plan(*app, in_place ? (*latest)->from : from, to, context);
  if (!plan) {
    out << "cannot reach AWS: " << plan.error() << "\n";
    return kNotCompleted;
  }
  const auto done = [&](act::PlanReport r) {
    report = std::move(r);
    io.stop();
  };
  if (!changes) {
    out << "plan " << plan->kind << " of " << app->name << ": " << plan->from << " -> " << plan->to << "\n";
    executor.dry_run(std::move(*plan), done);
  } else {
    const auto generation = journal.next_generation(app->name);
    if (!generation) {
      out << "journal: " << generation.error().message << "\n";
      return kNotCompleted;
    }
    if (in_place) {
      out << "rolling back " << plan->kind << " #" << (*latest)->generation << " of " << app->name
          << " (left running by " << ((*latest)->owner.empty() ? "a process" : (*latest)->owner) << ") as #"
          << *generation << ": " << plan->from << " -> " << plan->to << "\n";
      JournalPlan rollback{app->name, *generation, "rollback", plan->to, plan->from, PlanState::running, now_us(),
                           now_us(), "requested on the command line", {}, {}, {}, {}};
      const auto written = journal.supersede(rollback, (*latest)->generation, me.owner);
      if (!written || *written != JournalWrite::ok) {
        out << "refused: #" << (*latest)->generation << " cannot be superseded ("
            << (written ? "it ended meanwhile" : written.error().message) << ")\n";
        return kNotCompleted;
      }
      plan->kind = "rollback";
      executor.undo_superseded(std::move(*plan), **latest, *generation, done);
    } else {
      out << "executing " << plan->kind << " of " << app->name << ": " << plan->from << " -> " << plan->to << "\n";
      executor.run(std::move(*plan), *generation, done);
    }
  }
  // The lease is renewed while the plan runs; credentials resolve on a worker thread, so the loop
  // runs until the plan reports.
  boost::asio::steady_timer renew(io);
  std::function<void()> keep_lease = [&] {
    renew.expires_after(kCliLeaseRenewal);
    renew.async_wait([&](const boost::system::error_code& error) {
      if (error) return;
      journal.acquire_lease(app->name, me, now_us(), kCliLeaseTtl);
      keep_lease();
    });
  };
  if (changes) keep_lease();
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
