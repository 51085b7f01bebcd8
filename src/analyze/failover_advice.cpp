#include "analyze/failover_advice.h"

namespace rg {

std::string failover_runbook_line(const FailoverAdvice& advice) {
  const auto& app = advice.application;
  if (!advice.to.empty() && advice.automatic)
    return app + " is failing over to " + advice.to + " (automatic): " + advice.reason;
  if (!advice.to.empty())
    return "Fail " + app + " over to " + advice.to + ": regionguard failover plan " + app + " --to " + advice.to +
           " (" + advice.reason + ")";
  if (advice.region_down) return app + " stays in " + advice.region + " for now: " + advice.reason;
  // The service that fails does not take the application's region down, as the policy weighs it.
  return "No failover for " + app + ": " + advice.reason;
}

}  // namespace rg
