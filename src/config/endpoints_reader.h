#pragma once
// Reading the `endpoints:` section (the checks: DNS, HTTP, TCP, calculated and the AWS resource
// kinds) into EndpointConfig, with every problem reported as file:line:col: endpoints[N].KEY:
// message. The options of each kind are read by check_options_reader.h and aws_check_reader.h.
#include <optional>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace rg {

// `value` is the section (absent: already reported as required). Needs config.regions,
// config.services, the defaults (interval, timeout, resolvers) and config.aws (the timing of AWS
// checks) read first: an endpoint names a region and a service, and inherits its timing.
// Appends to `endpoints`; an HTTP check with connect_to becomes one endpoint per address.
void read_endpoints_section(const std::optional<YamlValue>& value, const Config& config,
                            std::vector<EndpointConfig>& endpoints, ErrorList& errors);

}  // namespace rg
