#pragma once
// Plan steps and readiness checks against AWS, built on the typed calls in aws/. Each step
// remembers, when its action runs, what it is about to change, so that its undo puts exactly that
// back (the previous desired capacity, parameter value or record).
#include <optional>
#include <string>

#include "aws/aws_client.h"
#include "act/failover/plan.h"
#include "act/failover/wait_until.h"

namespace rg::act {

// Auto Scaling: max size must allow `desired` (moto does not enforce it; AWS refuses the update).
ReadinessCheck asg_capacity_check(aws::AwsClient& client, std::string group, std::int64_t desired);
// Scale `group` to at least `desired` and wait until that many instances are InService and Healthy.
// Undo: the previous desired capacity (and min size, when raised).
PlanStep scale_asg_step(aws::AwsClient& client, aws::AwsScheduler& scheduler, std::string group,
                        std::int64_t desired, WaitOptions wait);

// SSM PutParameter (overwrite); verified by reading it back. Undo: the previous value.
PlanStep ssm_parameter_step(aws::AwsClient& client, std::string name, std::string value);

}  // namespace rg::act
