#pragma once
// The plan of one move of an application (failover to a secondary, or back to the primary), from
// its configuration (`applications.NAME.plan`): capacity first, then data, then traffic.
#include <boost/asio/any_io_executor.hpp>

#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "aws/client_lookup.h"
#include "act/failover/plan.h"
#include "act/failover/wait_until.h"
#include "config/application_config.h"

namespace rg {
class CurlMulti;
}

namespace rg::act {

struct PlanContext {
  // The AWS clients the steps call ("autoscaling" in "us-west-2"...; Route 53 and CloudFront in
  // us-east-1), kept alive by the caller for as long as the plan runs.
  aws::ClientLookup clients;
  aws::AwsScheduler& scheduler;
  WaitOptions wait;
  // The target region as the policy judged it: nullopt healthy, else why not (a readiness failure).
  std::optional<std::string> target_unhealthy;
  bool target_judged = false;  // false (the CLI has no monitor data): said so in the readiness line
  std::optional<double> replica_lag_seconds;  // the monitor's latest ReplicaLag of the target's replica
  // The loop the DNS steps (dns_update, verify_dns) run their sockets on, and custom exec steps
  // their commands; without one they fail and say so.
  boost::asio::any_io_executor dns_executor{};
  // Traffic steps of the caller's (the daemon's data-plane gate), placed after the other traffic
  // steps and before verify_dns.
  std::vector<PlanStep> extra_traffic_steps{};
  // The region being left as the policy judged it: true healthy, false failing, nullopt not judged
  // (the CLI). Judged healthy, an Aurora global database is only switched over (no data loss,
  // reversible); otherwise a failover with data loss is possible (aurora_global_step.h).
  std::optional<bool> source_healthy{};
  CurlMulti* curl{};  // custom webhook steps POST with it; null: they fail and say so
};

// Errors: an AWS client the plan needs cannot be made (its reason); nothing has run then.
std::expected<Plan, std::string> build_failover_plan(const ApplicationConfig& app, const std::string& from,
                                                     const std::string& to, const PlanContext& context);

}  // namespace rg::act
