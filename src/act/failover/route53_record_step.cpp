#include "act/failover/route53_record_step.h"

#include <memory>

#include "aws/route53_api.h"

namespace rg::act {
namespace {

namespace r53 = aws::route53;

std::unexpected<std::string> failure(const aws::AwsError& error) { return std::unexpected(error.to_string()); }

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
