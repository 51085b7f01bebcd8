#pragma once
// The plan of one move of an application (failover to a secondary, or back to the primary), from
// its configuration (`applications.NAME.plan`): capacity first, then data, then traffic.
#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <optional>
#include <string>

#include "aws/aws_client.h"
#include "act/failover/plan.h"
#include "act/failover/wait_until.h"
#include "config/application_config.h"

namespace rg::act {

// The AWS client of one service in one region ("autoscaling", "us-west-2"); the caller keeps
// them alive for as long as the plan runs (Route 53 is asked for in us-east-1).
using ClientFor = std::function<aws::AwsClient&(std::string_view service, const std::string& region)>;

struct PlanContext {
  ClientFor clients;
  aws::AwsScheduler& scheduler;
  WaitOptions wait;
  // The target region as the policy judged it: nullopt healthy, else why not (a readiness failure).
  std::optional<std::string> target_unhealthy;
  bool target_judged = false;  // false (the CLI has no monitor data): said so in the readiness line
  std::optional<double> replica_lag_seconds;  // the monitor's latest ReplicaLag of the target's replica
  // The loop the DNS steps (dns_update, verify_dns) run their sockets on; without one they fail
  // and say so.
  boost::asio::any_io_executor dns_executor{};
};

Plan build_failover_plan(const ApplicationConfig& app, const std::string& from, const std::string& to,
                         const PlanContext& context);

}  // namespace rg::act
