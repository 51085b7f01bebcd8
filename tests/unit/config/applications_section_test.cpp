// The `applications:` section: every key read, defaults when left out, and each bad value or
// dangling reference (region, endpoint) reported with file:line:col and its path.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/application_reader.h"
#include "config/config_loader.h"
#include "unit/config/config_errors.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;

const std::string base = R"(regions: [us-east-1, us-west-2, eu-west-1]
services:
  dynamodb:
endpoints:
  - { hostname: dynamodb.us-east-1.amazonaws.com, service: dynamodb, region: us-east-1 }
  - { hostname: dynamodb.us-west-2.amazonaws.com, service: dynamodb, region: us-west-2 }
)";

using test::errors_of;

// Two checks per region, as automatic mode needs, and the rds check of the replica to promote.
const std::string two_checks_each = base + R"(  - { id: db-east, kind: rds, service: dynamodb, region: us-east-1, resource: db-east }
  - { id: db-west, kind: rds, service: dynamodb, region: us-west-2, resource: db-west }
)";

TEST(ApplicationsSection, ReadsEveryKey) {
  const auto config = load_config_string(two_checks_each + R"(applications:
  shop:
    primary: us-east-1
    secondaries: [us-west-2]
    checks:
      us-east-1: [dynamodb.us-east-1.amazonaws.com, db-east]
      us-west-2: [dynamodb.us-west-2.amazonaws.com, db-west]
    policy:
      health_threshold: 60
      response_time_threshold: 800ms
      consecutive_failures_threshold: 4
      quorum: 2
      stale_after: 45s
      promote_after: 5m
      cooldown: 15m
      max_moves_per_hour: 1
      margin: 25
      failback_after: 1h
      automatic_failback: true
      mode: automatic
    plan:
      autoscaling_groups: { us-east-1: web-east, us-west-2: web-west }
      desired_capacity: 3
      ecs_services:
        us-east-1: { cluster: east, service: api }
        us-west-2: { cluster: west, service: api, desired_count: 5 }
      rds_replicas: { us-west-2: db-west }
      rpo: 30s
      rpo_unknown: allow
      ssm_parameters:
        /app/rds-endpoint: { us-east-1: db-east.example, us-west-2: db-west.example }
      route53:
        zone_id: Z123
        name: app.example.com
        ttl: 30
        values: { us-east-1: east.example.com, us-west-2: west.example.com }
      gate: true
)",
                                         "a.yaml");
  ASSERT_TRUE(config.has_value()) << to_string(config.error());
  ASSERT_EQ(config->applications.size(), 1u);
  const auto& app = config->applications[0];
  EXPECT_EQ(app.name, "shop");
  EXPECT_EQ(app.primary, "us-east-1");
  EXPECT_THAT(app.secondaries, ElementsAre("us-west-2"));
  EXPECT_THAT(app.checks.at("us-west-2"), ElementsAre("dynamodb.us-west-2.amazonaws.com", "db-west"));
  EXPECT_EQ(app.policy.health_threshold, 60);
  EXPECT_EQ(app.policy.response_time_threshold, 800ms);
  EXPECT_EQ(app.policy.consecutive_failures_threshold, 4);
  EXPECT_EQ(app.policy.quorum, 2);
  EXPECT_EQ(app.policy.stale_after, 45s);
  EXPECT_EQ(app.policy.promote_after, 5min);
  EXPECT_EQ(app.policy.cooldown, 15min);
  EXPECT_EQ(app.policy.max_moves_per_hour, 1);
  EXPECT_EQ(app.policy.margin, 25);
  EXPECT_EQ(app.policy.failback_after, 1h);
  EXPECT_TRUE(app.policy.automatic_failback);
  EXPECT_EQ(app.policy.mode, FailoverMode::automatic);
  EXPECT_EQ(app.plan.autoscaling_groups.at("us-west-2"), "web-west");
  EXPECT_EQ(app.plan.desired_capacity, 3);
  EXPECT_EQ(app.plan.ecs_services.at("us-east-1").cluster, "east");
  EXPECT_EQ(app.plan.ecs_services.at("us-east-1").desired_count, std::nullopt);
  EXPECT_EQ(app.plan.ecs_services.at("us-west-2").service, "api");
  EXPECT_EQ(app.plan.ecs_services.at("us-west-2").desired_count, 5);
  EXPECT_EQ(app.plan.rds_replicas.at("us-west-2"), "db-west");
  EXPECT_EQ(app.plan.rpo, 30s);
  EXPECT_EQ(app.plan.rpo_unknown, RpoUnknown::allow);
  EXPECT_EQ(app.plan.ssm_parameters.at("/app/rds-endpoint").at("us-west-2"), "db-west.example");
  ASSERT_TRUE(app.plan.route53.has_value());
  EXPECT_EQ(app.plan.route53->type, "CNAME");
  EXPECT_EQ(app.plan.route53->ttl, 30);
  EXPECT_EQ(app.plan.route53->values.at("us-east-1"), "east.example.com");
  EXPECT_TRUE(app.plan.gate);
}

TEST(ApplicationsSection, PolicyDefaultsToManualApproval) {
  const auto config = load_config_string(base + R"(applications:
  shop:
    primary: us-east-1
    secondaries: [us-west-2]
    checks: { us-east-1: [dynamodb.us-east-1.amazonaws.com], us-west-2: [dynamodb.us-west-2.amazonaws.com] }
)",
                                         "a.yaml");
  ASSERT_TRUE(config.has_value()) << to_string(config.error());
  const auto& policy = config->applications.at(0).policy;
  EXPECT_EQ(policy.mode, FailoverMode::manual_approval);
  EXPECT_EQ(policy.consecutive_failures_threshold, 3);
  EXPECT_EQ(policy.health_threshold, 70);
  EXPECT_FALSE(policy.automatic_failback);
  EXPECT_EQ(policy.stale_after, std::nullopt);  // three of each check's intervals
  EXPECT_EQ(policy.promote_after, std::nullopt);  // twice the time the policy needs to decide
  EXPECT_TRUE(config->applications.at(0).plan.autoscaling_groups.empty());
  EXPECT_EQ(config->applications.at(0).plan.rpo_unknown, RpoUnknown::deny);
}

// "Never one probe": left alone, automatic mode moves traffic on what its checks say, so each
// region needs two of them; a margin of 0 could move to a region no better than the one it
// leaves, and a settle of 0 would call a move good without seeing the target take the traffic.
TEST(ApplicationsSection, AutomaticModeNeedsTwoChecksPerRegionAMarginAndASettle) {
  EXPECT_THAT(errors_of(two_checks_each + R"(applications:
  shop:
    primary: us-east-1
    secondaries: [us-west-2]
    checks:
      us-east-1: [dynamodb.us-east-1.amazonaws.com, db-east]
      us-west-2: [dynamodb.us-west-2.amazonaws.com]
    policy: { mode: automatic, margin: 0, stale_after: 0s }
    plan: { settle: 0s }
)"),
              ElementsAre("a.yaml:15:18: applications.shop.checks.us-west-2: needs at least two checks in mode "
                          "automatic (never one probe)",
                          "a.yaml:16:40: applications.shop.policy.margin: must be above 0 in mode automatic (a "
                          "target must score better than the region it leaves)",
                          "a.yaml:16:56: applications.shop.policy.stale_after: must be greater than 0",
                          "a.yaml:17:21: applications.shop.plan.settle: must be above 0 in mode automatic (the "
                          "target must be seen healthy once traffic is on it)"));
  // The same in manual-approval: an operator looks before anything moves.
  EXPECT_THAT(errors_of(two_checks_each + R"(applications:
  shop:
    primary: us-east-1
    secondaries: [us-west-2]
    checks:
      us-east-1: [dynamodb.us-east-1.amazonaws.com]
      us-west-2: [dynamodb.us-west-2.amazonaws.com]
    policy: { margin: 0 }
    plan: { settle: 0s }
)"),
              ElementsAre());
}

// promote_after holds back an irreversible promotion; 0 would promote on the first down round.
TEST(ApplicationsSection, PromoteAfterIsAPositiveDuration) {
  EXPECT_THAT(errors_of(two_checks_each + R"(applications:
  shop:
    primary: us-east-1
    secondaries: [us-west-2]
    checks: { us-east-1: [db-east], us-west-2: [db-west] }
    policy: { promote_after: 0s }
  cart:
    primary: us-east-1
    secondaries: [us-west-2]
    checks: { us-east-1: [db-east], us-west-2: [db-west] }
    policy: { promote_after: soon }
)"),
              ElementsAre("a.yaml:14:30: applications.shop.policy.promote_after: must be greater than 0",
                          "a.yaml:19:30: applications.cart.policy.promote_after: invalid duration `soon` (expected "
                          "a whole number and a unit: ms, s, m, h or d, e.g. 10s)"));
}

// The replica's lag comes from the rds check of that instance: without one, readiness could
// never know whether promoting it loses writes.
TEST(ApplicationsSection, AReplicaToPromoteNeedsAnRdsCheckOfThatInstance) {
  EXPECT_THAT(errors_of(two_checks_each + R"(applications:
  shop:
    primary: us-east-1
    secondaries: [us-west-2]
    checks: { us-east-1: [db-east], us-west-2: [db-west] }
    plan:
      rds_replicas: { us-west-2: db-west, us-east-1: db-west }
      rpo_unknown: maybe
)"),
              ElementsAre("a.yaml:15:54: applications.shop.plan.rds_replicas.us-east-1: `db-west` has no rds check "
                          "in us-east-1 (an endpoint with kind: rds, region: us-east-1, resource: db-west), so its "
                          "replica lag would be unknown",
                          "a.yaml:16:20: applications.shop.plan.rpo_unknown: must be one of allow, deny"));
}

TEST(ApplicationsSection, DanglingReferencesAndBadValuesAreEachReported) {
  EXPECT_THAT(errors_of(base + R"(applications:
  shop:
    primary: us-east-2
    secondaries: [us-west-2, us-west-2]
    checks:
      us-west-2: [dynamodb.us-east-1.amazonaws.com, nope]
    policy: { mode: automatik, health_threshold: 0, cooldwn: 1m }
)"),
              ElementsAre("a.yaml:9:14: applications.shop.primary: `us-east-2` is not one of regions; did you mean "
                          "`us-east-1`?",
                          "a.yaml:10:30: applications.shop.secondaries[1]: `us-west-2` is listed twice (primary and "
                          "secondaries must differ)",
                          "a.yaml:12:7: applications.shop.checks: needs at least one check for region us-west-2",
                          "a.yaml:12:19: applications.shop.checks.us-west-2[0]: endpoint "
                          "`dynamodb.us-east-1.amazonaws.com` is in us-east-1, not us-west-2",
                          "a.yaml:12:53: applications.shop.checks.us-west-2[1]: `nope` is not the id of an endpoint",
                          "a.yaml:13:21: applications.shop.policy.mode: must be one of automatic, manual-approval, "
                          "dry-run; did you mean `automatic`?",
                          "a.yaml:13:50: applications.shop.policy.health_threshold: must be between 1 and 100",
                          "a.yaml:13:53: applications.shop.policy.cooldwn: unknown key (expected one of: health_threshold, "
                          "response_time_threshold, consecutive_failures_threshold, quorum, cooldown, "
                          "max_moves_per_hour, margin, failback_after, automatic_failback, mode, stale_after, "
                          "max_resume_age, proposal_ttl, promote_after); did you mean "
                          "`cooldown`?"));
}

TEST(ApplicationsSection, UnknownKeysAndRegionsOutsideTheApplicationAreRefused) {
  EXPECT_THAT(errors_of(base + R"(applications:
  shop:
    primary: us-east-1
    secondaries: [us-west-2]
    checks: { us-east-1: [dynamodb.us-east-1.amazonaws.com], us-west-2: [dynamodb.us-west-2.amazonaws.com] }
    plan:
      autoscaling_groups: { eu-west-1: web-eu }
      route53: { zone_id: Z1, name: app.example.com, values: { us-east-1: a.example.com } }
    plann: {}
)"),
              ElementsAre("a.yaml:13:29: applications.shop.plan.autoscaling_groups.eu-west-1: `eu-west-1` is not "
                          "the primary or a secondary region of this application",
                          "a.yaml:14:62: applications.shop.plan.route53.values: needs a value for region us-west-2",
                          "a.yaml:15:5: applications.shop.plann: unknown key (expected one of: primary, secondaries, checks, "
                          "policy, plan); did you mean `plan`?"));
}

TEST(ApplicationsSection, AnEcsServiceNeedsItsClusterAndServiceAndASaneCount) {
  EXPECT_THAT(errors_of(base + R"(applications:
  shop:
    primary: us-east-1
    secondaries: [us-west-2]
    checks: { us-east-1: [dynamodb.us-east-1.amazonaws.com], us-west-2: [dynamodb.us-west-2.amazonaws.com] }
    plan:
      ecs_services:
        us-west-2: { cluster: west, desired_count: 0 }
        us-east-1: { cluster: east, service: api, replicas: 2 }
)"),
              ElementsAre("a.yaml:14:20: applications.shop.plan.ecs_services.us-west-2.service: is required",
                          "a.yaml:14:52: applications.shop.plan.ecs_services.us-west-2.desired_count: must be between "
                          "1 and 10000",
                          "a.yaml:15:51: applications.shop.plan.ecs_services.us-east-1.replicas: unknown key (expected "
                          "one of: cluster, service, desired_count)"));
}

TEST(ApplicationsSection, ModeNamesRoundTrip) {
  for (const auto mode : {FailoverMode::automatic, FailoverMode::manual_approval, FailoverMode::dry_run})
    EXPECT_EQ(failover_mode_from_string(to_string(mode)), mode);
  EXPECT_EQ(failover_mode_from_string("manual"), std::nullopt);
}

}  // namespace
}  // namespace rg
