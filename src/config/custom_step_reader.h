#pragma once
// Reading `applications.NAME.plan.custom_steps` (custom_step_config.h), called by
// failover_plan_reader.cpp; every problem reported as file:line:col: path: message.
//
// Only the form is checked here: whether a command exists and can run is a readiness check of the
// plan (act/failover/custom_steps.h), because config/ reads nothing but its file and check-config
// may run on another host than the daemon.
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace rg {

std::vector<CustomStepConfig> read_custom_steps(const YamlValue& value, ErrorList& errors);

}  // namespace rg
