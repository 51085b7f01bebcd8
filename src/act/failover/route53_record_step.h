#pragma once
// The Route 53 record that sends traffic to a region: the control-plane traffic step.
#include <cstdint>
#include <string>

#include "aws/aws_client.h"
#include "act/failover/plan.h"
#include "act/failover/wait_until.h"

namespace rg::act {

struct RecordTarget {
  std::string zone_id;
  std::string name;  // with or without the final dot
  std::string type;
  std::int64_t ttl = 60;
  std::string value;
};
// Route 53 UPSERT, then wait for INSYNC. Undo: UPSERT the previous record (DELETE when there was none).
PlanStep route53_record_step(aws::AwsClient& client, aws::AwsScheduler& scheduler, RecordTarget target,
                             WaitOptions wait);

}  // namespace rg::act
