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
// plan that was not ready, so that a target that cannot take traffic is not retried every round.
bool is_move(PlanState state) {
  return state == PlanState::running || state == PlanState::completed || state == PlanState::rolled_back ||
         state == PlanState::rollback_failed || state == PlanState::fenced || state == PlanState::approved ||
         state == PlanState::not_ready;
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
      executor_(io.get_executor(), *journal_, [] { return now_us(); },
                [this](const act::Plan& plan, const std::string& line) {
                  auto* app = find(plan.app);
                  if (!app) return;
                  app->log.push_back(line);
                  const bool bad = line.starts_with("FAILED") || line.starts_with("VERIFY FAILED") ||
                                   line.starts_with("UNDO FAILED") || line.starts_with("NOT READY");
                  announce(*app, bad ? AlertSeverity::warning : AlertSeverity::info,
                           plan.kind + " " + plan.from + " -> " + plan.to + ": " + line);
                }) {
  for (const auto& app : config.applications)
    apps_.push_back(std::make_unique<Application>(app, config.score_weights));
}

FailoverController::~FailoverController() { *alive_ = false; }

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
  auto plan = build_plan(app, record.from, record.to);
  if (!plan) return;
  // The gate step may have run before the crash: the gate answers what the journal says.
  if (gate_opened(record)) set_gate(app, record.to);
  announce(app, AlertSeverity::warning,
           "resuming #" + std::to_string(record.generation) + " (" + record.from + " -> " + record.to +
               ") left running by a restart");
  app.running = record;
  app.log.clear();
  executor_.recover(std::move(*plan), record, act::Recovery::resume,
                    [this, alive = alive_, &app](act::PlanReport report) {
                      if (*alive) finished(app, report);
                    });
}

FailoverRound FailoverController::on_round(std::span<const EndpointState> states, TimePoint now) {
  latest_states_.assign(states.begin(), states.end());
  for (auto& owned : apps_) {
    auto& app = *owned;
    sync_with_journal(app);
    FailoverSnapshot snapshot{{VantageView{"local", latest_states_}}, app.active, app.moves,
                              app.running.has_value() || app.pending.has_value()};
    auto decision = app.policy.decide(snapshot, now);
    // The reason's figures (failing rounds, seconds of cool-down) change every round; its rule does not.
    auto rule = fmt::format("{}/{}/{}", to_string(decision.kind), decision.rule, decision.to);
    if (rule != app.logged_rule && (decision.kind != DecisionKind::stay || !app.logged_rule.empty())) {
      if (decision.kind == DecisionKind::hold) spdlog::warn("failover {}: {}", app.config.name, decision.reason);
      else spdlog::info("failover {}: {}", app.config.name, decision.reason);
    }
    app.logged_rule = std::move(rule);
    app.decision = decision;
    if (decision.kind == DecisionKind::failover || decision.kind == DecisionKind::failback)
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
  auto plan = act::build_failover_plan(app.config, from, to, context);
  if (!plan) {
    announce(app, AlertSeverity::critical, "cannot build the plan to " + to + ": cannot reach AWS: " + plan.error());
    return std::nullopt;
  }
  if (app.config.plan.gate)
    plan->steps.push_back(gate_step([this, &app](const std::string& region) { set_gate(app, region); }, from, to));
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
    if (state != latest_states_.end() && state->resource) return state->resource->replica_lag_seconds;
  }
  return std::nullopt;
}

void FailoverController::execute(Application& app, act::Plan plan, std::int64_t generation, Start how) {
  app.pending.reset();
  app.log.clear();
  app.running = JournalPlan{app.config.name, generation, plan.kind, plan.from, plan.to, PlanState::running,
                            now_us(), now_us(), "", {}};
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
  signals_.push_back({app.config.name, record.to, what});
  sync_with_journal(app);
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
                       app.active, to, PlanState::proposed, now, now, reason, {}};
  const auto written = journal_->begin_plan(proposal);
  if (!written || *written != JournalWrite::ok) {
    journal_failed(app, "cannot journal the proposal: " +
                            (written ? std::string("a newer plan exists") : written.error().message));
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
  act::PlanExecutor quiet(io_.get_executor(), *journal_, [] { return now_us(); });
  quiet.dry_run(std::move(*plan), [this, alive = alive_, &app, to, reason](act::PlanReport report) {
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
  if (app.running) return;
  const auto plans = journal_->plans(app.config.name, 100);
  if (!plans) return;
  app.history.assign(plans->begin(), plans->begin() + std::min<std::size_t>(plans->size(), 10));
  const auto completed = std::ranges::find(*plans, PlanState::completed, &JournalPlan::state);
  app.active = completed != plans->end() ? completed->to : app.config.primary;
  set_gate(app, app.active);
  app.moves = app.dry_run_moves;
  for (const auto& plan : *plans)
    if (is_move(plan.state)) app.moves.push_back({plan.created_at, plan.kind == "failback"});
  if (!app.pending) return;
  const auto proposal = std::ranges::find(*plans, app.pending->generation, &JournalPlan::generation);
  if (proposal == plans->end()) return;
  if (proposal->state == PlanState::declined) {
    announce(app, AlertSeverity::info, "proposal #" + std::to_string(app.pending->generation) + " declined");
    app.pending.reset();
    return;
  }
  if (proposal->state != PlanState::approved) return;
  const auto approved = *app.pending;
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
  if (op != "plan" && op != "execute" && op != "approve" && op != "rollback")
    return not_found("unknown operation '" + op + "' (expected plan, execute, approve or rollback)");
  for (const auto& [key, value] : body.items())
    if (key != "to") return bad_request("unknown field `" + key + "` (expected to)");
  std::string to;
  if (body.contains("to")) {
    if (!body["to"].is_string()) return bad_request("to: must be a region name");
    to = body["to"].get<std::string>();
    const auto regions = app->config.regions();
    if (std::ranges::find(regions, to) == regions.end())
      return bad_request("to: `" + to + "` is not a region of " + name);
  }
  if (to.empty()) to = app->active == app->config.primary ? app->config.secondaries.front() : app->config.primary;
  const auto conflict = [](std::string_view message) { return error_response(409, "conflict", message); };
  if (app->running)
    return conflict("plan #" + std::to_string(app->running->generation) +
                    " is running; it rolls itself back if a step fails");

  if (op == "plan") {
    dry_run(*app, to, "requested on the API");
    return json_response(202, {{"accepted", true}, {"to", to}, {"see", "GET /api/v1/applications (dry_run)"}});
  }
  if (op == "approve") {
    if (!app->pending) return conflict(name + " has no proposal waiting for approval");
    const auto approved = journal_->finish_plan(name, app->pending->generation, PlanState::approved, now_us(),
                                                "approved via the API");
    if (!approved) return unavailable("cannot write the journal: " + approved.error().message);
    if (*approved == JournalWrite::fenced) return conflict("a newer plan exists; the proposal is stale");
    const auto generation = app->pending->generation;
    sync_with_journal(*app);
    return json_response(202, {{"accepted", true}, {"generation", generation}});
  }
  if (op == "rollback" && app->pending) {
    journal_->finish_plan(name, app->pending->generation, PlanState::declined, now_us(), "declined via the API");
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
    journal_->finish_plan(name, app->pending->generation, PlanState::declined, now_us(), "superseded via the API");
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
               {"state", app.running ? "running" : app.pending ? "awaiting_approval" : "idle"},
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
