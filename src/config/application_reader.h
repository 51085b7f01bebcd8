#pragma once
// Reading the `applications:` section (failover control, application_config.h) with every problem
// reported as file:line:col: applications.NAME.KEY: message.
#include <optional>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace rg {

extern const std::vector<std::string_view> application_keys;

// Needs config.regions and config.endpoints read first: an application may only name regions and
// endpoints (checks) that exist, and a region's checks must be endpoints of that region.
void read_applications_section(const std::optional<YamlValue>& value, const Config& config,
                               std::vector<ApplicationConfig>& out, ErrorList& errors);

}  // namespace rg
