#include "act/failover/ecs_steps.h"

#include <memory>
#include <optional>

#include "act/failover/aws_steps.h"

namespace rg::act {
namespace {

namespace ecs = aws::ecs;

using ServiceCallback = std::function<void(std::expected<ecs::Service, aws::AwsError>)>;

// The one service named, or why not (an AWS error, so that a wait can tell a throttled look from a
// missing service).
void describe_service(aws::AwsClient& client, const EcsServiceTarget& target, ServiceCallback done) {
  ecs::describe_services(client, {target.cluster, {target.service}},
                         [target, done = std::move(done)](const std::expected<ecs::DescribeServicesResult, aws::AwsError>& result) {
                           if (!result) return done(std::unexpected(result.error()));
                           if (result->services.empty()) {
                             std::string why = "ECS service " + target.service + " not found in cluster " + target.cluster;
                             if (!result->failures.empty()) why += " (" + result->failures.front().reason + ")";
                             return done(std::unexpected(aws::make_error(aws::AwsErrorKind::bad_response, why)));
                           }
                           done(result->services.front());
                         });
}

std::string counts(const ecs::Service& service, std::int64_t desired) {
  return std::to_string(service.running_count) + "/" + std::to_string(desired) + " running, " +
         std::to_string(service.pending_count) + " pending";
}

void set_desired(aws::AwsClient& client, const EcsServiceTarget& target, std::int64_t desired, StepCallback done) {
  ecs::update_service(client, {target.cluster, target.service, desired, std::nullopt, std::nullopt},
                      [desired, done = std::move(done)](const std::expected<ecs::Service, aws::AwsError>& result) {
                        if (!result) return done(std::unexpected(result.error().to_string()));
                        done("desired " + std::to_string(desired));
                      });
}

}  // namespace

std::expected<PollResult, std::string> ecs_scale_progress(const ecs::Service& service, std::int64_t desired) {
  if (service.status != "ACTIVE") return std::unexpected("service is " + service.status);
  for (const auto& deployment : service.deployments)
    if (deployment.rollout_state == "FAILED")
      return std::unexpected("deployment " + deployment.id + " failed (" + std::to_string(deployment.failed_tasks) +
                             " tasks failed)");
  return PollResult{service.running_count >= desired, counts(service, desired)};
}

ReadinessCheck ecs_service_check(aws::AwsClient& client, EcsServiceTarget target) {
  return {"capacity: ECS service " + target.service + " can scale to " + std::to_string(target.desired),
          [&client, target](StepCallback done) {
            describe_service(client, target, [done](const std::expected<ecs::Service, aws::AwsError>& found) {
              if (!found) return done(std::unexpected(found.error().to_string()));
              if (found->status != "ACTIVE") return done(std::unexpected("service is " + found->status));
              done("desired " + std::to_string(found->desired_count) + ", " + std::to_string(found->running_count) +
                   " running");
            });
          }};
}

PlanStep scale_ecs_service_step(aws::AwsClient& client, aws::AwsScheduler& scheduler, EcsServiceTarget target,
                                WaitOptions wait) {
  auto memory = std::make_shared<UndoMemory>();
  PlanStep step;
  step.memory = memory;
  step.name = "scale ECS service " + target.service + " to " + std::to_string(target.desired);
  step.description = "UpdateService " + target.cluster + "/" + target.service +
                     " desiredCount=" + std::to_string(target.desired) + ", wait until running";
  step.action = [&client, target, memory](StepCallback done) {
    describe_service(client, target, [&client, target, memory, done](const std::expected<ecs::Service, aws::AwsError>& found) {
      if (!found) return done(std::unexpected(found.error().to_string()));
      if (auto kept = memory->remember({{"desired", found->desired_count}}); !kept)
        return done(std::unexpected(kept.error()));
      if (found->desired_count >= target.desired)
        return done("already at " + std::to_string(found->desired_count));
      set_desired(client, target, target.desired, done);
    });
  };
  step.verify = [&client, &scheduler, target, wait](StepCallback done) {
    wait_until(scheduler, wait, target.service + " running",
               [&client, target](PollCallback look) {
                 describe_service(client, target, [target, look](const std::expected<ecs::Service, aws::AwsError>& found) {
                   if (!found) return look(poll_failed(found.error()));
                   look(ecs_scale_progress(*found, target.desired));
                 });
               },
               std::move(done));
  };
  // Undo never removes capacity (ARCHITECTURE.md, rule 6; scale_asg_step): nothing changes, and
  // the note says what was added and how to scale in once traffic has drained.
  step.undo = [&client, target, memory](StepCallback done) {
    if (!memory->state()) return done("nothing was changed");
    const auto previous = memory->state()->at("desired").get<std::int64_t>();
    if (previous >= target.desired) return done("was already at " + std::to_string(previous) + ": nothing was added");
    done(capacity_left_in_place(std::to_string(target.desired - previous) + " tasks to " + target.cluster + "/" +
                                    target.service,
                                previous,
                                "aws ecs update-service --cluster " + target.cluster + " --service " + target.service +
                                    " --desired-count " + std::to_string(previous) + " --region " + client.region()));
  };
  return step;
}

}  // namespace rg::act
