#pragma once
// The plan steps that belong to the daemon rather than to AWS: the data-plane gate and the
// settling period at the end of a plan.
#include <functional>
#include <optional>
#include <string>

#include "act/failover/plan.h"
#include "act/failover/wait_until.h"
#include "config/config.h"  // Millis
#include "store/failover_journal.h"

namespace rg::act {

// Opens the gate of `to` (GET /gate/<app>/<to> answers 200, every other region 503) through
// `open_gate`, which sets the application's gate state (it outlives the plan). Undo: the gate of
// `from` again.
PlanStep gate_step(std::function<void(const std::string&)> open_gate, std::string from, std::string to);

// The journal shows the gate step of `record` done and not undone (after a crash: the gate must
// answer what the plan did).
bool gate_opened(const JournalPlan& record);

// Verification only: `to` must stay healthy for `settle` once traffic is on it; `problem` says
// why it is not (nullopt while it is, or while there is no news). A problem rolls the plan back.
PlanStep settle_step(aws::AwsScheduler& scheduler, std::string to, Millis settle,
                          std::function<std::optional<std::string>()> problem);

}  // namespace rg::act
