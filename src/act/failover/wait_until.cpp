#include "act/failover/wait_until.h"

#include <algorithm>
#include <memory>

#include "aws/retry_policy.h"

namespace rg::act {
namespace {

struct Waiter : std::enable_shared_from_this<Waiter> {
  aws::AwsScheduler& scheduler;
  WaitOptions options;
  std::string what;
  Poll poll;
  StepCallback done;
  std::chrono::steady_clock::time_point deadline;
  std::chrono::milliseconds pause;  // before the next look

  Waiter(aws::AwsScheduler& s, WaitOptions o, std::string w, Poll p, StepCallback d)
      : scheduler(s), options(o), what(std::move(w)), poll(std::move(p)), done(std::move(d)),
        deadline(s.steady_now() + o.timeout), pause(std::min(o.first_interval, o.interval)) {}

  void look() {
    poll([self = shared_from_this()](std::expected<PollResult, std::string> result) {
      if (!result) return self->done(std::unexpected(self->what + ": " + result.error()));
      if (result->done) return self->done(result->seen);
      const auto left = self->deadline - self->scheduler.steady_now();
      if (left <= std::chrono::steady_clock::duration::zero())
        return self->done(std::unexpected(self->what + ": timed out after " +
                                          std::to_string(self->options.timeout.count() / 1000) + "s (last seen: " +
                                          result->seen + ")"));
      // Never past the deadline, so that the last look is at the deadline itself.
      const auto next = std::min(self->pause, std::chrono::ceil<std::chrono::milliseconds>(left));
      self->pause = std::min(self->pause * 2, self->options.interval);
      self->scheduler.after(next, [self] { self->look(); });
    });
  }
};

}  // namespace

std::expected<PollResult, std::string> poll_failed(const aws::AwsError& error) {
  if (aws::is_retryable(error)) return PollResult{false, error.to_string()};
  return std::unexpected(error.to_string());
}

void wait_until(aws::AwsScheduler& scheduler, WaitOptions options, std::string what, Poll poll, StepCallback done) {
  std::make_shared<Waiter>(scheduler, options, std::move(what), std::move(poll), std::move(done))->look();
}

}  // namespace rg::act
