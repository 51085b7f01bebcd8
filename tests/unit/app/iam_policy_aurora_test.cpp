// `regionguard iam-policy` for plan.aurora_global (issue 20): the global-cluster calls scoped to
// the global cluster's ARN (no region in it) and its member clusters, nothing more.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/iam_policy.h"
#include "unit/app/app_config.h"

namespace rg {
namespace {

using ::testing::ElementsAre;

TEST(IamPolicyAurora, TheGlobalClusterCallsAreScopedToItAndItsMembers) {
  const Config config = test::load_config(R"(regions: [us-east-1, us-west-2]
services: {dynamodb: {}}
endpoints:
  - {hostname: dynamodb.us-east-1.amazonaws.com, service: dynamodb, region: us-east-1}
  - {hostname: dynamodb.us-west-2.amazonaws.com, service: dynamodb, region: us-west-2}
applications:
  shop:
    primary: us-east-1
    secondaries: [us-west-2]
    checks:
      us-east-1: [dynamodb.us-east-1.amazonaws.com]
      us-west-2: [dynamodb.us-west-2.amazonaws.com]
    plan:
      aurora_global:
        global_cluster: orders-global
        clusters:
          us-east-1: arn:aws:rds:us-east-1:123456789012:cluster:orders-east
          us-west-2: arn:aws:rds:us-west-2:123456789012:cluster:orders-west
)");
  const auto statements = iam_statements(config);
  const IamStatement* aurora = nullptr;
  const IamStatement* lag = nullptr;
  for (const auto& s : statements) {
    if (s.sid == "FailoverShopAuroraGlobal") aurora = &s;
    if (s.sid == "FailoverShopAuroraGlobalLag") lag = &s;
  }
  ASSERT_NE(aurora, nullptr);
  EXPECT_THAT(aurora->actions, ElementsAre("rds:DescribeDBClusters", "rds:DescribeGlobalClusters",
                                           "rds:FailoverGlobalCluster", "rds:RemoveFromGlobalCluster",
                                           "rds:SwitchoverGlobalCluster"));
  EXPECT_THAT(aurora->resources, ElementsAre("arn:aws:rds::123456789012:global-cluster:orders-global",
                                             "arn:aws:rds:us-east-1:123456789012:cluster:orders-east",
                                             "arn:aws:rds:us-west-2:123456789012:cluster:orders-west"));
  ASSERT_NE(lag, nullptr);
  EXPECT_THAT(lag->actions, ElementsAre("cloudwatch:GetMetricData"));
}

}  // namespace
}  // namespace rg
