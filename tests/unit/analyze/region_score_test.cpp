// The region health score, narrated: what each kind of check contributes, and how the weights
// of the configuration combine them.
#include <gtest/gtest.h>

#include "analyze/region_score.h"

namespace rg {
namespace {

EndpointState state(std::string region, ProbeKind kind, HealthStatus status,
                    std::optional<ResourceDetails> resource = std::nullopt) {
  EndpointState s;
  s.endpoint_id = region + "/" + std::to_string(static_cast<int>(kind));
  s.region = std::move(region);
  s.kind = kind;
  s.status = status;
  s.success = status != HealthStatus::critical;
  s.resource = std::move(resource);
  return s;
}

TEST(RegionScore, AllHealthyIsAHundred) {
  const auto scores = region_health_scores({state("us-east-1", ProbeKind::dns, HealthStatus::healthy),
                                            state("us-east-1", ProbeKind::http, HealthStatus::healthy),
                                            state("us-east-1", ProbeKind::ec2, HealthStatus::healthy)},
                                           {"us-east-1"}, HealthScoreWeights{});
  ASSERT_EQ(scores.size(), 1u);
  EXPECT_DOUBLE_EQ(scores[0].score, 100);
  EXPECT_EQ(scores[0].dns, 100);
  EXPECT_EQ(scores[0].endpoints, 100);
  EXPECT_EQ(scores[0].resources, 100);
}

TEST(RegionScore, KindsAreWeightedAndAMissingKindDoesNotCount) {
  // DNS: one of two critical → 50. Endpoints: none. Resources: an alarm firing → 0.
  const std::vector<EndpointState> states{state("eu-west-1", ProbeKind::dns, HealthStatus::healthy),
                                          state("eu-west-1", ProbeKind::dns, HealthStatus::critical),
                                          state("eu-west-1", ProbeKind::cloudwatch_alarm, HealthStatus::critical)};
  const auto scores = region_health_scores(states, {"eu-west-1"}, HealthScoreWeights{40, 30, 30});
  ASSERT_EQ(scores.size(), 1u);
  EXPECT_EQ(scores[0].dns, 50);
  EXPECT_FALSE(scores[0].endpoints);
  EXPECT_EQ(scores[0].resources, 0);
  // (50 * 40 + 0 * 30) / (40 + 30): the endpoints' weight is not counted as a free 100.
  EXPECT_NEAR(scores[0].score, 2000.0 / 70.0, 1e-9);

  // Weighting resources 0 leaves DNS alone to speak.
  const auto dns_only = region_health_scores(states, {"eu-west-1"}, HealthScoreWeights{40, 30, 0});
  EXPECT_DOUBLE_EQ(dns_only[0].score, 50);
}

TEST(RegionScore, AResourceScoresAtMostItsShareOfHealthyUnits) {
  const ResourceDetails two_of_three{"", 2, 3, std::nullopt, std::nullopt};
  EXPECT_NEAR(check_points(state("r", ProbeKind::elb_target_group, HealthStatus::warning, two_of_three)),
              200.0 / 3.0, 1e-9);
  // A warning with full capacity (no headroom to scale) keeps the warning's 70.
  const ResourceDetails full{"", 2, 2, 0, std::nullopt};
  EXPECT_DOUBLE_EQ(check_points(state("r", ProbeKind::autoscaling_group, HealthStatus::warning, full)), 70);
  EXPECT_DOUBLE_EQ(check_points(state("r", ProbeKind::ecs_service, HealthStatus::critical, two_of_three)), 0);
  EXPECT_DOUBLE_EQ(check_points(state("r", ProbeKind::dns, HealthStatus::warning)), 70);
}

TEST(RegionScore, RegionsComeInConfigurationOrderAndUnprobedOnesAreLeftOut) {
  const auto scores = region_health_scores({state("us-west-2", ProbeKind::dns, HealthStatus::healthy),
                                            state("us-east-1", ProbeKind::tcp, HealthStatus::critical)},
                                           {"us-east-1", "eu-west-1", "us-west-2"}, HealthScoreWeights{});
  ASSERT_EQ(scores.size(), 2u);
  EXPECT_EQ(scores[0].region, "us-east-1");
  EXPECT_DOUBLE_EQ(scores[0].score, 0);
  EXPECT_EQ(scores[1].region, "us-west-2");
  EXPECT_DOUBLE_EQ(scores[1].score, 100);
}

}  // namespace
}  // namespace rg
