#pragma once
// Capacity by ECS service: the container twin of scale_asg_step (aws_steps.h). The target
// region's service is scaled up before traffic moves, and waited for until its tasks run.
#include <cstdint>
#include <expected>
#include <string>

#include "aws/aws_client.h"
#include "aws/ecs_api.h"
#include "act/failover/plan.h"
#include "act/failover/wait_until.h"

namespace rg::act {

struct EcsServiceTarget {
  std::string cluster;
  std::string service;
  std::int64_t desired = 1;
};

// Readiness: the service exists in the cluster and is ACTIVE (a DRAINING or deleted service
// cannot be scaled).
ReadinessCheck ecs_service_check(aws::AwsClient& client, EcsServiceTarget target);

// UpdateService desiredCount (only upwards), then wait until `desired` tasks run. A deployment
// the ECS circuit breaker marks FAILED ends the wait at once instead of at the timeout.
// Polls through throttling and 5xx until the wait's deadline. Undo: changes nothing (an undo
// never removes capacity); its note says how many tasks were added and the `aws ecs
// update-service` command that scales back in once traffic has drained.
PlanStep scale_ecs_service_step(aws::AwsClient& client, aws::AwsScheduler& scheduler, EcsServiceTarget target,
                                WaitOptions wait);

// One look at the service while waiting: done when `desired` tasks run; an error when it can
// no longer get there (not ACTIVE, or a deployment FAILED).
std::expected<PollResult, std::string> ecs_scale_progress(const aws::ecs::Service& service, std::int64_t desired);

}  // namespace rg::act
