// plan.aurora_global (issue 20): the Aurora global database, its member cluster per region by ARN,
// and the optional detach fallback. Each mistake at its place, with its path.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config_loader.h"
#include "unit/config/config_errors.h"

namespace rg {
namespace {

using ::testing::ElementsAre;
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
      aurora_global:
)";

constexpr std::string_view east = "arn:aws:rds:us-east-1:123456789012:cluster:orders-east";
constexpr std::string_view west = "arn:aws:rds:us-west-2:123456789012:cluster:orders-west";

TEST(AuroraGlobalReader, ReadsTheGlobalClusterItsMembersAndTheFallback) {
  const auto config = load_config_string(head + R"(        global_cluster: orders-global
        clusters:
          us-east-1: )" + std::string(east) + R"(
          us-west-2: )" + std::string(west) + R"(
        fallback: detach
)",
                                         "a.yaml");
  ASSERT_TRUE(config.has_value()) << to_string(config.error());
  const auto& aurora = config->applications.at(0).plan.aurora_global;
  ASSERT_TRUE(aurora);
  EXPECT_EQ(aurora->global_cluster, "orders-global");
  EXPECT_EQ(aurora->clusters.at("us-east-1"), east);
  EXPECT_EQ(aurora->clusters.at("us-west-2"), west);
  EXPECT_TRUE(aurora->fallback_detach);
}

TEST(AuroraGlobalReader, WithoutFallbackThereIsNoDetach) {
  const auto config = load_config_string(head + "        global_cluster: orders-global\n        clusters: { us-east-1: " +
                                             std::string(east) + ", us-west-2: " + std::string(west) + " }\n",
                                         "a.yaml");
  ASSERT_TRUE(config.has_value()) << to_string(config.error());
  EXPECT_FALSE(config->applications.at(0).plan.aurora_global->fallback_detach);
}

TEST(AuroraGlobalReader, RequiredKeysAndUnknownOnes) {
  EXPECT_THAT(errors_of(head + "        clusters_: {}\n"),
              ElementsAre("a.yaml:16:9: applications.shop.plan.aurora_global.clusters_: unknown key (expected one of: "
                          "global_cluster, clusters, fallback); did you mean `clusters`?",
                          "a.yaml:16:9: applications.shop.plan.aurora_global.global_cluster: is required",
                          "a.yaml:16:9: applications.shop.plan.aurora_global.clusters: is required"));
}

TEST(AuroraGlobalReader, IdentifiersFollowTheRdsRule) {
  EXPECT_THAT(errors_of(head + "        global_cluster: 9orders--global-\n        clusters: { us-east-1: " +
                        std::string(east) + ", us-west-2: " + std::string(west) + " }\n"),
              ElementsAre("a.yaml:16:25: applications.shop.plan.aurora_global.global_cluster: `9orders--global-` must "
                          "start with a letter (a GlobalClusterIdentifier)"));
  EXPECT_THAT(errors_of(head + "        global_cluster: orders--global\n        clusters: { us-east-1: " +
                        std::string(east) + ", us-west-2: " + std::string(west) + " }\n"),
              ElementsAre("a.yaml:16:25: applications.shop.plan.aurora_global.global_cluster: `orders--global` may "
                          "not end with a hyphen or hold two in a row (a GlobalClusterIdentifier)"));
}

TEST(AuroraGlobalReader, EachMemberIsAClusterArnInItsOwnRegionAndAccount) {
  EXPECT_THAT(
      errors_of(head + R"(        global_cluster: orders-global
        clusters:
          us-east-1: orders-east
          us-west-2: arn:aws:rds:us-east-1:123456789012:cluster:orders-west
)"),
      ElementsAre("a.yaml:18:22: applications.shop.plan.aurora_global.clusters.us-east-1: `orders-east` is not a DB "
                  "cluster ARN (arn:aws:rds:REGION:ACCOUNT:cluster:NAME)",
                  "a.yaml:19:22: applications.shop.plan.aurora_global.clusters.us-west-2: "
                  "`arn:aws:rds:us-east-1:123456789012:cluster:orders-west` is a cluster in us-east-1, not in us-west-2"));
  EXPECT_THAT(
      errors_of(head + R"(        global_cluster: orders-global
        clusters:
          us-east-1: arn:aws:rds:us-east-1:12345:cluster:orders-east
          us-west-2: arn:aws:rds:us-west-2:123456789012:db:orders-west
)"),
      ElementsAre("a.yaml:18:22: applications.shop.plan.aurora_global.clusters.us-east-1: "
                  "`arn:aws:rds:us-east-1:12345:cluster:orders-east` has account `12345`; an account id is 12 digits",
                  "a.yaml:19:22: applications.shop.plan.aurora_global.clusters.us-west-2: "
                  "`arn:aws:rds:us-west-2:123456789012:db:orders-west` is not a DB cluster ARN "
                  "(arn:aws:rds:REGION:ACCOUNT:cluster:NAME)"));
  EXPECT_THAT(
      errors_of(head + R"(        global_cluster: orders-global
        clusters:
          us-east-1: arn:aws:rds:us-east-1:123456789012:cluster:orders-east
          us-west-2: arn:aws:rds:us-west-2:210987654321:cluster:orders-west
)"),
      ElementsAre("a.yaml:19:22: applications.shop.plan.aurora_global.clusters.us-west-2: "
                  "`arn:aws:rds:us-west-2:210987654321:cluster:orders-west` is in account 210987654321, the other "
                  "clusters in 123456789012: a global database's members share its account"));
}

TEST(AuroraGlobalReader, EveryRegionOfTheApplicationNeedsItsMemberAndNoOtherRegion) {
  EXPECT_THAT(errors_of(head + R"(        global_cluster: orders-global
        clusters:
          us-east-1: arn:aws:rds:us-east-1:123456789012:cluster:orders-east
          eu-west-1: arn:aws:rds:eu-west-1:123456789012:cluster:orders-eu
        fallback: detatch
)"),
              ElementsAre("a.yaml:18:11: applications.shop.plan.aurora_global.clusters: needs the member cluster of "
                          "region us-west-2",
                          "a.yaml:19:11: applications.shop.plan.aurora_global.clusters.eu-west-1: `eu-west-1` is not "
                          "the primary or a secondary region of this application",
                          "a.yaml:20:19: applications.shop.plan.aurora_global.fallback: must be detach (or left out); "
                          "did you mean `detach`?"));
}

}  // namespace
}  // namespace rg
