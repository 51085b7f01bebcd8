#include "act/failover/aurora_global_step.h"

#include <algorithm>

#include "aws/cloudwatch_api.h"

namespace rg::act {
namespace {

namespace rds = aws::rds;
using Found = std::function<void(std::expected<rds::GlobalCluster, aws::AwsError>)>;

// "arn:aws:rds:us-west-2:123456789012:cluster:orders-west" -> "orders-west"
std::string cluster_name(const std::string& arn) {
  const auto marker = arn.rfind(":cluster:");
  return marker == std::string::npos ? arn : arn.substr(marker + 9);
}

std::string seconds_text(double seconds) { return std::to_string(static_cast<long>(seconds)) + "s"; }

// The one global cluster named: DescribeGlobalClusters in the target region, picked by identifier
// (moto answers every global cluster whatever the name asked for).
std::expected<rds::GlobalCluster, aws::AwsError> pick_global(
    const std::expected<rds::DescribeGlobalClustersResult, aws::AwsError>& result, const std::string& id) {
  if (!result.has_value()) return std::unexpected(result.error());
  const auto& clusters = result.value().clusters;
  const auto found = std::ranges::find(clusters, id, &rds::GlobalCluster::identifier);
  if (found == clusters.end())
    return std::unexpected(aws::make_error(aws::AwsErrorKind::bad_response, "global cluster " + id + " not found"));
  return *found;
}

void describe_global(aws::AwsClient& client, const std::string& id, Found done) {
  rds::describe_global_clusters(client, id, [id, done = std::move(done)](
                                                const std::expected<rds::DescribeGlobalClustersResult, aws::AwsError>& result) {
    done(pick_global(result, id));
  });
}

// The status of the one cluster DescribeDBClusters answered, or why there is none.
std::expected<std::string, std::string> cluster_status(
    const std::expected<rds::DescribeDbClustersResult, aws::AwsError>& result, const std::string& name) {
  if (!result.has_value()) return std::unexpected(name + " does not answer in its region: " + result.error().to_string());
  const auto& clusters = result.value().clusters;
  if (clusters.empty()) return std::unexpected(name + " not found in its region");
  return clusters.front().status;
}

std::string members_text(const rds::GlobalCluster& cluster) {
  std::string out;
  for (const auto& m : cluster.members) out += (out.empty() ? "" : ", ") + cluster_name(m.cluster_arn) + (m.is_writer ? " (writer)" : "");
  return out.empty() ? "none" : out;
}

bool own_state(const std::shared_ptr<UndoMemory>& memory) { return memory && memory->state().has_value(); }

// The writer of the source region is healthy: the global cluster names it the writer, is
// available, and the source region's RDS answers DescribeDBClusters for it with status available
// (an unreachable region, or a cluster in trouble, is not healthy).
void judge_source(const AuroraGlobalClients& clients, const rds::GlobalCluster& cluster, const AuroraGlobalTarget& target,
                  std::function<void(std::expected<std::string, std::string>)> done) {
  const auto* writer = cluster.writer();
  const std::string source = cluster_name(target.source_cluster);
  if (!writer || writer->cluster_arn != target.source_cluster)
    return done(std::unexpected(source + " is not the writer of " + target.global_cluster + " (writer: " +
                                (writer ? cluster_name(writer->cluster_arn) : std::string("none")) + ")"));
  if (cluster.status != "available")
    return done(std::unexpected(target.global_cluster + " is " + cluster.status + ", not available"));
  rds::describe_db_clusters(clients.source_rds, target.source_cluster,
                            [source, done](const std::expected<rds::DescribeDbClustersResult, aws::AwsError>& found) {
    const auto status = cluster_status(found, source);
    if (!status) return done(std::unexpected(status.error()));
    if (*status != "available") return done(std::unexpected(source + " is " + *status + ", not available"));
    done(source + " is the writer and available");
  });
}

// The target's AuroraGlobalDBRPOLag (milliseconds, per minute): the newest of the last ten
// minutes, in seconds; nullopt when CloudWatch has none or cannot be asked.
void target_lag(aws::AwsClient& cloudwatch, aws::AwsScheduler& scheduler, const std::string& cluster_arn,
                std::function<void(std::optional<double>, std::string)> done) {
  aws::cloudwatch::GetMetricDataRequest request;
  aws::cloudwatch::MetricStat stat;
  stat.metric = {"AWS/RDS", "AuroraGlobalDBRPOLag", {{"DBClusterIdentifier", cluster_name(cluster_arn)}}};
  stat.period = 60;
  stat.stat = "Maximum";
  request.queries.push_back({"rpolag", stat, std::nullopt, std::nullopt, true, std::nullopt});
  request.end_time = scheduler.wall_now();
  request.start_time = request.end_time - std::chrono::minutes(10);
  aws::cloudwatch::get_metric_data(cloudwatch, request, [done = std::move(done)](auto data) {
    if (!data) return done(std::nullopt, "CloudWatch: " + data.error().to_string());
    const auto* lag = data->find("rpolag");
    const auto latest = lag ? lag->latest() : std::nullopt;
    if (!latest) return done(std::nullopt, "no AuroraGlobalDBRPOLag in the last 10 minutes");
    done(*latest / 1000.0, "");
  });
}

// Failover with data loss is ready only with the target's lag within the RPO (or unknown and allowed).
void judge_lag(const AuroraGlobalClients& clients, aws::AwsScheduler& scheduler, const AuroraGlobalTarget& target,
               std::string why_failover, StepCallback done) {
  target_lag(clients.target_cloudwatch, scheduler, target.target_cluster,
             [target, why_failover, done](std::optional<double> lag, std::string unknown) {
               const double rpo = std::chrono::duration<double>(target.rpo).count();
               const std::string name = cluster_name(target.target_cluster);
               const std::string head = "failover with data loss (" + why_failover + ")";
               if (lag && *lag > rpo)
                 return done(std::unexpected(head + ", but " + name + "'s lag " + seconds_text(*lag) +
                                             " (AuroraGlobalDBRPOLag) is over the RPO of " + seconds_text(rpo) +
                                             ": wait for it to catch up, or raise plan.rpo"));
               if (!lag && !target.unknown_lag_allowed)
                 return done(std::unexpected(head + ", but " + name + "'s lag is unknown (" + unknown +
                                             "): a failover could lose any amount of writes; set plan.rpo_unknown: "
                                             "allow to accept that"));
               done(head + ", lag " + (lag ? seconds_text(*lag) + " within the RPO of " + seconds_text(rpo)
                                           : "unknown (" + unknown + "), allowed by plan.rpo_unknown"));
             });
}

void wait_for_writer(aws::AwsClient& client, aws::AwsScheduler& scheduler, WaitOptions wait, std::string global,
                     std::string writer, bool detached_counts, StepCallback done) {
  const std::string name = cluster_name(writer);
  wait_until(scheduler, wait, name + " the writer of " + global,
             [&client, global, writer, detached_counts](PollCallback look) {
               describe_global(client, global, [writer, detached_counts, look](auto found) {
                 if (!found) return look(poll_failed(found.error()));
                 const auto* member = found->member(writer);
                 if (!member && detached_counts)
                   return look(PollResult{true, cluster_name(writer) + " left " + found->identifier + ": a standalone writer"});
                 if (member && member->is_writer) return look(PollResult{true, cluster_name(writer) + " is the writer"});
                 std::string seen = "members " + members_text(*found) + ", status " + found->status;
                 if (found->failover_state) seen += ", " + found->failover_state->status;
                 look(PollResult{false, seen});
               });
             },
             std::move(done));
}

}  // namespace

std::expected<std::string, std::string> judge_aurora_global(const rds::GlobalCluster& cluster,
                                                            const AuroraGlobalTarget& target, bool own_move) {
  const std::string name = cluster_name(target.target_cluster);
  const auto* member = cluster.member(target.target_cluster);
  if (!member && own_move) return name + " left " + cluster.identifier + ": this plan's own detach, resumed";
  if (!member)
    return std::unexpected(name + " is not a member of " + cluster.identifier + " (members: " + members_text(cluster) +
                           "): add it as a secondary (aws rds create-db-cluster --global-cluster-identifier " +
                           cluster.identifier + ") or fix plan.aurora_global.clusters");
  if (member->is_writer && own_move) return name + " is the writer: this plan's own move, resumed";
  if (member->is_writer)
    return std::unexpected(name + " is already the writer of " + cluster.identifier +
                           ", by no move of this plan: check who moved it (aws rds describe-global-clusters)");
  if (cluster.failover_state && !cluster.failover_state->status.empty())
    return std::unexpected("a move of " + cluster.identifier + " to " + cluster_name(cluster.failover_state->to_cluster_arn) +
                           " is under way (" + cluster.failover_state->status + "): wait until it ends");
  return name + " is a secondary of " + cluster.identifier;
}

AuroraGlobalMove aurora_global_move(AuroraGlobalClients clients, aws::AwsScheduler& scheduler, AuroraGlobalTarget target,
                                    WaitOptions wait) {
  auto decision = std::make_shared<AuroraGlobalDecision>();
  auto memory = std::make_shared<UndoMemory>();
  const std::string name = cluster_name(target.target_cluster);
  AuroraGlobalMove out;

  out.readiness.name = "Aurora " + name + " can become the writer of " + target.global_cluster;
  out.readiness.check = [clients, &scheduler, target, decision, memory](StepCallback done) {
    describe_global(clients.target_rds, target.global_cluster,
                    [clients, &scheduler, target, decision, memory, done](auto found) {
      if (!found) return done(std::unexpected(found.error().to_string()));
      auto judged = judge_aurora_global(*found, target, own_state(memory));
      if (!judged) return done(std::unexpected(judged.error()));
      const auto* member = found->member(target.target_cluster);
      if (!member || member->is_writer) return done(*judged);  // resumed: nothing left to decide
      judge_source(clients, *found, target,
                   [clients, &scheduler, target, decision, judged, done](std::expected<std::string, std::string> source) {
        if (source) {
          decision->move = AuroraMove::switchover;
          return done(*judged + "; " + *source + ": switchover (no data loss)");
        }
        if (target.source_healthy == true)
          return done(std::unexpected(*judged + ", but the policy judges the source healthy and " + source.error() +
                                      ": a switchover needs a healthy writer; re-plan once the database agrees"));
        decision->move = AuroraMove::failover;
        judge_lag(clients, scheduler, target, source.error(), [judged, done](StepResult lag) {
          if (!lag) return done(std::unexpected(*judged + "; " + lag.error()));
          done(*judged + "; " + *lag);
        });
      });
    });
  };

  PlanStep& step = out.step;
  step.memory = memory;
  step.name = "Aurora " + name + " writer of " + target.global_cluster;
  step.description = target.source_healthy == true
                         ? "SwitchoverGlobalCluster to " + name + " (no data loss), wait until it is the writer"
                         : "SwitchoverGlobalCluster to " + name + " if the source writer is healthy, else "
                           "FailoverGlobalCluster with AllowDataLoss" +
                               std::string(target.fallback_detach ? " (refused: RemoveFromGlobalCluster)" : "") +
                               "; wait until it is the writer (a failover cannot be undone)";
  step.action = [clients, target, decision, memory, name](StepCallback done) {
    describe_global(clients.target_rds, target.global_cluster, [clients, target, decision, memory, name, done](auto found) {
      if (!found) return done(std::unexpected(found.error().to_string()));
      auto judged = judge_aurora_global(*found, target, own_state(memory));
      if (!judged) return done(std::unexpected(judged.error()));
      const auto* member = found->member(target.target_cluster);
      if (!member || member->is_writer) return done(*judged);
      if (!decision->move) return done(std::unexpected("readiness has not decided between switchover and failover"));
      const bool switchover = *decision->move == AuroraMove::switchover;
      if (auto kept = memory->remember({{"move", switchover ? "switchover" : "failover"},
                                        {"source", target.source_cluster},
                                        {"target", target.target_cluster}});
          !kept)
        return done(std::unexpected(kept.error()));
      const rds::GlobalClusterMoveRequest request{target.global_cluster, target.target_cluster, !switchover};
      if (switchover)
        return rds::switchover_global_cluster(clients.target_rds, request, [name, target, done](auto result) {
          if (result) return done("switchover to " + name + " started, " + result->status);
          done(std::unexpected("SwitchoverGlobalCluster to " + name + " refused: " + result.error().to_string() +
                               "; nothing changed: check aws rds describe-global-clusters --global-cluster-identifier " +
                               target.global_cluster));
        });
      rds::failover_global_cluster(clients.target_rds, request, [clients, target, name, done](auto result) {
        if (result) return done("failover (data loss allowed) to " + name + " started, " + result->status);
        const std::string refused = "FailoverGlobalCluster to " + name + " refused: " + result.error().to_string();
        if (!target.fallback_detach)
          return done(std::unexpected(refused + "; nothing changed. Set plan.aurora_global.fallback: detach to "
                                                "detach " + name + " as a standalone writer instead"));
        rds::remove_from_global_cluster(clients.target_rds, target.global_cluster, target.target_cluster,
                                        [name, target, refused, done](auto removed) {
          if (!removed)
            return done(std::unexpected(refused + "; the fallback RemoveFromGlobalCluster failed too: " +
                                        removed.error().to_string() + ". Nothing changed: detach " + name +
                                        " by hand (aws rds remove-from-global-cluster) or restore the source region"));
          done(refused + "; detached " + name + " from " + target.global_cluster +
               " (RemoveFromGlobalCluster): a standalone writer");
        });
      });
    });
  };
  step.verify = [clients, &scheduler, target, wait](StepCallback done) {
    // With the fallback configured, a target that left the global cluster is the detach's writer
    // (also after a restart, which forgets which way the action went).
    wait_for_writer(clients.target_rds, scheduler, wait, target.global_cluster, target.target_cluster,
                    target.fallback_detach, std::move(done));
  };
  if (target.source_healthy == true) {
    // A switchover lost no data: going back is another switchover, to the source.
    step.undo = [clients, &scheduler, target, memory, wait](StepCallback done) {
      if (!own_state(memory) || memory->state()->value("move", "") != "switchover")
        return done("nothing to switch back: this plan did not switch over");
      describe_global(clients.target_rds, target.global_cluster, [clients, &scheduler, target, wait, done](auto found) {
        if (!found) return done(std::unexpected(found.error().to_string()));
        const auto* source = found->member(target.source_cluster);
        if (source && source->is_writer) return done(cluster_name(target.source_cluster) + " is the writer again");
        rds::switchover_global_cluster(
            clients.target_rds, {target.global_cluster, target.source_cluster, false},
            [clients, &scheduler, target, wait, done](auto result) {
              if (!result)
                return done(std::unexpected("SwitchoverGlobalCluster back to " + cluster_name(target.source_cluster) +
                                            " refused: " + result.error().to_string()));
              wait_for_writer(clients.target_rds, scheduler, wait, target.global_cluster, target.source_cluster, false,
                              std::move(done));
            });
      });
    };
  }
  return out;
}

}  // namespace rg::act
