#pragma once
// The database of the target region: its RDS read replica is checked before the plan changes
// anything, and promoted (irreversibly) once capacity is in place and before traffic moves.
// Never two writers (ARCHITECTURE.md, rule 6): the instance promoted must be a replica of the
// writer being left, and an instance that is standalone already is someone else's writer unless
// this plan promoted it itself.
#include <chrono>
#include <expected>
#include <memory>
#include <optional>
#include <string>

#include "aws/aws_client.h"
#include "aws/rds_api.h"
#include "act/failover/plan.h"
#include "act/failover/wait_until.h"

namespace rg::act {

struct RdsReplicaTarget {
  std::string replica;                // the instance in the target region (its client's region)
  std::optional<std::string> source;  // the writer it must replicate from, by name or ARN
                                      // (plan.rds_replicas[from]); none: any source will do
  bool unknown_lag_allowed = false;   // plan.rpo_unknown: allow (a lag nobody knows is ready)
};

// The judgement of one DescribeDBInstances answer for `instance`, the instance to be promoted:
// available, a read replica of `expected_source` (ReadReplicaSourceDBInstanceIdentifier is the
// source's name, or its ARN across regions; a name matches an ARN ending in ":db:NAME"), and its
// read replication running normally. A standalone instance is ready only when `own_promotion`
// (this plan's promotion step kept its state: it asked for the promotion before a restart).
// ok: what was seen ("db-west replicates from arn:...:db:db-east").
std::expected<std::string, std::string> judge_rds_replica(const aws::rds::DbInstance& instance,
                                                          const std::optional<std::string>& expected_source,
                                                          bool own_promotion);

// Readiness: judge_rds_replica on DescribeDBInstances, then `lag_seconds` (the monitor's latest
// fresh CloudWatch ReplicaLag of the replica, probe/aws_resource_prober.cpp) under `rpo`; an
// unknown lag is not ready unless the target allows it.
// `own_promotion`: the memory of the plan's promote_replica_step (its `memory`), so that a plan
// resumed after its promotion is ready; null: a standalone instance is never ready.
ReadinessCheck replica_ready_check(aws::AwsClient& client, RdsReplicaTarget target, std::optional<double> lag_seconds,
                                   std::chrono::milliseconds rpo,
                                   std::shared_ptr<const UndoMemory> own_promotion = nullptr);

// Readiness that always fails: the plan leaves `from`, whose instance `writer` takes the writes,
// for `to`, where the configuration names no replica of it (plan.rds_replicas[to]). Says what to
// create: a read replica of the writer in `to`, then its name under plan.rds_replicas.
ReadinessCheck missing_replica_check(const std::string& writer, const std::string& from, const std::string& to);

// PromoteReadReplica, then wait until the instance is available (polling through throttling and
// 5xx until the deadline). No undo: a promoted instance cannot become a replica again, which is why
// the plan does capacity first and this just before traffic.
// The step has a memory all the same, without an undo: the action keeps {"promoting", "source"}
// in the journal before it calls PromoteReadReplica, so that a resumed plan (the executor restores
// the memory) knows a standalone instance is its own promotion. Without that kept state, a
// standalone instance fails the action: promoting nothing and moving traffic would leave two
// writers. An error from PromoteReadReplica is checked by describing the instance again: when it
// is standalone after this plan's own attempt (a lost answer, whose retry got
// InvalidDBInstanceState), the promotion took effect and the action succeeds, saying so.
PlanStep promote_replica_step(aws::AwsClient& client, aws::AwsScheduler& scheduler, RdsReplicaTarget target,
                              WaitOptions wait);

}  // namespace rg::act
