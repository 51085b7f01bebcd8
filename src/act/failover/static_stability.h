#pragma once
// Static stability of a move (issue 18): which AWS control plane each step and readiness check of
// a plan calls, and what a region's outage would take from it. A move that leaves region X must
// not need X's control plane (X may be what failed), and one that needs us-east-1's (Route 53
// changes and CloudFront are global services run from there) stops during an outage there: the
// data-plane alternative is the gate behind Route 53 health checks, which Route 53 evaluates
// without its control plane. Read from the configuration alone, so that `failover plan`, `drill`
// and `check-config --strict` say the same without any AWS call.
#include <string>
#include <vector>

#include "config/application_config.h"

namespace rg::act {

struct ControlPlaneCall {
  std::string block;    // the plan key (or custom step) that makes the call
  std::string what;     // "AWS Auto Scaling", "your RFC 2136 primary", ...
  std::string region;   // the AWS region whose control plane answers; empty: not an AWS control plane
  bool readiness = false;  // a readiness check's read rather than a step's change
  // A global service whose control plane runs in one region (Route 53 and CloudFront in
  // us-east-1), rather than the regional service of the region named.
  bool global = false;
};

// The calls of the move `from` -> `to`, readiness first, then the steps in the default order.
std::vector<ControlPlaneCall> control_plane_calls(const ApplicationConfig& app, const std::string& from,
                                                  const std::string& to);

// What an outage would take from the move `from` -> `to`, one sentence each (empty: nothing).
std::vector<std::string> static_stability_findings(const ApplicationConfig& app, const std::string& from,
                                                   const std::string& to);

// The findings of every move of the application: primary -> each secondary, and each back.
std::vector<std::string> static_stability_findings(const ApplicationConfig& app);

}  // namespace rg::act
