#include "app/commands/failover_command.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <iostream>
#include <memory>

#include "act/failover/failover_controller.h"
#include "act/failover/static_stability.h"
#include "app/commands/daemon_client.h"
#include "app/probers.h"
#include "aws/aws_session.h"
#include "net/curl_multi.h"
#include "app/cluster_wiring.h"
#include "present/failover_api.h"
#include "store/open_store.h"

namespace rg {
namespace {

using namespace std::chrono_literals;

constexpr int kNotCompleted = 1;
constexpr int kUsageError = 3;
// The lease of another live process (the daemon, or another command line), if any.
std::optional<Lease> live_owner(FailoverJournal& journal, const std::string& app) {
  const auto lease = journal.lease(app);
  if (!lease || !*lease || (*lease)->holder.owner == this_process_holder().owner || !lease_is_live(**lease, now_us()))
    return std::nullopt;
  return **lease;
}

// What the move needs from which control plane, and what an outage would take from it.
void print_control_planes(const ApplicationConfig& app, const std::string& from, const std::string& to,
                          std::ostream& out) {
  out << "control planes:\n";
  for (const auto& call : act::control_plane_calls(app, from, to))
    out << "  " << (call.readiness ? "readiness " : "step ") << call.block << ": " << call.what
        << (call.region.empty() ? std::string(" (not an AWS control plane)") : " in " + call.region) << "\n";
  const auto findings = act::static_stability_findings(app, from, to);
  if (findings.empty()) out << "static stability: no step needs the control plane of " << from << " or us-east-1\n";
  for (const auto& finding : findings) out << "STATIC STABILITY: " << finding << "\n";
}

void print_report(const act::PlanReport& report, std::ostream& out) {
  for (const auto& line : report.log) out << "  " << line << "\n";
  out << "outcome: " << act::to_string(report.outcome);
  if (report.generation > 0) out << " (generation " << report.generation << ")";
  if (!report.reason.empty()) out << ": " << report.reason;
  out << "\n";
  for (const auto& step : report.not_undone) out << "left as it is (irreversible): " << step << "\n";
}

// The moments a recovery reached, from the first failure on.
void print_milestones(const act::RecoveryTime& recovery, std::ostream& out) {
  const std::pair<std::string_view, const std::optional<TimePoint>*> milestones[] = {
      {"first failure", &recovery.failing_since}, {"decided", &recovery.decided_at},
      {"started", &recovery.started_at},          {"ready", &recovery.ready_at},
      {"traffic moved", &recovery.traffic_moved_at}, {"verified", &recovery.verified_at},
      {"settled", &recovery.settled_at}};
  for (const auto& [what, at] : milestones)
    if (*at) out << "  " << what << ": " << format_iso8601(**at) << "\n";
}

void print_status(const act::ApplicationStatus& app, std::ostream& out) {
  out << app.name << ": active region " << app.active_region << " (primary " << app.primary << ", mode " << app.mode
      << ")\n";
  if (app.plan && app.plan->state == PlanState::running)
    out << "in flight: #" << app.plan->generation << " " << app.plan->kind << " " << app.plan->from << " -> "
        << app.plan->to << " (traffic may already be on " << app.plan->to << ")\n";
  if (app.owner)
    out << "owner: " << app.owner->holder.owner << " (pid " << app.owner->holder.pid << " on " << app.owner->holder.host
        << ", lease until " << format_iso8601(app.owner->expires_at) << ")\n";
  else
    out << "owner: none (no daemon runs its failover)\n";
  if (app.lock.locked)
    out << "LOCKED since " << format_iso8601(app.lock.at) << ": " << app.lock.reason
        << "\n  unlock: regionguard failover unlock " << app.name << " --reason \"...\"\n";
  if (app.recovery) {
    // Where the time went: the running plan's so far, or the last one that ran.
    out << "recovery time of #" << app.recovery->generation << ": " << app.recovery->text << "\n";
    print_milestones(*app.recovery, out);
  }
  if (app.history.empty()) out << "no plans yet\n";
  for (const auto& plan : app.history) {
    out << "  #" << plan.generation << " " << plan.kind << " " << plan.from << " -> " << plan.to << "  "
        << to_string(plan.state) << "  " << format_iso8601(plan.created_at)
        << (plan.detail.empty() ? "" : "  " + plan.detail) << "\n";
    // Its steps, when status read them (the newest plan): what each said, a command's output too.
    for (const auto& step : plan.steps) {
      std::string detail = step.detail;
      for (std::size_t at = 0; (at = detail.find('\n', at)) != std::string::npos; at += 7) detail.replace(at, 1, "\n      ");
      out << "    " << step.name << ": " << to_string(step.phase) << (detail.empty() ? "" : "  " + detail) << "\n";
    }
  }
}

// A refusal's exit code: the request was wrong (usage), or the state forbade it now.
int refused(const act::Refusal& refusal, std::ostream& out) {
  out << "refused: " << refusal.message << "\n";
  return refusal.kind == act::RefusalKind::unknown || refusal.kind == act::RefusalKind::invalid ? kUsageError
                                                                                                : kNotCompleted;
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

// The SQLite journal beside the history, or in a cluster the journal in etcd (read-only here: a
// command line holds no fencing token).
std::expected<std::unique_ptr<FailoverJournal>, std::string> open_failover_journal(const Config& config) {
  if (config.cluster) return cluster_journal(*config.cluster, [] { return std::optional<std::int64_t>(); });
  auto store = open_store(config.store, StoreAccess::read_write);
  if (!store) return std::unexpected("cannot open the failover journal " + config.store.path + ": " + store.error().message);
  return std::move(store->journal);
}

// In a cluster: the local agent's API takes the request (it leads) or names the leader.
int ask_agent(const Config& config, const FailoverCommandOptions& options, std::ostream& out) {
  nlohmann::json request = nlohmann::json::object();
  if (!options.to.empty()) request["to"] = options.to;
  if (!options.reason.empty()) request["reason"] = options.reason;
  const auto answer = post_to_daemon(config.server, "/api/v1/failover/" + options.app + "/" + options.action, request);
  if (!answer) {
    out << "refused: in a cluster only the leading agent changes anything, and this host's agent does not answer ("
        << answer.error() << "); run the command on the leader's host (`regionguard cluster status` there)\n";
    return kNotCompleted;
  }
  const bool accepted = answer->status >= 200 && answer->status < 300;
  if (accepted) {
    out << "accepted (" << answer->status << "): " << answer->body.dump() << "\n"
        << "follow it with `regionguard failover status " << options.app << "`\n";
    return 0;
  }
  const auto reply = answer->body.is_object() ? answer->body : nlohmann::json::object();
  out << "refused (" << answer->status << "): "
      << (reply.contains("error") && reply.at("error").is_object() ? reply.at("error").value("message", "")
                                                                    : reply.dump())
      << "\n";
  if (reply.contains("leader") && reply.at("leader").is_object())
    out << "the leader is " << reply.at("leader").value("name", "") << ", its API "
        << reply.at("leader").value("api_url", "") << ": run the command on its host\n";
  return kNotCompleted;
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
  failover->add_option("action", options.action, "plan, execute, approve, decline, rollback, status or unlock")
      ->required()
      ->check(CLI::IsMember({"plan", "execute", "approve", "decline", "rollback", "status", "unlock"}));
  failover->add_option("app", options.app, "Application name (applications: in the configuration)")->required();
  failover->add_option("--to", options.to, "Target region (default: the first secondary, or back to the primary)");
  failover->add_flag("--dry-run", options.dry_run, "Check readiness and print the steps; change nothing");
  failover->add_option("--reason", options.reason, "unlock: why automation is safe again (journaled)");
  failover->add_flag("--json", options.json, "status: print the application as GET /api/v1/failover/APP answers it");
  return failover;
}

int run_failover_command(const Config& config, const FailoverCommandOptions& options, std::ostream& out) {
  const auto app = std::ranges::find(config.applications, options.app, &ApplicationConfig::name);
  if (app == config.applications.end()) {
    out << "no application `" << options.app << "` in " << config.source_file << "\n";
    return kUsageError;
  }
  const bool changes = !options.dry_run && options.action != "plan" && options.action != "status" &&
                       options.action != "unlock";
  if (config.cluster && (changes || options.action == "unlock"))
    // In a cluster only the leader changes anything: the local agent takes the request, or
    // refuses it naming the leader (a command line never leads).
    return ask_agent(config, options, out);
  auto store = open_failover_journal(config);
  if (!store) {
    out << store.error() << "\n";
    return kUsageError;
  }
  // A plan waiting at an approval pause reads its answer from the journal, whoever runs it (a
  // daemon, or another command holding the lease): answered here, without the lease.
  if (options.action == "approve" || options.action == "decline")
    if (const auto latest = (*store)->latest(app->name); latest && *latest && act::awaiting_approval(**latest)) {
      const bool approve = options.action == "approve";
      const auto pause = act::awaiting_approval(**latest)->name;
      const auto written = act::answer_approval(**store, **latest, approve, "the command line", now_us());
      if (!written || *written != JournalWrite::ok) {
        out << "refused: " << (written ? "the plan no longer waits at " + pause : written.error().message) << "\n";
        return kNotCompleted;
      }
      out << (approve ? "approved " : "declined ") << pause << " of plan #" << (*latest)->generation << ": it "
          << (approve ? "goes on" : "rolls back") << " (`regionguard failover status " << app->name << "`)\n";
      return 0;
    }
  if (changes)
    if (const auto owner = live_owner(**store, app->name)) return ask_daemon(config, options, *owner, out);

  // No live daemon owns the application: this command runs the same controller, for itself. It
  // takes the application's lease when an operation changes something and renews it until the
  // plan ends.
  boost::asio::io_context io;
  CurlMulti curl(io);
  aws::AwsSession session(io, curl, config.aws);
  act::ControllerSetup setup;
  setup.role = act::ControllerSetup::Role::command;
  setup.clients = session.lookup(config.aws.timeout);
  setup.curl = &curl;
  std::map<std::string, std::optional<double>> lags;  // asked once per target
  setup.replica_lag = [&](const ApplicationConfig& application, const std::string& to) {
    if (!lags.contains(to)) lags[to] = probe_replica_lag(io, curl, session, config, application, to);
    return lags[to];
  };
  auto controller = act::FailoverController::start(io, config, std::move(*store), std::move(setup));
  if (!controller) {
    out << "cannot start the failover controller: " << controller.error() << "\n";
    return kNotCompleted;
  }
  auto& failover = **controller;
  constexpr std::string_view by = "the command line";
  const auto& name = app->name;

  if (options.action == "status") {
    if (options.json) out << application_json(*failover.status(name)).dump(2) << "\n";
    else print_status(*failover.status(name), out);
    return 0;
  }
  if (options.action == "unlock") {
    if (options.reason.empty()) {
      out << "unlock needs --reason \"...\": why automation is safe again (it is journaled)\n";
      return kUsageError;
    }
    const auto unlocked = failover.unlock(name, options.reason, by);
    if (!unlocked) return refused(unlocked.error(), out);
    out << "unlocked " << name << " (it was locked since " << format_iso8601(unlocked->was.at) << ": "
        << unlocked->was.reason << ")\n";
    return 0;
  }

  // Runs the loop until the controller has nothing in flight (credentials resolve on a worker
  // thread, so the loop runs until the plan reports).
  const auto wait_until_idle = [&] {
    boost::asio::steady_timer poll(io);
    std::function<void()> look = [&] {
      if (!failover.busy()) return io.stop();
      poll.expires_after(50ms);
      poll.async_wait([&](const boost::system::error_code& error) {
        if (!error) look();
      });
    };
    look();
    io.restart();
    io.run();
  };
  if (!changes) {
    const auto started = failover.plan(name, options.to);
    if (!started) return refused(started.error(), out);
    out << "plan " << started->kind << " of " << name << ": " << started->from << " -> " << started->to << "\n";
    wait_until_idle();
    const auto status = failover.status(name);
    if (!status->dry_run) {
      out << "the dry run did not finish\n";
      return kNotCompleted;
    }
    print_report(*status->dry_run, out);
    print_control_planes(*app, started->from, started->to, out);
    return status->dry_run->outcome == act::PlanOutcome::completed ? 0 : kNotCompleted;
  }

  std::optional<act::Started> started;
  if (options.action == "approve") {
    const auto approved = failover.approve(name, by);
    if (!approved) return refused(approved.error(), out);
    if (approved->pause) {
      out << "approved: plan #" << approved->generation << " of " << name << " goes on past its approval pause\n";
      return 0;
    }
    const auto status = failover.status(name);
    const auto& proposal = *status->plan;
    out << "approved #" << approved->generation << " " << proposal.kind << " " << proposal.from << " -> "
        << proposal.to << ": no daemon owns it now; the next daemon to own it runs it if " << proposal.from
        << " is still down and the proposal has not expired\n";
    return 0;
  }
  if (options.action == "decline") {
    const auto declined = failover.decline(name, by);
    if (!declined) return refused(declined.error(), out);
    out << "declined #" << *declined << " of " << name << "\n";
    return 0;
  }
  if (options.action == "rollback") {
    const auto rolled = failover.rollback(name, by);
    if (!rolled) return refused(rolled.error(), out);
    if (rolled->declined) {
      out << "declined #" << *rolled->declined << "\n";
      return 0;
    }
    started = rolled->started;
  } else {
    const auto executed = failover.execute(name, options.to, by);
    if (!executed) return refused(executed.error(), out);
    started = *executed;
  }
  if (started->rolls_back)
    out << "rolling back #" << *started->rolls_back << " of " << name << " as #" << started->generation << ": "
        << started->from << " -> " << started->to << "\n";
  else
    out << "executing " << started->kind << " of " << name << ": " << started->from << " -> " << started->to << "\n";
  wait_until_idle();
  const auto status = failover.status(name);
  if (!status->last_report) {
    out << "the plan did not finish\n";
    return kNotCompleted;
  }
  print_report(*status->last_report, out);
  // A drill prints it too (it runs this command): how long the move took, phase by phase.
  if (status->recovery && status->recovery->generation == status->last_report->generation)
    out << "recovery time: " << status->recovery->text << "\n";
  const auto wanted = started->rolls_back ? act::PlanOutcome::rolled_back : act::PlanOutcome::completed;
  return status->last_report->outcome == wanted ? 0 : kNotCompleted;
}

}  // namespace rg
