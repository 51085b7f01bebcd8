#pragma once
// Plan steps and readiness checks against AWS, built on the typed calls in aws/. Each step
// remembers, when its action runs, what it is about to change, so that its undo puts exactly that
// back (the previous parameter value) or, for capacity, says what it would have been.
#include <optional>
#include <string>

#include "aws/aws_client.h"
#include "act/failover/plan.h"
#include "act/failover/wait_until.h"

namespace rg::act {

// Auto Scaling: max size must allow `desired` (moto does not enforce it; AWS refuses the update).
ReadinessCheck asg_capacity_check(aws::AwsClient& client, std::string group, std::int64_t desired);
// Scale `group` to at least `desired` and wait until that many instances are InService and Healthy
// (polling through throttling and 5xx until the wait's deadline).
// Undo: changes nothing. An undo never removes capacity (ARCHITECTURE.md, rule 6); its result, which
// the journal, `failover status` and the notifications show, says what was added and the
// command that scales the group back in once traffic has drained.
PlanStep scale_asg_step(aws::AwsClient& client, aws::AwsScheduler& scheduler, std::string group,
                        std::int64_t desired, WaitOptions wait);

// The undo note of a scale-up left in place, shared with the ECS step: `added` ("2 to web-west"),
// the count before the plan, and the command that scales back to it.
std::string capacity_left_in_place(const std::string& added, std::int64_t before, const std::string& command);

// SSM PutParameter (overwrite); verified by reading it back. Undo: the previous value.
PlanStep ssm_parameter_step(aws::AwsClient& client, std::string name, std::string value);

}  // namespace rg::act
