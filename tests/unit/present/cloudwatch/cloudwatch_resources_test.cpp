// What `cloudwatch apply` puts in CloudWatch, from the configuration: the dashboard's widgets, the
// alarms and their thresholds, and the comparison that keeps a second apply from changing anything.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "present/cloudwatch/cloudwatch_resources.h"
#include "unit/app/app_config.h"

namespace rg {
namespace {

namespace cw = aws::cloudwatch;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using nlohmann::json;

const std::string kBase = R"(regions: [us-east-1, us-west-2]
services: {dynamodb: {}, lambda: {}, app: {}}
endpoints:
  - {hostname: dynamodb.us-east-1.amazonaws.com, service: dynamodb, region: us-east-1}
  - {hostname: lambda.us-east-1.amazonaws.com, service: lambda, region: us-east-1}
  - {id: web-west, kind: http, url: "https://west.example.com/health", service: app, region: us-west-2}
dependencies:
  services: {lambda: [dynamodb]}
  applications: {shop: [lambda]}
)";

const std::string kCloudWatch = R"(cloudwatch:
  enabled: true
  namespace: RegionGuard/Prod
  interval: 2m
  alarm_actions: ["arn:aws:sns:us-east-1:123456789012:oncall"]
)";

const json* widget_titled(const json& body, std::string_view title) {
  for (const auto& w : body["widgets"])
    if (w["properties"].contains("title") && w["properties"]["title"] == title) return &w;
  return nullptr;
}

TEST(CloudWatchResources, DashboardShowsEveryMetricOfTheConfiguration) {
  const Config config = test::load_config(kBase + kCloudWatch);
  const json body = dashboard_body(config);

  const json* dns = widget_titled(body, "DNS health (%)");
  ASSERT_NE(dns, nullptr);
  const auto& p = (*dns)["properties"];
  EXPECT_EQ(p["region"], "us-east-1");  // the first region, by default
  EXPECT_EQ(p["period"], 120);          // the publishing interval
  // us-east-1 has DNS checks, us-west-2 only an HTTP one.
  EXPECT_EQ(p["metrics"][0], json::array({"RegionGuard/Prod", "DNSSuccessRate", "Region", "us-east-1"}));
  EXPECT_EQ(p["metrics"].size(), 3u);  // + overall DNSSuccessRate and OverallDNSHealth

  const json* west = widget_titled(body, "Response time (ms), us-west-2");
  ASSERT_NE(west, nullptr);
  EXPECT_EQ((*west)["properties"]["metrics"],
            json::array({json::array({"RegionGuard/Prod", "ResponseTime", "Service", "app", "Region", "us-west-2"})}));
  EXPECT_NE(widget_titled(body, "Cascade risk"), nullptr);
  EXPECT_NE(widget_titled(body, "Region health score"), nullptr);

  const auto& text = body["widgets"].back();
  EXPECT_EQ(text["type"], "text");
  const std::string markdown = text["properties"]["markdown"];
  // dynamodb fails -> lambda, and the shop uses lambda.
  EXPECT_THAT(markdown, HasSubstr("dynamodb | - | lambda | shop"));
  EXPECT_THAT(markdown, HasSubstr("lambda | dynamodb | - | shop"));
}

TEST(CloudWatchResources, DashboardNameFollowsTheNamespaceUnlessGiven) {
  EXPECT_EQ(test::load_config(kBase + kCloudWatch).cloudwatch.dashboard, "RegionGuard-Prod");
  EXPECT_EQ(test::load_config(kBase + kCloudWatch + "  dashboard: Ops_1\n").cloudwatch.dashboard, "Ops_1");
}

TEST(CloudWatchResources, AlarmsOnTheCriticalThresholdsWithSnsActions) {
  const Config config = test::load_config(kBase + kCloudWatch);
  const auto alarms = alarm_requests(config);
  std::vector<std::string> names;
  for (const auto& a : alarms) names.push_back(a.alarm_name);
  EXPECT_THAT(names, ElementsAre("RegionGuard-Prod-DNSSuccessRate-us-east-1", "RegionGuard-Prod-RegionHealthScore-us-east-1",
                                 "RegionGuard-Prod-RegionHealthScore-us-west-2", "RegionGuard-Prod-CascadeRiskScore-us-east-1",
                                 "RegionGuard-Prod-CascadeRiskScore-us-west-2"));
  const auto& dns = alarms[0];
  EXPECT_EQ(dns.namespace_, "RegionGuard/Prod");
  EXPECT_EQ(dns.metric_name, "DNSSuccessRate");
  EXPECT_EQ(dns.dimensions, (std::vector<cw::Dimension>{{"Region", "us-east-1"}}));
  EXPECT_EQ(dns.comparison_operator, "LessThanThreshold");
  EXPECT_EQ(dns.threshold, 90);
  EXPECT_EQ(dns.period, 120);
  EXPECT_THAT(dns.alarm_actions, ElementsAre("arn:aws:sns:us-east-1:123456789012:oncall"));
  EXPECT_EQ(dns.ok_actions, dns.alarm_actions);
  EXPECT_EQ(alarms[1].threshold, 70);  // no application: the default
  EXPECT_EQ(alarms[3].comparison_operator, "GreaterThanOrEqualToThreshold");
  EXPECT_EQ(alarms[3].threshold, 50);  // no cascade_risk rule: the default
}

TEST(CloudWatchResources, ThresholdsComeFromApplicationsAndCascadeRules) {
  const Config config = test::load_config(kBase + R"(alerts:
  rules:
    - {name: cascade-west, type: cascade_risk, region: us-west-2, threshold: 30, severity: critical}
applications:
  shop:
    primary: us-east-1
    secondaries: [us-west-2]
    checks: {us-east-1: [dynamodb.us-east-1.amazonaws.com], us-west-2: [web-west]}
    policy: {health_threshold: 80}
  blog:
    primary: us-west-2
    secondaries: [us-east-1]
    checks: {us-west-2: [web-west], us-east-1: [lambda.us-east-1.amazonaws.com]}
    policy: {health_threshold: 60}
)" + kCloudWatch);
  std::map<std::string, double> thresholds;
  for (const auto& a : alarm_requests(config)) thresholds[a.alarm_name] = a.threshold;
  EXPECT_EQ(thresholds.at("RegionGuard-Prod-RegionHealthScore-us-east-1"), 80);
  EXPECT_EQ(thresholds.at("RegionGuard-Prod-RegionHealthScore-us-west-2"), 80);  // the stricter of 80 and 60
  EXPECT_EQ(thresholds.at("RegionGuard-Prod-CascadeRiskScore-us-west-2"), 30);
  EXPECT_EQ(thresholds.at("RegionGuard-Prod-CascadeRiskScore-us-east-1"), 50);
  EXPECT_EQ(thresholds.at("RegionGuard-Prod-FailoverActive-shop"), 1);
  EXPECT_EQ(thresholds.at("RegionGuard-Prod-FailoverActive-blog"), 1);
}

// What DescribeAlarms would answer for `put`.
cw::MetricAlarm as_described(const cw::PutMetricAlarmRequest& put) {
  cw::MetricAlarm a;
  a.alarm_name = put.alarm_name;
  a.alarm_description = put.alarm_description;
  a.namespace_ = put.namespace_;
  a.metric_name = put.metric_name;
  a.dimensions = put.dimensions;
  a.statistic = put.statistic;
  a.threshold = put.threshold;
  a.comparison_operator = put.comparison_operator;
  a.period = put.period;
  a.evaluation_periods = put.evaluation_periods;
  a.datapoints_to_alarm = put.datapoints_to_alarm;
  a.treat_missing_data = put.treat_missing_data;
  a.actions_enabled = true;
  a.alarm_actions = put.alarm_actions;
  a.ok_actions = put.ok_actions;
  return a;
}

TEST(CloudWatchResources, AlarmComparisonNamesWhatDiffers) {
  const Config config = test::load_config(kBase + kCloudWatch);
  const auto desired = alarm_requests(config).front();
  auto existing = as_described(desired);
  EXPECT_THAT(alarm_differences(desired, existing), ::testing::IsEmpty());

  existing.threshold = 80;
  existing.alarm_actions.clear();
  EXPECT_THAT(alarm_differences(desired, existing), ElementsAre("threshold", "alarm_actions"));

  // Order of actions and dimensions does not matter; an unset TreatMissingData is "missing".
  auto two = desired;
  two.alarm_actions = {"arn:aws:sns:us-east-1:1:a", "arn:aws:sns:us-east-1:1:b"};
  auto described = as_described(two);
  std::ranges::reverse(described.alarm_actions);
  described.treat_missing_data.reset();
  EXPECT_THAT(alarm_differences(two, described), ::testing::IsEmpty());
}

TEST(CloudWatchResources, DashboardsCompareAsJson) {
  const std::string desired = R"({"widgets":[{"type":"text","x":0}],"start":"-PT6H"})";
  EXPECT_TRUE(same_dashboard("{ \"start\": \"-PT6H\",\n \"widgets\": [ {\"x\": 0, \"type\": \"text\"} ] }", desired));
  EXPECT_FALSE(same_dashboard(R"({"widgets":[{"type":"text","x":6}],"start":"-PT6H"})", desired));
  EXPECT_FALSE(same_dashboard("not json", desired));
}

}  // namespace
}  // namespace rg
