// The `cloudwatch:` section: defaults, every key, and each bad value reported with its position.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/app/app_config.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;

const std::string kBase = R"(regions: [eu-west-1, us-east-1]
services: {dynamodb: {}}
endpoints:
  - {hostname: dynamodb.eu-west-1.amazonaws.com, service: dynamodb, region: eu-west-1}
)";

std::vector<std::string> errors_of(const std::string& yaml) {
  const auto loaded = load_config_string(yaml, "a.yaml");
  std::vector<std::string> out;
  if (!loaded)
    for (const auto& e : loaded.error()) out.push_back(e.to_string());
  return out;
}

TEST(CloudWatchSection, DefaultsWhenAbsent) {
  const Config config = test::load_config(kBase);
  EXPECT_FALSE(config.cloudwatch.configured);
  EXPECT_FALSE(config.cloudwatch.enabled);
  EXPECT_EQ(config.cloudwatch.namespace_, "RegionGuard");
  EXPECT_EQ(config.cloudwatch.region, "eu-west-1");  // the first region
  EXPECT_EQ(config.cloudwatch.interval, 60s);
  EXPECT_EQ(config.cloudwatch.max_backlog, 10'000);
  EXPECT_EQ(config.cloudwatch.dashboard, "RegionGuard");
  EXPECT_TRUE(config.cloudwatch.endpoint_url.empty());
}

TEST(CloudWatchSection, ReadsEveryKey) {
  const Config config = test::load_config(kBase + R"(cloudwatch:
  enabled: true
  namespace: "Prod/Region Guard"
  region: us-east-2
  interval: 5m
  max_backlog: 500
  endpoint_url: http://127.0.0.1:4566
  dashboard: prod-rg
  alarm_actions: ["arn:aws:sns:us-east-2:123456789012:oncall"]
)");
  const auto& cw = config.cloudwatch;
  EXPECT_TRUE(cw.configured);
  EXPECT_TRUE(cw.enabled);
  EXPECT_EQ(cw.namespace_, "Prod/Region Guard");
  EXPECT_EQ(cw.region, "us-east-2");  // need not be monitored
  EXPECT_EQ(cw.interval, 5min);
  EXPECT_EQ(cw.max_backlog, 500);
  EXPECT_EQ(cw.endpoint_url, "http://127.0.0.1:4566");
  EXPECT_EQ(cw.dashboard, "prod-rg");
  EXPECT_THAT(cw.alarm_actions, ElementsAre("arn:aws:sns:us-east-2:123456789012:oncall"));
  EXPECT_EQ(cw.mark.line, 6);
}

TEST(CloudWatchSection, ReportsEachBadValue) {
  EXPECT_THAT(errors_of(kBase + R"(cloudwatch:
  enabled: yes please
  namespace: AWS/EC2
  region: US_EAST
  interval: 0s
  max_backlog: 0
  endpoint_url: ftp://x
  dashboard: "has space"
  alarm_actions: [oncall]
  colour: blue
)"),
              ElementsAre("a.yaml:6:12: cloudwatch.enabled: must be true or false",
                          "a.yaml:7:14: cloudwatch.namespace: must not start with AWS/ (reserved for AWS's own metrics)",
                          "a.yaml:8:11: cloudwatch.region: `US_EAST` is not a region name (lower-case letters, digits and `-`, e.g. us-east-1)",
                          "a.yaml:9:13: cloudwatch.interval: must be between 1s and 1h",
                          "a.yaml:10:16: cloudwatch.max_backlog: must be between 1 and 10000000",
                          "a.yaml:11:17: cloudwatch.endpoint_url: `ftp://x` is not an http:// or https:// URL",
                          "a.yaml:12:14: cloudwatch.dashboard: must be at most 255 letters, digits, - and _ (a CloudWatch dashboard name)",
                          "a.yaml:13:19: cloudwatch.alarm_actions[0]: `oncall` is not an ARN (arn:aws:sns:REGION:ACCOUNT:TOPIC)",
                          "a.yaml:14:3: cloudwatch.colour: unknown key (expected one of: enabled, namespace, region, interval, "
                          "max_backlog, endpoint_url, dashboard, alarm_actions)"));
}

}  // namespace
}  // namespace rg
