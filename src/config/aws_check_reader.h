#pragma once
// Reading AWS resource checks (`kind: ec2 | elb_target_group | rds | ecs_service |
// autoscaling_group | cloudwatch_alarm`), the `aws:` section (how to reach AWS) and the
// `health_score:` section (weights of the region health score), each problem reported as
// file:line:col: path: message like every other reader.
#include <optional>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace rg {

// Keys of endpoints that only AWS resource checks take.
extern const std::vector<std::string_view> aws_check_keys;
extern const std::vector<std::string_view> aws_section_keys;
extern const std::vector<std::string_view> health_score_keys;

// The kind's name in the file ("elb_target_group"); nullopt for the non-AWS kinds.
std::optional<std::string_view> aws_kind_name(ProbeKind kind);
std::optional<ProbeKind> aws_kind_from_name(std::string_view name);

// Whether `key` (one of aws_check_keys) applies to `kind`: `cluster` only to ecs_service, ...
bool aws_key_applies(std::string_view key, ProbeKind kind);

// resource (required) and the kind's own options.
void read_aws_check_options(const Mapping& fields, ProbeKind kind, AwsCheckOptions& aws, ErrorList& errors);

// `aws:` (absent: every default): endpoint_url, interval, timeout.
void read_aws_section(const std::optional<YamlValue>& value, AwsConfig& aws, ErrorList& errors);

// `health_score:` (absent: the defaults): weights: {dns, endpoints, resources}; priorities: {low,
// medium, high, critical}, each 1 to 1000, weighing a check by its service's priority.
void read_health_score_section(const std::optional<YamlValue>& value, HealthScoreWeights& weights,
                               ErrorList& errors);

}  // namespace rg
