// AWS resource checks in a valid configuration: kinds, derived ids, defaults of the aws: section
// and the health score weights. The mistakes are in bad/aws_checks.yaml (bad_configs_test.cpp).
#include <gtest/gtest.h>

#include "config/config_loader.h"

namespace rg {
namespace {

using namespace std::chrono_literals;

constexpr const char* kYaml = R"(regions: [us-east-1, us-west-2]
services: {app: {}}
defaults: {interval: 10s, timeout: 2s}
aws:
  endpoint_url: http://127.0.0.1:4566
  interval: 2m
health_score:
  weights: {dns: 50, endpoints: 0}
endpoints:
  - {kind: ec2, service: app, region: us-east-1, resource: i-0abc}
  - {kind: elb_target_group, service: app, region: us-east-1, resource: app-tg, min_healthy_percent: 50}
  - {kind: rds, service: app, region: us-west-2, resource: app-west, max_replica_lag: 30s, timeout: 10s}
  - {kind: ecs_service, service: app, region: us-west-2, resource: web, cluster: dr}
  - {id: app-asg, kind: autoscaling_group, service: app, region: us-west-2, resource: app-dr, min_headroom: 2}
  - {kind: cloudwatch_alarm, service: app, region: us-east-1, resource: app-5xx}
  - {hostname: dynamodb.us-east-1.amazonaws.com, service: app, region: us-east-1}
)";

TEST(AwsChecksConfig, KindsOptionsAndTheirOwnTiming) {
  const auto config = load_config_string(kYaml, "aws.yaml");
  ASSERT_TRUE(config) << to_string(config.error());
  ASSERT_EQ(config->endpoints.size(), 7u);
  const auto& ec2 = config->endpoints[0];
  EXPECT_EQ(ec2.kind, ProbeKind::ec2);
  EXPECT_EQ(ec2.id, "ec2/us-east-1/i-0abc");  // the same name may be checked in several regions
  EXPECT_EQ(ec2.hostname, "i-0abc");
  EXPECT_EQ(ec2.interval, 2min);  // aws.interval, not defaults.interval
  EXPECT_EQ(ec2.timeout, 20s);    // aws.timeout's default
  EXPECT_EQ(config->endpoints[1].aws.min_healthy_percent, 50);
  EXPECT_EQ(config->endpoints[2].aws.max_replica_lag, 30s);
  EXPECT_EQ(config->endpoints[2].timeout, 10s);
  EXPECT_EQ(config->endpoints[3].aws.cluster, "dr");
  EXPECT_EQ(config->endpoints[4].id, "app-asg");
  EXPECT_EQ(config->endpoints[4].aws.min_headroom, 2);
  EXPECT_EQ(config->endpoints[5].kind, ProbeKind::cloudwatch_alarm);
  EXPECT_EQ(config->endpoints[6].interval, 10s);  // DNS keeps defaults.interval
  EXPECT_EQ(config->aws.endpoint_url, "http://127.0.0.1:4566");
  EXPECT_EQ(config->score_weights.dns, 50);
  EXPECT_EQ(config->score_weights.endpoints, 0);
  EXPECT_EQ(config->score_weights.resources, 30);  // left at its default
}

TEST(AwsChecksConfig, DefaultsWithoutTheSections) {
  const auto config = load_config_string(
      "regions: [us-east-1]\nservices: {app: {}}\nendpoints:\n"
      "  - {kind: ecs_service, service: app, region: us-east-1, resource: web}\n",
      "aws.yaml");
  ASSERT_TRUE(config) << to_string(config.error());
  const auto& ecs = config->endpoints[0];
  EXPECT_EQ(ecs.aws.cluster, "default");
  EXPECT_EQ(ecs.aws.min_healthy_percent, 100);
  EXPECT_EQ(ecs.interval, 60s);
  EXPECT_TRUE(config->aws.endpoint_url.empty());
  EXPECT_EQ(config->score_weights.dns, 40);
  EXPECT_EQ(config->score_weights.weight_of(Priority::critical), 4);
}

// Within a kind each check weighs by its service's priority; the weights can be tuned.
TEST(AwsChecksConfig, PriorityWeightsOfTheHealthScore) {
  const std::string head = "regions: [us-east-1]\nservices: {app: {}}\nendpoints:\n"
                           "  - {hostname: app.example.com, service: app, region: us-east-1}\n";
  const auto config = load_config_string(head + "health_score: {priorities: {low: 1, critical: 10}}\n", "a.yaml");
  ASSERT_TRUE(config) << to_string(config.error());
  EXPECT_EQ(config->score_weights.weight_of(Priority::low), 1);
  EXPECT_EQ(config->score_weights.weight_of(Priority::medium), 2);  // left at its default
  EXPECT_EQ(config->score_weights.weight_of(Priority::critical), 10);
  const auto bad = load_config_string(head + "health_score: {priorities: {high: 0, urgent: 5}}\n", "a.yaml");
  ASSERT_FALSE(bad);
  ASSERT_EQ(bad.error().size(), 2u);
  EXPECT_EQ(bad.error()[0].to_string(), "a.yaml:5:35: health_score.priorities.high: must be between 1 and 1000");
  EXPECT_EQ(bad.error()[1].path, "health_score.priorities.urgent");
}

}  // namespace
}  // namespace rg
