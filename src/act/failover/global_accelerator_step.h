#pragma once
// Global Accelerator as a traffic switch: the accelerator's endpoint groups (one per region)
// decide where its static addresses send traffic. Two ways to move it (plan.global_accelerator):
//   dials    UpdateEndpointGroup TrafficDialPercentage: the target's group 100, the group being
//            left 0, other groups untouched. Only the dial is sent: EndpointConfigurations would
//            replace the group's endpoints.
//   weights  every endpoint of the group being left gets Weight 0 (Global Accelerator then sends
//            its traffic to healthy endpoints with a weight in other groups, whatever their
//            dials), endpoints of the target's group at 0 get `weight`. The group is read and
//            every endpoint sent back with only its weight changed.
// A control-plane call, and the control plane is in us-west-2 whatever the regions of the
// groups: a plan that leaves us-west-2 depends on the region it leaves (ARCHITECTURE.md, rule 7).
#include <cstdint>
#include <string>

#include "aws/aws_client.h"
#include "act/failover/plan.h"

namespace rg::act {

enum class AcceleratorMethod { dials, weights };

struct AcceleratorMove {
  std::string target_group;  // endpoint group ARN of the region taking traffic
  std::string source_group;  // endpoint group ARN of the region being left
  AcceleratorMethod method = AcceleratorMethod::dials;
  std::int64_t weight = 128;  // weights: what an endpoint of the target at 0 gets (GA's default)
};

// Action: DescribeEndpointGroup of both groups, remember their dials and weights, then raise the
// target first and lower the source after (never both down at once); a group already as wanted
// is not written (a resumed plan finds its own change). Verify: both read back as wanted. Undo:
// each group's remembered dial (or each endpoint's remembered weight, for endpoints still there)
// put back, the source's first, and read back.
PlanStep global_accelerator_step(aws::AwsClient& client, AcceleratorMove move);

// Both groups exist and the target's has an endpoint whose HealthState is HEALTHY.
ReadinessCheck global_accelerator_ready_check(aws::AwsClient& client, AcceleratorMove move);

}  // namespace rg::act
