#include "act/failover/rds_steps.h"

#include "aws/retry_policy.h"

namespace rg::act {
namespace {

namespace rds = aws::rds;

std::unexpected<std::string> failure(const aws::AwsError& error) { return std::unexpected(error.to_string()); }

// The one instance named, or why not (an AWS error, so that a wait can tell a throttled look from
// a missing instance).
void describe_instance(aws::AwsClient& client, const std::string& id,
                       std::function<void(std::expected<rds::DbInstance, aws::AwsError>)> done) {
  rds::describe_db_instances(client, {id, std::nullopt, std::nullopt}, [id, done = std::move(done)](auto result) {
    if (!result) return done(std::unexpected(result.error()));
    if (result->instances.empty())
      return done(std::unexpected(aws::make_error(aws::AwsErrorKind::bad_response, "DB instance " + id + " not found")));
    done(result->instances.front());
  });
}

// "arn:aws:rds:us-east-1:123456789012:db:db-east" -> "db-east"; a name stays as it is.
std::string_view instance_name(std::string_view id) {
  if (!id.starts_with("arn:")) return id;
  const auto marker = id.rfind(":db:");
  return marker == std::string_view::npos ? id : id.substr(marker + 4);
}

bool same_instance(std::string_view a, std::string_view b) {
  if (a.starts_with("arn:") && b.starts_with("arn:")) return a == b;
  return instance_name(a) == instance_name(b);
}

// Why promoting `instance` would not make the writer that replaces `expected_source`: it is
// standalone already (and not by this plan), or replicates from another writer.
std::optional<std::string> source_problem(const rds::DbInstance& instance,
                                          const std::optional<std::string>& expected_source, bool own_promotion) {
  const std::string& name = instance.identifier;
  if (!instance.is_replica()) {
    if (own_promotion) return std::nullopt;
    if (!expected_source)
      return name + " is already a standalone instance, not a read replica: two writers if traffic moves to it";
    return name + " is already a standalone instance, not a read replica of " + *expected_source + ": two writers (" +
           *expected_source + " and " + name + ") if traffic moves to it";
  }
  if (expected_source && !same_instance(*instance.read_replica_source, *expected_source))
    return name + " replicates from " + *instance.read_replica_source + ", not from " + *expected_source +
           ": promoting it would make a writer that missed " + *expected_source + "'s writes";
  return std::nullopt;
}

}  // namespace

std::expected<std::string, std::string> judge_rds_replica(const rds::DbInstance& instance,
                                                          const std::optional<std::string>& expected_source,
                                                          bool own_promotion) {
  if (!instance.is_replica() && own_promotion) return instance.identifier + " is standalone: this plan's own promotion, resumed";
  if (auto problem = source_problem(instance, expected_source, own_promotion)) return std::unexpected(*problem);
  if (!instance.available())
    return std::unexpected(instance.identifier + ": status " + instance.status + ", not available");
  for (const auto& info : instance.status_infos)
    if (info.status_type == "read replication" && !info.normal)
      return std::unexpected(instance.identifier + ": read replication " + info.status);
  return instance.identifier + " replicates from " + *instance.read_replica_source;
}

ReadinessCheck missing_replica_check(const std::string& writer, const std::string& from, const std::string& to) {
  return {"a replica of " + writer + " in " + to, [writer, from, to](StepCallback done) {
            done(std::unexpected(
                "no read replica of " + writer + " (the writer in " + from + ") is configured in " + to + ": " + to +
                "'s database missed every write since the failover. Create one (aws rds "
                "create-db-instance-read-replica --region " + to + " --db-instance-identifier " + writer + "-" + to +
                " --source-db-instance-identifier arn:aws:rds:" + from + ":ACCOUNT:db:" + writer +
                "), wait until it is available and in sync, set plan.rds_replicas." + to + ": " + writer + "-" + to +
                ", then fail back"));
          }};
}

ReadinessCheck replica_ready_check(aws::AwsClient& client, RdsReplicaTarget target, std::optional<double> lag_seconds,
                                   std::chrono::milliseconds rpo, std::shared_ptr<const UndoMemory> own_promotion) {
  return {"replica " + target.replica + " within RPO",
          [&client, target, lag_seconds, rpo, own_promotion](StepCallback done) {
            describe_instance(client, target.replica, [target, lag_seconds, rpo, own_promotion, done](auto found) {
              if (!found) return done(failure(found.error()));
              const bool own = own_promotion && own_promotion->state().has_value();
              auto judged = judge_rds_replica(*found, target.source, own);
              if (!judged) return done(std::unexpected(judged.error()));
              if (!found->is_replica()) return done(*judged);  // promoted by this plan: no lag any more
              const double rpo_seconds = std::chrono::duration<double>(rpo).count();
              if (lag_seconds && *lag_seconds > rpo_seconds)
                return done(std::unexpected("replica lag " + std::to_string(static_cast<long>(*lag_seconds)) +
                                            "s is over the RPO of " + std::to_string(static_cast<long>(rpo_seconds)) +
                                            "s"));
              if (!lag_seconds && !target.unknown_lag_allowed)
                return done(std::unexpected(
                    "replica lag unknown (no fresh ReplicaLag from an rds check of " + target.replica +
                    "): promoting it could lose any amount of writes; set plan.rpo_unknown: allow to accept that"));
              done(*judged + (lag_seconds ? ", lag " + std::to_string(static_cast<long>(*lag_seconds)) + "s"
                                          : std::string(", lag unknown (allowed by plan.rpo_unknown)")));
            });
          }};
}

PlanStep promote_replica_step(aws::AwsClient& client, aws::AwsScheduler& scheduler, RdsReplicaTarget target,
                              WaitOptions wait) {
  auto memory = std::make_shared<UndoMemory>();
  PlanStep step;
  step.memory = memory;  // no undo: see the header
  step.name = "promote " + target.replica;
  step.description = "PromoteReadReplica, wait until available (cannot be undone)";
  step.action = [&client, target, memory](StepCallback done) {
    describe_instance(client, target.replica, [&client, target, memory, done](auto found) {
      if (!found) return done(failure(found.error()));
      const bool kept_before = memory->state().has_value();
      if (auto problem = source_problem(*found, target.source, kept_before)) return done(std::unexpected(*problem));
      if (!found->is_replica()) return done("already standalone: this plan's own promotion, resumed");
      if (auto kept = memory->remember({{"promoting", target.replica},
                                        {"source", target.source ? nlohmann::json(*target.source) : nlohmann::json()}});
          !kept)
        return done(std::unexpected(kept.error()));
      rds::promote_read_replica(client, {target.replica, std::nullopt, std::nullopt},
                                [&client, target, kept_before, done](auto result) {
        if (result) return done("promotion started, status " + result->status);
        // The promotion may have taken effect all the same: an answer lost after RDS acted, whose
        // retry was refused with InvalidDBInstanceState because the instance is no replica any more.
        const auto error = result.error();
        const bool ours = kept_before || error.attempts > 1 || aws::is_retryable(error);
        describe_instance(client, target.replica, [error, ours, done](auto again) {
          if (again && !again->is_replica() && ours)
            return done("standalone now: promoted by this plan's earlier attempt (PromoteReadReplica then answered " +
                        error.to_string() + ")");
          done(failure(error));
        });
      });
    });
  };
  step.verify = [&client, &scheduler, target, wait](StepCallback done) {
    wait_until(scheduler, wait, target.replica + " available",
               [&client, target](PollCallback look) {
                 describe_instance(client, target.replica, [look](auto found) {
                   if (!found) return look(poll_failed(found.error()));
                   look(PollResult{found->available(), "status " + found->status});
                 });
               },
               std::move(done));
  };
  return step;
}

}  // namespace rg::act
