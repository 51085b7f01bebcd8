#include "present/failover_api.h"

#include <algorithm>

namespace rg {
namespace {

using json = nlohmann::json;

json plan_json(const JournalPlan& plan) {
  return {{"generation", plan.generation}, {"kind", plan.kind},           {"from", plan.from},
          {"to", plan.to},                 {"state", to_string(plan.state)}, {"created_at", format_iso8601(plan.created_at)},
          {"detail", plan.detail}};
}

json time_json(const std::optional<TimePoint>& at) { return at ? json(format_iso8601(*at)) : json(nullptr); }

// The recovery time of the running plan or the last one that ran (act/failover/recovery_time.h).
json recovery_json(const act::RecoveryTime& recovery) {
  json phases = json::array();
  for (const auto& phase : recovery.phases)
    phases.push_back({{"name", phase.name},
                      {"from", format_iso8601(phase.from)},
                      {"to", format_iso8601(phase.to)},
                      {"ms", phase.duration.count()}});
  return {{"generation", recovery.generation},
          {"outcome", recovery.outcome},
          {"running", recovery.running},
          {"resumed", recovery.resumed},
          {"total_ms", recovery.total.count()},
          {"phases", std::move(phases)},
          {"failing_since", time_json(recovery.failing_since)},
          {"decided_at", time_json(recovery.decided_at)},
          {"started_at", time_json(recovery.started_at)},
          {"ready_at", time_json(recovery.ready_at)},
          {"traffic_moved_at", time_json(recovery.traffic_moved_at)},
          {"verified_at", time_json(recovery.verified_at)},
          {"settled_at", time_json(recovery.settled_at)},
          {"text", recovery.text}};
}

json started_json(const act::Started& started) {
  json body{{"accepted", true}, {"generation", started.generation}, {"kind", started.kind}, {"to", started.to}};
  if (started.rolls_back) body["rolls_back"] = *started.rolls_back;
  return body;
}

template <class T, class Render>
ApiResponse answer(const act::Answer<T>& result, unsigned status, Render render) {
  if (!result) return refusal_response(result.error());
  return json_response(status, render(*result));
}

constexpr std::string_view kOperations = "plan, execute, approve, decline, rollback or unlock";

// The body's fields: {"to": REGION} (plan, execute) and {"reason": TEXT} (unlock); nothing else.
struct OperationBody {
  std::string to;
  std::string reason;
};

std::expected<OperationBody, ApiResponse> read_body(const json& body) {
  OperationBody read;
  for (const auto& [key, value] : body.items())
    if (key != "to" && key != "reason") return std::unexpected(bad_request("unknown field `" + key + "` (expected to or reason)"));
  if (body.contains("to")) {
    if (!body["to"].is_string()) return std::unexpected(bad_request("to: must be a region name"));
    read.to = body["to"].get<std::string>();
  }
  if (body.contains("reason")) {
    if (!body["reason"].is_string()) return std::unexpected(bad_request("reason: must be a string"));
    read.reason = body["reason"].get<std::string>();
  }
  return read;
}

ApiResponse operate(act::FailoverController& controller, const std::string& app, const std::string& op,
                    const json& raw) {
  if (op != "plan" && op != "execute" && op != "approve" && op != "decline" && op != "rollback" && op != "unlock")
    return not_found("unknown operation '" + op + "' (expected " + std::string(kOperations) + ")");
  const auto body = read_body(raw);
  if (!body) return body.error();
  constexpr std::string_view by = "the API";
  if (op == "plan")
    return answer(controller.plan(app, body->to), 202, [](const act::DryRunStarted& started) {
      return json{{"accepted", true}, {"to", started.to}, {"see", "GET /api/v1/applications (dry_run)"}};
    });
  if (op == "execute") return answer(controller.execute(app, body->to, by), 202, started_json);
  if (op == "approve")
    return answer(controller.approve(app, by), 202, [](const act::Approved& approved) {
      json answered{{"accepted", true}, {"generation", approved.generation}, {"runs_now", approved.runs_now},
                    {"pause", approved.pause}};
      if (approved.started) answered["started"] = started_json(*approved.started);
      return answered;
    });
  if (op == "decline")
    return answer(controller.decline(app, by), 200,
                  [](std::int64_t generation) { return json{{"declined", true}, {"generation", generation}}; });
  if (op == "rollback") {
    const auto rolled = controller.rollback(app, by);
    if (!rolled) return refusal_response(rolled.error());
    if (rolled->declined) return json_response(200, {{"declined", true}, {"generation", *rolled->declined}});
    return json_response(202, started_json(*rolled->started));
  }
  return answer(controller.unlock(app, body->reason, by), 200,
                [](const act::Unlocked&) { return json{{"unlocked", true}}; });
}

}  // namespace

ApiResponse refusal_response(const act::Refusal& refusal) {
  switch (refusal.kind) {
    case act::RefusalKind::unknown: return not_found(refusal.message);
    case act::RefusalKind::invalid: return bad_request(refusal.message);
    case act::RefusalKind::unavailable: return unavailable(refusal.message);
    case act::RefusalKind::conflict:
    case act::RefusalKind::not_owner:
    case act::RefusalKind::locked: break;
  }
  return error_response(409, refusal.kind == act::RefusalKind::conflict ? "conflict" : act::to_string(refusal.kind),
                        refusal.message);
}

json application_json(const act::ApplicationStatus& app) {
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
  return {{"name", app.name},
          {"primary", app.primary},
          {"secondaries", app.secondaries},
          {"mode", app.mode},
          {"active_region", app.active_region},
          {"state", app.state},
          {"owned", app.owned},
          {"owner", app.owner ? json(app.owner->holder.owner) : json(nullptr)},
          {"locked", app.lock.locked ? json{{"since", format_iso8601(app.lock.at)}, {"reason", app.lock.reason},
                                            {"generation", app.lock.generation}}
                                     : json(nullptr)},
          {"gate", app.gate ? json(*app.gate) : json(nullptr)},
          {"regions", std::move(regions)},
          {"plan", app.plan ? plan_json(*app.plan) : json(nullptr)},
          {"steps", app.steps},
          {"history", std::move(history)},
          {"recovery", app.recovery ? recovery_json(*app.recovery) : json(nullptr)},
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
}

json applications_json(const std::vector<act::ApplicationStatus>& applications) {
  json list = json::array();
  for (const auto& app : applications) list.push_back(application_json(app));
  return list;
}

FailoverHooks failover_hooks(act::FailoverController& controller) {
  FailoverHooks hooks;
  hooks.applications = [&controller] { return applications_json(controller.applications()); };
  hooks.act = [&controller](const std::string& app, const std::string& op, const json& body) {
    return operate(controller, app, op, body);
  };
  hooks.gate = [&controller](const std::string& app, const std::string& region) -> std::optional<GateAnswer> {
    const auto gate = controller.gate(app, region);
    if (!gate) return std::nullopt;
    return GateAnswer{gate->open, gate->active_region};
  };
  hooks.gate_generation = [&controller] { return controller.gate_changes(); };
  return hooks;
}

}  // namespace rg
