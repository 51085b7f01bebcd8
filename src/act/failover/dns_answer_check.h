#pragma once
// The last word of a plan: does the application's public name now resolve to the target, as
// the configured resolvers (the ones users and the monitor ask) see it? Route 53 INSYNC or an
// UPDATE accepted by the primary says the authoritative side changed; this says the change is
// what resolvers hand out, caches and secondaries included.
#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "aws/aws_client.h"
#include "act/failover/plan.h"
#include "act/failover/wait_until.h"
#include "dns/exchange.h"

namespace rg::act {

struct DnsAnswerTarget {
  std::string name;
  std::uint16_t type = dns::kTypeA;
  std::vector<dns::Server> resolvers;
  std::string value;  // the target region's value that the answer must contain
  std::chrono::milliseconds query_timeout{std::chrono::seconds(3)};
};

// One look, read-only (ReadinessCheck-shaped): ok when every resolver's answer (recursion
// desired) contains `value`, else what each resolver answered.
StepFunction dns_answer_check(boost::asio::any_io_executor executor, DnsAnswerTarget target);

// A plan step with only a verify: dns_answer_check polled with `wait` (interval, and the
// configured timeout, which should cover the record's TTL). No action, no undo.
PlanStep verify_dns_step(boost::asio::any_io_executor executor, aws::AwsScheduler& scheduler, DnsAnswerTarget target,
                         WaitOptions wait);

}  // namespace rg::act
