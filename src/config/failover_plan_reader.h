#pragma once
// Reading an application's `plan:` (FailoverPlanConfig, application_config.h): what a move does,
// step by step, with every problem reported as file:line:col: applications.NAME.plan.KEY: message.
// application_reader.cpp reads the rest of the application and calls this for its plan.
#include <string>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace rg {

// Needs app.primary, app.secondaries and app.policy read first: every per-region value must name
// one of them, and mode automatic asks more of the plan. Needs config.endpoints read: a replica to
// promote needs an rds check. A relative dns_update.key.secret_file is resolved against the
// directory of config.source_file.
void read_failover_plan(const YamlValue& value, const ApplicationConfig& app, const Config& config,
                        FailoverPlanConfig& plan, ErrorList& errors);

// A key of a per-region mapping (plan values, the application's checks): true when it is the
// primary or a secondary region of `app`, else reported at the key.
bool check_application_region(const MappingEntry& entry, const ApplicationConfig& app, ErrorList& errors);

}  // namespace rg
