#pragma once
// `plan.order`: the steps of a move in the order they run, named by the plan key that makes them
// (`ecs_services`, `rds_replicas`, `route53`, a custom step's name...), with parallel groups and
// approval pauses. Without it a plan runs capacity, data, traffic, then verification.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace rg {

struct PlanOrderEntry {
  std::vector<std::string> blocks;  // one, or several run at once (`parallel: [a, b]`); empty for a pause
  // Set: an approval pause (`approve`, `approve: {timeout: 10m}`); the plan rolls back when nobody
  // answers within it.
  std::optional<std::chrono::milliseconds> approval;
  friend bool operator==(const PlanOrderEntry&, const PlanOrderEntry&) = default;
};

// An approval pause nobody answers rolls back after this long by default: long enough for an
// on-call engineer paged at night, short enough that a half-moved application does not linger.
inline constexpr std::chrono::minutes kDefaultApprovalTimeout{15};

}  // namespace rg
