#pragma once
// Reading `applications.NAME.plan.global_accelerator` (GlobalAcceleratorConfig), every problem
// reported at its place, as the rest of the plan (failover_plan_reader.cpp, which calls this).
#include <optional>

#include "config/application_config.h"
#include "config/yaml_reader.h"

namespace rg {

// { endpoint_groups: region -> endpoint group ARN (every region of `app`, each group once, all of
// one listener), method: dials | weights (default dials), weight: 1-255 (weights only, default
// 128) }. nullopt after reporting when a field the step needs is missing or unusable.
std::optional<GlobalAcceleratorConfig> read_global_accelerator(const YamlValue& value, const ApplicationConfig& app,
                                                               ErrorList& errors);

// Why `arn` is not the ARN of an endpoint group, if it is not.
std::optional<std::string> endpoint_group_arn_problem(const std::string& arn);

}  // namespace rg
