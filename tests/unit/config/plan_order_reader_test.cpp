// `plan.order` (issue 20): the steps in the order they run, parallel groups and approval pauses,
// checked against the steps the plan configures, each mistake reported at its place.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config_loader.h"
#include "unit/config/config_errors.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using test::errors_of;

// Capacity (an ASG and an ECS service), data (an SSM parameter), traffic (Route 53).
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
      autoscaling_groups: { us-east-1: web-east, us-west-2: web-west }
      ecs_services:
        us-east-1: { cluster: east, service: api }
        us-west-2: { cluster: west, service: api }
      ssm_parameters:
        /app/db: { us-east-1: db-east, us-west-2: db-west }
      route53: { zone_id: Z1, name: app.example.org, values: { us-east-1: 192.0.2.1, us-west-2: 198.51.100.1 } }
)";

TEST(PlanOrderReader, ReadsStepsParallelGroupsAndApprovalPauses) {
  const auto config = load_config_string(head + R"(      order:
        - parallel: [autoscaling_groups, ecs_services]
        - approve: { timeout: 10m }
        - ssm_parameters
        - approve
        - route53
)",
                                         "a.yaml");
  ASSERT_TRUE(config.has_value()) << to_string(config.error());
  const auto& order = config->applications.at(0).plan.order;
  ASSERT_EQ(order.size(), 5u);
  EXPECT_THAT(order[0].blocks, ElementsAre("autoscaling_groups", "ecs_services"));
  EXPECT_FALSE(order[0].approval);
  EXPECT_TRUE(order[1].blocks.empty());
  EXPECT_EQ(order[1].approval, std::chrono::milliseconds(10min));
  EXPECT_THAT(order[2].blocks, ElementsAre("ssm_parameters"));
  EXPECT_EQ(order[3].approval, std::chrono::milliseconds(kDefaultApprovalTimeout));
  EXPECT_TRUE(config->warnings.empty());
}

TEST(PlanOrderReader, EveryStepOfThePlanIsListedOnceAndNothingElse) {
  EXPECT_THAT(errors_of(head + R"(      order:
        - autoscaling_groups
        - ecs_service
        - route53
        - route53
)"),
              ElementsAre("a.yaml:23:9: applications.shop.plan.order: must list every step of the plan (each once); "
                          "missing: ecs_services, ssm_parameters",
                          "a.yaml:24:11: applications.shop.plan.order[1]: `ecs_service` is not a step of this plan (it "
                          "has autoscaling_groups, ecs_services, ssm_parameters, route53); did you mean `ecs_services`?",
                          "a.yaml:26:11: applications.shop.plan.order[3]: `route53` is listed twice"));
}

// A promoted replica cannot be undone: beside a step that fails it would have to be.
TEST(PlanOrderReader, AParallelGroupHoldsTwoOrMoreStepsThatCanBeUndone) {
  const auto errors = errors_of(R"(regions: [us-east-1, us-west-2]
services:
  rds:
endpoints:
  - { id: db-west, kind: rds, service: rds, region: us-west-2, resource: shop-replica }
  - { id: db-east, kind: rds, service: rds, region: us-east-1, resource: shop-db }
applications:
  shop:
    primary: us-east-1
    secondaries: [us-west-2]
    checks: { us-east-1: [db-east], us-west-2: [db-west] }
    plan:
      autoscaling_groups: { us-east-1: web-east, us-west-2: web-west }
      rds_replicas: { us-west-2: shop-replica }
      order:
        - parallel: [autoscaling_groups, rds_replicas]
        - parallel: []
        - { approve: { timeout: soon } }
        - { wait: 5m }
)");
  EXPECT_THAT(errors,
              ElementsAre(HasSubstr("plan.order[0].parallel[1]: `rds_replicas` cannot be undone once it took effect, so "
                                    "it runs alone, not in a parallel group"),
                          HasSubstr("plan.order[1].parallel: a parallel group runs two or more steps at once"),
                          HasSubstr("plan.order[2].approve.timeout"),
                          HasSubstr("plan.order[3]: an entry is a step's name, `approve`")))
      << ::testing::PrintToString(errors);
}

TEST(PlanOrderReader, TrafficBeforeCapacityIsAWarning) {
  const auto config = load_config_string(head + R"(      order: [route53, autoscaling_groups, ecs_services, ssm_parameters]
)",
                                         "a.yaml");
  ASSERT_TRUE(config.has_value()) << to_string(config.error());
  std::vector<std::string> warnings;
  for (const auto& warning : config->warnings) warnings.push_back(warning.to_string());
  EXPECT_THAT(warnings,
              ElementsAre(AllOf(HasSubstr("plan.order: `autoscaling_groups` (capacity) runs after `route53` (traffic)"),
                                HasSubstr("before its capacity is up")),
                          HasSubstr("`ecs_services` (capacity) runs after `route53` (traffic)")));
}

}  // namespace
}  // namespace rg
