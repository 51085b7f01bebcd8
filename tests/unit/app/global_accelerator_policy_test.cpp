// `regionguard iam-policy` for a plan with a Global Accelerator step (issue 20): the two calls the
// step makes, on the endpoint groups it names and nothing else.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/iam_policy.h"
#include "unit/app/app_config.h"

namespace rg {
namespace {

using ::testing::ElementsAre;

TEST(IamPolicy, GlobalAcceleratorCallsAreScopedToTheNamedEndpointGroups) {
  const std::string listener = "arn:aws:globalaccelerator::123456789012:accelerator/1234abcd/listener/0123vxyz";
  const Config config = test::load_config(R"(regions: [us-east-1, us-west-2]
services: {dynamodb: {}}
endpoints:
  - {hostname: dynamodb.us-east-1.amazonaws.com, service: dynamodb, region: us-east-1}
  - {hostname: dynamodb.us-west-2.amazonaws.com, service: dynamodb, region: us-west-2}
applications:
  shop:
    primary: us-east-1
    secondaries: [us-west-2]
    checks: {us-east-1: [dynamodb.us-east-1.amazonaws.com], us-west-2: [dynamodb.us-west-2.amazonaws.com]}
    plan:
      global_accelerator:
        endpoint_groups:
          us-east-1: ")" + listener + R"(/endpoint-group/east"
          us-west-2: ")" + listener + R"(/endpoint-group/west"
)");
  const auto statements = iam_statements(config);
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_EQ(statements[0].sid, "FailoverShopGlobalAccelerator");
  EXPECT_THAT(statements[0].actions,
              ElementsAre("globalaccelerator:DescribeEndpointGroup", "globalaccelerator:UpdateEndpointGroup"));
  EXPECT_THAT(statements[0].resources,
              ElementsAre(listener + "/endpoint-group/east", listener + "/endpoint-group/west"));
}

}  // namespace
}  // namespace rg
