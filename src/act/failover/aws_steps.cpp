#include "act/failover/aws_steps.h"

#include <memory>

#include "act/aws/autoscaling_api.h"
#include "act/aws/rds_api.h"
#include "act/aws/route53_api.h"
#include "act/aws/ssm_api.h"

namespace rg::act {
namespace {

namespace asg = aws::autoscaling;
namespace r53 = aws::route53;

std::unexpected<std::string> failure(const aws::AwsError& error) { return std::unexpected(error.to_string()); }

// The one group named, or why not.
void describe_group(aws::AwsClient& client, const std::string& group,
                    std::function<void(std::expected<asg::AutoScalingGroup, std::string>)> done) {
  asg::describe_auto_scaling_groups(client, {{group}, std::nullopt, std::nullopt},
                                    [group, done = std::move(done)](auto result) {
                                      if (!result) return done(failure(result.error()));
                                      if (result->groups.empty())
                                        return done(std::unexpected("Auto Scaling group " + group + " not found"));
                                      done(result->groups.front());
                                    });
}

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

std::string absolute(std::string name) {
  if (!name.ends_with('.')) name += '.';
  return name;
}

}  // namespace

ReadinessCheck asg_capacity_check(aws::AwsClient& client, std::string group, std::int64_t desired) {
  return {"capacity: " + group + " can reach " + std::to_string(desired), [&client, group, desired](StepCallback done) {
            describe_group(client, group, [desired, done](auto found) {
              if (!found) return done(std::unexpected(found.error()));
              if (found->max_size < desired)
                return done(std::unexpected("max size " + std::to_string(found->max_size) + " < desired " +
                                            std::to_string(desired)));
              done("max " + std::to_string(found->max_size) + ", now " + std::to_string(found->desired_capacity));
            });
          }};
}

PlanStep scale_asg_step(aws::AwsClient& client, aws::AwsScheduler& scheduler, std::string group, std::int64_t desired,
                        WaitOptions wait) {
  struct Previous {
    std::optional<std::int64_t> desired;
    std::optional<std::int64_t> min;
  };
  auto previous = std::make_shared<Previous>();
  PlanStep step;
  step.name = "scale " + group + " to " + std::to_string(desired);
  step.description = "UpdateAutoScalingGroup DesiredCapacity=" + std::to_string(desired) + ", wait until in service";
  step.action = [&client, group, desired, previous](StepCallback done) {
    describe_group(client, group, [&client, group, desired, previous, done](auto found) {
      if (!found) return done(std::unexpected(found.error()));
      // Remember the state before the first change only: a resumed plan must not take its own
      // change for the original.
      if (!previous->desired) {
        previous->desired = found->desired_capacity;
        previous->min = found->min_size;
      }
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
                   if (!found) return look(std::unexpected(found.error()));
                   const auto serving = found->in_service_count();
                   look(PollResult{serving >= desired, std::to_string(serving) + "/" + std::to_string(desired) +
                                                           " in service"});
                 });
               },
               std::move(done));
  };
  step.undo = [&client, group, previous](StepCallback done) {
    if (!previous->desired) return done("nothing was changed");
    asg::update_auto_scaling_group(client, {group, previous->min, std::nullopt, previous->desired},
                                   [previous, done](auto result) {
                                     if (!result) return done(failure(result.error()));
                                     done("desired back to " + std::to_string(*previous->desired));
                                   });
  };
  return step;
}

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

PlanStep ssm_parameter_step(aws::AwsClient& client, std::string name, std::string value) {
  auto previous = std::make_shared<std::optional<aws::ssm::Parameter>>();
  auto looked = std::make_shared<bool>(false);
  PlanStep step;
  step.name = "set " + name;
  step.description = "PutParameter " + name + " = " + value;
  step.action = [&client, name, value, previous, looked](StepCallback done) {
    aws::ssm::get_parameter(client, {name, false}, [&client, name, value, previous, looked, done](auto current) {
      if (!current && current.error().code != "ParameterNotFound") return done(failure(current.error()));
      if (!*looked) {
        *looked = true;
        if (current) *previous = *current;
      }
      aws::ssm::PutParameterRequest put{name, value, previous->has_value() ? (*previous)->type : "String", true,
                                        std::nullopt, std::nullopt};
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
  step.undo = [&client, name, previous](StepCallback done) {
    // SSM has no "absent" value to put back; a parameter that did not exist keeps the new value.
    if (!previous->has_value()) return done("did not exist before: left as is");
    const auto& old = **previous;
    aws::ssm::put_parameter(client, {name, old.value, old.type, true, std::nullopt, std::nullopt},
                            [done](auto result) {
                              if (!result) return done(failure(result.error()));
                              done("");
                            });
  };
  return step;
}

PlanStep route53_record_step(aws::AwsClient& client, aws::AwsScheduler& scheduler, RecordTarget target,
                             WaitOptions wait) {
  struct State {
    bool looked = false;
    std::optional<r53::ResourceRecordSet> previous;
    std::string change_id;
  };
  auto state = std::make_shared<State>();
  target.name = absolute(target.name);
  PlanStep step;
  step.name = "point " + target.name + " at " + target.value;
  step.description = "Route 53 UPSERT " + target.type + " " + target.name + " " + target.value + ", wait for INSYNC";
  const auto wait_insync = [&client, &scheduler, wait, state](std::string what, StepCallback done) {
    wait_until(scheduler, wait, std::move(what),
               [&client, state](PollCallback look) {
                 r53::get_change(client, state->change_id, [look](auto info) {
                   if (!info) return look(std::unexpected(info.error().to_string()));
                   look(PollResult{info->status == r53::ChangeStatus::insync, info->status_text});
                 });
               },
               std::move(done));
  };
  step.action = [&client, target, state](StepCallback done) {
    r53::ListResourceRecordSetsRequest list{target.zone_id, target.name, target.type, std::nullopt, 1};
    r53::list_resource_record_sets(client, list, [&client, target, state, done](auto listed) {
      if (!listed) return done(failure(listed.error()));
      if (!state->looked) {
        state->looked = true;
        for (const auto& record : listed->record_sets)
          if (record.name == target.name && record.type == target.type) state->previous = record;
      }
      r53::ResourceRecordSet record;
      record.name = target.name;
      record.type = target.type;
      record.ttl = target.ttl;
      record.values = {target.value};
      r53::change_resource_record_sets(
          client, {target.zone_id, "regionguard failover", {{r53::ChangeAction::upsert, record}}},
          [state, done](auto info) {
            if (!info) return done(failure(info.error()));
            state->change_id = info->id;
            done("change " + info->id);
          });
    });
  };
  step.verify = [wait_insync, target](StepCallback done) { wait_insync(target.name + " INSYNC", std::move(done)); };
  step.undo = [&client, target, state, wait_insync](StepCallback done) {
    r53::Change change;
    if (state->previous) {
      change = {r53::ChangeAction::upsert, *state->previous};
    } else {
      r53::ResourceRecordSet record;
      record.name = target.name;
      record.type = target.type;
      record.ttl = target.ttl;
      record.values = {target.value};
      change = {r53::ChangeAction::delete_, record};
    }
    r53::change_resource_record_sets(client, {target.zone_id, "regionguard rollback", {change}},
                                     [state, wait_insync, target, done](auto info) {
                                       if (!info) return done(failure(info.error()));
                                       state->change_id = info->id;
                                       wait_insync(target.name + " restored INSYNC", done);
                                     });
  };
  return step;
}

}  // namespace rg::act
