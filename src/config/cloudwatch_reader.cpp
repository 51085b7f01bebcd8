#include "config/cloudwatch_reader.h"

#include <algorithm>

#include "config/target_url.h"

namespace rg {

const std::vector<std::string_view> cloudwatch_keys{"enabled",      "namespace", "region",    "interval",
                                                    "max_backlog",  "endpoint_url", "dashboard", "alarm_actions"};

namespace {

using namespace std::chrono_literals;

constexpr int kMaxBacklog = 10'000'000;

// PutMetricData's rules: 1-255 characters, CloudWatch's console alphabet, and "AWS/" is AWS's own.
std::optional<std::string> namespace_problem(std::string_view name) {
  if (name.size() > 255) return "must be at most 255 characters";
  const bool valid = std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("._-/#: ").contains(c);
  });
  if (!valid) return "may hold only letters, digits, spaces and . _ - / # :";
  if (name.starts_with("AWS/")) return "must not start with AWS/ (reserved for AWS's own metrics)";
  if (name.starts_with(":")) return "must not start with :";
  return std::nullopt;
}

bool is_dashboard_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// A dashboard name from the namespace, when none is given: "RegionGuard/Prod" -> "RegionGuard-Prod".
std::string dashboard_from_namespace(std::string_view name) {
  std::string out(name);
  for (char& c : out)
    if (!is_dashboard_char(c)) c = '-';
  return out;
}

}  // namespace

void read_cloudwatch_section(const std::optional<YamlValue>& value, const std::string& config_file,
                             const std::vector<std::string>& regions, CloudWatchConfig& cloudwatch,
                             ErrorList& errors) {
  if (!regions.empty()) cloudwatch.region = regions.front();
  const auto fields = value ? read_mapping(*value, cloudwatch_keys, errors) : std::nullopt;
  if (!fields) return;
  cloudwatch.configured = true;
  cloudwatch.mark = {config_file, std::max(value->mark.line, 0) + 1, std::max(value->mark.column, 0) + 1};
  if (const auto enabled = fields->get("enabled"))
    cloudwatch.enabled = read_bool(*enabled, errors).value_or(cloudwatch.enabled);

  bool dashboard_given = false;
  if (const auto dashboard = fields->get("dashboard")) {
    if (const auto name = read_string(*dashboard, errors)) {
      if (name->size() > 255 || !std::ranges::all_of(*name, is_dashboard_char)) {
        errors.add(*dashboard, "must be at most 255 letters, digits, - and _ (a CloudWatch dashboard name)");
      } else {
        cloudwatch.dashboard = *name;
        dashboard_given = true;
      }
    }
  }
  if (const auto ns = fields->get("namespace")) {
    if (const auto name = read_string(*ns, errors)) {
      if (const auto problem = namespace_problem(*name)) {
        errors.add(*ns, *problem);
      } else {
        cloudwatch.namespace_ = *name;
        if (!dashboard_given) cloudwatch.dashboard = dashboard_from_namespace(*name);
      }
    }
  }
  // Any region name, monitored or not: a central monitoring region is common.
  if (const auto region = fields->get("region")) {
    if (const auto name = read_string(*region, errors)) {
      const bool valid = std::ranges::all_of(*name, [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
      if (!valid) errors.add(*region, "`" + *name + "` is not a region name (lower-case letters, digits and `-`, e.g. us-east-1)");
      else cloudwatch.region = *name;
    }
  }
  if (const auto interval = fields->get("interval")) {
    const auto read = read_duration(*interval, errors);
    if (read && (*read < 1s || *read > 1h)) errors.add(*interval, "must be between 1s and 1h");
    else if (read) cloudwatch.interval = *read;
  }
  if (const auto backlog = fields->get("max_backlog")) {
    const auto read = read_int(*backlog, errors);
    if (read && (*read < 1 || *read > kMaxBacklog))
      errors.add(*backlog, "must be between 1 and " + std::to_string(kMaxBacklog));
    else if (read) cloudwatch.max_backlog = *read;
  }
  if (const auto url_value = fields->get("endpoint_url")) {
    const auto url = read_string(*url_value, errors);
    const auto parsed = url ? parse_target_url(*url) : std::nullopt;
    if (url && (!parsed || (parsed->scheme != "http" && parsed->scheme != "https")))
      errors.add(*url_value, "`" + *url + "` is not an http:// or https:// URL");
    else if (url) cloudwatch.endpoint_url = *url;
  }
  if (const auto actions = fields->get("alarm_actions")) {
    if (const auto items = read_list(*actions, errors)) {
      for (const auto& item : *items) {
        const auto arn = read_string(item, errors);
        if (arn && !arn->starts_with("arn:")) errors.add(item, "`" + *arn + "` is not an ARN (arn:aws:sns:REGION:ACCOUNT:TOPIC)");
        else if (arn) cloudwatch.alarm_actions.push_back(*arn);
      }
    }
  }
}

}  // namespace rg
