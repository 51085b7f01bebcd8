// `regionguard iam-policy`: exactly the actions a configuration uses, on the resources it names.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "app/iam_policy.h"
#include "unit/app/app_config.h"

namespace rg {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using nlohmann::json;

const std::string kDnsOnly = R"(regions: [us-east-1, us-west-2]
services: {dynamodb: {}, app: {}}
endpoints:
  - {hostname: dynamodb.us-east-1.amazonaws.com, service: dynamodb, region: us-east-1}
  - {hostname: dynamodb.us-west-2.amazonaws.com, service: dynamodb, region: us-west-2}
)";

const IamStatement* find(const std::vector<IamStatement>& statements, std::string_view sid) {
  for (const auto& s : statements)
    if (s.sid == sid) return &s;
  return nullptr;
}

std::vector<std::string> all_actions(const std::vector<IamStatement>& statements) {
  std::vector<std::string> out;
  for (const auto& s : statements) out.insert(out.end(), s.actions.begin(), s.actions.end());
  std::ranges::sort(out);
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

TEST(IamPolicy, DnsChecksAloneNeedNothing) {
  const Config config = test::load_config(kDnsOnly);
  EXPECT_THAT(iam_statements(config), IsEmpty());
  std::ostringstream out, err;
  EXPECT_EQ(run_iam_policy_command(config, out, err), 0);
  EXPECT_EQ(out.str(), "");
  EXPECT_THAT(err.str(), ::testing::HasSubstr("calls no AWS API"));
}

TEST(IamPolicy, EachAwsCheckKindGetsItsDescribeCalls) {
  const Config config = test::load_config(kDnsOnly + R"(  - {kind: ec2, service: app, region: us-east-1, resource: i-0abc}
  - {kind: rds, service: app, region: us-west-2, resource: app-west}
  - {kind: ecs_service, service: app, region: us-west-2, resource: web, cluster: dr}
  - {kind: cloudwatch_alarm, service: app, region: us-east-1, resource: app-5xx}
)");
  const auto statements = iam_statements(config);
  EXPECT_THAT(all_actions(statements),
              ElementsAre("cloudwatch:DescribeAlarms", "cloudwatch:GetMetricData", "ec2:DescribeInstanceStatus",
                          "ec2:DescribeInstances", "ecs:DescribeServices", "rds:DescribeDBInstances"));
  // Scoped where the action takes a resource and the configuration names it.
  ASSERT_NE(find(statements, "RdsChecks"), nullptr);
  EXPECT_THAT(find(statements, "RdsChecks")->resources, ElementsAre("arn:aws:rds:us-west-2:*:db:app-west"));
  EXPECT_THAT(find(statements, "EcsChecks")->resources, ElementsAre("arn:aws:ecs:us-west-2:*:service/dr/web"));
  EXPECT_THAT(find(statements, "Ec2Checks")->resources, ElementsAre("*"));
  // No target groups, no Auto Scaling groups: no such actions.
  EXPECT_EQ(find(statements, "TargetGroupChecks"), nullptr);
  EXPECT_EQ(find(statements, "AutoScalingChecks"), nullptr);
}

TEST(IamPolicy, FailoverPlanActionsAreScopedToTheNamedResources) {
  // The replica to promote has its rds check (its lag), as the reader requires.
  const Config config = test::load_config(kDnsOnly + R"(  - {kind: rds, service: app, region: us-west-2, resource: db-west}
applications:
  shop-eu:
    primary: us-east-1
    secondaries: [us-west-2]
    checks: {us-east-1: [dynamodb.us-east-1.amazonaws.com], us-west-2: [dynamodb.us-west-2.amazonaws.com]}
    plan:
      autoscaling_groups: {us-west-2: web-dr}
      ecs_services: {us-west-2: {cluster: "arn:aws:ecs:us-west-2:123456789012:cluster/dr", service: api}}
      rds_replicas: {us-west-2: db-west}
      ssm_parameters:
        /app/rds-endpoint: {us-east-1: db-east.example, us-west-2: db-west.example}
      route53:
        zone_id: Z123
        name: App.Example.com.
        values: {us-east-1: east.example.com, us-west-2: west.example.com}
      dynamodb_tables: [orders]
      s3_replication:
        assets: {us-east-1: shop-assets-east, us-west-2: shop-assets-west}
      cloudfront: {distribution_id: E2ABC, origins: {us-east-1: east-alb, us-west-2: west-alb}}
)");
  const auto statements = iam_statements(config);
  const auto* scale = find(statements, "FailoverShopEuScaleGroups");
  ASSERT_NE(scale, nullptr);
  EXPECT_THAT(scale->actions, ElementsAre("autoscaling:UpdateAutoScalingGroup"));
  EXPECT_THAT(scale->resources,
              ElementsAre("arn:aws:autoscaling:us-west-2:*:autoScalingGroup:*:autoScalingGroupName/web-dr"));
  const auto* services = find(statements, "FailoverShopEuScaleServices");
  ASSERT_NE(services, nullptr);
  EXPECT_THAT(services->actions, ElementsAre("ecs:DescribeServices", "ecs:UpdateService"));
  EXPECT_THAT(services->resources, ElementsAre("arn:aws:ecs:us-west-2:*:service/dr/api"));
  const auto* promote = find(statements, "FailoverShopEuPromoteReplicas");
  ASSERT_NE(promote, nullptr);
  EXPECT_THAT(promote->actions, ElementsAre("rds:DescribeDBInstances", "rds:PromoteReadReplica"));
  EXPECT_THAT(promote->resources, ElementsAre("arn:aws:rds:us-west-2:*:db:db-west"));
  const auto* ssm = find(statements, "FailoverShopEuParameters");
  ASSERT_NE(ssm, nullptr);
  EXPECT_THAT(ssm->actions, ElementsAre("ssm:GetParameter", "ssm:PutParameter"));
  EXPECT_THAT(ssm->resources, ElementsAre("arn:aws:ssm:us-east-1:*:parameter/app/rds-endpoint",
                                          "arn:aws:ssm:us-west-2:*:parameter/app/rds-endpoint"));
  const auto* change = find(statements, "FailoverShopEuRoute53Change");
  ASSERT_NE(change, nullptr);
  EXPECT_THAT(change->resources, ElementsAre("arn:aws:route53:::hostedzone/Z123"));
  EXPECT_EQ(change->condition["ForAllValues:StringEquals"]["route53:ChangeResourceRecordSetsNormalizedRecordNames"],
            json::array({"app.example.com"}));
  EXPECT_EQ(change->condition["ForAllValues:StringEquals"]["route53:ChangeResourceRecordSetsRecordTypes"],
            json::array({"CNAME"}));
  // The traffic step is a compare-and-swap (DELETE what it read, CREATE the new record, in one batch).
  EXPECT_EQ(change->condition["ForAllValues:StringEquals"]["route53:ChangeResourceRecordSetsActions"],
            json::array({"CREATE", "DELETE"}));
  EXPECT_THAT(find(statements, "FailoverShopEuRoute53Wait")->actions, ElementsAre("route53:GetChange"));
  EXPECT_THAT(find(statements, "FailoverShopEuRoute53List")->actions, ElementsAre("route53:ListResourceRecordSets"));
  EXPECT_THAT(find(statements, "FailoverShopEuTables")->resources,
              ElementsAre("arn:aws:dynamodb:us-east-1:*:table/orders", "arn:aws:dynamodb:us-west-2:*:table/orders"));
  const auto* buckets = find(statements, "FailoverShopEuBuckets");
  ASSERT_NE(buckets, nullptr);
  EXPECT_THAT(buckets->actions, ElementsAre("s3:GetBucketVersioning", "s3:GetReplicationConfiguration"));
  EXPECT_THAT(buckets->resources, ElementsAre("arn:aws:s3:::shop-assets-east", "arn:aws:s3:::shop-assets-west"));
  const auto* cloudfront = find(statements, "FailoverShopEuCloudFront");
  ASSERT_NE(cloudfront, nullptr);
  // GetDistribution: verification waits for the distribution to be Deployed.
  EXPECT_THAT(cloudfront->actions, ElementsAre("cloudfront:GetDistribution", "cloudfront:GetDistributionConfig",
                                               "cloudfront:UpdateDistribution"));
  EXPECT_THAT(cloudfront->resources, ElementsAre("arn:aws:cloudfront::*:distribution/E2ABC"));
}

TEST(IamPolicy, NotifiersAndCloudWatchPublishing) {
  const Config config = test::load_config(kDnsOnly + R"(notifiers:
  - {name: topic, type: sns, topic_arn: "arn:aws:sns:us-east-1:123456789012:alerts"}
  - {name: hook, type: webhook, url: "https://hooks.example.com/x"}
cloudwatch:
  enabled: true
  namespace: Ops/RegionGuard
  region: us-west-2
)");
  const auto statements = iam_statements(config);
  EXPECT_THAT(find(statements, "SnsNotifiers")->resources, ElementsAre("arn:aws:sns:us-east-1:123456789012:alerts"));
  const auto* publish = find(statements, "PublishMetrics");
  ASSERT_NE(publish, nullptr);
  EXPECT_THAT(publish->actions, ElementsAre("cloudwatch:PutMetricData"));
  EXPECT_EQ(publish->condition, (json{{"StringEquals", {{"cloudwatch:namespace", "Ops/RegionGuard"}}}}));
  EXPECT_THAT(find(statements, "CloudWatchApplyDashboard")->resources,
              ElementsAre("arn:aws:cloudwatch::*:dashboard/Ops-RegionGuard"));
  EXPECT_THAT(find(statements, "CloudWatchApplyAlarms")->resources,
              ElementsAre("arn:aws:cloudwatch:us-west-2:*:alarm:Ops-RegionGuard-*"));

  // Publishing off, section present: `cloudwatch apply` only.
  const Config apply_only = test::load_config(kDnsOnly + "cloudwatch: {enabled: false}\n");
  const auto apply = iam_statements(apply_only);
  EXPECT_EQ(find(apply, "PublishMetrics"), nullptr);
  EXPECT_NE(find(apply, "CloudWatchApplyAlarms"), nullptr);
}

TEST(IamPolicy, DocumentShapeAndPartitions) {
  const Config config = test::load_config(R"(regions: [cn-north-1]
services: {app: {}}
endpoints:
  - {kind: rds, service: app, region: cn-north-1, resource: db1}
)");
  const auto policy = iam_policy(config);
  EXPECT_EQ(policy["Version"], "2012-10-17");
  ASSERT_EQ(policy["Statement"].size(), 2u);
  EXPECT_EQ(policy["Statement"][0]["Effect"], "Allow");
  EXPECT_EQ(policy["Statement"][0]["Resource"], "arn:aws-cn:rds:cn-north-1:*:db:db1");  // one resource: a string
  EXPECT_EQ(arn_partition("us-gov-west-1"), "aws-us-gov");
  EXPECT_EQ(arn_partition("eu-west-1"), "aws");
}

}  // namespace
}  // namespace rg
