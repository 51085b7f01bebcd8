#pragma once
// AWS "standard" retry mode, as the SDKs implement it (botocore retries/standard.py and
// retries/quota.py; the AWS SDKs and Tools reference guide, "Retry behavior"). Pure: no clock, no
// sleeping; the random number for the jitter is passed in, so tests narrate every decision.
//
//  - At most max_attempts attempts (3), the first one included.
//  - Retried: throttling error codes, transient error codes, HTTP 500/502/503/504, no answer
//    (transport), and no answer in time (timeout). Never: validation and other client errors,
//    a bad credential, an answer we could not parse.
//    One deviation, on purpose: an HTTP 500 whose body is not an AWS error document at all (an
//    HTML page) is not retried. Real AWS endpoints always send an error document with a 500
//    (InternalError, InternalFailure); an HTML 500 comes from something else in the path, such as
//    moto's page for an operation it does not implement, and retrying that only adds delay.
//    502/503/504 are retried whatever their body (load balancers answer those with HTML).
//  - Backoff before retry i (i = 1 after the first attempt): full jitter,
//        delay = random[0,1) * min(base * 2^(i-1), max_backoff)
//    with base 500 ms after a throttling error and 100 ms otherwise, max_backoff 20 s (the AWS SDK
//    for JavaScript v3's DEFAULT_RETRY_DELAY_BASE / THROTTLING_RETRY_DELAY_BASE / MAXIMUM_RETRY_DELAY;
//    botocore's classic standard mode uses a 1 s base for both, the SDKs' 2026 update 50 ms and 1 s).
//  - Retry quota: a token bucket of 500 shared by the calls of one client (botocore: one per
//    client). A retry takes 5 tokens, 10 when the failure was a timeout; with too few tokens left
//    the call fails at once instead of retrying. A call that succeeds at its first attempt puts 1
//    token back; one that succeeds after retrying puts back what its last retry took. The bucket
//    never holds more than its capacity.
//  - A call's deadline: a retry whose backoff would end past the deadline is not made (and takes
//    no tokens).
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "aws/aws_error.h"

namespace rg::aws {

enum class RetryKind {
  none,        // not retryable
  transient,   // 5xx, transient codes, no answer
  throttling,  // throttling codes
  timeout,     // no complete answer within the attempt's timeout
};
std::string_view to_string(RetryKind kind);

bool is_throttling_code(std::string_view code);
bool is_transient_code(std::string_view code);
RetryKind retry_kind(const AwsError& error);
// An error a later call may not get (throttling, a 5xx, no answer, a timeout): what the client
// retries, and what a wait polling a resource keeps polling through (act/failover/wait_until.h).
inline bool is_retryable(const AwsError& error) { return retry_kind(error) != RetryKind::none; }

struct RetryOptions {
  int max_attempts = 3;
  std::chrono::milliseconds base_delay{100};
  std::chrono::milliseconds throttling_base_delay{500};
  std::chrono::milliseconds max_backoff{20000};
  int quota_capacity = 500;
  int retry_cost = 5;
  int timeout_retry_cost = 10;
  int no_retry_increment = 1;
};

// The token bucket. Thread-safe (clients of several loops may share one), though one client uses
// it from its loop only.
class RetryQuota {
 public:
  explicit RetryQuota(int capacity = 500);
  // Takes `amount` tokens if there are that many; false (and takes none) otherwise.
  bool acquire(int amount);
  // Puts tokens back, never above the capacity.
  void release(int amount);
  int available() const;
  int capacity() const { return capacity_; }

 private:
  mutable std::mutex mutex_;
  int capacity_;
  int available_;
};

struct RetryDecision {
  bool retry = false;
  RetryKind kind = RetryKind::none;
  std::chrono::milliseconds delay{0};  // backoff before the next attempt
  int cost = 0;                        // tokens this retry took
  std::string reason;                  // why not, for the error message: "max attempts (3) reached"
};

class RetryPolicy {
 public:
  // random: uniform in [0, 1); called once per retry.
  RetryPolicy(RetryOptions options, std::shared_ptr<RetryQuota> quota, std::function<double()> random);

  // Attempt number `attempt` (1-based) failed with `error`. time_left: until the call's deadline.
  RetryDecision on_failure(const AwsError& error, int attempt,
                           std::optional<std::chrono::milliseconds> time_left = std::nullopt);
  // The call succeeded; last_cost is the cost of its last retry (0: it succeeded at once).
  void on_success(int last_cost);

  // The backoff formula alone (see the top of this file).
  std::chrono::milliseconds backoff(RetryKind kind, int attempt, double random) const;

  const RetryOptions& options() const { return options_; }
  RetryQuota& quota() { return *quota_; }

 private:
  RetryOptions options_;
  std::shared_ptr<RetryQuota> quota_;
  std::function<double()> random_;
};

}  // namespace rg::aws
