#pragma once
// Reading plan.aurora_global (aurora_global_config.h), every problem as file:line:col.
#include <optional>

#include "config/application_config.h"
#include "config/yaml_reader.h"

namespace rg {

// Needs app.primary and app.secondaries: `clusters` must name a member for every region.
std::optional<AuroraGlobalConfig> read_aurora_global(const YamlValue& value, const ApplicationConfig& app,
                                                     ErrorList& errors);

}  // namespace rg
