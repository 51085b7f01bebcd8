#pragma once
// A failover plan: readiness checks, then steps, each with an action, a verification and an undo.
// Everything is asynchronous on the event loop: a function gets a callback and calls it exactly
// once, on the loop, with what it found. Steps must be idempotent (scale to N, UPSERT, put a
// parameter), because after a crash the executor may run one again or undo one that never ran.
#include <expected>
#include <functional>
#include <string>
#include <vector>

namespace rg::act {

// ok: a short note for the journal ("2/2 in service"); error: why it failed.
using StepResult = std::expected<std::string, std::string>;
using StepCallback = std::function<void(StepResult)>;
using StepFunction = std::function<void(StepCallback)>;

struct PlanStep {
  std::string name;         // "scale web-west to 2"
  std::string description;  // what it changes, for plan / dry-run output
  StepFunction action;
  StepFunction verify;  // empty: the action's own success is the verification
  StepFunction undo;    // empty: nothing to put back
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
};

}  // namespace rg::act
