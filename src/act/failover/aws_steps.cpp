#include "act/failover/aws_steps.h"

#include <memory>

#include "aws/autoscaling_api.h"
#include "aws/ssm_api.h"

namespace rg::act {
namespace {

namespace asg = aws::autoscaling;

std::unexpected<std::string> failure(const aws::AwsError& error) { return std::unexpected(error.to_string()); }

// The one group named, or why not (an AWS error, so that a wait can tell a throttled look from a
// missing group).
void describe_group(aws::AwsClient& client, const std::string& group,
                    std::function<void(std::expected<asg::AutoScalingGroup, aws::AwsError>)> done) {
  asg::describe_auto_scaling_groups(client, {{group}, std::nullopt, std::nullopt},
                                    [group, done = std::move(done)](auto result) {
                                      if (!result) return done(std::unexpected(result.error()));
                                      if (result->groups.empty())
                                        return done(std::unexpected(aws::make_error(
                                            aws::AwsErrorKind::bad_response, "Auto Scaling group " + group + " not found")));
                                      done(result->groups.front());
                                    });
}

}  // namespace

std::string capacity_left_in_place(const std::string& added, std::int64_t before, const std::string& command) {
  return "left in place (an undo never removes capacity): added " + added + " (it had " + std::to_string(before) +
         "); once traffic has drained, scale in with: " + command;
}

ReadinessCheck asg_capacity_check(aws::AwsClient& client, std::string group, std::int64_t desired) {
  return {"capacity: " + group + " can reach " + std::to_string(desired), [&client, group, desired](StepCallback done) {
            describe_group(client, group, [desired, done](auto found) {
              if (!found) return done(failure(found.error()));
              if (found->max_size < desired)
                return done(std::unexpected("max size " + std::to_string(found->max_size) + " < desired " +
                                            std::to_string(desired)));
              done("max " + std::to_string(found->max_size) + ", now " + std::to_string(found->desired_capacity));
            });
          }};
}

PlanStep scale_asg_step(aws::AwsClient& client, aws::AwsScheduler& scheduler, std::string group, std::int64_t desired,
                        WaitOptions wait) {
  auto memory = std::make_shared<UndoMemory>();
  PlanStep step;
  step.memory = memory;
  step.name = "scale " + group + " to " + std::to_string(desired);
  step.description = "UpdateAutoScalingGroup DesiredCapacity=" + std::to_string(desired) + ", wait until in service";
  step.action = [&client, group, desired, memory](StepCallback done) {
    describe_group(client, group, [&client, group, desired, memory, done](auto found) {
      if (!found) return done(failure(found.error()));
      if (auto kept = memory->remember({{"desired", found->desired_capacity}, {"min", found->min_size}}); !kept)
        return done(std::unexpected(kept.error()));
      if (found->desired_capacity >= desired) return done("already at " + std::to_string(found->desired_capacity));
      asg::UpdateAutoScalingGroupRequest update{group, std::nullopt, std::nullopt, desired};
      if (found->min_size > desired) update.min_size = desired;
      asg::update_auto_scaling_group(client, update, [desired, done](auto result) {
        if (!result) return done(failure(result.error()));
        done("desired " + std::to_string(desired));
      });
    });
  };
  step.verify = [&client, &scheduler, group, desired, wait](StepCallback done) {
    wait_until(scheduler, wait, group + " in service",
               [&client, group, desired](PollCallback look) {
                 describe_group(client, group, [desired, look](auto found) {
                   if (!found) return look(poll_failed(found.error()));
                   const auto serving = found->in_service_count();
                   look(PollResult{serving >= desired, std::to_string(serving) + "/" + std::to_string(desired) +
                                                           " in service"});
                 });
               },
               std::move(done));
  };
  // Undo never removes capacity (ARCHITECTURE.md, rule 6): scaling in while traffic may still
  // arrive, or while the region being left is still down, is how automation deepens an outage.
  // The undo changes nothing and says what was added and how to take it away once traffic drained.
  step.undo = [&client, group, desired, memory](StepCallback done) {
    if (!memory->state()) return done("nothing was changed");
    const auto previous = memory->state()->at("desired").get<std::int64_t>();
    if (previous >= desired) return done("was already at " + std::to_string(previous) + ": nothing was added");
    done(capacity_left_in_place(std::to_string(desired - previous) + " to " + group, previous,
                                "aws autoscaling update-auto-scaling-group --auto-scaling-group-name " + group +
                                    " --desired-capacity " + std::to_string(previous) + " --region " +
                                    client.region()));
  };
  return step;
}

PlanStep ssm_parameter_step(aws::AwsClient& client, std::string name, std::string value) {
  auto memory = std::make_shared<UndoMemory>();
  PlanStep step;
  step.memory = memory;
  step.name = "set " + name;
  step.description = "PutParameter " + name + " = " + value;
  step.action = [&client, name, value, memory](StepCallback done) {
    aws::ssm::get_parameter(client, {name, false}, [&client, name, value, memory, done](auto current) {
      if (!current && current.error().code != "ParameterNotFound") return done(failure(current.error()));
      const nlohmann::json before = current ? nlohmann::json{{"value", current->value}, {"type", current->type}}
                                            : nlohmann::json{{"absent", true}};
      if (auto kept = memory->remember(before); !kept) return done(std::unexpected(kept.error()));
      aws::ssm::PutParameterRequest put{name, value, current ? current->type : "String", true, std::nullopt,
                                        std::nullopt};
      aws::ssm::put_parameter(client, put, [done](auto result) {
        if (!result) return done(failure(result.error()));
        done("version " + std::to_string(result->version));
      });
    });
  };
  step.verify = [&client, name, value](StepCallback done) {
    aws::ssm::get_parameter(client, {name, false}, [value, done](auto current) {
      if (!current) return done(failure(current.error()));
      if (current->value != value) return done(std::unexpected("reads back `" + current->value + "`"));
      done("");
    });
  };
  step.undo = [&client, name, memory](StepCallback done) {
    if (!memory->state()) return done("nothing was changed");
    const auto& old = *memory->state();
    // A parameter that did not exist keeps the new value: deleting it could break a reader that
    // already saw it, and putting back "nothing" needs DeleteParameter rights the plan lacks.
    if (old.value("absent", false)) return done("did not exist before: left as is");
    aws::ssm::put_parameter(client, {name, old.at("value").get<std::string>(), old.at("type").get<std::string>(), true,
                                     std::nullopt, std::nullopt},
                            [done](auto result) {
                              if (!result) return done(failure(result.error()));
                              done("");
                            });
  };
  return step;
}

}  // namespace rg::act
