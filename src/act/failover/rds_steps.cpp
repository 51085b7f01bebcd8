#include "act/failover/rds_steps.h"

#include "aws/rds_api.h"

namespace rg::act {
namespace {

std::unexpected<std::string> failure(const aws::AwsError& error) { return std::unexpected(error.to_string()); }

void describe_instance(aws::AwsClient& client, const std::string& id,
                       std::function<void(std::expected<aws::rds::DbInstance, std::string>)> done) {
  aws::rds::describe_db_instances(client, {id, std::nullopt, std::nullopt},
                                  [id, done = std::move(done)](auto result) {
                                    if (!result) return done(failure(result.error()));
                                    if (result->instances.empty())
                                      return done(std::unexpected("DB instance " + id + " not found"));
                                    done(result->instances.front());
                                  });
}

}  // namespace

ReadinessCheck replica_ready_check(aws::AwsClient& client, std::string replica, std::optional<double> lag_seconds,
                                   std::chrono::milliseconds rpo) {
  return {"replica " + replica + " within RPO", [&client, replica, lag_seconds, rpo](StepCallback done) {
            describe_instance(client, replica, [lag_seconds, rpo, done](auto found) {
              if (!found) return done(std::unexpected(found.error()));
              if (!found->available()) return done(std::unexpected("status " + found->status + ", not available"));
              for (const auto& info : found->status_infos)
                if (info.status_type == "read replication" && !info.normal)
                  return done(std::unexpected("replication " + info.status));
              const double rpo_seconds = std::chrono::duration<double>(rpo).count();
              if (lag_seconds && *lag_seconds > rpo_seconds)
                return done(std::unexpected("replica lag " + std::to_string(static_cast<long>(*lag_seconds)) +
                                            "s is over the RPO of " + std::to_string(static_cast<long>(rpo_seconds)) +
                                            "s"));
              done(lag_seconds ? "lag " + std::to_string(static_cast<long>(*lag_seconds)) + "s"
                               : std::string("lag unknown (no ReplicaLag check)"));
            });
          }};
}

PlanStep promote_replica_step(aws::AwsClient& client, aws::AwsScheduler& scheduler, std::string replica,
                              WaitOptions wait) {
  PlanStep step;
  step.name = "promote " + replica;
  step.description = "PromoteReadReplica, wait until available (cannot be undone)";
  step.action = [&client, replica](StepCallback done) {
    describe_instance(client, replica, [&client, replica, done](auto found) {
      if (!found) return done(std::unexpected(found.error()));
      // Idempotent: a resumed plan finds it promoted already.
      if (!found->is_replica()) return done("already a standalone instance");
      aws::rds::promote_read_replica(client, {replica, std::nullopt, std::nullopt}, [done](auto result) {
        if (!result) return done(failure(result.error()));
        done("promotion started, status " + result->status);
      });
    });
  };
  step.verify = [&client, &scheduler, replica, wait](StepCallback done) {
    wait_until(scheduler, wait, replica + " available",
               [&client, replica](PollCallback look) {
                 describe_instance(client, replica, [look](auto found) {
                   if (!found) return look(std::unexpected(found.error()));
                   look(PollResult{found->available(), "status " + found->status});
                 });
               },
               std::move(done));
  };
  return step;  // no undo, see the header
}

}  // namespace rg::act
