#pragma once
// Reading `plan.order` (config/plan_order.h) against the rest of the plan, every problem reported
// as file:line:col, and the plan's blocks as the plan builder places them.
#include <string>
#include <vector>

#include "config/application_config.h"
#include "config/yaml_reader.h"

namespace rg {

// Where a block's steps stand in a move: capacity must be up before traffic points at it, and
// the verification reads what the traffic steps changed.
enum class PlanStage { capacity, data, traffic, verify };

struct PlanBlock {
  std::string name;  // the plan key, or a custom step's name
  PlanStage stage = PlanStage::capacity;
  bool irreversible = false;  // cannot be undone once it took effect (a promoted replica)
};

// The blocks `plan` configures, in the order a plan without `order` runs them.
std::vector<PlanBlock> configured_blocks(const FailoverPlanConfig& plan);

// Needs the rest of `plan` read. Every configured block must be listed once; a parallel group
// holds two or more reversible blocks; a traffic block listed before a capacity block, or the
// verification before a traffic block, is warned about.
std::vector<PlanOrderEntry> read_plan_order(const YamlValue& value, const FailoverPlanConfig& plan, ErrorList& errors);

}  // namespace rg
