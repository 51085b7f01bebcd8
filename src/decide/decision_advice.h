#pragma once
// The failover decision as the alert's runbook words it (analyze/failover_advice.h): so that the
// recommendation an operator reads is the policy's own assessment of the same round.
#include <string>

#include "analyze/failover_advice.h"
#include "decide/failover_decision.h"

namespace rg {

inline FailoverAdvice to_advice(const std::string& application, const FailoverDecision& decision) {
  FailoverAdvice advice;
  advice.application = application;
  advice.region = decision.from;
  for (const auto& region : decision.regions)
    if (region.region == decision.from) advice.region_down = region.down;
  const bool moves = decision.kind == DecisionKind::failover || decision.kind == DecisionKind::failback;
  if (moves && decision.action != DecisionAction::none) advice.to = decision.to;
  advice.automatic = decision.action == DecisionAction::execute;
  advice.reason = decision.reason;
  return advice;
}

}  // namespace rg
