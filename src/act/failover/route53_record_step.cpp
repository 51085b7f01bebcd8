#include "act/failover/route53_record_step.h"

#include <algorithm>
#include <cctype>
#include <memory>

#include "aws/route53_api.h"

namespace rg::act {
namespace {

namespace r53 = aws::route53;

std::unexpected<std::string> failure(const aws::AwsError& error) { return std::unexpected(error.to_string()); }

// A record set as the undo state keeps it, every field the CREATE that restores it (and the DELETE
// that must match it exactly) needs.
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

// Route 53 keeps names in lower case with the final dot, and lists them so.
std::string absolute(std::string name) {
  std::ranges::transform(name, name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!name.ends_with('.')) name += '.';
  return name;
}

using Record = r53::ResourceRecordSet;
using MaybeRecord = std::optional<Record>;

// As a DELETE must name it: moto lists alias records with TTL 0, which AWS never has (and would
// refuse in a DELETE).
Record as_listed(Record record) {
  if (record.alias_target) record.ttl.reset();
  return record;
}

// The same record set, whatever the order of its values.
bool same_record(const MaybeRecord& a, const MaybeRecord& b) {
  if (!a || !b) return !a && !b;
  auto x = *a;
  auto y = *b;
  std::ranges::sort(x.values);
  std::ranges::sort(y.values);
  return x == y;
}

std::string text(const MaybeRecord& record) {
  if (!record) return "no record";
  std::string values;
  for (const auto& value : record->values) values += (values.empty() ? "" : ",") + value;
  if (record->alias_target) values = "alias " + record->alias_target->dns_name;
  return record->type + " " + values;
}

// The record set of the target's name and type, if the zone has one.
void read_record(aws::AwsClient& client, const RecordTarget& target,
                 std::function<void(std::expected<MaybeRecord, aws::AwsError>)> done) {
  r53::ListResourceRecordSetsRequest list{target.zone_id, target.name, target.type, std::nullopt, 1};
  r53::list_resource_record_sets(client, list, [target, done = std::move(done)](auto listed) {
    if (!listed) return done(std::unexpected(listed.error()));
    for (const auto& record : listed->record_sets)
      if (record.name == target.name && record.type == target.type) return done(MaybeRecord(as_listed(record)));
    done(MaybeRecord());
  });
}

struct Swapped {
  std::string change_id;  // empty: the change's answer was lost, there is nothing to wait for
  std::string note;
};
using SwapDone = std::function<void(std::expected<Swapped, std::string>)>;

// The compare-and-swap: one change batch that DELETEs `read` exactly as it was read and CREATEs
// `wanted` (CREATE alone when there was no record; DELETE alone when nothing is wanted). Route 53
// applies all of a batch or none, and refuses it (InvalidChangeBatch) when the record is no longer
// what was read, so a record someone changed meanwhile is never overwritten.
// After an error, the record is read again before deciding (issue 15, section 4): when it is
// `wanted` already, the change took effect (its answer was lost, and the client's retry was refused
// since the record had changed: by us); when it is neither `read` nor `wanted` after a refusal,
// the failure says the record changed since it was read.
void swap_record(aws::AwsClient& client, const RecordTarget& target, MaybeRecord read, MaybeRecord wanted,
                 std::string comment, SwapDone done) {
  std::vector<r53::Change> changes;
  if (read) changes.push_back({r53::ChangeAction::delete_, *read});
  if (wanted) changes.push_back({r53::ChangeAction::create, *wanted});
  r53::change_resource_record_sets(
      client, {target.zone_id, std::move(comment), std::move(changes)},
      [&client, target, read, wanted, done](auto info) {
        if (info) return done(Swapped{info->id, "change " + info->id});
        const auto error = info.error();
        read_record(client, target, [read, wanted, error, done](auto again) {
          if (again && same_record(*again, wanted))
            return done(Swapped{"", "the change took effect, though ChangeResourceRecordSets answered " +
                                        error.to_string()});
          if (again && error.code == "InvalidChangeBatch" && !same_record(*again, read))
            return done(std::unexpected("the record changed since it was read: read " + text(read) + ", now " +
                                        text(*again) + " (" + error.to_string() + ")"));
          done(std::unexpected(error.to_string()));
        });
      });
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
  Record wanted;
  wanted.name = target.name;
  wanted.type = target.type;
  wanted.ttl = target.ttl;
  wanted.values = {target.value};
  const auto points_at_target = [target](const MaybeRecord& record) {
    return record && record->type == target.type && record->values == std::vector<std::string>{target.value};
  };
  PlanStep step;
  step.memory = memory;
  step.name = "point " + target.name + " at " + target.value;
  step.description = "Route 53 change batch: DELETE the " + target.type + " " + target.name +
                     " record as read, CREATE it with " + target.value + " (compare-and-swap), wait for INSYNC";
  // INSYNC of the change made; without its id (its answer was lost, or a resumed plan found the
  // record changed already), until the record reads `in_effect`.
  const auto wait_for = [&client, &scheduler, wait, state, target](std::string what,
                                                                   std::function<bool(const MaybeRecord&)> in_effect,
                                                                   StepCallback done) {
    const std::string change_id = state->change_id;
    Poll poll = [&client, change_id](PollCallback look) {
      r53::get_change(client, change_id, [look](auto info) {
        if (!info) return look(poll_failed(info.error()));
        look(PollResult{info->status == r53::ChangeStatus::insync, info->status_text});
      });
    };
    if (change_id.empty())
      poll = [&client, target, in_effect](PollCallback look) {
        read_record(client, target, [in_effect, look](auto record) {
          if (!record) return look(poll_failed(record.error()));
          look(PollResult{in_effect(*record), "reads " + text(*record)});
        });
      };
    wait_until(scheduler, wait, std::move(what), std::move(poll), std::move(done));
  };
  step.action = [&client, target, wanted, state, memory, points_at_target](StepCallback done) {
    read_record(client, target, [&client, target, wanted, state, memory, points_at_target, done](auto read) {
      if (!read) return done(failure(read.error()));
      const nlohmann::json before{{"previous", *read ? record_json(**read) : nlohmann::json()}};
      if (auto kept = memory->remember(before); !kept) return done(std::unexpected(kept.error()));
      state->change_id.clear();
      if (points_at_target(*read)) return done("already points at " + target.value);  // a resumed plan
      swap_record(client, target, *read, wanted, "regionguard failover", [state, done](auto swapped) {
        if (!swapped) return done(std::unexpected(swapped.error()));
        state->change_id = swapped->change_id;
        done(swapped->note);
      });
    });
  };
  step.verify = [wait_for, target, points_at_target](StepCallback done) {
    wait_for(target.name + " INSYNC", points_at_target, std::move(done));
  };
  // The same compare-and-swap back to the record the action replaced, from the record as it is now,
  // which must be the plan's: a record someone changed since is theirs, and left as it is.
  step.undo = [&client, target, state, memory, wait_for, points_at_target](StepCallback done) {
    if (!memory->state()) return done("nothing was changed");
    const auto& kept = memory->state()->at("previous");
    const MaybeRecord previous = kept.is_null() ? MaybeRecord() : MaybeRecord(as_listed(record_from_json(kept)));
    read_record(client, target, [&client, target, state, previous, wait_for, points_at_target, done](auto now) {
      if (!now) return done(failure(now.error()));
      if (same_record(*now, previous)) return done("already back to " + text(previous));
      if (!points_at_target(*now))
        return done(std::unexpected("the record changed since the plan wrote it (now " + text(*now) + ", the plan wrote " +
                                    target.type + " " + target.value + "): left as it is"));
      swap_record(client, target, *now, previous, "regionguard rollback",
                  [state, previous, target, wait_for, done](auto swapped) {
                    if (!swapped) return done(std::unexpected(swapped.error()));
                    state->change_id = swapped->change_id;
                    const auto restored = [previous](const MaybeRecord& r) { return same_record(r, previous); };
                    wait_for(target.name + " restored INSYNC", restored,
                             [previous, note = swapped->note, done](StepResult waited) {
                               if (!waited) return done(waited);
                               done("back to " + text(previous) + " (" + note + ")");
                             });
                  });
    });
  };
  return step;
}

ReadinessCheck route53_record_type_check(aws::AwsClient& client, RecordTarget target) {
  target.name = absolute(target.name);
  return {"Route 53 " + target.name + " can be " + target.type, [&client, target](StepCallback done) {
            r53::ListResourceRecordSetsRequest list{target.zone_id, target.name, std::nullopt, std::nullopt, 10};
            r53::list_resource_record_sets(client, list, [target, done](auto listed) {
              if (!listed) return done(std::unexpected("cannot list " + target.name + ": " + listed.error().message));
              for (const auto& record : listed->record_sets) {
                if (record.name != target.name || record.type == target.type) continue;
                if (record.type != "CNAME" && target.type != "CNAME") continue;  // A and AAAA live side by side
                return done(std::unexpected(
                    target.name + " is a " + record.type + " record (" + text(as_listed(record)) +
                    ") and the plan writes " + target.type + ": a CNAME cannot share its name with another type. "
                    "Set route53.type: " + record.type + " with values of that type, or change the zone first"));
              }
              done("no other record type at " + target.name);
            });
          }};
}

}  // namespace rg::act
