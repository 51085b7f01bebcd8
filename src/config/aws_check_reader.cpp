#include "config/aws_check_reader.h"

#include <algorithm>
#include <array>
#include <utility>

#include "config/target_url.h"

namespace rg {

const std::vector<std::string_view> aws_check_keys{"resource", "cluster", "min_healthy_percent", "max_replica_lag",
                                                   "min_headroom"};
const std::vector<std::string_view> aws_section_keys{"endpoint_url", "interval", "timeout"};
const std::vector<std::string_view> health_score_keys{"weights", "priorities"};

namespace {

using namespace std::chrono_literals;

constexpr std::array<std::pair<ProbeKind, std::string_view>, 6> kAwsKinds{{
    {ProbeKind::ec2, "ec2"},
    {ProbeKind::elb_target_group, "elb_target_group"},
    {ProbeKind::rds, "rds"},
    {ProbeKind::ecs_service, "ecs_service"},
    {ProbeKind::autoscaling_group, "autoscaling_group"},
    {ProbeKind::cloudwatch_alarm, "cloudwatch_alarm"},
}};

const std::vector<std::string_view> weight_keys{"dns", "endpoints", "resources"};
const std::vector<std::string_view> priority_keys{"low", "medium", "high", "critical"};  // in Priority's order

// A percentage 0-100, for min_healthy_percent.
std::optional<int> read_percent(const YamlValue& value, ErrorList& errors) {
  const auto percent = read_int(value, errors);
  if (percent && (*percent < 0 || *percent > 100)) {
    errors.add(value, "must be between 0 and 100");
    return std::nullopt;
  }
  return percent;
}

}  // namespace

std::optional<std::string_view> aws_kind_name(ProbeKind kind) {
  for (const auto& [k, name] : kAwsKinds)
    if (k == kind) return name;
  return std::nullopt;
}

std::optional<ProbeKind> aws_kind_from_name(std::string_view name) {
  for (const auto& [k, n] : kAwsKinds)
    if (n == name) return k;
  return std::nullopt;
}

bool aws_key_applies(std::string_view key, ProbeKind kind) {
  if (!is_aws_kind(kind)) return false;
  if (key == "resource") return true;
  if (key == "cluster") return kind == ProbeKind::ecs_service;
  if (key == "max_replica_lag") return kind == ProbeKind::rds;
  if (key == "min_headroom") return kind == ProbeKind::autoscaling_group;
  if (key == "min_healthy_percent")
    return kind == ProbeKind::elb_target_group || kind == ProbeKind::ecs_service ||
           kind == ProbeKind::autoscaling_group;
  return false;
}

void read_aws_check_options(const Mapping& fields, ProbeKind kind, AwsCheckOptions& aws, ErrorList& errors) {
  if (const auto value = fields.require("resource", errors)) aws.resource = read_string(*value, errors).value_or("");
  if (const auto value = fields.get("cluster")) aws.cluster = read_string(*value, errors).value_or(aws.cluster);
  if (const auto value = fields.get("min_healthy_percent"))
    aws.min_healthy_percent = read_percent(*value, errors).value_or(aws.min_healthy_percent);
  if (const auto value = fields.get("max_replica_lag")) {
    const auto lag = read_duration(*value, errors);
    if (lag && *lag <= 0ms) {
      errors.add(*value, "must be greater than 0");
    } else if (lag) {
      aws.max_replica_lag = *lag;
    }
  }
  if (const auto value = fields.get("min_headroom")) {
    const auto headroom = read_int(*value, errors);
    if (headroom && *headroom < 0) {
      errors.add(*value, "must be at least 0");
    } else if (headroom) {
      aws.min_headroom = *headroom;
    }
  }
  // A name is looked up first; an ARN must at least look like one, or the lookup fails obscurely.
  if (kind == ProbeKind::elb_target_group && aws.resource.starts_with("arn:") &&
      aws.resource.find(":targetgroup/") == std::string::npos) {
    if (const auto value = fields.get("resource")) errors.add(*value, "`" + aws.resource + "` is not a target group ARN");
  }
}

void read_aws_section(const std::optional<YamlValue>& value, AwsConfig& aws, ErrorList& errors) {
  const auto fields = value ? read_mapping(*value, aws_section_keys, errors) : std::nullopt;
  if (!fields) return;
  if (const auto url_value = fields->get("endpoint_url")) {
    const auto url = read_string(*url_value, errors);
    const auto parsed = url ? parse_target_url(*url) : std::nullopt;
    if (url && (!parsed || (parsed->scheme != "http" && parsed->scheme != "https"))) {
      errors.add(*url_value, "`" + *url + "` is not an http:// or https:// URL");
    } else if (url) {
      aws.endpoint_url = *url;
    }
  }
  Millis interval = aws.interval;
  Millis timeout = aws.timeout;
  if (const auto interval_value = fields->get("interval")) {
    const auto read = read_duration(*interval_value, errors);
    if (read && *read < 1s) errors.add(*interval_value, "must be at least 1s");
    else if (read) interval = *read;
  }
  const auto timeout_value = fields->get("timeout");
  if (timeout_value) {
    const auto read = read_duration(*timeout_value, errors);
    if (read && *read <= 0ms) errors.add(*timeout_value, "must be greater than 0");
    else if (read) timeout = *read;
  }
  if (timeout >= interval) {
    const YamlValue& at = timeout_value ? *timeout_value : *fields->get("interval");
    errors.add(at, timeout_value ? "must be less than interval" : "must be greater than timeout");
    return;
  }
  aws.interval = interval;
  aws.timeout = timeout;
}

void read_health_score_section(const std::optional<YamlValue>& value, HealthScoreWeights& weights,
                               ErrorList& errors) {
  const auto fields = value ? read_mapping(*value, health_score_keys, errors) : std::nullopt;
  const auto priorities_value = fields ? fields->get("priorities") : std::nullopt;
  const auto priority_fields = priorities_value ? read_mapping(*priorities_value, priority_keys, errors) : std::nullopt;
  for (std::size_t i = 0; priority_fields && i < priority_keys.size(); ++i)
    if (const auto v = priority_fields->get(priority_keys[i]))
      weights.priorities[i] = read_int_in(*v, 1, 1000, errors).value_or(static_cast<int>(weights.priorities[i]));
  const auto weights_value = fields ? fields->get("weights") : std::nullopt;
  const auto weight_fields = weights_value ? read_mapping(*weights_value, weight_keys, errors) : std::nullopt;
  if (!weight_fields) return;
  HealthScoreWeights read = weights;
  for (const auto& [key, target] : {std::pair{"dns", &read.dns}, std::pair{"endpoints", &read.endpoints},
                                    std::pair{"resources", &read.resources}}) {
    if (const auto weight_value = weight_fields->get(key)) {
      const auto weight = read_int(*weight_value, errors);
      if (weight && (*weight < 0 || *weight > 1000)) errors.add(*weight_value, "must be between 0 and 1000");
      else if (weight) *target = *weight;
    }
  }
  if (read.dns + read.endpoints + read.resources <= 0) {
    errors.add(*weights_value, "at least one weight must be greater than 0");
    return;
  }
  weights = read;
}

}  // namespace rg
