// `applications.NAME.plan.global_accelerator` (issue 20): every field read, and each mistake
// reported at its place with its path, as check-config and the daemon show it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config_loader.h"
#include "config/global_accelerator_reader.h"
#include "unit/config/config_errors.h"

namespace rg {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using test::errors_of;

const std::string head = R"(regions: [us-east-1, us-west-2]
services:
  dynamodb:
endpoints:
  - { hostname: dynamodb.us-east-1.amazonaws.com, service: dynamodb, region: us-east-1 }
  - { hostname: dynamodb.us-west-2.amazonaws.com, service: dynamodb, region: us-west-2 }
applications:
  shop:
    primary: us-east-1
    secondaries: [us-west-2]
    checks:
      us-east-1: [dynamodb.us-east-1.amazonaws.com]
      us-west-2: [dynamodb.us-west-2.amazonaws.com]
    plan:
)";

const std::string kListener = "arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-ab12/listener/0123vxyz";
const std::string kEast = kListener + "/endpoint-group/east1234";
const std::string kWest = kListener + "/endpoint-group/west5678";

std::string section(const std::string& east, const std::string& west, const std::string& more = "") {
  return head + "      global_accelerator:\n        endpoint_groups:\n          us-east-1: \"" + east +
         "\"\n          us-west-2: \"" + west + "\"\n" + more;
}

TEST(GlobalAcceleratorReader, ReadsTheGroupsAndTheMethod) {
  const auto dials = load_config_string(section(kEast, kWest), "a.yaml");
  ASSERT_TRUE(dials.has_value()) << to_string(dials.error());
  const auto& plan = dials->applications.at(0).plan;
  ASSERT_TRUE(plan.global_accelerator);
  EXPECT_EQ(plan.global_accelerator->endpoint_groups.at("us-east-1"), kEast);
  EXPECT_EQ(plan.global_accelerator->endpoint_groups.at("us-west-2"), kWest);
  EXPECT_EQ(plan.global_accelerator->method, AcceleratorMethodConfig::dials);
  const auto weights = load_config_string(section(kEast, kWest, "        method: weights\n        weight: 200\n"), "a.yaml");
  ASSERT_TRUE(weights.has_value()) << to_string(weights.error());
  EXPECT_EQ(weights->applications.at(0).plan.global_accelerator->method, AcceleratorMethodConfig::weights);
  EXPECT_EQ(weights->applications.at(0).plan.global_accelerator->weight, 200);
}

TEST(GlobalAcceleratorReader, AnArnMustBeAnEndpointGroupsOfOneListener) {
  EXPECT_EQ(endpoint_group_arn_problem(kEast), std::nullopt);
  EXPECT_NE(endpoint_group_arn_problem(kListener), std::nullopt);  // a listener, not a group
  EXPECT_NE(endpoint_group_arn_problem(kEast + "/x"), std::nullopt);
  EXPECT_NE(endpoint_group_arn_problem("arn:aws:globalaccelerator:us-west-2:123456789012:accelerator/a/listener/l/endpoint-group/e"),
            std::nullopt);  // GA ARNs name no region
  EXPECT_THAT(errors_of(section("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/east/1",
                                "arn:aws:globalaccelerator::1234:accelerator/a/listener/l/endpoint-group/w")),
              ElementsAre("a.yaml:17:22: applications.shop.plan.global_accelerator.endpoint_groups.us-east-1: "
                          "`arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/east/1` is not an "
                          "endpoint group ARN (arn:aws:globalaccelerator::ACCOUNT:accelerator/ID/listener/ID/"
                          "endpoint-group/ID)",
                          "a.yaml:18:22: applications.shop.plan.global_accelerator.endpoint_groups.us-west-2: "
                          "`arn:aws:globalaccelerator::1234:accelerator/a/listener/l/endpoint-group/w` is not an "
                          "endpoint group ARN (arn:aws:globalaccelerator::ACCOUNT:accelerator/ID/listener/ID/"
                          "endpoint-group/ID): the account is not 12 digits"));
  EXPECT_THAT(errors_of(section(kEast, kEast)),
              ElementsAre("a.yaml:18:22: applications.shop.plan.global_accelerator.endpoint_groups.us-west-2: is the "
                          "endpoint group of us-east-1 too; each region needs its own (an endpoint group is in one "
                          "region)"));
  const std::string other = "arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-ab12/listener/9999/endpoint-group/w";
  EXPECT_THAT(errors_of(section(kEast, other)),
              ElementsAre("a.yaml:18:22: applications.shop.plan.global_accelerator.endpoint_groups.us-west-2: is not in "
                          "the listener of us-east-1's group (" + kListener +
                          "): traffic moves only between the endpoint groups of one listener"));
}

TEST(GlobalAcceleratorReader, EveryRegionNeedsAGroupAndOnlyTheApplicationsRegions) {
  EXPECT_THAT(errors_of(head + "      global_accelerator:\n        endpoint_groups:\n          us-east-1: \"" + kEast +
                        "\"\n          eu-west-1: \"" + kWest + "\"\n"),
              ElementsAre("a.yaml:17:11: applications.shop.plan.global_accelerator.endpoint_groups: needs an endpoint "
                          "group ARN for region us-west-2",
                          "a.yaml:18:11: applications.shop.plan.global_accelerator.endpoint_groups.eu-west-1: "
                          "`eu-west-1` is not the primary or a secondary region of this application"));
  EXPECT_THAT(errors_of(head + "      global_accelerator: { method: dials }\n"),
              ElementsAre("a.yaml:15:27: applications.shop.plan.global_accelerator.endpoint_groups: is required"));
}

TEST(GlobalAcceleratorReader, MethodAndWeightMistakes) {
  EXPECT_THAT(errors_of(section(kEast, kWest, "        method: dial\n")),
              ElementsAre("a.yaml:19:17: applications.shop.plan.global_accelerator.method: must be one of dials, "
                          "weights; did you mean `dials`?"));
  EXPECT_THAT(errors_of(section(kEast, kWest, "        weight: 200\n")),
              ElementsAre("a.yaml:19:17: applications.shop.plan.global_accelerator.weight: is used only with method: "
                          "weights (dials move TrafficDialPercentage)"));
  EXPECT_THAT(errors_of(section(kEast, kWest, "        method: weights\n        weight: 0\n")),
              ElementsAre(HasSubstr("a.yaml:20:17: applications.shop.plan.global_accelerator.weight: must be between 1 "
                                    "and 255")));
  EXPECT_THAT(errors_of(section(kEast, kWest, "        dial: 100\n")),
              ElementsAre(AllOf(HasSubstr("a.yaml:19:9: applications.shop.plan.global_accelerator"), HasSubstr("dial"))));
}

}  // namespace
}  // namespace rg
