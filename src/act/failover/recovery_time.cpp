#include "act/failover/recovery_time.h"

#include <algorithm>
#include <array>
#include <map>
#include <utility>

namespace rg::act {
namespace {

using std::chrono::milliseconds;

// The plan keys of the builder (failover_plan_builder.cpp, config/plan_order_reader.cpp) and the
// daemon's own steps, by stage.
constexpr std::array<std::pair<std::string_view, std::string_view>, 13> kPhases{{
    {"autoscaling_groups", "scale"},
    {"ecs_services", "scale"},
    {"rds_replicas", "data"},
    {"aurora_global", "data"},
    {"ssm_parameters", "data"},
    {"route53", "traffic"},
    {"cloudfront", "traffic"},
    {"global_accelerator", "traffic"},
    {"dns_update", "traffic"},
    {"gate", "traffic"},
    {"verify_dns", "verify"},
    {"settle", "settle"},
    {"approve", "approval"},
}};

bool never_ran(PlanState state) {
  return state == PlanState::proposed || state == PlanState::approved || state == PlanState::declined ||
         state == PlanState::expired || state == PlanState::withdrawn;
}

bool is_undo(StepPhase phase) {
  return phase == StepPhase::undo_started || phase == StepPhase::undone || phase == StepPhase::undo_failed;
}

std::string outcome_of(const JournalPlan& plan) {
  switch (plan.state) {
    case PlanState::completed: return plan.failing_since ? "recovered" : "completed";
    case PlanState::running: return "running";
    case PlanState::rolled_back: return "rolled back";
    case PlanState::rollback_failed: return "rollback failed";
    case PlanState::halted: return "halted";
    case PlanState::not_ready: return "not ready";
    case PlanState::fenced: return "fenced";
    default: return std::string(to_string(plan.state));
  }
}

// Lays phases back to back from `began`: each ends where the next starts, and a phase that would
// end before the previous one (clocks out of step) is empty rather than negative.
class Timeline {
 public:
  explicit Timeline(TimePoint began) : began_(began), cursor_(began) {}

  void add(std::string name, TimePoint to) {
    to = std::max(to, cursor_);
    phases_.push_back({std::move(name), cursor_, to, offset(to) - offset(cursor_)});
    cursor_ = to;
  }
  // The last phase runs until `end` (the plan's finish, or now).
  void close(TimePoint end) {
    if (phases_.empty()) return add("readiness", end);
    if (end <= cursor_) return;
    auto& last = phases_.back();
    last.to = end;
    last.duration = offset(end) - offset(last.from);
    cursor_ = end;
  }
  // The sum of the phases: the total.
  milliseconds elapsed() const { return offset(cursor_); }
  TimePoint cursor() const { return cursor_; }
  std::vector<RecoveryPhase> take() { return std::move(phases_); }

 private:
  // Rounded from `began`, so that the durations telescope to the total.
  milliseconds offset(TimePoint at) const { return std::chrono::duration_cast<milliseconds>(at - began_); }

  TimePoint began_;
  TimePoint cursor_;
  std::vector<RecoveryPhase> phases_;
};

// A parallel group is one phase, named after its steps' phases in the order they appear.
std::map<int, std::string> group_names(const JournalPlan& plan) {
  std::map<int, std::vector<std::string>> phases;
  for (const auto& row : plan.steps) {
    if (!row.parallel_group) continue;
    auto& names = phases[row.parallel_group];
    auto phase = recovery_phase_of(row.block);
    if (std::ranges::find(names, phase) == names.end()) names.push_back(std::move(phase));
  }
  std::map<int, std::string> out;
  for (const auto& [group, names] : phases) {
    std::string joined;
    for (const auto& name : names) joined += (joined.empty() ? "" : "+") + name;
    out[group] = joined;
  }
  return out;
}

std::string text_of(const RecoveryTime& recovery) {
  std::string text = recovery.outcome;
  if (recovery.running) text += " for " + format_recovery_duration(recovery.total) + " so far";
  else if (recovery.outcome == "recovered" || recovery.outcome == "completed")
    text += " in " + format_recovery_duration(recovery.total);
  else text += " after " + format_recovery_duration(recovery.total);
  for (std::size_t i = 0; i < recovery.phases.size(); ++i)
    text += (i ? ", " : ": ") + recovery.phases[i].name + " " + format_recovery_duration(recovery.phases[i].duration);
  if (recovery.resumed) text += " (resumed after a restart)";
  return text;
}

}  // namespace

std::string recovery_phase_of(std::string_view block) {
  if (block.empty()) return "steps";  // journaled before steps kept their block (schema version 9)
  const auto found = std::ranges::find(kPhases, block, &std::pair<std::string_view, std::string_view>::first);
  return std::string(found != kPhases.end() ? found->second : block);
}

std::string format_recovery_duration(milliseconds duration) {
  const auto ms = std::max<std::int64_t>(duration.count(), 0);
  if (ms < 10'000) {
    // Tenths below ten seconds, where a readiness check or a DNS change lives; "3 s", not "3.0 s".
    const auto tenths = (ms + 50) / 100;
    return std::to_string(tenths / 10) + (tenths % 10 ? "." + std::to_string(tenths % 10) : "") + " s";
  }
  const auto seconds = (ms + 500) / 1000;
  if (seconds < 60) return std::to_string(seconds) + " s";
  if (seconds < 3600)
    return std::to_string(seconds / 60) + " min" + (seconds % 60 ? " " + std::to_string(seconds % 60) + " s" : "");
  const auto minutes = (seconds + 30) / 60;
  return std::to_string(minutes / 60) + " h" + (minutes % 60 ? " " + std::to_string(minutes % 60) + " min" : "");
}

std::optional<RecoveryTime> recovery_time(const JournalPlan& plan, TimePoint now) {
  if (never_ran(plan.state)) return std::nullopt;
  RecoveryTime out;
  out.generation = plan.generation;
  out.outcome = outcome_of(plan);
  out.running = plan.state == PlanState::running;
  out.failing_since = plan.failing_since;
  out.decided_at = plan.decided_at;
  out.started_at = plan.started_at.value_or(plan.created_at);
  out.ready_at = plan.ready_at;

  // The first known moment: the failure, else the decision, else the start.
  out.began = plan.failing_since.value_or(plan.decided_at.value_or(*out.started_at));
  const TimePoint last_row = plan.steps.empty() ? plan.updated_at : plan.steps.back().at;
  out.ended = out.running ? std::max(now, last_row) : std::max(plan.updated_at, last_row);

  Timeline timeline(out.began);
  if (plan.failing_since && plan.decided_at) timeline.add("detect", *plan.decided_at);
  if (plan.decided_at) timeline.add("decide", plan.created_at);
  // A proposal journaled at the decision ran once an operator approved it.
  if (*out.started_at > timeline.cursor()) timeline.add("approval", *out.started_at);
  if (plan.ready_at) timeline.add("readiness", *plan.ready_at);

  // The steps' rows in the order written: a stretch of rows of one phase is one entry, ending at
  // its last row. Undo rows are the rollback.
  const auto groups = group_names(plan);
  std::optional<std::string> current;
  TimePoint current_end{};
  std::map<int, StepPhase> last_phase;  // per step: begun again with no answer between = resumed
  std::map<int, TimePoint> done_at;
  std::map<int, std::string> phase_of_step;
  for (const auto& row : plan.steps) {
    const auto previous = last_phase.find(row.step);
    if (previous != last_phase.end() && previous->second == row.phase &&
        (row.phase == StepPhase::started || row.phase == StepPhase::undo_started))
      out.resumed = true;  // an action or an undo begun again: the process died in between
    last_phase[row.step] = row.phase;
    phase_of_step[row.step] = recovery_phase_of(row.block);
    if (row.phase == StepPhase::done) done_at[row.step] = row.at;

    std::string name = is_undo(row.phase)       ? std::string("rollback")
                       : row.parallel_group != 0 ? groups.at(row.parallel_group)
                                                 : recovery_phase_of(row.block);
    if (current && *current != name) timeline.add(std::move(*current), current_end);
    current = std::move(name);
    current_end = row.at;
  }
  if (current) timeline.add(std::move(*current), current_end);
  // No step ran and readiness never passed: the plan spent its time checking readiness.
  if (!current && !plan.ready_at) timeline.add("readiness", out.ended);
  else timeline.close(out.ended);
  out.ended = timeline.cursor();
  out.total = timeline.elapsed();
  out.phases = timeline.take();

  // A milestone counts when its step's last word is done: a traffic move that was undone did not
  // move the traffic.
  const auto reached = [](std::optional<TimePoint>& milestone, TimePoint at) {
    if (!milestone || *milestone < at) milestone = at;
  };
  for (const auto& [step, phase] : last_phase) {
    if (phase != StepPhase::done) continue;
    if (phase_of_step[step] == "traffic") reached(out.traffic_moved_at, done_at[step]);
    if (phase_of_step[step] == "verify") reached(out.verified_at, done_at[step]);
  }
  if (plan.state == PlanState::completed) out.settled_at = out.ended;
  out.text = text_of(out);
  return out;
}

}  // namespace rg::act
