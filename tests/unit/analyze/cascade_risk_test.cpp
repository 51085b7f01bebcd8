// Cascade risk over the October 2025 dependency map: who is the root cause, what it takes down
// with it, and how the score grows with what is at risk.
#include "analyze/cascade_risk.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "alerting_fixture.h"

namespace rg {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using test::endpoint_state;

std::vector<RegionCascadeRisk> assess(const Config& config, const std::vector<EndpointState>& states) {
  return assess_cascade_risk(config, DependencyGraph(config.dependencies), summarize(states, config.regions));
}

std::vector<EndpointState> healthy_region(const std::string& region) {
  std::vector<EndpointState> states;
  for (const auto* service : {"dynamodb", "lambda", "ec2", "elbv2", "s3"}) states.push_back(endpoint_state(service, region));
  return states;
}

TEST(DependencyGraph, DependentsAreTransitiveAndNearestFirst) {
  const DependencyGraph graph(default_dependencies());
  // EC2 launches need DynamoDB, and load balancer health needs EC2: ELB is two hops away.
  const auto dependents = graph.dependents_of("dynamodb");
  ASSERT_GE(dependents.size(), 4u);
  EXPECT_EQ(dependents.back(), "elbv2");
  EXPECT_THAT(dependents, ::testing::Contains("lambda"));
  EXPECT_THAT(graph.dependencies_of("elbv2"), ElementsAre("ec2", "dynamodb"));
  EXPECT_THAT(graph.dependents_of("s3"), IsEmpty());
}

TEST(DependencyGraph, ACycleIsWalkedOnce) {
  DependencyConfig config;
  config.services = {{"a", {"b"}}, {"b", {"a"}}};
  const DependencyGraph graph(config);
  EXPECT_THAT(graph.dependents_of("a"), ElementsAre("b"));
}

TEST(CascadeRisk, AHealthyRegionHasNoRiskAndNoRoots) {
  const auto risks = assess(test::alerting_config(), healthy_region("us-east-1"));
  ASSERT_EQ(risks.size(), 1u);
  EXPECT_EQ(risks[0].score, 0);
  EXPECT_THAT(risks[0].roots, IsEmpty());
}

TEST(CascadeRisk, DynamoDbDownIsTheRootWithItsImpactAndRunbook) {
  const Config config = test::alerting_config();
  auto states = healthy_region("us-east-1");
  states[0] = endpoint_state("dynamodb", "us-east-1", HealthStatus::critical, FailureKind::nodata);
  const auto risks = assess(config, states);
  ASSERT_EQ(risks.size(), 1u);
  ASSERT_EQ(risks[0].roots.size(), 1u);
  const CascadeRoot& root = risks[0].roots[0];
  EXPECT_EQ(root.service, "dynamodb");
  EXPECT_EQ(root.region, "us-east-1");
  EXPECT_EQ(root.status, HealthStatus::critical);
  EXPECT_THAT(root.impacted_services, UnorderedElementsAre("lambda", "ecs", "ec2", "dynamodb_streams", "elbv2"));
  EXPECT_THAT(root.impacted_applications, ElementsAre("checkout"));  // reports uses only S3
  EXPECT_EQ(root.runbook, "Shift writes to us-west-2; pause batch jobs.");
  // Weights: dynamodb 4, lambda 3, ec2 3, elbv2 2, s3 1, ecs 2, dynamodb_streams 2 = 17; all but S3
  // are at risk: 16/17.
  EXPECT_EQ(risks[0].score, 94);
  EXPECT_EQ(root.score, 94);  // the only root: all of the region's risk is its own
}

TEST(CascadeRisk, AFailingDependentIsGroupedUnderItsRoot) {
  auto states = healthy_region("us-east-1");
  states[0] = endpoint_state("dynamodb", "us-east-1", HealthStatus::critical, FailureKind::nodata);
  states[1] = endpoint_state("lambda", "us-east-1", HealthStatus::critical, FailureKind::timeout);
  const auto risks = assess(test::alerting_config(), states);
  ASSERT_EQ(risks[0].roots.size(), 1u) << "lambda must not be a root of its own";
  EXPECT_THAT(risks[0].roots[0].failing_dependents, ElementsAre("lambda"));
  EXPECT_EQ(find_root(risks, "lambda", "us-east-1"), &risks[0].roots[0]);
  EXPECT_EQ(find_root(risks, "lambda", "us-west-2"), nullptr);
  EXPECT_EQ(find_root(risks, "s3", "us-east-1"), nullptr);
}

TEST(CascadeRisk, AWarningCountsHalfAndALeafServiceRisksLittle) {
  const Config config = test::alerting_config();
  auto states = healthy_region("us-east-1");
  states[2] = endpoint_state("ec2", "us-east-1", HealthStatus::warning);
  auto risks = assess(config, states);
  // ec2 3 + elbv2 2 at half weight: 2.5 / 17.
  EXPECT_EQ(risks[0].score, 15);
  EXPECT_EQ(risks[0].roots[0].status, HealthStatus::warning);
  EXPECT_THAT(risks[0].roots[0].impacted_services, ElementsAre("elbv2"));

  states = healthy_region("us-east-1");
  states[4] = endpoint_state("s3", "us-east-1", HealthStatus::critical, FailureKind::servfail);
  risks = assess(config, states);
  EXPECT_EQ(risks[0].score, 6);  // 1/17: nothing depends on S3
  EXPECT_EQ(risks[0].roots[0].score, 6);
  EXPECT_THAT(risks[0].roots[0].impacted_applications, ElementsAre("reports"));
}

TEST(CascadeRisk, RegionsAreAssessedApart) {
  auto states = healthy_region("us-east-1");
  const auto west = healthy_region("us-west-2");
  states.insert(states.end(), west.begin(), west.end());
  states[0] = endpoint_state("dynamodb", "us-east-1", HealthStatus::critical, FailureKind::nodata);
  const auto risks = assess(test::alerting_config(), states);
  ASSERT_EQ(risks.size(), 2u);
  EXPECT_GT(risks[0].score, 50);
  EXPECT_EQ(risks[1].region, "us-west-2");
  EXPECT_EQ(risks[1].score, 0);
}

}  // namespace
}  // namespace rg
