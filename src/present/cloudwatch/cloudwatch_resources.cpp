#include "present/cloudwatch/cloudwatch_resources.h"

#include <algorithm>
#include <set>

#include "analyze/dependency_graph.h"
#include "present/cloudwatch/cloudwatch_metrics.h"

namespace rg {
namespace {

namespace cw = aws::cloudwatch;
namespace names = metric_names;
using nlohmann::json;

constexpr std::string_view kManagedBy = "Managed by regionguard cloudwatch apply: changes made here are undone by the next apply.";

// Regions in the configuration's order that have an endpoint for which `wanted` holds.
template <typename Pred>
std::vector<std::string> regions_with(const Config& config, Pred wanted) {
  std::vector<std::string> out;
  for (const auto& region : config.regions)
    if (std::ranges::any_of(config.endpoints, [&](const EndpointConfig& e) { return e.region == region && wanted(e); }))
      out.push_back(region);
  return out;
}

// Services with a response time in `region`, in the configuration's order.
std::vector<std::string> timed_services(const Config& config, const std::string& region) {
  std::vector<std::string> out;
  for (const auto& e : config.endpoints)
    if (e.region == region && has_response_time(e.kind) && std::ranges::find(out, e.service) == out.end())
      out.push_back(e.service);
  return out;
}

// A region's alarm threshold: the highest health_threshold of the applications running there
// (the first score at which any of them counts the region as failing), else the default.
int score_threshold(const Config& config, const std::string& region) {
  std::optional<int> threshold;
  for (const auto& app : config.applications) {
    const auto regions = app.regions();
    if (std::ranges::find(regions, region) != regions.end())
      threshold = std::max(threshold.value_or(0), app.policy.health_threshold);
  }
  return threshold.value_or(kDefaultScoreThreshold);
}

// The lowest threshold of the cascade_risk rules that apply to `region`, else the default.
double cascade_threshold(const Config& config, const std::string& region) {
  std::optional<double> threshold;
  for (const auto& rule : config.alerts.rules)
    if (rule.type == AlertRuleType::cascade_risk && (rule.region.empty() || rule.region == region))
      threshold = std::min(threshold.value_or(100), rule.threshold);
  return threshold.value_or(kDefaultCascadeThreshold);
}

json metric_widget(const Config& config, std::string title, json metrics, int x, int y, int width,
                   std::optional<std::pair<double, std::string>> line = std::nullopt,
                   std::optional<std::pair<double, double>> y_range = std::nullopt) {
  json properties = {{"title", std::move(title)},
                     {"view", "timeSeries"},
                     {"stacked", false},
                     {"region", config.cloudwatch.region},
                     {"stat", "Average"},
                     {"period", metric_period_seconds(config)},
                     {"metrics", std::move(metrics)}};
  if (line) properties["annotations"] = {{"horizontal", json::array({{{"label", line->second}, {"value", line->first}}})}};
  if (y_range) properties["yAxis"] = {{"left", {{"min", y_range->first}, {"max", y_range->second}}}};
  return {{"type", "metric"}, {"x", x}, {"y", y}, {"width", width}, {"height", 6}, {"properties", std::move(properties)}};
}

json metric(const Config& config, std::string_view name, std::vector<std::pair<std::string, std::string>> dims = {}) {
  json m = json::array({config.cloudwatch.namespace_, name});
  for (auto& [k, v] : dims) {
    m.push_back(k);
    m.push_back(v);
  }
  return m;
}

std::string join_or_dash(const std::vector<std::string>& words) {
  if (words.empty()) return "-";
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

cw::PutMetricAlarmRequest alarm(const Config& config, std::string metric_name, std::vector<cw::Dimension> dimensions,
                                std::string comparison, double threshold, int periods, std::string description) {
  cw::PutMetricAlarmRequest a;
  std::string suffix;
  for (const auto& d : dimensions) suffix += "-" + d.value;
  a.alarm_name = config.cloudwatch.dashboard + "-" + metric_name + suffix;
  a.alarm_description = std::move(description) + " " + std::string(kManagedBy);
  a.namespace_ = config.cloudwatch.namespace_;
  a.metric_name = std::move(metric_name);
  a.dimensions = std::move(dimensions);
  a.statistic = "Average";
  a.period = metric_period_seconds(config);
  a.evaluation_periods = periods;
  a.datapoints_to_alarm = periods;
  a.threshold = threshold;
  a.comparison_operator = std::move(comparison);
  // No data means the monitor is not publishing, which says nothing about the region.
  a.treat_missing_data = "missing";
  a.actions_enabled = true;
  a.alarm_actions = config.cloudwatch.alarm_actions;
  a.ok_actions = config.cloudwatch.alarm_actions;
  return a;
}

std::string number_text(double value) {
  const std::string text = json(value).dump();
  return text.ends_with(".0") ? text.substr(0, text.size() - 2) : text;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::ranges::sort(v);
  return v;
}

std::vector<std::string> sorted_dimensions(const std::vector<cw::Dimension>& dims) {
  std::vector<std::string> out;
  for (const auto& d : dims) out.push_back(d.name + "=" + d.value);
  return sorted(std::move(out));
}

}  // namespace

int metric_period_seconds(const Config& config) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(config.cloudwatch.interval).count();
  return seconds <= 60 ? 60 : static_cast<int>((seconds + 59) / 60 * 60);
}

std::string dependencies_markdown(const Config& config) {
  const DependencyGraph graph(config.dependencies);
  std::string text = "## Service dependencies\n\nWhat fails with a service, from the configuration's `dependencies:`.\n\n"
                     "Service | Depends on | Impacted when it fails | Applications affected\n"
                     "----|----|----|----\n";
  for (const auto& service : graph.services()) {
    const auto direct = config.dependencies.services.find(service);
    text += service + " | " +
            join_or_dash(direct == config.dependencies.services.end() ? std::vector<std::string>{} : direct->second) +
            " | " + join_or_dash(graph.dependents_of(service)) + " | " +
            join_or_dash(graph.applications_affected_by(service)) + "\n";
  }
  return text;
}

nlohmann::json dashboard_body(const Config& config) {
  json widgets = json::array();
  const auto all_regions = config.regions;

  json dns = json::array();
  for (const auto& region : regions_with(config, [](const EndpointConfig& e) { return e.kind == ProbeKind::dns; }))
    dns.push_back(metric(config, names::kDnsSuccessRate, {{"Region", region}}));
  dns.push_back(metric(config, names::kDnsSuccessRate));
  dns.push_back(metric(config, names::kOverallDnsHealth));
  widgets.push_back(metric_widget(config, "DNS health (%)", std::move(dns), 0, 0, 12,
                                  std::pair{kDnsSuccessAlarmPercent, "alarm below"}, std::pair{0.0, 100.0}));

  json scores = json::array();
  for (const auto& region : all_regions) scores.push_back(metric(config, names::kRegionHealthScore, {{"Region", region}}));
  widgets.push_back(metric_widget(config, "Region health score", std::move(scores), 12, 0, 12,
                                  std::pair{double(kDefaultScoreThreshold), "failing below"}, std::pair{0.0, 100.0}));

  json cascade = json::array();
  for (const auto& region : all_regions) cascade.push_back(metric(config, names::kCascadeRiskScore, {{"Region", region}}));
  widgets.push_back(metric_widget(config, "Cascade risk", std::move(cascade), 0, 6, config.applications.empty() ? 24 : 12,
                                  std::pair{kDefaultCascadeThreshold, "high"}, std::pair{0.0, 100.0}));

  if (!config.applications.empty()) {
    json failover = json::array();
    for (const auto& app : config.applications)
      failover.push_back(metric(config, names::kFailoverActive, {{"Application", app.name}}));
    widgets.push_back(metric_widget(config, "Failover active (1: away from the primary)", std::move(failover), 12, 6, 12,
                                    std::nullopt, std::pair{0.0, 1.0}));
  }

  int x = 0, y = 12;
  for (const auto& region : all_regions) {
    json times = json::array();
    for (const auto& service : timed_services(config, region))
      times.push_back(metric(config, names::kResponseTime, {{"Service", service}, {"Region", region}}));
    if (times.empty()) continue;
    widgets.push_back(metric_widget(config, "Response time (ms), " + region, std::move(times), x, y, 8));
    x += 8;
    if (x == 24) x = 0, y += 6;
  }
  if (x != 0) y += 6;

  widgets.push_back({{"type", "text"}, {"x", 0}, {"y", y}, {"width", 24}, {"height", 8},
                     {"properties", {{"markdown", dependencies_markdown(config)}}}});
  return {{"start", "-PT6H"}, {"periodOverride", "inherit"}, {"widgets", std::move(widgets)}};
}

std::vector<cw::PutMetricAlarmRequest> alarm_requests(const Config& config) {
  std::vector<cw::PutMetricAlarmRequest> out;
  for (const auto& region : regions_with(config, [](const EndpointConfig& e) { return e.kind == ProbeKind::dns; }))
    out.push_back(alarm(config, std::string(names::kDnsSuccessRate), {{"Region", region}}, "LessThanThreshold",
                        kDnsSuccessAlarmPercent, 3,
                        "DNS success rate in " + region + " below " + number_text(kDnsSuccessAlarmPercent) + "%."));
  for (const auto& region : config.regions) {
    const int threshold = score_threshold(config, region);
    out.push_back(alarm(config, std::string(names::kRegionHealthScore), {{"Region", region}}, "LessThanThreshold",
                        threshold, 3, "Health score of " + region + " below " + std::to_string(threshold) + "."));
  }
  for (const auto& region : config.regions) {
    const double threshold = cascade_threshold(config, region);
    out.push_back(alarm(config, std::string(names::kCascadeRiskScore), {{"Region", region}},
                        "GreaterThanOrEqualToThreshold", threshold, 2,
                        "Cascade risk in " + region + " at or above " + number_text(threshold) + "."));
  }
  for (const auto& app : config.applications)
    out.push_back(alarm(config, std::string(names::kFailoverActive), {{"Application", app.name}},
                        "GreaterThanOrEqualToThreshold", 1, 1,
                        app.name + " is served away from its primary region " + app.primary + "."));
  return out;
}

CloudWatchResources cloudwatch_resources(const Config& config) {
  return {config.cloudwatch.region, {config.cloudwatch.dashboard, dashboard_body(config).dump()}, alarm_requests(config)};
}

bool same_dashboard(const std::string& current_body, const std::string& desired_body) {
  const json current = json::parse(current_body, nullptr, /*allow_exceptions=*/false);
  return !current.is_discarded() && current == json::parse(desired_body);
}

std::vector<std::string> alarm_differences(const cw::PutMetricAlarmRequest& desired, const cw::MetricAlarm& existing) {
  std::vector<std::string> out;
  const auto differ = [&out](bool different, std::string_view field) {
    if (different) out.emplace_back(field);
  };
  differ(existing.alarm_description != desired.alarm_description, "description");
  differ(existing.namespace_ != desired.namespace_, "namespace");
  differ(existing.metric_name != desired.metric_name, "metric");
  differ(sorted_dimensions(existing.dimensions) != sorted_dimensions(desired.dimensions), "dimensions");
  differ(existing.statistic != desired.statistic, "statistic");
  differ(existing.extended_statistic != desired.extended_statistic, "extended_statistic");
  differ(existing.threshold != desired.threshold, "threshold");
  differ(existing.comparison_operator != desired.comparison_operator, "comparison");
  differ(existing.period != desired.period, "period");
  differ(existing.evaluation_periods != desired.evaluation_periods, "evaluation_periods");
  // Unset, CloudWatch takes every evaluation period as a datapoint to alarm.
  differ(existing.datapoints_to_alarm.value_or(existing.evaluation_periods.value_or(0)) !=
             desired.datapoints_to_alarm.value_or(desired.evaluation_periods),
         "datapoints_to_alarm");
  differ(existing.treat_missing_data.value_or("missing") != desired.treat_missing_data.value_or("missing"),
         "treat_missing_data");
  differ(existing.unit != desired.unit, "unit");
  differ(existing.actions_enabled != desired.actions_enabled.value_or(true), "actions_enabled");
  differ(sorted(existing.alarm_actions) != sorted(desired.alarm_actions), "alarm_actions");
  differ(sorted(existing.ok_actions) != sorted(desired.ok_actions), "ok_actions");
  differ(sorted(existing.insufficient_data_actions) != sorted(desired.insufficient_data_actions),
         "insufficient_data_actions");
  return out;
}

}  // namespace rg
