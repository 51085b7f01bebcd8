#pragma once
// CloudFront as a traffic switch: the distribution's default cache behaviour is pointed at the
// target region's origin (DefaultCacheBehavior/TargetOriginId). A control-plane call (CloudFront's
// API lives in us-east-1), so it is the second path beside origin groups, which fail over on
// their own in the data plane (ARCHITECTURE.md, rule 7).
#include <optional>
#include <string>

#include "aws/aws_client.h"
#include "act/failover/plan.h"
#include "act/failover/wait_until.h"

namespace rg::act {

// Action: GetDistributionConfig (config + ETag), remember the current target origin, set it to
// `origin_id` and UpdateDistribution with If-Match; when the ETag changed in between
// (PreconditionFailed: someone else updated the distribution) read again and retry once.
// Verify: the configuration read back targets `origin_id`, then GetDistribution until its Status is
// Deployed (the edge locations serve the change only then), polling through throttling and 5xx
// until the wait's deadline. Undo: the previous origin, with a fresh ETag, read back.
PlanStep cloudfront_origin_step(aws::AwsClient& client, aws::AwsScheduler& scheduler, std::string distribution_id,
                                std::string origin_id, WaitOptions wait);

}  // namespace rg::act
