#include "act/failover/global_accelerator_step.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>

#include "aws/global_accelerator_api.h"

namespace rg::act {
namespace {

namespace ga = aws::global_accelerator;
using nlohmann::json;

using GroupResult = std::expected<ga::EndpointGroup, std::string>;
using GroupCallback = std::function<void(GroupResult)>;

// "100", "37.5": dials are floats on the wire, whole numbers in practice.
std::string dial_text(double dial) {
  if (std::floor(dial) == dial) return std::to_string(static_cast<long long>(dial));
  std::string text = std::to_string(dial);
  while (text.ends_with('0')) text.pop_back();
  return text;
}

// The last part of an endpoint group ARN, enough to tell groups apart in a journal line.
std::string short_name(const std::string& arn) { return "endpoint group " + arn.substr(arn.rfind('/') + 1); }

void describe(aws::AwsClient& client, const std::string& arn, GroupCallback done) {
  ga::describe_endpoint_group(client, arn, [arn, done = std::move(done)](auto group) {
    if (!group) return done(std::unexpected(short_name(arn) + ": " + group.error().to_string()));
    done(std::move(*group));
  });
}

// Writes `update` (nothing when nullopt: the group is as wanted already); ok is a note.
void write(aws::AwsClient& client, std::optional<ga::UpdateEndpointGroupRequest> update, std::string note,
           StepCallback done) {
  if (!update) return done(std::move(note));
  const std::string arn = update->endpoint_group_arn;
  ga::update_endpoint_group(client, *update, [arn, note, done](auto updated) {
    if (!updated) return done(std::unexpected(short_name(arn) + ": UpdateEndpointGroup: " + updated.error().to_string()));
    done(note);
  });
}

// What the undo needs of a group: its dial and its endpoints' weights (null: none was listed).
json group_state(const ga::EndpointGroup& group) {
  json weights = json::object();
  for (const auto& e : group.endpoints) weights[e.endpoint_id] = e.weight ? json(*e.weight) : json(nullptr);
  return {{"dial", group.traffic_dial_percentage}, {"weights", std::move(weights)}};
}

bool is_target(const AcceleratorMove& move, const std::string& arn) { return arn == move.target_group; }

// The write that gives `group` its place in the move, or nullopt when it has it already.
std::optional<ga::UpdateEndpointGroupRequest> move_change(const AcceleratorMove& move, const std::string& arn,
                                                          const ga::EndpointGroup& group) {
  const bool target = is_target(move, arn);
  if (move.method == AcceleratorMethod::dials) {
    const double wanted = target ? 100 : 0;
    if (group.traffic_dial_percentage == wanted) return std::nullopt;
    return ga::UpdateEndpointGroupRequest{arn, wanted, std::nullopt};
  }
  auto endpoints = group.endpoints;
  bool changed = false;
  for (auto& e : endpoints) {
    if (target && e.weight == 0) e.weight = move.weight;
    else if (!target && e.weight != 0) e.weight = 0;
    else continue;
    changed = true;
  }
  if (!changed) return std::nullopt;
  return ga::UpdateEndpointGroupRequest{arn, std::nullopt, std::move(endpoints)};
}

// Why `group` is not in its place after the move, if it is not.
std::optional<std::string> move_problem(const AcceleratorMove& move, const std::string& arn, const ga::EndpointGroup& group) {
  const bool target = is_target(move, arn);
  const std::string role = target ? "the target's " : "the source's ";
  if (move.method == AcceleratorMethod::dials) {
    const double wanted = target ? 100 : 0;
    if (group.traffic_dial_percentage == wanted) return std::nullopt;
    return role + short_name(arn) + " reads back dial " + dial_text(group.traffic_dial_percentage) + ", not " +
           dial_text(wanted);
  }
  for (const auto& e : group.endpoints) {
    if (!target && e.weight != 0)
      return role + short_name(arn) + " reads back weight " + (e.weight ? std::to_string(*e.weight) : "(none)") +
             " for " + e.endpoint_id + ", not 0";
  }
  if (target && std::ranges::none_of(group.endpoints, [](const ga::Endpoint& e) { return e.weight != 0; }))
    return role + short_name(arn) + " has no endpoint with a weight above 0";
  return std::nullopt;
}

std::string move_note(const AcceleratorMove& move, const std::string& arn, const ga::EndpointGroup& before) {
  const bool target = is_target(move, arn);
  if (move.method == AcceleratorMethod::dials)
    return (target ? "target dial 100" : "source dial 0") + std::string(" (was ") +
           dial_text(before.traffic_dial_percentage) + ")";
  return target ? "target weights above 0" : "source weights 0";
}

// The write that puts back what `state` (group_state) remembered, or nullopt when the group has it.
// Weights go back only for endpoints still in the group; one added since keeps its own.
std::optional<ga::UpdateEndpointGroupRequest> undo_change(AcceleratorMethod method, const std::string& arn,
                                                          const json& state, const ga::EndpointGroup& group) {
  if (method == AcceleratorMethod::dials) {
    const double dial = state.at("dial").get<double>();
    if (group.traffic_dial_percentage == dial) return std::nullopt;
    return ga::UpdateEndpointGroupRequest{arn, dial, std::nullopt};
  }
  const json& weights = state.at("weights");
  auto endpoints = group.endpoints;
  bool changed = false;
  for (auto& e : endpoints) {
    const auto kept = weights.find(e.endpoint_id);
    if (kept == weights.end()) continue;
    const std::optional<std::int64_t> weight =
        kept->is_null() ? std::nullopt : std::optional<std::int64_t>(kept->get<std::int64_t>());
    if (weight == e.weight) continue;
    e.weight = weight;
    changed = true;
  }
  if (!changed) return std::nullopt;
  return ga::UpdateEndpointGroupRequest{arn, std::nullopt, std::move(endpoints)};
}

std::optional<std::string> undo_problem(AcceleratorMethod method, const std::string& arn, const json& state,
                                        const ga::EndpointGroup& group) {
  if (undo_change(method, arn, state, group))
    return short_name(arn) + " does not read back what it had before the plan";
  return std::nullopt;
}

// Undo of one group: read, write what was remembered, read back.
void restore(aws::AwsClient& client, AcceleratorMethod method, std::string arn, json state, StepCallback done) {
  describe(client, arn, [&client, method, arn, state, done](GroupResult now) {
    if (!now) return done(std::unexpected(now.error()));
    std::string note = short_name(arn) + (method == AcceleratorMethod::dials
                                              ? " dial back to " + dial_text(state.at("dial").get<double>())
                                              : " weights back");
    write(client, undo_change(method, arn, state, *now), note, [&client, method, arn, state, note, done](StepResult w) {
      if (!w) return done(w);
      describe(client, arn, [method, arn, state, note, done](GroupResult after) {
        if (!after) return done(std::unexpected(after.error()));
        if (auto problem = undo_problem(method, arn, state, *after)) return done(std::unexpected("after undo " + *problem));
        done(note);
      });
    });
  });
}

std::string method_name(AcceleratorMethod method) { return method == AcceleratorMethod::dials ? "dials" : "weights"; }

}  // namespace

PlanStep global_accelerator_step(aws::AwsClient& client, AcceleratorMove move) {
  auto memory = std::make_shared<UndoMemory>();
  PlanStep step;
  step.memory = memory;
  step.name = "move Global Accelerator " + method_name(move.method) + " to " + short_name(move.target_group);
  step.description =
      move.method == AcceleratorMethod::dials
          ? "UpdateEndpointGroup " + move.target_group + " TrafficDialPercentage=100, then " + move.source_group +
                " TrafficDialPercentage=0 (dials only), read back"
          : "UpdateEndpointGroup " + move.target_group + " endpoints at Weight 0 to " + std::to_string(move.weight) +
                ", then " + move.source_group + " every endpoint Weight=0 (other fields as read), read back";
  step.description += "; calls Global Accelerator in us-west-2 (its control plane)";

  step.action = [&client, move, memory](StepCallback done) {
    describe(client, move.target_group, [&client, move, memory, done](GroupResult target) {
      if (!target) return done(std::unexpected(target.error()));
      describe(client, move.source_group, [&client, move, memory, target, done](GroupResult source) {
        if (!source) return done(std::unexpected(source.error()));
        // Both read before either changes: the undo puts back the two groups as they were.
        json groups = {{move.target_group, group_state(*target)}, {move.source_group, group_state(*source)}};
        if (auto kept = memory->remember({{"method", method_name(move.method)}, {"groups", std::move(groups)}}); !kept)
          return done(std::unexpected(kept.error()));
        // The target up first, the source down after: traffic always has somewhere to go.
        write(client, move_change(move, move.target_group, *target), move_note(move, move.target_group, *target),
              [&client, move, source, done](StepResult raised) {
                if (!raised) return done(raised);
                write(client, move_change(move, move.source_group, *source), move_note(move, move.source_group, *source),
                      [raised, done](StepResult lowered) {
                        if (!lowered) return done(lowered);
                        done(*raised + ", " + *lowered);
                      });
              });
      });
    });
  };

  step.verify = [&client, move](StepCallback done) {
    describe(client, move.target_group, [&client, move, done](GroupResult target) {
      if (!target) return done(std::unexpected(target.error()));
      if (auto problem = move_problem(move, move.target_group, *target)) return done(std::unexpected(*problem));
      describe(client, move.source_group, [move, target, done](GroupResult source) {
        if (!source) return done(std::unexpected(source.error()));
        if (auto problem = move_problem(move, move.source_group, *source)) return done(std::unexpected(*problem));
        done(move.method == AcceleratorMethod::dials ? "dials read back 100 and 0" : "weights read back");
      });
    });
  };

  step.undo = [&client, move, memory](StepCallback done) {
    if (!memory->state()) return done("nothing was changed");
    const json state = *memory->state();
    const AcceleratorMethod method =
        state.value("method", "dials") == "weights" ? AcceleratorMethod::weights : AcceleratorMethod::dials;
    const json& groups = state.at("groups");
    // The source's group back up first, then the target's down: never both at 0.
    restore(client, method, move.source_group, groups.at(move.source_group),
            [&client, method, move, groups, done](StepResult source) {
              if (!source) return done(source);
              restore(client, method, move.target_group, groups.at(move.target_group), [source, done](StepResult target) {
                if (!target) return done(target);
                done(*source + ", " + *target);
              });
            });
  };
  return step;
}

ReadinessCheck global_accelerator_ready_check(aws::AwsClient& client, AcceleratorMove move) {
  return {"Global Accelerator: " + short_name(move.target_group) + " has a healthy endpoint",
          [&client, move](StepCallback done) {
            describe(client, move.source_group, [&client, move, done](GroupResult source) {
              if (!source) return done(std::unexpected(source.error()));
              describe(client, move.target_group, [done](GroupResult target) {
                if (!target) return done(std::unexpected(target.error()));
                std::string states;
                for (const auto& e : target->endpoints) {
                  if (e.health_state == "HEALTHY") return done(e.endpoint_id + " HEALTHY");
                  states += (states.empty() ? "" : ", ") + e.endpoint_id + " " +
                            (e.health_state.empty() ? "no HealthState" : e.health_state);
                }
                done(std::unexpected("no healthy endpoint in the target group" +
                                     (states.empty() ? std::string(" (it has no endpoints)") : " (" + states + ")")));
              });
            });
          }};
}

}  // namespace rg::act
