#pragma once
// Reading the outage-prevention sections — `dependencies:`, `runbooks:`, `alerts:` and
// `notifiers:` — with every problem reported as file:line:col: PATH: message. Absent sections get
// the defaults documented in config/regionguard.yaml.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace rg {

std::string_view to_string(AlertRuleType type);
std::string_view to_string(NotifierConfig::Kind kind);

// October 2025: Lambda, ECS and EC2 launches need DynamoDB; load balancer health needs EC2.
DependencyConfig default_dependencies();
// One rule per signal; `fall` is the hysteresis' consecutive failures, reused by endpoint-down.
std::vector<AlertRuleConfig> default_alert_rules(int fall);

void read_dependencies_section(const std::optional<YamlValue>& dependencies, const std::optional<YamlValue>& runbooks,
                               DependencyConfig& out, ErrorList& errors);
// Needs config.hysteresis read first (for the default rules).
void read_alerts_section(const std::optional<YamlValue>& value, const Config& config, AlertsConfig& out,
                         ErrorList& errors);
void read_notifiers_section(const std::optional<YamlValue>& value, const std::string& config_file,
                            std::vector<NotifierConfig>& out, ErrorList& errors);

}  // namespace rg
