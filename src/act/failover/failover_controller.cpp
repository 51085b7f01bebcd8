#include "act/failover/failover_controller.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iterator>

#include "act/failover/daemon_steps.h"
#include "decide/decision_advice.h"

namespace rg::act {
namespace {

using namespace std::chrono_literals;

// Plans that moved (or tried to move) traffic count for cool-down and the hourly limit; so does a
// plan that was not ready, so that a target that cannot take traffic is not retried every round,
// and a proposal declined or left to expire, so that it is not proposed again at the next round.
bool is_move(PlanState state) {
  return state != PlanState::proposed && state != PlanState::withdrawn;
}

std::string describe(const Lease& lease) {
  return lease.holder.owner + " (pid " + std::to_string(lease.holder.pid) + " on " + lease.holder.host +
         ", until " + format_iso8601(lease.expires_at) + ")";
}

std::string describe(const JournalPlan& plan) {
  return "plan #" + std::to_string(plan.generation) + " (" + plan.kind + " " + plan.from + " -> " + plan.to + ")";
}

Refusal refuse(RefusalKind kind, std::string message) { return Refusal{kind, std::move(message)}; }

// The first failing round of the source region's streak, on the wall clock: the policy measures
// the streak on the monotonic clock (failing_for), so it is counted back from the round's time.
std::optional<TimePoint> failing_since(const FailoverDecision& decision, TimePoint now) {
  const auto source = std::ranges::find(decision.regions, decision.from, &RegionAssessment::region);
  // A failback leaves a healthy region: there is no failure to count from.
  if (source == decision.regions.end() || (!source->failing && !source->down)) return std::nullopt;
  return now - source->failing_for;
}

// What an operator does when a plan stopped past its point of no return: the page's runbook.
std::string halted_runbook(const std::string& app, const JournalPlan& record, const PlanReport& report) {
  std::string taken;
  for (const auto& step : report.not_undone) taken += (taken.empty() ? "" : ", ") + step;
  return "left as it is (irreversible): " + taken + ". Runbook: (1) " + record.to +
         "'s database is the writer now: make sure nothing writes to the old one in " + record.from +
         " (stop its writers or make it read-only), so there are never two writers; (2) finish by hand the " +
         "steps that did not run (`regionguard failover status " + app + "` lists them; the last one failed: " +
         report.reason + "), pointing traffic at " + record.to + "; (3) when one database takes the writes and " +
         "traffic points at it, `regionguard failover unlock " + app + " --reason \"...\"`";
}

}  // namespace

std::string_view to_string(RefusalKind kind) {
  switch (kind) {
    case RefusalKind::unknown: return "unknown";
    case RefusalKind::invalid: return "invalid";
    case RefusalKind::conflict: return "conflict";
    case RefusalKind::not_owner: return "not_owner";
    case RefusalKind::locked: return "locked";
    case RefusalKind::unavailable: return "unavailable";
  }
  return "conflict";
}

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
  std::optional<std::string> paused_at;  // the approval pause the running plan waits at
  std::optional<FailoverDecision> decision;  // of the latest round
  std::string logged_rule;  // kind, rule and target of the last decision logged: a change of rule is logged
  std::string logged_journal_error;          // the last journal error logged, likewise (cleared on success)
  std::optional<act::PlanReport> dry_run;    // the latest dry run (mode dry-run, or POST .../plan)
  std::string dry_run_to;
  std::vector<JournalPlan> history;  // newest first
  bool owned = false;                // this daemon holds the application's owner lease
  std::string logged_owner;          // the other owner last logged, so it is said once
  std::string logged_hold;           // the last reason automation held back for (cluster), said once
  bool watching = false;             // another process (or nobody) held the lease when last asked
  std::optional<Lease> lease;        // as the last renewal found it: ours, or another process's live one
  std::optional<PlanReport> last_report;  // the last plan run here, once it ended
  // Its recovery time, shown while the journal's newest plan is one that never ran (a proposal).
  std::optional<RecoveryTime> recovery;
  LockState lock;                    // as the journal says at the latest round
  std::optional<JournalPlan> left_running;  // by a crash: resumed or rolled back at the first round that judges it
  std::optional<JournalPlan> superseded;    // a running plan an operator rolls back: undone once its runner stops
  std::int64_t rollback_generation = 0;     // the generation that undoes it
  // Outside automatic mode a plan left running waits for an operator: what approving it does.
  std::optional<Recovery> recovery_proposed;
  // When each plan read from the journal began, on the monotonic clock: converted the first time
  // this process reads it, since converting again after a wall-clock jump would move it.
  std::map<std::int64_t, SteadyPoint> began_steady;

  SteadyPoint began(const JournalPlan& plan, RoundTime now) {
    return began_steady.try_emplace(plan.generation, steady_at(plan.created_at, now)).first->second;
  }

  const RegionAssessment* assessment(const std::string& region) const {
    if (!decision) return nullptr;
    const auto found = std::ranges::find(decision->regions, region, &RegionAssessment::region);
    return found == decision->regions.end() ? nullptr : &*found;
  }
};

std::expected<std::unique_ptr<FailoverController>, std::string> FailoverController::start(
    boost::asio::io_context& io, const Config& config, std::unique_ptr<FailoverJournal> journal, ControllerSetup setup) {
  if (!journal) return std::unexpected("no failover journal");
  std::unique_ptr<FailoverController> controller(new FailoverController(io, config, std::move(journal), std::move(setup)));
  controller->renew_leases();
  for (auto& app : controller->apps_) controller->recover(*app);
  return controller;
}

FailoverController::FailoverController(boost::asio::io_context& io, const Config& config,
                                       std::unique_ptr<FailoverJournal> journal, ControllerSetup setup)
    : io_(io),
      config_(config),
      journal_(std::move(journal)),
      setup_(std::move(setup)),
      scheduler_(io),
      executor_(io.get_executor(), *journal_, setup_.clock,
                ExecutorSettings{setup_.holder.owner, setup_.roll_forward_for, setup_.roll_forward_retry},
                [this](const Plan& plan, const Progress& progress) {
                  auto* app = find(plan.app);
                  if (!app) return;
                  app->log.push_back(progress.line);
                  app->paused_at.reset();
                  if (progress.kind == ProgressKind::paused) app->paused_at = progress.line;
                  announce(*app, progress.bad() ? AlertSeverity::warning : AlertSeverity::info,
                           plan.kind + " " + plan.from + " -> " + plan.to + ": " + progress.line);
                }),
      quiet_executor_(io.get_executor(), *journal_, setup_.clock,
                      ExecutorSettings{setup_.holder.owner, setup_.roll_forward_for, setup_.roll_forward_retry}),
      lease_timer_(io) {
  for (const auto& app : config.applications)
    apps_.push_back(std::make_unique<Application>(app, config.score_weights));
}

FailoverController::~FailoverController() {
  *alive_ = false;
  // Another process may act at once, rather than after the lease runs out.
  for (const auto& app : apps_)
    if (app->owned && !app->running) journal_->release_lease(app->config.name, setup_.holder.owner);
}

// Takes or renews `app`'s lease; false (said once per other owner) when another process holds it.
bool FailoverController::hold_lease(Application& app, TimePoint now) {
  const auto answer = journal_->acquire_lease(app.config.name, setup_.holder, now, setup_.lease_ttl);
  if (!answer) {
    journal_failed(app, "cannot renew the owner lease: " + answer.error().message);
    app.owned = false;
    return false;
  }
  if (!answer->ours) {
    const bool nobody = answer->lease.holder.owner.empty();  // a cluster without a leader yet
    if (setup_.role == ControllerSetup::Role::daemon && !nobody &&
        (app.owned || app.logged_owner != answer->lease.holder.owner))
      spdlog::error("failover {}: another process owns its failover, {}: this daemon only watches it",
                    app.config.name, describe(answer->lease));
    app.logged_owner = answer->lease.holder.owner;
    app.lease = answer->lease;
    app.owned = false;
    app.watching = true;
    return false;
  }
  const bool taken_over = !app.owned && app.watching;
  app.watching = false;
  if (taken_over) spdlog::info("failover {}: this process owns its failover now", app.config.name);
  app.logged_owner.clear();
  app.lease = answer->lease;
  app.owned = true;
  // The process that owned it before (a dead daemon, a deposed cluster leader) may have left a
  // plan running: this one resumes or rolls it back now, as after its own restart.
  if (taken_over && setup_.role == ControllerSetup::Role::daemon) recover(app);
  return true;
}

// The daemon holds (or keeps trying for) every application's lease; a command line renews only
// the leases its operations took.
void FailoverController::renew_leases() {
  const auto now = this->now();
  for (auto& app : apps_)
    if (setup_.role == ControllerSetup::Role::daemon || app->owned) hold_lease(*app, now);
  lease_timer_.expires_after(setup_.lease_renewal);
  lease_timer_.async_wait([this, alive = alive_](const boost::system::error_code& error) {
    if (!error && *alive) renew_leases();
  });
}

FailoverController::Application* FailoverController::find(const std::string& name) {
  const auto found = std::ranges::find(apps_, name, [](const auto& app) { return app->config.name; });
  return found == apps_.end() ? nullptr : found->get();
}

const FailoverController::Application* FailoverController::find(const std::string& name) const {
  const auto found = std::ranges::find(apps_, name, [](const auto& app) { return app->config.name; });
  return found == apps_.end() ? nullptr : found->get();
}

void FailoverController::announce(Application& app, AlertSeverity severity, const std::string& text) {
  if (severity == AlertSeverity::info) spdlog::info("failover {}: {}", app.config.name, text);
  else spdlog::warn("failover {}: {}", app.config.name, text);
  if (!setup_.notify) return;
  Notification notification;
  notification.group = "failover/" + app.config.name;
  notification.severity = severity;
  notification.title = "[FAILOVER] " + app.config.name + ": " + text;
  notification.at = now();
  setup_.notify(notification);
}

// Reads back what the journal knows of `app`; a plan a crash left running is resumed (or its
// rollback finished), one approved while no daemon ran is run.
void FailoverController::recover(Application& app) {
  sync_with_journal(app);
  const auto latest = journal_->latest(app.config.name);
  if (!latest || !*latest) return;
  const auto& record = **latest;
  app.began(record, clocks());  // its age is measured from here on the monotonic clock
  if (record.state == PlanState::proposed || record.state == PlanState::approved) {
    // An approved one runs at the first round, when the target's readiness can be judged.
    if (!app.pending)
      spdlog::info("failover {}: proposal #{} ({} -> {}) is {}", app.config.name, record.generation, record.from,
                   record.to, record.state == PlanState::approved ? "approved: it runs after the first round"
                                                                  : "waiting for approval");
    app.pending = record;
    return;
  }
  if (record.state != PlanState::running) return;
  // The gate step may have run before the crash: the gate answers what the journal says.
  if (gate_opened(record)) set_gate(app, record.to);
  if (!app.owned || app.running || app.superseded) return;  // its owner, alive, is still running it
  app.left_running = record;
  if (setup_.role == ControllerSetup::Role::daemon)
    announce(app, AlertSeverity::warning,
             "#" + std::to_string(record.generation) + " (" + record.from + " -> " + record.to +
                 ") was left running by a restart: resumed if the first round shows " + record.from +
                 " still down, else rolled back");
}

// Before its point of no return a plan left running goes on only if the region it leaves is
// still down now; a plan older than max_resume_age is rolled back whatever the rounds say (the
// executor rolls forward instead once an irreversible step took effect).
void FailoverController::decide_recovery(Application& app, RoundTime now) {
  const auto record = *app.left_running;
  const auto age = now.steady - app.began(record, now);
  const auto* source = app.assessment(record.from);
  std::optional<Recovery> mode;
  std::string why;
  if (age > app.config.policy.max_resume_age) {
    mode = Recovery::rollback;
    why = "it began more than max_resume_age ago";
  } else if (source && source->reported && source->down) {
    mode = Recovery::resume;
    why = record.from + " is still down";
  } else if (source && source->reported && !source->failing) {
    mode = Recovery::rollback;
    why = record.from + " is no longer down";
  }
  if (!mode) return;  // no fresh news of the source yet: ask again next round
  // Outside automatic mode an operator decides (a plan too old to resume is rolled back anyway).
  if (app.config.policy.mode != FailoverMode::automatic && age <= app.config.policy.max_resume_age) {
    if (app.recovery_proposed != mode)
      announce(app, AlertSeverity::critical,
               "#" + std::to_string(record.generation) + " (" + record.from + " -> " + record.to +
                   ") was left running by a restart and " + why + ": approve to " +
                   (*mode == Recovery::resume ? "resume it" : "roll it back") + " (`regionguard failover approve " +
                   app.config.name + "`), or roll it back (`regionguard failover rollback " + app.config.name + "`)");
    app.recovery_proposed = mode;
    return;
  }
  recover_left_running(app, *mode, why);
}

void FailoverController::recover_left_running(Application& app, Recovery mode, const std::string& why) {
  const auto record = *app.left_running;
  auto plan = build_plan(app, record.from, record.to);
  if (!plan) return announce(app, AlertSeverity::critical, plan.error());
  app.left_running.reset();
  app.recovery_proposed.reset();
  announce(app, AlertSeverity::warning,
           std::string(mode == Recovery::resume ? "resuming" : "rolling back") + " #" +
               std::to_string(record.generation) + " (" + record.from + " -> " + record.to +
               ") left running by a restart: " + why);
  app.running = record;
  app.log.clear();
  executor_.recover(std::move(*plan), record, mode, [this, alive = alive_, &app](PlanReport report) {
    if (*alive) finished(app, report);
  });
}

FailoverRound FailoverController::on_round(std::span<const EndpointState> states, RoundTime now) {
  std::vector<FailoverAdvice> advice;
  latest_states_.assign(states.begin(), states.end());
  for (auto& owned : apps_) {
    auto& app = *owned;
    sync_with_journal(app);
    FailoverSnapshot snapshot{{VantageView{setup_.vantage, latest_states_}}, app.active, app.moves,
                              app.running.has_value() || app.pending.has_value() || app.left_running.has_value()};
    if (setup_.remote_views) std::ranges::move(setup_.remote_views(now.wall), std::back_inserter(snapshot.views));
    auto decision = app.policy.decide(snapshot, now);
    advice.push_back(to_advice(app.config.name, decision));
    // The reason's figures (failing rounds, seconds of cool-down) change every round; its rule does not.
    auto rule = fmt::format("{}/{}/{}", to_string(decision.kind), decision.rule, decision.to);
    if (rule != app.logged_rule && (decision.kind != DecisionKind::stay || !app.logged_rule.empty())) {
      if (decision.kind == DecisionKind::hold) spdlog::warn("failover {}: {}", app.config.name, decision.reason);
      else spdlog::info("failover {}: {}", app.config.name, decision.reason);
    }
    app.logged_rule = std::move(rule);
    app.decision = decision;
    // Renewed before acting too when the timer's renewal is overdue (a loop that was busy): a
    // round must not begin a plan under a lease that is about to end.
    const bool renewal_due = !app.owned || !app.lease ||
                             app.lease->expires_at - now.wall < setup_.lease_ttl - setup_.lease_renewal;
    if (renewal_due && !hold_lease(app, now.wall)) continue;
    if (const auto why = setup_.hold ? setup_.hold() : std::nullopt) {
      // Said once per reason (its text names the agents, not figures that change each round).
      if (app.logged_hold != *why) announce(app, AlertSeverity::critical, "automation holds: " + *why);
      app.logged_hold = *why;
      continue;
    }
    app.logged_hold.clear();
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
    carry_out(app, decision, now.wall);
  }
  FailoverRound round{std::exchange(signals_, {}), {}, applications(), std::move(advice)};
  for (const auto& app : apps_) round.active_regions[app->config.name] = app->active;
  return round;
}

void FailoverController::carry_out(Application& app, const FailoverDecision& decision, TimePoint now) {
  switch (decision.action) {
    case DecisionAction::execute: {
      auto plan = build_plan(app, decision.from, decision.to);
      if (!plan) return announce(app, AlertSeverity::critical, plan.error());
      const auto generation = journal_->next_generation(app.config.name);
      if (!generation) {
        journal_failed(app, "cannot read the journal: " + generation.error().message);
        return;
      }
      app.logged_journal_error.clear();
      announce(app, AlertSeverity::critical, "starting " + plan->kind + " " + decision.from + " -> " + decision.to +
                                                 ": " + decision.reason);
      execute(app, std::move(*plan), *generation, Start::fresh, {failing_since(decision, now), now});
      return;
    }
    case DecisionAction::propose: return propose(app, decision, now);
    case DecisionAction::dry_run:
      // Counted as a move, so that cool-down and the hourly limit pace the dry runs too.
      app.dry_run_moves.push_back({now, decision.kind == DecisionKind::failback});
      app.moves.push_back({now, decision.kind == DecisionKind::failback});
      return dry_run(app, decision.to, decision.reason);
    case DecisionAction::none: return;
  }
}

std::expected<Plan, std::string> FailoverController::build_plan(Application& app, const std::string& from,
                                                                const std::string& to) {
  const bool judged = setup_.role == ControllerSetup::Role::daemon;
  PlanContext context{setup_.clients, scheduler_, WaitOptions{}, judged ? target_problem(app, to) : std::nullopt,
                      judged, replica_lag(app, to), io_.get_executor()};
  // The region being left, for an Aurora global database's switchover-or-failover (aurora_global).
  if (const auto* source = judged ? app.assessment(from) : nullptr; source && source->reported)
    context.source_healthy = !source->down && !source->failing;
  context.curl = setup_.curl;
  // The gate is a traffic step like the others: before verify_dns, which may see only its effect.
  // A command line serves no gate (the daemon's gate answers from the journal).
  if (app.config.plan.gate && judged)
    context.extra_traffic_steps.push_back(
        gate_step([this, &app](const std::string& region) { set_gate(app, region); }, from, to));
  auto plan = setup_.build(app.config, from, to, context);
  if (!plan) return std::unexpected("cannot build the plan to " + to + ": cannot reach AWS: " + plan.error());
  if (judged)
    plan->steps.push_back(settle_step(scheduler_, to, app.config.plan.settle, [&app, to]() -> std::optional<std::string> {
      const auto* assessment = app.assessment(to);
      if (!assessment || !assessment->reported) return std::nullopt;  // no news this round
      if (assessment->failing)
        return to + " is failing (score " + std::to_string(static_cast<int>(assessment->score)) + ")";
      return std::nullopt;
    }));
  return plan;
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
  if (setup_.replica_lag) return setup_.replica_lag(app.config, to);
  const auto replica = app.config.plan.rds_replicas.find(to);
  if (replica == app.config.plan.rds_replicas.end()) return std::nullopt;
  for (const auto& endpoint : config_.endpoints) {
    if (endpoint.kind != ProbeKind::rds || endpoint.region != to || endpoint.aws.resource != replica->second) continue;
    const auto state = std::ranges::find(latest_states_, endpoint.id, &EndpointState::endpoint_id);
    // A lag older than twice the check's period is no longer known (issue 15, section 5).
    if (state != latest_states_.end() && state->resource && now() - state->last_check <= 2 * state->interval)
      return state->resource->replica_lag_seconds;
  }
  return std::nullopt;
}

std::string FailoverController::default_target(const Application& app) const {
  return app.active == app.config.primary ? app.config.secondaries.front() : app.config.primary;
}

Started FailoverController::execute(Application& app, Plan plan, std::int64_t generation, Start how,
                                    PlanOrigin origin) {
  app.pending.reset();
  app.log.clear();
  const Started started{generation, plan.kind, plan.from, plan.to, std::nullopt};
  app.running = JournalPlan{app.config.name, generation, plan.kind, plan.from, plan.to, PlanState::running,
                            now(), now(), "", {}, {}, {}, {}, {}, {}, {}};
  app.moves.push_back({now(), plan.kind == "failback"});
  signals_.push_back({app.config.name, plan.to, plan.kind + " " + plan.from + " -> " + plan.to + " started"});
  auto done = [this, alive = alive_, &app](PlanReport report) {
    if (*alive) finished(app, report);
  };
  if (how == Start::approved) executor_.run_approved(std::move(plan), generation, std::move(done));
  else executor_.run(std::move(plan), generation, std::move(done), origin);
  return started;
}

void FailoverController::finished(Application& app, const PlanReport& report) {
  const auto record = app.running.value_or(JournalPlan{});
  app.running.reset();
  if (app.superseded && app.superseded->generation == report.generation) {
    // The runner an operator's rollback fenced has stopped: now its steps can be undone.
    app.log.push_back("#" + std::to_string(report.generation) + " stopped: " + report.reason);
    return start_superseding_rollback(app);
  }
  app.last_report = report;
  const std::string what = record.kind + " #" + std::to_string(report.generation) + " " + record.from + " -> " +
                           record.to + ": " + std::string(to_string(report.outcome)) +
                           (report.reason.empty() ? "" : " (" + report.reason + ")");
  // A rollback generation runs its plan backwards: its success puts traffic back on `record.to`
  // (the region the undone plan left), which the journal's completed plans already say.
  if (report.outcome == PlanOutcome::completed) {
    app.active = record.to;
    set_gate(app, record.to);
    announce(app, AlertSeverity::warning, what);
  } else {
    set_gate(app, app.active);
    announce(app, AlertSeverity::critical, what);
  }
  if (!report.not_undone.empty() && report.outcome != PlanOutcome::completed)
    announce(app, AlertSeverity::critical, halted_runbook(app.config.name, record, report));
  // Outcomes an operator must look at before automation acts again; but a plan fenced because
  // this process no longer owns the application (a cluster leader deposed while it ran) is its
  // new owner's to take up, and this process may not lock anything.
  const bool deposed = report.outcome == PlanOutcome::fenced && !hold_lease(app, now());
  if (deposed)
    spdlog::warn("failover {}: #{} stopped: this process no longer owns the application's failover; its owner takes "
                 "the plan up", app.config.name, report.generation);
  else if (report.outcome == PlanOutcome::rollback_failed || report.outcome == PlanOutcome::halted ||
           report.outcome == PlanOutcome::journal_failed || report.outcome == PlanOutcome::fenced)
    lock(app, report.generation, std::string(to_string(report.outcome)) + ": " + report.reason);
  signals_.push_back({app.config.name, record.to, what});
  sync_with_journal(app);
  if (const auto latest = journal_->latest(app.config.name); latest && *latest && (*latest)->generation == report.generation)
    if ((app.recovery = recovery_time(**latest, now())))
      spdlog::info("failover {} #{}: {}", app.config.name, report.generation, app.recovery->text);
}

void FailoverController::lock(Application& app, std::int64_t generation, const std::string& reason) {
  const LockState state{true, now(), generation, reason};
  if (auto written = journal_->set_lock(app.config.name, state); !written)
    spdlog::error("failover {}: cannot journal the lock ({}): locked in memory only", app.config.name,
                  written.error().message);
  app.lock = state;
  announce(app, AlertSeverity::critical, "locked: no automated failover until an operator runs `regionguard failover unlock " +
                                             app.config.name + " --reason ...` (" + reason + ")");
}

void FailoverController::expire_or_withdraw_proposal(Application& app, RoundTime now) {
  const auto& proposal = *app.pending;
  if (proposal.state != PlanState::proposed) return;  // approved: it runs at this round
  PlanState to = PlanState::proposed;
  std::string why;
  const auto* source = app.assessment(proposal.from);
  if (now.steady - app.began(proposal, now) > app.config.policy.proposal_ttl) {
    to = PlanState::expired;
    why = "nobody answered within proposal_ttl";
  } else if (source && source->reported && !source->failing && !source->down) {
    to = PlanState::withdrawn;
    why = proposal.from + " recovered";
  }
  if (to == PlanState::proposed) return;
  const auto written =
      journal_->finish_plan(app.config.name, proposal.generation, PlanState::proposed, to, now.wall, why);
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
                                           " cannot be rebuilt to undo it: " + plan.error());
    return;
  }
  plan->kind = "rollback";
  app.running = JournalPlan{app.config.name, app.rollback_generation, "rollback", record.to, record.from,
                            PlanState::running, now(), now(), "", {}, {}, {}, {}, {}, {}, {}};
  executor_.undo_superseded(std::move(*plan), record, app.rollback_generation,
                            [this, alive = alive_, &app](PlanReport report) {
                              if (*alive) finished(app, report);
                            });
}

// The policy asks again every round while the journal fails: say so once per distinct error.
void FailoverController::journal_failed(Application& app, const std::string& what) {
  if (what == app.logged_journal_error) return;
  spdlog::error("failover {}: {} (said once until it changes)", app.config.name, what);
  app.logged_journal_error = what;
}

void FailoverController::propose(Application& app, const FailoverDecision& decision, TimePoint now) {
  const auto& to = decision.to;
  const auto& reason = decision.reason;
  const auto generation = journal_->next_generation(app.config.name);
  if (!generation) {
    journal_failed(app, "cannot read the journal: " + generation.error().message);
    return;
  }
  JournalPlan proposal{app.config.name, *generation, to == app.config.primary ? "failback" : "failover",
                       app.active, to, PlanState::proposed, now, now, reason, {}, {}, {}, {}, {}, {}, {}};
  // The approved run keeps them: its recovery time counts from the failure, the wait included.
  proposal.failing_since = failing_since(decision, now);
  proposal.decided_at = now;
  const auto written = journal_->begin_plan(proposal, setup_.holder.owner);
  if (!written || *written != JournalWrite::ok) {
    journal_failed(app, "cannot journal the proposal: " +
                            (!written                                ? written.error().message
                             : *written == JournalWrite::fenced ? std::string("a newer plan exists")
                                                                  : std::string("this daemon lost the owner lease")));
    return;
  }
  app.logged_journal_error.clear();
  app.began_steady[proposal.generation] = clocks().steady;
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
  if (!plan) {
    app.dry_run = PlanReport{PlanOutcome::refused, 0, plan.error(), {}, {}};
    app.dry_run_to = to;
    return announce(app, AlertSeverity::critical, plan.error());
  }
  ++dry_runs_in_flight_;
  // Not through the executor's progress hook: a dry run notifies once, with its outcome.
  quiet_executor_.dry_run(std::move(*plan), [this, alive = alive_, &app, to, reason](PlanReport report) {
    if (!*alive) return;
    --dry_runs_in_flight_;
    const bool ready = report.outcome == PlanOutcome::completed;
    if (app.config.policy.mode == FailoverMode::dry_run && setup_.role == ControllerSetup::Role::daemon)
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
    // A plan that ran counts from when it started (readiness passed), not from its proposal.
    // (a proposal answered, or a plan that failed readiness, from when that happened).
    if (is_move(plan.state)) app.moves.push_back({plan.ready_at.value_or(plan.updated_at), plan.kind == "failback"});
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
  app.pending->state = proposal->state;
  if (proposal->state == PlanState::approved && setup_.role == ControllerSetup::Role::daemon) run_approved(app);
}

std::optional<Started> FailoverController::run_approved(Application& app) {
  const auto approved = *app.pending;
  if (!app.owned || app.lock.locked) return std::nullopt;  // it waits for the owner, or for an unlock
  if (const auto* source = app.assessment(approved.from); source && source->reported && !source->down) {
    // Approved (on the command line, or before a restart) while its source came back.
    journal_->finish_plan(app.config.name, approved.generation, PlanState::approved, PlanState::withdrawn, now(),
                          approved.from + " is no longer down");
    announce(app, AlertSeverity::info, "approved #" + std::to_string(approved.generation) + " withdrawn: " +
                                           approved.from + " is no longer down");
    app.pending.reset();
    return std::nullopt;
  }
  auto plan = build_plan(app, approved.from, approved.to);
  if (!plan) {
    announce(app, AlertSeverity::critical, plan.error());
    return std::nullopt;
  }
  announce(app, AlertSeverity::critical, "running approved " + approved.kind + " #" +
                                             std::to_string(approved.generation) + " " + approved.from + " -> " +
                                             approved.to);
  return execute(app, std::move(*plan), approved.generation, Start::approved);
}

bool FailoverController::busy() const {
  return dry_runs_in_flight_ > 0 ||
         std::ranges::any_of(apps_, [](const auto& app) { return app->running.has_value() || app->superseded; });
}

std::optional<FailoverController::Gate> FailoverController::gate(const std::string& name,
                                                                 const std::string& region) const {
  const auto* app = find(name);
  if (!app || !app->config.plan.gate) return std::nullopt;
  const auto regions = app->config.regions();
  if (std::ranges::find(regions, region) == regions.end()) return std::nullopt;
  return Gate{app->gate == region, app->gate};
}

void FailoverController::set_gate(Application& app, const std::string& region) {
  if (app.gate == region) return;
  app.gate = region;
  ++gate_changes_;
}

// --- Operations ---------------------------------------------------------------------------------

std::optional<Refusal> FailoverController::may_change(Application& app, bool even_if_locked) {
  const auto& name = app.config.name;
  if (setup_.role == ControllerSetup::Role::command && !app.owned) {
    // The lease first, then the journal: what the operation reads (the active region, a plan left
    // running, a proposal) cannot change under it, since nobody else may begin a plan meanwhile.
    if (!hold_lease(app, now()))
      return app.lease ? refuse(RefusalKind::not_owner,
                                "another process holds " + name + "'s failover: " + describe(*app.lease))
                             : refuse(RefusalKind::unavailable, "journal: " + app.logged_journal_error);
    recover(app);
  }
  if (!app.owned)
    return refuse(RefusalKind::not_owner, "this daemon does not own " + name + "'s failover" +
                                              (app.lease ? ": " + describe(*app.lease) : std::string()) +
                                              " (see `regionguard failover status " + name + "`)");
  sync_with_journal(app);
  if (app.lock.locked && !even_if_locked)
    return refuse(RefusalKind::locked, name + " is locked since " + format_iso8601(app.lock.at) + " (" +
                                           app.lock.reason + "): unlock it first (`regionguard failover unlock " +
                                           name + " --reason ...`)");
  return std::nullopt;
}

Answer<DryRunStarted> FailoverController::plan(const std::string& name, std::string to) {
  auto* app = find(name);
  if (!app) return std::unexpected(refuse(RefusalKind::unknown, "no application '" + name + "'"));
  if (to.empty()) to = default_target(*app);
  const auto regions = app->config.regions();
  if (std::ranges::find(regions, to) == regions.end())
    return std::unexpected(refuse(RefusalKind::invalid, "`" + to + "` is not a region of " + name));
  if (to == app->active) return std::unexpected(refuse(RefusalKind::conflict, name + " is already active in " + to));
  dry_run(*app, to, "requested");
  return DryRunStarted{to == app->config.primary ? "failback" : "failover", app->active, to};
}

Answer<Started> FailoverController::execute(const std::string& name, std::string to, std::string_view by) {
  auto* app = find(name);
  if (!app) return std::unexpected(refuse(RefusalKind::unknown, "no application '" + name + "'"));
  const auto regions = app->config.regions();
  if (!to.empty() && std::ranges::find(regions, to) == regions.end())
    return std::unexpected(refuse(RefusalKind::invalid, "`" + to + "` is not a region of " + name));
  if (auto refusal = may_change(*app, false)) return std::unexpected(*refusal);
  if (app->superseded)
    return std::unexpected(refuse(RefusalKind::conflict,
                                  "a rollback of #" + std::to_string(app->superseded->generation) + " is starting"));
  if (app->running)
    return std::unexpected(refuse(RefusalKind::conflict, describe(*app->running) + " is running under " +
                                                             setup_.holder.owner + "; roll it back or wait for it"));
  if (app->left_running)
    return std::unexpected(refuse(
        RefusalKind::conflict,
        describe(*app->left_running) + " is running, left by " +
            (app->left_running->owner.empty() ? std::string("a process") : app->left_running->owner) +
            " that is gone: roll it back (`regionguard failover rollback " + name + "`)" +
            (setup_.role == ControllerSetup::Role::daemon ? ", or let the next round resume or roll it back"
                                                          : " or start the daemon, which resumes or rolls it back")));
  if (to.empty()) to = default_target(*app);
  if (to == app->active) return std::unexpected(refuse(RefusalKind::conflict, name + " is already active in " + to));
  auto plan = build_plan(*app, app->active, to);
  if (!plan) return std::unexpected(refuse(RefusalKind::unavailable, plan.error()));
  const auto generation = journal_->next_generation(name);
  if (!generation)
    return std::unexpected(refuse(RefusalKind::unavailable, "cannot read the journal: " + generation.error().message));
  if (app->pending) {
    journal_->finish_plan(name, app->pending->generation, app->pending->state, PlanState::declined, now(),
                          "superseded by an execute on " + std::string(by));
    app->pending.reset();
  }
  announce(*app, AlertSeverity::critical,
           "starting " + plan->kind + " " + app->active + " -> " + to + " (requested on " + std::string(by) + ")");
  return execute(*app, std::move(*plan), *generation, Start::fresh, {std::nullopt, now()});
}

// An approval pause of the running plan, answered whoever runs it: this daemon, or a command line
// holding the lease (no lease is needed to answer: the runner reads the answer and acts under its
// own). nullopt when no plan waits at one.
std::optional<Answer<std::int64_t>> FailoverController::answer_pause(Application& app, bool approve,
                                                                     std::string_view by) {
  const auto record = journal_->latest(app.config.name);
  if (!record) return std::unexpected(refuse(RefusalKind::unavailable, "journal: " + record.error().message));
  if (!*record || !awaiting_approval(**record)) return std::nullopt;
  const auto& plan = **record;
  const auto written = answer_approval(*journal_, plan, approve, std::string(by), now());
  if (!written)
    return std::unexpected(refuse(RefusalKind::unavailable, "cannot write the journal: " + written.error().message));
  if (*written != JournalWrite::ok)
    return std::unexpected(refuse(RefusalKind::conflict, describe(plan) + " no longer waits for an approval"));
  announce(app, AlertSeverity::info, describe(plan) + ": " + awaiting_approval(plan).value_or(JournalStep{}).name +
                                         (approve ? " approved" : " declined") + " on " + std::string(by));
  return plan.generation;
}

Answer<Approved> FailoverController::approve(const std::string& name, std::string_view by) {
  auto* app = find(name);
  if (!app) return std::unexpected(refuse(RefusalKind::unknown, "no application '" + name + "'"));
  if (auto paused = answer_pause(*app, true, by)) {
    if (!*paused) return std::unexpected(paused->error());
    return Approved{**paused, true, std::nullopt, true};
  }
  if (auto refusal = may_change(*app, false)) return std::unexpected(*refusal);
  if (app->running)
    return std::unexpected(refuse(RefusalKind::conflict, describe(*app->running) + " is running"));
  if (app->left_running) {
    // Outside automatic mode, the operator's word on a plan a restart left running.
    if (!app->recovery_proposed)
      return std::unexpected(refuse(RefusalKind::conflict, describe(*app->left_running) +
                                                               " was left running by a restart: no round has judged " +
                                                               app->left_running->from + " yet"));
    const auto generation = app->left_running->generation;
    recover_left_running(*app, *app->recovery_proposed, "approved on " + std::string(by));
    if (!app->running) return std::unexpected(refuse(RefusalKind::unavailable, "the plan cannot be rebuilt (see the log)"));
    return Approved{generation, true,
                    Started{generation, app->running->kind, app->running->from, app->running->to, std::nullopt}};
  }
  if (!app->pending || app->pending->state != PlanState::proposed)
    return std::unexpected(refuse(RefusalKind::conflict, name + " has no proposal waiting for approval (see "
                                                                "`regionguard failover status " + name + "`)"));
  const auto proposal = *app->pending;
  const bool judges = setup_.role == ControllerSetup::Role::daemon;
  if (const auto* source = app->assessment(proposal.from); judges && source && source->reported && !source->down)
    return std::unexpected(refuse(RefusalKind::conflict, "not approved: " + proposal.from + " is no longer down (" +
                                                             app->decision->reason +
                                                             "); the proposal is withdrawn at the next round"));
  const auto approved = journal_->finish_plan(name, proposal.generation, PlanState::proposed, PlanState::approved,
                                              now(), "approved on " + std::string(by));
  if (!approved)
    return std::unexpected(refuse(RefusalKind::unavailable, "cannot write the journal: " + approved.error().message));
  if (*approved != JournalWrite::ok)
    return std::unexpected(refuse(RefusalKind::conflict, "proposal #" + std::to_string(proposal.generation) +
                                                             " is no longer waiting (declined, expired or "
                                                             "superseded meanwhile)"));
  app->pending->state = PlanState::approved;
  if (!judges) return Approved{proposal.generation, false, std::nullopt};
  return Approved{proposal.generation, true, run_approved(*app)};
}

Answer<std::int64_t> FailoverController::decline(const std::string& name, std::string_view by) {
  auto* app = find(name);
  if (!app) return std::unexpected(refuse(RefusalKind::unknown, "no application '" + name + "'"));
  if (auto paused = answer_pause(*app, false, by)) return *paused;
  if (auto refusal = may_change(*app, true)) return std::unexpected(*refusal);
  if (!app->pending)
    return std::unexpected(refuse(RefusalKind::conflict, name + " has no proposal waiting for approval"));
  const auto proposal = *app->pending;
  const auto declined = journal_->finish_plan(name, proposal.generation, proposal.state, PlanState::declined, now(),
                                              "declined on " + std::string(by));
  if (!declined)
    return std::unexpected(refuse(RefusalKind::unavailable, "cannot write the journal: " + declined.error().message));
  if (*declined != JournalWrite::ok)
    return std::unexpected(refuse(RefusalKind::conflict, "proposal #" + std::to_string(proposal.generation) +
                                                             " is no longer waiting (answered, expired or "
                                                             "superseded meanwhile)"));
  announce(*app, AlertSeverity::info, "proposal #" + std::to_string(proposal.generation) + " declined");
  app->pending.reset();
  sync_with_journal(*app);
  return proposal.generation;
}

// A new generation fences `running` at its runner's next journal write; its steps are undone once
// that runner has stopped (here, when it reports; at once when nobody runs it any more).
Answer<Started> FailoverController::supersede_running(Application& app, const JournalPlan& running,
                                                      std::string_view by) {
  const auto& name = app.config.name;
  const auto record = journal_->latest(name);
  if (!record || !*record || (*record)->generation != running.generation)
    return std::unexpected(refuse(RefusalKind::unavailable, "cannot read the running plan from the journal"));
  const auto generation = running.generation + 1;
  JournalPlan rollback{name, generation, "rollback", running.to, running.from, PlanState::running,
                       now(), now(), "requested on " + std::string(by), {}, {}, {}, {}, {}, {}, {}};
  rollback.decided_at = rollback.created_at;
  const auto written = journal_->supersede(rollback, running.generation, setup_.holder.owner);
  if (!written)
    return std::unexpected(refuse(RefusalKind::unavailable, "cannot write the journal: " + written.error().message));
  if (*written != JournalWrite::ok)
    return std::unexpected(refuse(RefusalKind::conflict, describe(running) + " cannot be superseded now (it ended, or "
                                                                           "this process lost the lease)"));
  app.superseded = **record;
  app.rollback_generation = generation;
  const Started started{generation, "rollback", running.to, running.from, running.generation};
  if (app.running) {
    announce(app, AlertSeverity::critical, "rolling back #" + std::to_string(running.generation) + " as #" +
                                               std::to_string(generation) + " (requested on " + std::string(by) +
                                               ") once its step in flight ends");
  } else {
    // Left running by a process that is gone: nothing else can write it, so the undo starts now.
    app.left_running.reset();
    announce(app, AlertSeverity::critical, "rolling back #" + std::to_string(running.generation) + " as #" +
                                               std::to_string(generation) + " (requested on " + std::string(by) +
                                               "; it was left running by " +
                                               (running.owner.empty() ? std::string("a process") : running.owner) + ")");
    app.log.clear();
    start_superseding_rollback(app);
  }
  return started;
}

Answer<RolledBack> FailoverController::rollback(const std::string& name, std::string_view by) {
  auto* app = find(name);
  if (!app) return std::unexpected(refuse(RefusalKind::unknown, "no application '" + name + "'"));
  if (auto refusal = may_change(*app, true)) return std::unexpected(*refusal);
  if (app->superseded)
    return std::unexpected(refuse(RefusalKind::conflict,
                                  "a rollback of #" + std::to_string(app->superseded->generation) + " is starting"));
  const auto as_rolled_back = [](Answer<Started> started) -> Answer<RolledBack> {
    if (!started) return std::unexpected(started.error());
    return RolledBack{std::nullopt, *started};
  };
  if (app->running) return as_rolled_back(supersede_running(*app, *app->running, by));
  if (app->left_running) return as_rolled_back(supersede_running(*app, *app->left_running, by));
  if (app->pending) {
    auto declined = decline(name, by);
    if (!declined) return std::unexpected(declined.error());
    return RolledBack{*declined, std::nullopt};
  }
  // Reverses the last completed move with a new plan back to the region it left.
  const auto last = std::ranges::find(app->history, PlanState::completed, &JournalPlan::state);
  if (last == app->history.end() || last->to != app->active)
    return std::unexpected(refuse(RefusalKind::conflict, name + " has no running or completed plan to roll back"));
  return as_rolled_back(execute(name, last->from, by));
}

Answer<Unlocked> FailoverController::unlock(const std::string& name, const std::string& reason, std::string_view by) {
  auto* app = find(name);
  if (!app) return std::unexpected(refuse(RefusalKind::unknown, "no application '" + name + "'"));
  if (reason.empty())
    return std::unexpected(refuse(RefusalKind::invalid, "say why the application is safe to automate again (the reason "
                                                        "is journaled)"));
  const auto lock = journal_->lock(name);
  if (!lock) return std::unexpected(refuse(RefusalKind::unavailable, "journal: " + lock.error().message));
  if (!lock->locked) return std::unexpected(refuse(RefusalKind::conflict, name + " is not locked"));
  const LockState unlocked{false, now(), 0, "unlocked on " + std::string(by) + ": " + reason};
  if (auto written = journal_->set_lock(name, unlocked); !written)
    return std::unexpected(refuse(RefusalKind::unavailable, "cannot write the journal: " + written.error().message));
  sync_with_journal(*app);
  return Unlocked{*lock};
}

ApplicationStatus FailoverController::status_of(const Application& app) const {
  ApplicationStatus status;
  status.name = app.config.name;
  status.primary = app.config.primary;
  status.secondaries = app.config.secondaries;
  status.mode = std::string(to_string(app.config.policy.mode));
  status.active_region = app.active;
  status.state = app.running && app.paused_at                       ? "awaiting_approval"
                 : app.running || app.left_running || app.superseded ? "running"
                 : app.pending                                     ? "awaiting_approval"
                                                                   : "idle";
  status.owned = app.owned;
  // The daemon knows the lease from its renewals; a command line, which renews none it does not
  // hold, reads it.
  auto lease = app.lease;
  if (!lease)
    if (const auto read = journal_->lease(app.config.name); read && *read) lease = **read;
  if (lease && lease_is_live(*lease, now())) status.owner = lease;
  status.lock = app.lock;
  if (app.config.plan.gate) status.gate = app.gate;
  status.decision = app.decision;
  status.plan = app.running        ? app.running
                : app.left_running ? app.left_running
                                   : app.pending;
  status.steps = app.log;
  status.last_report = app.last_report;
  status.history = app.history;
  status.recovery = app.recovery;
  if (const auto latest = journal_->latest(app.config.name); latest && *latest)
    if (auto recovery = recovery_time(**latest, now())) status.recovery = std::move(recovery);
  status.dry_run = app.dry_run;
  status.dry_run_to = app.dry_run_to;
  return status;
}

Answer<ApplicationStatus> FailoverController::status(const std::string& name) const {
  const auto* app = find(name);
  if (!app) return std::unexpected(refuse(RefusalKind::unknown, "no application '" + name + "'"));
  auto status = status_of(*app);
  // The newest plan with its step rows and what each said (a custom step's output): one journal
  // read, for this one application, when asked.
  if (const auto newest = journal_->latest(name);
      newest && *newest && !status.history.empty() && status.history.front().generation == (*newest)->generation)
    status.history.front().steps = (*newest)->steps;
  return status;
}

std::vector<ApplicationStatus> FailoverController::applications() const {
  std::vector<ApplicationStatus> list;
  for (const auto& app : apps_) list.push_back(status_of(*app));
  return list;
}

}  // namespace rg::act
