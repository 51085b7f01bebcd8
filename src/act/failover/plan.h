#pragma once
// A failover plan: readiness checks, then steps, each with an action, a verification and an undo.
// Everything is asynchronous on the event loop: a function gets a callback and calls it exactly
// once, on the loop, with what it found. Steps must be idempotent (scale to N, leave a record that
// has the new value already, put a parameter), because after a crash the executor may run one
// again or undo one that never ran.
#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace rg::act {

// ok: a short note for the journal ("2/2 in service"); error: why it failed.
using StepResult = std::expected<std::string, std::string>;
using StepCallback = std::function<void(StepResult)>;
using StepFunction = std::function<void(StepCallback)>;

// The detail of an approval pause's `started` journal row while it waits for an operator: what
// `approve` and `decline` look for, from this process or another.
inline constexpr std::string_view kAwaitingApproval = "awaiting approval";

// What a step's undo must put back (the desired count, record or origin it replaced), kept so
// that it survives a crash. The action calls remember() after reading the current state and
// before changing it; the executor journals the state then, and after a restart hands it back
// (restore), so a rollback puts back what was there before the plan, not what the crashed plan
// left. A step without a kept state has nothing to undo.
class UndoMemory {
 public:
  using Persist = std::function<std::expected<void, std::string>(const nlohmann::json&)>;

  const std::optional<nlohmann::json>& state() const { return state_; }

  // Keeps `state` unless a state is kept already: a resumed action reads its own change and must
  // not take it for the original. An error (the journal could not be written) means the action
  // must not change anything.
  std::expected<void, std::string> remember(nlohmann::json state) {
    if (state_) return {};
    if (persist_)
      if (auto kept = persist_(state); !kept) return kept;
    state_ = std::move(state);
    return {};
  }

  // For the executor: where remember() writes, and the state read back from the journal.
  void persist_with(Persist persist) { persist_ = std::move(persist); }
  void restore(nlohmann::json state) { state_ = std::move(state); }

 private:
  std::optional<nlohmann::json> state_;
  Persist persist_;
};

struct PlanStep {
  std::string name;         // "scale web-west to 2"
  std::string description;  // what it changes, for plan / dry-run output
  StepFunction action;
  StepFunction verify;  // empty: the action's own success is the verification
  StepFunction undo;    // empty: nothing to put back
  std::shared_ptr<UndoMemory> memory;  // null: the undo needs nothing from before (or there is no undo)
  // Cannot be taken back once it has taken effect (promoting a replica makes a second writer):
  // after it, a failure never rolls the plan back onto the old writer; the plan rolls forward or
  // halts (plan_executor.h).
  bool irreversible = false;
  // The plan key that made it ("ecs_services", "route53", a custom step's name): what the plan's
  // `order` names. Set by the builder; steps of one key keep their order.
  std::string block;
  // Non-zero: runs at once with its neighbours of the same group (`order: [parallel: [...]]`); the
  // executor journals each, waits for all, and undoes those that took effect when any fails.
  int parallel_group = 0;
  // Set: an approval pause rather than a change (no action, no undo). The plan waits here until an
  // operator approves (it goes on) or declines (it rolls back), or this long passes (it rolls back).
  std::optional<std::chrono::milliseconds> approval_timeout;
};

// What a plan is about, for steps that hand it on (custom steps: the command's environment, the
// webhook's body). The builder makes it; the executor fills in the generation when a run starts,
// which is the only moment it is known. Shared: every step's copy sees the same facts.
struct PlanFacts {
  std::string app;
  std::string kind;  // failover, failback
  std::string from;
  std::string to;
  std::int64_t generation = 0;  // 0 in a dry run
};

// A precondition checked before anything changes (read-only): target healthy, replica lag, capacity.
struct ReadinessCheck {
  std::string name;
  StepFunction check;
};

struct Plan {
  std::string app;
  std::string kind = "failover";  // failover, failback
  std::string from;
  std::string to;
  std::vector<ReadinessCheck> readiness;
  std::vector<PlanStep> steps;
  std::shared_ptr<PlanFacts> facts{};  // null: no step needs them
};

}  // namespace rg::act
