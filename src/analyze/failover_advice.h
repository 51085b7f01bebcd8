#pragma once
// What the failover policy concluded about one application this round, in the form an alert's
// runbook needs (issue 15, section 10). A drill's alert said "Fail shop over to us-west-2" —
// written from the configuration (the first secondary) whenever a service of shop's primary
// failed — while the policy, on the same round, said us-east-1 was healthy. The runbook's
// failover line is now written only from this, which decide/ fills from the policy's decision
// (to_advice in decide/decision_advice.h): analyze/ cannot ask the policy, the policy runs after it.
#include <string>

namespace rg {

struct FailoverAdvice {
  std::string application;
  std::string region;        // where its traffic is: the region the policy judged
  bool region_down = false;  // the policy judges it down (consecutive failures, quorum, fresh data)
  std::string to;            // where the policy moves it or proposes to; empty: it does not
  bool automatic = false;    // the controller carries the move out itself
  std::string reason;        // the policy's own sentence for this round
};

// The runbook's line about the application: fail over (to the policy's target), it is failing
// over already, or why not.
std::string failover_runbook_line(const FailoverAdvice& advice);

}  // namespace rg
