#include "act/failover/aws_steps.h"

#include <memory>

#include "aws/autoscaling_api.h"
#include "aws/rds_api.h"
#include "aws/route53_api.h"
#include "aws/ssm_api.h"

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

// A record set as the undo state keeps it, every field the UPSERT that restores it needs.
nlohmann::json record_json(const r53::ResourceRecordSet& r) {
  nlohmann::json out{{"name", r.name}, {"type", r.type}, {"values", r.values}};
  if (r.set_identifier) out["set_identifier"] = *r.set_identifier;
  if (r.weight) out["weight"] = *r.weight;
  if (r.region) out["region"] = *r.region;
  if (r.failover) out["failover"] = *r.failover;
  if (r.ttl) out["ttl"] = *r.ttl;
  if (r.alias_target)
    out["alias_target"] = {{"hosted_zone_id", r.alias_target->hosted_zone_id},
                           {"dns_name", r.alias_target->dns_name},
                           {"evaluate_target_health", r.alias_target->evaluate_target_health}};
  if (r.health_check_id) out["health_check_id"] = *r.health_check_id;
  return out;
}

template <typename T>
std::optional<T> optional_field(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  return it->get<T>();
}

// The inverse of record_json. Throws nlohmann::json::exception on a state of the wrong shape, which
// the executor reports as the undo's failure (PlanRun::call), as it does for the other steps' states.
r53::ResourceRecordSet record_from_json(const nlohmann::json& j) {
  r53::ResourceRecordSet r;
  r.name = j.at("name").get<std::string>();
  r.type = j.at("type").get<std::string>();
  r.values = j.value("values", std::vector<std::string>{});
  r.set_identifier = optional_field<std::string>(j, "set_identifier");
  r.weight = optional_field<std::int64_t>(j, "weight");
  r.region = optional_field<std::string>(j, "region");
  r.failover = optional_field<std::string>(j, "failover");
  r.ttl = optional_field<std::int64_t>(j, "ttl");
  if (const auto alias = j.find("alias_target"); alias != j.end())
    r.alias_target = r53::AliasTarget{alias->at("hosted_zone_id").get<std::string>(),
                                      alias->at("dns_name").get<std::string>(),
                                      alias->value("evaluate_target_health", false)};
  r.health_check_id = optional_field<std::string>(j, "health_check_id");
  return r;
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
  auto memory = std::make_shared<UndoMemory>();
  PlanStep step;
  step.memory = memory;
  step.name = "scale " + group + " to " + std::to_string(desired);
  step.description = "UpdateAutoScalingGroup DesiredCapacity=" + std::to_string(desired) + ", wait until in service";
  step.action = [&client, group, desired, memory](StepCallback done) {
    describe_group(client, group, [&client, group, desired, memory, done](auto found) {
      if (!found) return done(std::unexpected(found.error()));
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
                   if (!found) return look(std::unexpected(found.error()));
                   const auto serving = found->in_service_count();
                   look(PollResult{serving >= desired, std::to_string(serving) + "/" + std::to_string(desired) +
                                                           " in service"});
                 });
               },
               std::move(done));
  };
  step.undo = [&client, group, memory](StepCallback done) {
    if (!memory->state()) return done("nothing was changed");
    const auto previous_desired = memory->state()->at("desired").get<std::int64_t>();
    const auto previous_min = memory->state()->at("min").get<std::int64_t>();
    asg::update_auto_scaling_group(client, {group, previous_min, std::nullopt, previous_desired},
                                   [previous_desired, done](auto result) {
                                     if (!result) return done(failure(result.error()));
                                     done("desired back to " + std::to_string(previous_desired));
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

PlanStep route53_record_step(aws::AwsClient& client, aws::AwsScheduler& scheduler, RecordTarget target,
                             WaitOptions wait) {
  struct State {
    std::string change_id;  // the change being waited for (verify and undo; not kept across a crash)
  };
  auto state = std::make_shared<State>();
  auto memory = std::make_shared<UndoMemory>();
  target.name = absolute(target.name);
  PlanStep step;
  step.memory = memory;
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
  step.action = [&client, target, state, memory](StepCallback done) {
    r53::ListResourceRecordSetsRequest list{target.zone_id, target.name, target.type, std::nullopt, 1};
    r53::list_resource_record_sets(client, list, [&client, target, state, memory, done](auto listed) {
      if (!listed) return done(failure(listed.error()));
      nlohmann::json before{{"previous", nullptr}};
      for (const auto& record : listed->record_sets)
        if (record.name == target.name && record.type == target.type) before["previous"] = record_json(record);
      if (auto kept = memory->remember(before); !kept) return done(std::unexpected(kept.error()));
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
  step.undo = [&client, target, state, memory, wait_insync](StepCallback done) {
    if (!memory->state()) return done("nothing was changed");
    r53::Change change;
    const auto& previous = memory->state()->at("previous");
    if (!previous.is_null()) {
      change = {r53::ChangeAction::upsert, record_from_json(previous)};
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
