#pragma once
// The Aurora global database of the application (plan.aurora_global): its secondary cluster in the
// target region becomes the writer. Two managed ways, chosen by the readiness check from the
// source's state (Route 53 ARC Region switch's Aurora block does the same):
//   - SwitchoverGlobalCluster when the source region's writer is healthy: planned, no data loss,
//     and reversible (the undo switches back);
//   - FailoverGlobalCluster with AllowDataLoss when it is not: the writes the target had not
//     received are lost, so only when the target's lag (CloudWatch AuroraGlobalDBRPOLag) is within
//     plan.rpo, or unknown and plan.rpo_unknown says allow. Irreversible (issue 10).
// The older detach-and-promote path (RemoveFromGlobalCluster: the target leaves the global
// database as a standalone writer) is a fallback when the managed failover is refused, if
// configured. All global-cluster calls go to the target region's RDS endpoint: the source region
// may be the one that is down.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "aws/aws_client.h"
#include "aws/rds_global_cluster_api.h"
#include "act/failover/plan.h"
#include "act/failover/wait_until.h"

namespace rg::act {

struct AuroraGlobalTarget {
  std::string global_cluster;  // GlobalClusterIdentifier
  std::string target_cluster;  // the ARN of the member in the target region
  std::string source_cluster;  // the ARN of the member in the region being left
  // The policy's judgement of the region being left: true healthy, false failing, nullopt not
  // judged (the command line has no monitor data). Judged healthy, the step may only switch over,
  // and is reversible; otherwise a data-loss failover is possible and the plan builder marks the
  // step irreversible (PlanStep::irreversible is fixed before readiness decides).
  std::optional<bool> source_healthy;
  std::chrono::milliseconds rpo{60'000};
  bool unknown_lag_allowed = false;  // plan.rpo_unknown: allow
  bool fallback_detach = false;      // plan.aurora_global.fallback: detach
};

// Where the calls go: RDS in the target region (every global-cluster call), RDS in the source
// region (DescribeDBClusters of the writer, to judge it), CloudWatch in the target region (its lag).
struct AuroraGlobalClients {
  aws::AwsClient& target_rds;
  aws::AwsClient& source_rds;
  aws::AwsClient& target_cloudwatch;
};

enum class AuroraMove { switchover, failover };

// What the readiness check decided, read by the step's action (the plan runs readiness first,
// and again when it resumes).
struct AuroraGlobalDecision {
  std::optional<AuroraMove> move;
};

// The judgement of the global cluster as DescribeGlobalClusters shows it: the target is a member
// and not the writer, and no switchover or failover is under way. `own_move`: this plan's step
// kept its state (it asked for the move before a restart), so a target that is the writer already,
// or detached after the fallback, is this plan's own work, resumed. ok: what was seen.
std::expected<std::string, std::string> judge_aurora_global(const aws::rds::GlobalCluster& cluster,
                                                            const AuroraGlobalTarget& target, bool own_move);

struct AuroraGlobalMove {
  ReadinessCheck readiness;  // judge_aurora_global, then switchover or failover (and the lag for a failover)
  PlanStep step;             // the call, then a wait until the target is the writer
};

// The readiness check and the step share the decision and the step's memory ({"move", "source",
// "target"}, journaled before the call). The step's undo switches back to the source after a
// switchover; after a failover or a detach it changes nothing and says so (and is never called
// when the step is irreversible).
AuroraGlobalMove aurora_global_move(AuroraGlobalClients clients, aws::AwsScheduler& scheduler, AuroraGlobalTarget target,
                                    WaitOptions wait);

}  // namespace rg::act
