// Issue 18, static stability: what a region's outage takes from a move, read from the
// configuration. The October 2025 us-east-1 outage took Route 53's and CloudFront's control
// planes with it; a move that needed them, or the control plane of the region it left, stood
// still exactly when it was needed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "act/failover/static_stability.h"

namespace rg::act {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

ApplicationConfig shop() {
  ApplicationConfig app;
  app.name = "shop";
  app.primary = "us-east-1";
  app.secondaries = {"us-west-2"};
  return app;
}

// Capacity and data in the target region, traffic by the gate and an RFC 2136 server: nothing
// needs a control plane the outage could take.
TEST(StaticStability, CapacityDataAndTheGateInTheTargetRegionNeedNothingFromTheFailedOne) {
  auto app = shop();
  app.plan.autoscaling_groups = {{"us-east-1", "web-east"}, {"us-west-2", "web-west"}};
  app.plan.ssm_parameters = {{"/app/db", {{"us-east-1", "east"}, {"us-west-2", "west"}}}};
  app.plan.gate = true;
  app.plan.dns_update = DnsUpdateTargetConfig{};
  EXPECT_THAT(static_stability_findings(app), IsEmpty());
  const auto calls = control_plane_calls(app, "us-east-1", "us-west-2");
  ASSERT_EQ(calls.size(), 4u);
  EXPECT_EQ(calls[0].block, "autoscaling_groups");
  EXPECT_EQ(calls[0].region, "us-west-2");
  EXPECT_EQ(calls[2].block, "dns_update");
  EXPECT_EQ(calls[2].region, "");
}

// Route 53 changes run from us-east-1: leaving us-east-1 that is the failed region's control
// plane; leaving us-west-2 it is still a single region the move depends on, unless the gate
// gives a data-plane path.
TEST(StaticStability, ARoute53ChangeDependsOnUsEast1AndTheGateIsTheWayOut) {
  auto app = shop();
  app.plan.route53 = Route53TargetConfig{"Z1", "app.example.com", "A", 60, {}};
  EXPECT_THAT(static_stability_findings(app, "us-east-1", "us-west-2"),
              ElementsAre(AllOf(HasSubstr("us-east-1 -> us-west-2: step route53 calls Route 53"),
                                HasSubstr("in us-east-1, the region this move leaves"))));
  // Moving into us-east-1 happens only while it is healthy; moving between two other regions
  // still needs it.
  EXPECT_THAT(static_stability_findings(app, "us-west-2", "us-east-1"), IsEmpty());
  app.secondaries = {"us-west-2", "eu-west-1"};
  EXPECT_THAT(static_stability_findings(app, "us-west-2", "eu-west-1"),
              ElementsAre(AllOf(HasSubstr("whose control plane is in us-east-1"), HasSubstr("plan.gate: true"),
                                HasSubstr("/gate/shop/REGION"))));
  app.plan.gate = true;
  EXPECT_THAT(static_stability_findings(app, "us-west-2", "eu-west-1"), IsEmpty());
  // Leaving us-east-1 the change still needs the failed region; the gate does not change that.
  EXPECT_THAT(static_stability_findings(app, "us-east-1", "us-west-2"), testing::SizeIs(1));
}

// Global Accelerator's API answers in us-west-2 only, whatever regions its groups are in.
TEST(StaticStability, GlobalAcceleratorDependsOnUsWest2) {
  auto app = shop();
  app.plan.global_accelerator = GlobalAcceleratorConfig{};
  app.plan.gate = true;
  EXPECT_THAT(static_stability_findings(app, "us-east-1", "us-west-2"), IsEmpty());
  EXPECT_THAT(static_stability_findings(app, "us-west-2", "us-east-1"),
              ElementsAre(HasSubstr("step global_accelerator calls Global Accelerator (UpdateEndpointGroup) in "
                                    "us-west-2, the region this move leaves")));
}

// Moving back to us-east-1 needs us-east-1's own services: that is the target, not a dependency
// on a global control plane.
TEST(StaticStability, TheTargetRegionsOwnServicesAreNotAFinding) {
  auto app = shop();
  app.plan.autoscaling_groups = {{"us-east-1", "web-east"}, {"us-west-2", "web-west"}};
  app.plan.ssm_parameters = {{"/app/db", {{"us-east-1", "east"}, {"us-west-2", "west"}}}};
  EXPECT_THAT(static_stability_findings(app, "us-west-2", "us-east-1"), IsEmpty());
}

// A readiness check that reads the region being left never passes while it is down.
TEST(StaticStability, AReadinessReadInTheRegionBeingLeftMeansTheMoveIsNeverReady) {
  auto app = shop();
  app.plan.s3_replication = {{"assets", {{"us-east-1", "a-east"}, {"us-west-2", "a-west"}}}};
  EXPECT_THAT(static_stability_findings(app, "us-east-1", "us-west-2"),
              ElementsAre(AllOf(HasSubstr("readiness of s3_replication calls S3 replication rule of assets in "
                                          "us-east-1"),
                                HasSubstr("the move is never ready"))));
}

}  // namespace
}  // namespace rg::act
