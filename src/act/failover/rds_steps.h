#pragma once
// The database of the target region: its RDS read replica is checked before the plan changes
// anything, and promoted (irreversibly) when capacity is in place and before traffic moves.
#include <chrono>
#include <optional>
#include <string>

#include "aws/aws_client.h"
#include "act/failover/plan.h"
#include "act/failover/wait_until.h"

namespace rg::act {

// RDS: the replica exists, is available and replicating normally; `lag_seconds` (the monitor's
// latest CloudWatch ReplicaLag for it, probe/aws_resource_prober.cpp) must be under `rpo`.
ReadinessCheck replica_ready_check(aws::AwsClient& client, std::string replica, std::optional<double> lag_seconds,
                                   std::chrono::milliseconds rpo);
// Promote the read replica and wait until it is available. No undo: a promoted instance cannot be
// made a replica again, which is why the plan does capacity first and this just before traffic.
PlanStep promote_replica_step(aws::AwsClient& client, aws::AwsScheduler& scheduler, std::string replica,
                              WaitOptions wait);

}  // namespace rg::act
