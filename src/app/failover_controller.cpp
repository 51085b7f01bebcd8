#include "app/failover_controller.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "act/failover/failover_plan_builder.h"
#include "app/failover_steps.h"

namespace rg {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// Plans that moved (or tried to move) traffic count for cool-down and the hourly limit; so does a
// plan that was not ready, so that a target that cannot take traffic is not retried every round,
// and a proposal declined or left to expire, so that it is not proposed again at the next round.
bool is_move(PlanState state) {
  return state != PlanState::proposed && state != PlanState::withdrawn;
}

// How long the owner lease lasts without a renewal, and how often it is renewed: a daemon that
// stops renewing (killed, or its loop stuck) loses the application within this, and on this host
// at once once its process is gone.
constexpr auto kLeaseTtl = std::chrono::seconds(30);
constexpr auto kLeaseRenewal = std::chrono::seconds(5);

std::string describe(const Lease& lease) {
  return lease.holder.owner + " (pid " + std::to_string(lease.holder.pid) + " on " + lease.holder.host +
         ", until " + format_iso8601(lease.expires_at) + ")";
}

json plan_json(const JournalPlan& plan) {
  return {{"generation", plan.generation}, {"kind", plan.kind},           {"from", plan.from},
          {"to", plan.to},                 {"state", to_string(plan.state)}, {"created_at", format_iso8601(plan.created_at)},
          {"detail", plan.detail}};
}

}  // namespace

struct FailoverController::Application {
  Application(const ApplicationConfig& app, HealthScoreWeights weights) : config(app), policy(app, weights) {}

  const ApplicationConfig& config;
  FailoverPolicy policy;
  std::string active;                  // where traffic goes (the journal's newest completed plan)
  std::string gate;                    // the region whose /gate answers 200
  std::vector<PastMove> moves;          // moves started, for cool-down and the hourly limit
  std::vector<PastMove> dry_run_moves;  // mode dry-run: decisions shown, paced like moves
  std::optional<JournalPlan> pending;  // a proposal waiting for an operator
  std::optional<JournalPlan> running;  // the plan in flight
  std::vector<std::string> log;        // the running (or last) plan's report lines
  std::optional<FailoverDecision> decision;  // of the latest round
  std::string logged_rule;  // kind, rule and target of the last decision logged: a change of rule is logged
  std::string logged_journal_error;          // the last journal error logged, likewise (cleared on success)
  std::optional<act::PlanReport> dry_run;    // the latest dry run (mode dry-run, or POST .../plan)
  std::string dry_run_to;
  std::vector<JournalPlan> history;  // newest first
  bool owned = false;                // this daemon holds the application's owner lease
  std::string logged_owner;          // the other owner last logged, so it is said once
  LockState lock;                    // as the journal says at the latest round
  std::optional<JournalPlan> left_running;  // by a crash: resumed or rolled back at the first round that judges it
  std::optional<JournalPlan> superseded;    // a running plan an operator rolls back: undone once its runner stops
  std::int64_t rollback_generation = 0;     // the generation that undoes it

  const RegionAssessment* assessment(const std::string& region) const {
    if (!decision) return nullptr;
    const auto found = std::ranges::find(decision->regions, region, &RegionAssessment::region);
    return found == decision->regions.end() ? nullptr : &*found;
  }
};

std::expected<std::unique_ptr<FailoverController>, std::string> FailoverController::start(
    boost::asio::io_context& io, const Config& config, aws::AwsSession& session, Notify notify,
    std::unique_ptr<FailoverJournal> journal) {
  std::unique_ptr<FailoverController> controller(
      new FailoverController(io, config, session, std::move(notify), std::move(journal)));
  controller->renew_leases();
  for (auto& app : controller->apps_) controller->recover(*app);
  return controller;
}

FailoverController::FailoverController(boost::asio::io_context& io, const Config& config, aws::AwsSession& session,
                                       Notify notify, std::unique_ptr<FailoverJournal> journal)
    : io_(io),
      config_(config),
      notify_(std::move(notify)),
      journal_(std::move(journal)),
      session_(session),
      scheduler_(io),
      executor_(io.get_executor(), *journal_, [] { return now_us(); }, act::ExecutorSettings{holder_.owner},
                [this](const act::Plan& plan, const act::Progress& progress) {
                  auto* app = find(plan.app);
                  if (!app) return;
                  app->log.push_back(progress.line);
                  announce(*app, progress.bad() ? AlertSeverity::warning : AlertSeverity::info,
                           plan.kind + " " + plan.from + " -> " + plan.to + ": " + progress.line);
                }),
      quiet_executor_(io.get_executor(), *journal_, [] { return now_us(); }, act::ExecutorSettings{holder_.owner}),
      lease_timer_(io) {
  for (const auto& app : config.applications)
    apps_.push_back(std::make_unique<Application>(app, config.score_weights));
}

FailoverController::~FailoverController() {
  *alive_ = false;
  // Another process may act at once, rather than after the lease runs out.
  for (const auto& app : apps_)
    if (app->owned && !app->running) journal_->release_lease(app->config.name, holder_.owner);
}

// Takes or renews `app`'s lease; false (said once per other owner) when another process holds it.
bool FailoverController::hold_lease(Application& app, TimePoint now) {
  const auto answer = journal_->acquire_lease(app.config.name, holder_, now, kLeaseTtl);
  if (!answer) {
    journal_failed(app, "cannot renew the owner lease: " + answer.error().message);
    app.owned = false;
    return false;
  }
  if (!answer->ours) {
    if (app.owned || app.logged_owner != answer->lease.holder.owner)
      spdlog::error("failover {}: another process owns its failover, {}: this daemon only watches it",
                    app.config.name, describe(answer->lease));
    app.logged_owner = answer->lease.holder.owner;
    app.owned = false;
    return false;
  }
  if (!app.owned && !app.logged_owner.empty())
    spdlog::info("failover {}: this daemon owns its failover now", app.config.name);
  app.logged_owner.clear();
  app.owned = true;
  return true;
}

void FailoverController::renew_leases() {
  const auto now = now_us();
  for (auto& app : apps_) hold_lease(*app, now);
  lease_timer_.expires_after(kLeaseRenewal);
  lease_timer_.async_wait([this, alive = alive_](const boost::system::error_code& error) {
    if (!error && *alive) renew_leases();
  });
}

FailoverController::Application* FailoverController::find(const std::string& name) {
  const auto found = std::ranges::find(apps_, name, [](const auto& app) { return app->config.name; });
  return found == apps_.end() ? nullptr : found->get();
}

void FailoverController::announce(Application& app, AlertSeverity severity, const std::string& text) {
  if (severity == AlertSeverity::info) spdlog::info("failover {}: {}", app.config.name, text);
  else spdlog::warn("failover {}: {}", app.config.name, text);
  if (!notify_) return;
  Notification notification;
  notification.group = "failover/" + app.config.name;
  notification.severity = severity;
  notification.title = "[FAILOVER] " + app.config.name + ": " + text;
  notification.at = now_us();
  notify_(notification);
}

// Reads back what the journal knows of `app`; a plan a crash left running is resumed (or its
// rollback finished), one approved while no daemon ran is run.
void FailoverController::recover(Application& app) {
  sync_with_journal(app);
  const auto latest = journal_->latest(app.config.name);
  if (!latest || !*latest) return;
  const auto& record = **latest;
  if (record.state == PlanState::proposed || record.state == PlanState::approved) {
    // An approved one runs at the first round, when the target's readiness can be judged.
    app.pending = record;
    spdlog::info("failover {}: proposal #{} ({} -> {}) is {}", app.config.name, record.generation, record.from,
                 record.to, record.state == PlanState::approved ? "approved: it runs after the first round"
                                                                : "waiting for approval");
    return;
  }
  if (record.state != PlanState::running) return;
  // The gate step may have run before the crash: the gate answers what the journal says.
  if (gate_opened(record)) set_gate(app, record.to);
  if (!app.owned) return;  // its owner, alive, is still running it
  app.left_running = record;
  announce(app, AlertSeverity::warning,
           "#" + std::to_string(record.generation) + " (" + record.from + " -> " + record.to +
               ") was left running by a restart: resumed if the first round shows " + record.from +
               " still down, else rolled back");
}

// Before its point of no return a plan left running goes on only if the region it leaves is
// still down now; a plan older than max_resume_age is rolled back whatever the rounds say (the
// executor rolls forward instead once an irreversible step took effect).
void FailoverController::decide_recovery(Application& app, TimePoint now) {
  const auto record = *app.left_running;
  const auto age = now - record.created_at;
  const auto* source = app.assessment(record.from);
  std::optional<act::Recovery> mode;
  std::string why;
  if (age > app.config.policy.max_resume_age) {
    mode = act::Recovery::rollback;
    why = "it began more than max_resume_age ago";
  } else if (source && source->reported && source->down) {
    mode = act::Recovery::resume;
    why = record.from + " is still down";
  } else if (source && source->reported && !source->failing) {
    mode = act::Recovery::rollback;
    why = record.from + " is no longer down";
  }
  if (!mode) return;  // no fresh news of the source yet: ask again next round
  auto plan = build_plan(app, record.from, record.to);
  if (!plan) return;
  app.left_running.reset();
  announce(app, AlertSeverity::warning,
           std::string(*mode == act::Recovery::resume ? "resuming" : "rolling back") + " #" +
               std::to_string(record.generation) + " (" + record.from + " -> " + record.to +
               ") left running by a restart: " + why);
  app.running = record;
  app.log.clear();
  executor_.recover(std::move(*plan), record, *mode, [this, alive = alive_, &app](act::PlanReport report) {
    if (*alive) finished(app, report);
  });
}

FailoverRound FailoverController::on_round(std::span<const EndpointState> states, TimePoint now) {
  latest_states_.assign(states.begin(), states.end());
  for (auto& owned : apps_) {
    auto& app = *owned;
    sync_with_journal(app);
    FailoverSnapshot snapshot{{VantageView{"local", latest_states_}}, app.active, app.moves,
                              app.running.has_value() || app.pending.has_value() || app.left_running.has_value()};
    auto decision = app.policy.decide(snapshot, {now, steady_now_us()});
    // The reason's figures (failing rounds, seconds of cool-down) change every round; its rule does not.
    auto rule = fmt::format("{}/{}/{}", to_string(decision.kind), decision.rule, decision.to);
    if (rule != app.logged_rule && (decision.kind != DecisionKind::stay || !app.logged_rule.empty())) {
      if (decision.kind == DecisionKind::hold) spdlog::warn("failover {}: {}", app.config.name, decision.reason);
      else spdlog::info("failover {}: {}", app.config.name, decision.reason);
    }
    app.logged_rule = std::move(rule);
    app.decision = decision;
    if (!app.owned) continue;
    if (app.left_running && !app.running) decide_recovery(app, now);
    if (app.pending) expire_or_withdraw_proposal(app, now);
    if (decision.kind != DecisionKind::failover && decision.kind != DecisionKind::failback) continue;
    if (app.lock.locked) {
      journal_failed(app, "locked since " + format_iso8601(app.lock.at) + " (" + app.lock.reason +
                              "): no automation until `regionguard failover unlock " + app.config.name +
                              " --reason ...`; the policy would " + std::string(to_string(decision.kind)) +
                              " to " + decision.to);  // no figures: said once, not every round
      continue;
    }
    carry_out(app, decision, now);
  }
  FailoverRound round{std::exchange(signals_, {}), {}, applications_json()};
  for (const auto& app : apps_) round.active_regions[app->config.name] = app->active;
  return round;
}

void FailoverController::carry_out(Application& app, const FailoverDecision& decision, TimePoint now) {
  switch (decision.action) {
    case DecisionAction::execute: {
      auto plan = build_plan(app, decision.from, decision.to);
      if (!plan) return;
      const auto generation = journal_->next_generation(app.config.name);
      if (!generation) {
        journal_failed(app, "cannot read the journal: " + generation.error().message);
        return;
      }
      app.logged_journal_error.clear();
      announce(app, AlertSeverity::critical, "starting " + plan->kind + " " + decision.from + " -> " + decision.to +
                                                 ": " + decision.reason);
      execute(app, std::move(*plan), *generation, Start::fresh);
      return;
    }
    case DecisionAction::propose: return propose(app, decision.to, decision.reason, now);
    case DecisionAction::dry_run:
      // Counted as a move, so that cool-down and the hourly limit pace the dry runs too.
      app.dry_run_moves.push_back({now, decision.kind == DecisionKind::failback});
      app.moves.push_back({now, decision.kind == DecisionKind::failback});
      return dry_run(app, decision.to, decision.reason);
    case DecisionAction::none: return;
  }
}

std::optional<act::Plan> FailoverController::build_plan(Application& app, const std::string& from,
                                                        const std::string& to) {
  act::PlanContext context{session_.lookup(config_.aws.timeout), scheduler_, act::WaitOptions{}, target_problem(app, to),
                           true, replica_lag(app, to), io_.get_executor()};
  // The gate is a traffic step like the others: before verify_dns, which may see only its effect.
  if (app.config.plan.gate)
    context.extra_traffic_steps.push_back(
        gate_step([this, &app](const std::string& region) { set_gate(app, region); }, from, to));
  auto plan = act::build_failover_plan(app.config, from, to, context);
  if (!plan) {
    announce(app, AlertSeverity::critical, "cannot build the plan to " + to + ": cannot reach AWS: " + plan.error());
    return std::nullopt;
  }
  plan->steps.push_back(settle_step(scheduler_, to, app.config.plan.settle, [&app, to]() -> std::optional<std::string> {
    const auto* assessment = app.assessment(to);
    if (!assessment || !assessment->reported) return std::nullopt;  // no news this round
    if (assessment->failing)
      return to + " is failing (score " + std::to_string(static_cast<int>(assessment->score)) + ")";
    return std::nullopt;
  }));
  return std::move(*plan);
}

std::optional<std::string> FailoverController::target_problem(const Application& app, const std::string& to) const {
  const auto* assessment = app.assessment(to);
  if (!assessment || !assessment->reported) return "no results for " + to + "'s checks yet";
  if (assessment->down || assessment->failing)
    return to + " is failing (score " + std::to_string(static_cast<int>(assessment->score)) + ")";
  return std::nullopt;
}

// The monitor's latest CloudWatch ReplicaLag of the replica to promote, from its rds check.
std::optional<double> FailoverController::replica_lag(const Application& app, const std::string& to) const {
  const auto replica = app.config.plan.rds_replicas.find(to);
  if (replica == app.config.plan.rds_replicas.end()) return std::nullopt;
  for (const auto& endpoint : config_.endpoints) {
    if (endpoint.kind != ProbeKind::rds || endpoint.region != to || endpoint.aws.resource != replica->second) continue;
    const auto state = std::ranges::find(latest_states_, endpoint.id, &EndpointState::endpoint_id);
    // A lag older than twice the check's period is no longer known (issue 15, section 5).
    if (state != latest_states_.end() && state->resource && now_us() - state->last_check <= 2 * state->interval)
      return state->resource->replica_lag_seconds;
  }
  return std::nullopt;
}

void FailoverController::execute(Application& app, act::Plan plan, std::int64_t generation, Start how) {
  app.pending.reset();
  app.log.clear();
  app.running = JournalPlan{app.config.name, generation, plan.kind, plan.from, plan.to, PlanState::running,
                            now_us(), now_us(), "", {}, {}, {}, {}};
  app.moves.push_back({now_us(), plan.kind == "failback"});
  signals_.push_back({app.config.name, plan.to, plan.kind + " " + plan.from + " -> " + plan.to + " started"});
  auto done = [this, alive = alive_, &app](act::PlanReport report) {
    if (*alive) finished(app, report);
  };
  if (how == Start::approved) executor_.run_approved(std::move(plan), generation, std::move(done));
  else executor_.run(std::move(plan), generation, std::move(done));
}

void FailoverController::finished(Application& app, const act::PlanReport& report) {
  const auto record = app.running.value_or(JournalPlan{});
  app.running.reset();
  if (app.superseded && app.superseded->generation == report.generation) {
    // The runner an operator's rollback fenced has stopped: now its steps can be undone.
    app.log.push_back("#" + std::to_string(report.generation) + " stopped: " + report.reason);
    return start_superseding_rollback(app);
  }
  const std::string what = record.kind + " #" + std::to_string(report.generation) + " " + record.from + " -> " +
                           record.to + ": " + std::string(act::to_string(report.outcome)) +
                           (report.reason.empty() ? "" : " (" + report.reason + ")");
  if (report.outcome == act::PlanOutcome::completed) {
    app.active = record.to;
    set_gate(app, record.to);
    announce(app, AlertSeverity::warning, what);
  } else {
    set_gate(app, app.active);
    announce(app, AlertSeverity::critical, what);
  }
  if (!report.not_undone.empty() && report.outcome != act::PlanOutcome::completed)
    announce(app, AlertSeverity::critical, "left as it is (irreversible): " + report.not_undone.front() +
                                               ". Runbook: make sure one database takes writes, point the "
                                               "application at it, then `regionguard failover unlock " +
                                               app.config.name + " --reason ...`");
  // Outcomes an operator must look at before automation acts again.
  using act::PlanOutcome;
  if (report.outcome == PlanOutcome::rollback_failed || report.outcome == PlanOutcome::halted ||
      report.outcome == PlanOutcome::journal_failed || report.outcome == PlanOutcome::fenced)
    lock(app, report.generation, std::string(act::to_string(report.outcome)) + ": " + report.reason);
  signals_.push_back({app.config.name, record.to, what});
  sync_with_journal(app);
}

void FailoverController::lock(Application& app, std::int64_t generation, const std::string& reason) {
  const LockState state{true, now_us(), generation, reason};
  if (auto written = journal_->set_lock(app.config.name, state); !written)
    spdlog::error("failover {}: cannot journal the lock ({}): locked in memory only", app.config.name,
                  written.error().message);
  app.lock = state;
  announce(app, AlertSeverity::critical, "locked: no automated failover until an operator runs `regionguard failover unlock " +
                                             app.config.name + " --reason ...` (" + reason + ")");
}

void FailoverController::expire_or_withdraw_proposal(Application& app, TimePoint now) {
  const auto& proposal = *app.pending;
  if (proposal.state != PlanState::proposed) return;  // approved: it runs at this round
  PlanState to = PlanState::proposed;
  std::string why;
  const auto* source = app.assessment(proposal.from);
  if (now - proposal.created_at > app.config.policy.proposal_ttl) {
    to = PlanState::expired;
    why = "nobody answered within proposal_ttl";
  } else if (source && source->reported && !source->failing && !source->down) {
    to = PlanState::withdrawn;
    why = proposal.from + " recovered";
  }
  if (to == PlanState::proposed) return;
  const auto written = journal_->finish_plan(app.config.name, proposal.generation, PlanState::proposed, to, now, why);
  if (!written) return journal_failed(app, "cannot journal the end of proposal #" +
                                               std::to_string(proposal.generation) + ": " + written.error().message);
  announce(app, AlertSeverity::info, "proposal #" + std::to_string(proposal.generation) + " " +
                                         std::string(to_string(to)) + ": " + why);
  app.pending.reset();
  sync_with_journal(app);
}

void FailoverController::start_superseding_rollback(Application& app) {
  const auto record = *app.superseded;
  app.superseded.reset();
  auto plan = build_plan(app, record.from, record.to);
  if (!plan) {
    lock(app, app.rollback_generation, "the plan of #" + std::to_string(record.generation) +
                                           " cannot be rebuilt to undo it");
    return;
  }
  plan->kind = "rollback";
  app.running = JournalPlan{app.config.name, app.rollback_generation, "rollback", record.to, record.from,
                            PlanState::running, now_us(), now_us(), "", {}, {}, {}, {}};
  executor_.undo_superseded(std::move(*plan), record, app.rollback_generation,
                            [this, alive = alive_, &app](act::PlanReport report) {
                              if (*alive) finished(app, report);
                            });
}

// The policy asks again every round while the journal fails: say so once per distinct error.
void FailoverController::journal_failed(Application& app, const std::string& what) {
  if (what == app.logged_journal_error) return;
  spdlog::error("failover {}: {} (said once until it changes)", app.config.name, what);
  app.logged_journal_error = what;
}

void FailoverController::propose(Application& app, const std::string& to, const std::string& reason, TimePoint now) {
  const auto generation = journal_->next_generation(app.config.name);
  if (!generation) {
    journal_failed(app, "cannot read the journal: " + generation.error().message);
    return;
  }
  JournalPlan proposal{app.config.name, *generation, to == app.config.primary ? "failback" : "failover",
                       app.active, to, PlanState::proposed, now, now, reason, {}, {}, {}, {}};
  const auto written = journal_->begin_plan(proposal, holder_.owner);
  if (!written || *written != JournalWrite::ok) {
    journal_failed(app, "cannot journal the proposal: " +
                            (!written                                ? written.error().message
                             : *written == JournalWrite::fenced ? std::string("a newer plan exists")
                                                                  : std::string("this daemon lost the owner lease")));
    return;
  }
  app.logged_journal_error.clear();
  app.pending = proposal;
  sync_with_journal(app);
  signals_.push_back({app.config.name, to, proposal.kind + " to " + to + " proposed: " + reason});
  announce(app, AlertSeverity::critical,
           proposal.kind + " " + app.active + " -> " + to + " needs approval (#" + std::to_string(*generation) +
               "): " + reason + ". Approve: regionguard failover approve " + app.config.name +
               " (or POST /api/v1/failover/" + app.config.name + "/approve)");
  dry_run(app, to, reason);  // show the operator the readiness of what they are asked to approve
}

void FailoverController::dry_run(Application& app, const std::string& to, const std::string& reason) {
  auto plan = build_plan(app, app.active, to);
  if (!plan) return;
  // Not through the executor's progress hook: a dry run notifies once, with its outcome.
  quiet_executor_.dry_run(std::move(*plan), [this, alive = alive_, &app, to, reason](act::PlanReport report) {
    if (!*alive) return;
    const bool ready = report.outcome == act::PlanOutcome::completed;
    if (app.config.policy.mode == FailoverMode::dry_run)
      announce(app, ready ? AlertSeverity::warning : AlertSeverity::critical,
               "dry run: would move to " + to + " (" + reason + "); " +
                   (ready ? std::string("ready") : report.reason));
    app.dry_run = std::move(report);
    app.dry_run_to = to;
  });
}

// Another process may have written the journal since the last round: `failover approve` or
// `rollback` on the command line (a proposal approved or declined), or `failover execute`.
void FailoverController::sync_with_journal(Application& app) {
  if (const auto journaled = journal_->lock(app.config.name)) {
    if (app.lock.locked && !journaled->locked) announce(app, AlertSeverity::warning, "unlocked: " + journaled->reason);
    app.lock = *journaled;
  }
  const auto plans = journal_->plans(app.config.name, 100);
  if (!plans) return;
  // The history shows a running plan too; what follows waits until it ends (and a plan left
  // running by a crash keeps the gate where the journal says it put it).
  app.history.assign(plans->begin(), plans->begin() + std::min<std::size_t>(plans->size(), 10));
  if (app.running || app.left_running) return;
  const auto completed = std::ranges::find(*plans, PlanState::completed, &JournalPlan::state);
  app.active = completed != plans->end() ? completed->to : app.config.primary;
  set_gate(app, app.active);
  app.moves = app.dry_run_moves;
  for (const auto& plan : *plans)
    if (is_move(plan.state)) app.moves.push_back({plan.created_at, plan.kind == "failback"});
  if (!app.pending) return;
  const auto proposal = std::ranges::find(*plans, app.pending->generation, &JournalPlan::generation);
  if (proposal == plans->end()) return;
  if (proposal->state != PlanState::proposed && proposal->state != PlanState::approved) {
    // Declined on the command line (or expired, withdrawn, superseded).
    announce(app, AlertSeverity::info, "proposal #" + std::to_string(app.pending->generation) + " " +
                                           std::string(to_string(proposal->state)));
    app.pending.reset();
    return;
  }
  if (proposal->state != PlanState::approved) return;
  const auto approved = *app.pending;
  if (!app.owned || app.lock.locked) return;  // it waits for the owner, or for an unlock
  if (const auto* source = app.assessment(approved.from); source && source->reported && !source->down) {
    // Approved (on the command line, or before a restart) while its source came back.
    journal_->finish_plan(app.config.name, approved.generation, PlanState::approved, PlanState::withdrawn, now_us(),
                          approved.from + " is no longer down");
    announce(app, AlertSeverity::info, "approved #" + std::to_string(approved.generation) + " withdrawn: " +
                                           approved.from + " is no longer down");
    app.pending.reset();
    return;
  }
  auto plan = build_plan(app, approved.from, approved.to);
  if (!plan) return;
  announce(app, AlertSeverity::critical, "running approved " + approved.kind + " #" +
                                             std::to_string(approved.generation) + " " + approved.from + " -> " +
                                             approved.to);
  execute(app, std::move(*plan), approved.generation, Start::approved);
}

bool FailoverController::busy() const {
  return std::ranges::any_of(apps_, [](const auto& app) { return app->running.has_value(); });
}

FailoverHooks FailoverController::api_hooks() {
  FailoverHooks hooks;
  hooks.applications = [this] { return applications_json(); };
  hooks.act = [this](const std::string& app, const std::string& op, const json& body) { return act(app, op, body); };
  hooks.gate = [this](const std::string& name, const std::string& region) -> std::optional<GateAnswer> {
    auto* app = find(name);
    if (!app || !app->config.plan.gate) return std::nullopt;
    const auto regions = app->config.regions();
    if (std::ranges::find(regions, region) == regions.end()) return std::nullopt;
    return GateAnswer{app->gate == region, app->gate};
  };
  hooks.gate_generation = [this] { return gate_changes_; };
  return hooks;
}

void FailoverController::set_gate(Application& app, const std::string& region) {
  if (app.gate == region) return;
  app.gate = region;
  ++gate_changes_;
}

ApiResponse FailoverController::act(const std::string& name, const std::string& op, const json& body) {
  auto* app = find(name);
  if (!app) return not_found("no application '" + name + "'");
  if (op != "plan" && op != "execute" && op != "approve" && op != "rollback" && op != "unlock")
    return not_found("unknown operation '" + op + "' (expected plan, execute, approve, rollback or unlock)");
  for (const auto& [key, value] : body.items())
    if (key != "to" && key != "reason") return bad_request("unknown field `" + key + "` (expected to or reason)");
  std::string to;
  if (body.contains("to")) {
    if (!body["to"].is_string()) return bad_request("to: must be a region name");
    to = body["to"].get<std::string>();
    const auto regions = app->config.regions();
    if (std::ranges::find(regions, to) == regions.end())
      return bad_request("to: `" + to + "` is not a region of " + name);
  }
  std::string reason;
  if (body.contains("reason")) {
    if (!body["reason"].is_string()) return bad_request("reason: must be a string");
    reason = body["reason"].get<std::string>();
  }
  const auto conflict = [](std::string_view message) { return error_response(409, "conflict", message); };
  if (op == "unlock") {
    if (reason.empty()) return bad_request("reason: say why the application is safe to automate again");
    if (!app->lock.locked) return conflict(name + " is not locked");
    const LockState unlocked{false, now_us(), 0, "unlocked via the API: " + reason};
    if (auto written = journal_->set_lock(name, unlocked); !written)
      return unavailable("cannot write the journal: " + written.error().message);
    sync_with_journal(*app);
    return json_response(200, {{"unlocked", true}});
  }
  if (to.empty()) to = app->active == app->config.primary ? app->config.secondaries.front() : app->config.primary;
  if (op == "plan") {
    dry_run(*app, to, "requested on the API");
    return json_response(202, {{"accepted", true}, {"to", to}, {"see", "GET /api/v1/applications (dry_run)"}});
  }
  if (!app->owned) return conflict("this daemon does not own " + name + "'s failover (see `regionguard failover status`)");
  if (app->lock.locked && op != "rollback")
    return conflict(name + " is locked (" + app->lock.reason + "): unlock it first");
  if (app->superseded) return conflict("a rollback of #" + std::to_string(app->superseded->generation) + " is starting");
  if (app->running && op == "rollback") {
    // A new generation fences the runner at its next journal write; the undo starts once it stops.
    const auto record = journal_->latest(name);
    if (!record || !*record || (*record)->generation != app->running->generation)
      return unavailable("cannot read the running plan from the journal");
    const auto generation = (*record)->generation + 1;
    JournalPlan rollback{name, generation, "rollback", app->running->to, app->running->from, PlanState::running,
                         now_us(), now_us(), "requested on the API", {}, {}, {}, {}};
    const auto written = journal_->supersede(rollback, app->running->generation, holder_.owner);
    if (!written) return unavailable("cannot write the journal: " + written.error().message);
    if (*written != JournalWrite::ok)
      return conflict("plan #" + std::to_string(app->running->generation) + " cannot be superseded now (it ended, or "
                      "this daemon lost the lease)");
    app->superseded = **record;
    app->rollback_generation = generation;
    announce(*app, AlertSeverity::critical, "rolling back #" + std::to_string(app->running->generation) +
                                                " as #" + std::to_string(generation) +
                                                " (requested on the API) once its step in flight ends");
    return json_response(202, {{"accepted", true}, {"generation", generation}, {"rolls_back", app->running->generation}});
  }
  if (app->running)
    return conflict("plan #" + std::to_string(app->running->generation) + " (" + app->running->kind + " " +
                    app->running->from + " -> " + app->running->to + ") is running under " + holder_.owner +
                    "; roll it back or wait for it");
  if (op == "approve") {
    if (!app->pending || app->pending->state != PlanState::proposed)
      return conflict(name + " has no proposal waiting for approval");
    if (const auto* source = app->assessment(app->pending->from); source && source->reported && !source->down)
      return conflict("not approved: " + app->pending->from + " is no longer down (" + app->decision->reason +
                      "); the proposal is withdrawn at the next round");
    const auto approved = journal_->finish_plan(name, app->pending->generation, PlanState::proposed,
                                                PlanState::approved, now_us(), "approved via the API");
    if (!approved) return unavailable("cannot write the journal: " + approved.error().message);
    if (*approved != JournalWrite::ok)
      return conflict("proposal #" + std::to_string(app->pending->generation) +
                      " is no longer waiting (declined, expired or superseded meanwhile)");
    const auto generation = app->pending->generation;
    app->pending->state = PlanState::approved;
    sync_with_journal(*app);
    return json_response(202, {{"accepted", true}, {"generation", generation}});
  }
  if (op == "rollback" && app->pending) {
    const auto declined = journal_->finish_plan(name, app->pending->generation, app->pending->state,
                                                PlanState::declined, now_us(), "declined via the API");
    if (!declined) return unavailable("cannot write the journal: " + declined.error().message);
    if (*declined != JournalWrite::ok) return conflict("the proposal changed meanwhile: see the journal");
    announce(*app, AlertSeverity::info, "proposal #" + std::to_string(app->pending->generation) + " declined");
    app->pending.reset();
    sync_with_journal(*app);
    return json_response(200, {{"declined", true}});
  }
  if (op == "rollback") {
    // Reverses the last completed move with a new plan back to the region it left.
    const auto last = std::ranges::find(app->history, PlanState::completed, &JournalPlan::state);
    if (last == app->history.end() || last->to != app->active) return conflict(name + " has no completed move to roll back");
    to = last->from;
  }
  if (to == app->active) return conflict(name + " is already active in " + to);
  auto plan = build_plan(*app, app->active, to);
  if (!plan) return unavailable("the plan cannot be built (see the log)");
  const auto generation = journal_->next_generation(name);
  if (!generation) return unavailable("cannot read the journal: " + generation.error().message);
  if (app->pending) {
    journal_->finish_plan(name, app->pending->generation, app->pending->state, PlanState::declined, now_us(),
                          "superseded via the API");
    app->pending.reset();
  }
  announce(*app, AlertSeverity::critical, "starting " + plan->kind + " " + app->active + " -> " + to + " (" + op +
                                              " requested on the API)");
  execute(*app, std::move(*plan), *generation, Start::fresh);
  return json_response(202, {{"accepted", true}, {"generation", *generation}, {"to", to}});
}

json FailoverController::applications_json() const {
  json list = json::array();
  for (const auto& owned : apps_) {
    const auto& app = *owned;
    json regions = json::array();
    if (app.decision)
      for (const auto& region : app.decision->regions)
        regions.push_back({{"region", region.region},
                           {"reported", region.reported},
                           {"score", region.score},
                           {"latency_ms", static_cast<double>(region.latency.count()) / 1000.0},
                           {"failing", region.failing},
                           {"down", region.down},
                           {"consecutive_failures", region.consecutive_failures}});
    json history = json::array();
    for (const auto& plan : app.history) history.push_back(plan_json(plan));
    json entry{{"name", app.config.name},
               {"primary", app.config.primary},
               {"secondaries", app.config.secondaries},
               {"mode", to_string(app.config.policy.mode)},
               {"active_region", app.active},
               {"state", app.running || app.left_running ? "running" : app.pending ? "awaiting_approval" : "idle"},
               {"owned", app.owned},
               {"locked", app.lock.locked ? json{{"since", format_iso8601(app.lock.at)}, {"reason", app.lock.reason},
                                                 {"generation", app.lock.generation}}
                                          : json(nullptr)},
               {"gate", app.config.plan.gate ? json(app.gate) : json(nullptr)},
               {"regions", std::move(regions)},
               {"plan", app.running ? plan_json(*app.running) : app.pending ? plan_json(*app.pending) : json(nullptr)},
               {"steps", app.log},
               {"history", std::move(history)},
               {"decision", app.decision ? json{{"kind", to_string(app.decision->kind)},
                                                {"action", to_string(app.decision->action)},
                                                {"to", app.decision->to},
                                                {"reason", app.decision->reason}}
                                         : json(nullptr)},
               {"dry_run", app.dry_run ? json{{"to", app.dry_run_to},
                                              {"outcome", act::to_string(app.dry_run->outcome)},
                                              {"reason", app.dry_run->reason},
                                              {"steps", app.dry_run->log}}
                                       : json(nullptr)}};
    list.push_back(std::move(entry));
  }
  return list;
}

}  // namespace rg
