#pragma once
// The recovery time of a real execution, from its journal alone (issue 18): where the time went
// between the first failing observation of the source region and the plan's end. Phases lie back
// to back, so they add up to the total:
//
//   detect    first failing round of the source's streak -> the policy's decision
//   decide    the decision -> the plan journaled (and `approval`: a proposal -> the operator's run)
//   readiness the plan began -> its readiness checks passed
//   scale, data, traffic, verify, settle
//             one per stretch of steps of one stage, in the order they ran (parallel groups once,
//             named after their stages joined by '+'), each until its last journal row
//   rollback  the undos, when the plan went back
//
// The last phase runs until the plan ended (or until `now` while it runs). AWS ARC Region switch
// reports only a total; this says which part of it to work on. A pure function of the journal:
// the daemon, the command line and the API all show the same figures.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "store/failover_journal.h"

namespace rg::act {

struct RecoveryPhase {
  std::string name;  // detect, decide, approval, readiness, scale, data, traffic, verify, settle, rollback...
  TimePoint from{};
  TimePoint to{};
  // Whole milliseconds, counted so that a breakdown's phases add up to its total exactly.
  std::chrono::milliseconds duration{0};
};

struct RecoveryTime {
  std::int64_t generation = 0;
  // recovered (completed after a failure), completed (a move asked for with no failure seen),
  // running, rolled back, rollback failed, halted, not ready, fenced.
  std::string outcome;
  bool running = false;
  bool resumed = false;  // a step was started again without an answer between: a restart resumed it
  TimePoint began{};     // the first failing observation, else the decision, else the plan's start
  TimePoint ended{};     // the plan's end, or `now` while it runs
  std::vector<RecoveryPhase> phases;
  std::chrono::milliseconds total{0};
  // The milestones (wall clock), when the plan reached them.
  std::optional<TimePoint> failing_since;
  std::optional<TimePoint> decided_at;
  std::optional<TimePoint> started_at;
  std::optional<TimePoint> ready_at;
  std::optional<TimePoint> traffic_moved_at;  // the last traffic step done (and not undone)
  std::optional<TimePoint> verified_at;       // the last verification step done (and not undone)
  std::optional<TimePoint> settled_at;        // the plan completed
  // "recovered in 41 s: detect 3 s, decide 0 s, readiness 0.2 s, scale 30 s, traffic 4 s, verify 4 s"
  std::string text;
};

// The phase a plan key's steps count in: "ecs_services" -> "scale", "route53" -> "traffic",
// "verify_dns" -> "verify"; a custom step's name is its own phase.
std::string recovery_phase_of(std::string_view block);

// nullopt for a plan that never ran (proposed, approved, declined, expired, withdrawn). `now` ends
// a running plan's last phase.
std::optional<RecoveryTime> recovery_time(const JournalPlan& plan, TimePoint now);

// "41 s", "3.5 s", "0 s", "2 min 5 s": a phase's length as the breakdown's text shows it.
std::string format_recovery_duration(std::chrono::milliseconds duration);

}  // namespace rg::act
