#include "act/failover/daemon_steps.h"

#include <memory>

namespace rg::act {
namespace {

constexpr std::string_view kGatePrefix = "open the gate of ";

long whole_seconds(std::chrono::steady_clock::duration d) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(d).count());
}

}  // namespace

PlanStep gate_step(std::function<void(const std::string&)> open_gate, std::string from, std::string to) {
  PlanStep step;
  step.name = std::string(kGatePrefix) + to;
  step.description = "GET /gate/<app>/" + to + " answers 200 and the other regions 503 (Route 53 health checks follow)";
  step.action = [open_gate, to](StepCallback done) {
    open_gate(to);
    done("");
  };
  step.undo = [open_gate, from](StepCallback done) {
    open_gate(from);
    done("gate of " + from + " open again");
  };
  return step;
}

bool gate_opened(const JournalPlan& record) {
  // Steps are in the order written: the gate step's last row is its current phase.
  std::optional<StepPhase> last;
  for (const auto& step : record.steps)
    if (step.name.starts_with(kGatePrefix)) last = step.phase;
  return last == StepPhase::done;
}

PlanStep settle_step(aws::AwsScheduler& scheduler, std::string to, Millis settle,
                          std::function<std::optional<std::string>()> problem) {
  PlanStep step;
  step.name = "settle: " + to + " healthy for " + std::to_string(settle.count() / 1000) + "s";
  step.description = "the checks of " + to + " must stay healthy while traffic moves; a failure rolls back";
  step.block = "settle";  // the recovery time's last phase (recovery_time.h)
  step.action = [](StepCallback done) { done(""); };  // the verification is the step
  step.verify = [&scheduler, to, settle, problem = std::move(problem)](StepCallback done) {
    // On the monotonic clock: a wall-clock jump neither cuts the settle period short nor makes a
    // healthy target time out (issue 15, section 6).
    auto since = std::make_shared<std::optional<std::chrono::steady_clock::time_point>>();
    // Polled every second: the round interval decides how often the verdict changes.
    WaitOptions wait{std::chrono::seconds(1), settle + std::chrono::minutes(1)};
    wait_until(
        scheduler, wait, to + " settling",
        [&scheduler, settle, problem, since](PollCallback look) {
          const auto now = scheduler.steady_now();
          if (!*since) *since = now;
          if (auto why = problem()) return look(std::unexpected(*why));
          const auto healthy_for = now - **since;
          look(PollResult{healthy_for >= settle, "healthy for " + std::to_string(whole_seconds(healthy_for)) + "s"});
        },
        std::move(done));
  };
  return step;
}

}  // namespace rg::act
