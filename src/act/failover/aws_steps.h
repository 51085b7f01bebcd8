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

// RDS: the replica exists, is available and replicating normally; `lag_seconds` (the monitor's
// latest CloudWatch ReplicaLag for it, probe/aws_resource_prober.cpp) must be under `rpo`.
ReadinessCheck replica_ready_check(aws::AwsClient& client, std::string replica, std::optional<double> lag_seconds,
                                   std::chrono::milliseconds rpo);
// Promote the read replica and wait until it is available. No undo: a promoted instance cannot be
// made a replica again, which is why the plan does capacity first and this just before traffic.
PlanStep promote_replica_step(aws::AwsClient& client, aws::AwsScheduler& scheduler, std::string replica,
                              WaitOptions wait);

// SSM PutParameter (overwrite); verified by reading it back. Undo: the previous value.
PlanStep ssm_parameter_step(aws::AwsClient& client, std::string name, std::string value);

struct RecordTarget {
  std::string zone_id;
  std::string name;  // with or without the final dot
  std::string type;
  std::int64_t ttl = 60;
  std::string value;
};
// Route 53 UPSERT, then wait for INSYNC. Undo: UPSERT the previous record (DELETE when there was none).
PlanStep route53_record_step(aws::AwsClient& client, aws::AwsScheduler& scheduler, RecordTarget target,
                             WaitOptions wait);

}  // namespace rg::act
