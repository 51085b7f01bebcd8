#pragma once
// Polling until a resource reaches a state (Auto Scaling instances in service, ECS tasks running,
// RDS available, Route 53 INSYNC, CloudFront Deployed): AWS has no push for these. The scheduler is injected so that unit tests drive
// the waits and timeouts that moto cannot show (it is always INSYNC, RDS never transitions).
#include <chrono>
#include <expected>
#include <functional>
#include <string>

#include "aws/aws_client.h"
#include "act/failover/plan.h"

namespace rg::act {

struct WaitOptions {
  std::chrono::milliseconds interval{std::chrono::seconds(5)};  // the longest pause between two looks
  std::chrono::milliseconds timeout{std::chrono::minutes(15)};  // RDS promotion takes minutes
  // The first pause; each next one doubles up to `interval`, so a change that lands at once (a
  // DNS record, an SSM parameter) is seen at once, and a long one is not polled too often.
  std::chrono::milliseconds first_interval{250};
};

// One look: done (with a note), not yet (with what was seen), or an error that ends the wait
// (see poll_failed for an AWS error).
struct PollResult {
  bool done = false;
  std::string seen;
};
using PollCallback = std::function<void(std::expected<PollResult, std::string>)>;
using Poll = std::function<void(PollCallback)>;

// The answer of a look whose AWS call failed (after the client's own retries). A retryable error
// (aws::is_retryable: throttling, a 5xx, no answer) is "not yet", seen as that error: during a
// regional event the control plane throttles and times out, and a wait that gave up on the first
// such answer would roll back a plan that was about to succeed. Any other error (access denied, a
// resource that does not exist) ends the wait at once.
std::expected<PollResult, std::string> poll_failed(const aws::AwsError& error);

// Polls at once, then after pauses growing from first_interval to interval, until done, an error,
// or `what` times out: the last look is at the deadline itself.
void wait_until(aws::AwsScheduler& scheduler, WaitOptions options, std::string what, Poll poll, StepCallback done);

}  // namespace rg::act
