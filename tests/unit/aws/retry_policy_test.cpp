// AWS standard retry mode, decision by decision: what is retried, how long the backoff is with a
// fixed "random" number, and how the retry quota drains and refills.
#include <gtest/gtest.h>

#include "aws/retry_policy.h"

namespace rg::aws {
namespace {

using std::chrono::milliseconds;

AwsError service(int status, std::string code) {
  AwsError e;
  e.kind = AwsErrorKind::service_error;
  e.http_status = status;
  e.code = std::move(code);
  e.message = "m";
  return e;
}

AwsError no_answer(AwsErrorKind kind) { return make_error(kind, "no answer"); }

// A "random" source that returns the numbers given, then the last one forever.
std::function<double()> fixed(std::vector<double> values) {
  auto state = std::make_shared<std::pair<std::vector<double>, std::size_t>>(std::move(values), 0);
  return [state] {
    auto& [v, i] = *state;
    const double out = v[std::min(i, v.size() - 1)];
    ++i;
    return out;
  };
}

TEST(RetryKind, ThrottlingCodesAreBotocoresList) {
  for (const char* code : {"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
                           "TooManyRequestsException", "ProvisionedThroughputExceededException",
                           "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
                           "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
                           "EC2ThrottledException"}) {
    EXPECT_EQ(retry_kind(service(400, code)), RetryKind::throttling) << code;
  }
}

TEST(RetryKind, TransientCodesStatusesAndNoAnswer) {
  EXPECT_EQ(retry_kind(service(400, "RequestTimeout")), RetryKind::transient);
  EXPECT_EQ(retry_kind(service(408, "RequestTimeoutException")), RetryKind::transient);
  EXPECT_EQ(retry_kind(service(500, "InternalFailure")), RetryKind::transient);
  EXPECT_EQ(retry_kind(service(502, "")), RetryKind::transient);
  EXPECT_EQ(retry_kind(service(503, "ServiceUnavailable")), RetryKind::transient);
  EXPECT_EQ(retry_kind(service(504, "")), RetryKind::transient);
  EXPECT_EQ(retry_kind(no_answer(AwsErrorKind::transport)), RetryKind::transient);
  EXPECT_EQ(retry_kind(no_answer(AwsErrorKind::timeout)), RetryKind::timeout);
}

TEST(RetryKind, ClientErrorsAndUnreadableAnswersAreNotRetried) {
  EXPECT_EQ(retry_kind(service(400, "ValidationError")), RetryKind::none);
  EXPECT_EQ(retry_kind(service(400, "InvalidParameterValue")), RetryKind::none);
  EXPECT_EQ(retry_kind(service(403, "AccessDenied")), RetryKind::none);
  EXPECT_EQ(retry_kind(service(404, "NoSuchHostedZone")), RetryKind::none);
  EXPECT_EQ(retry_kind(service(501, "NotImplemented")), RetryKind::none);
  EXPECT_EQ(retry_kind(no_answer(AwsErrorKind::bad_response)), RetryKind::none);
  EXPECT_EQ(retry_kind(no_answer(AwsErrorKind::no_credentials)), RetryKind::none);
  // A 500 that is not an AWS error document (moto's page for an operation it lacks).
  EXPECT_EQ(retry_kind(service(500, "")), RetryKind::none);
}

TEST(Backoff, FullJitterUnderAnExponentialCeiling) {
  RetryPolicy policy({}, nullptr, fixed({1.0}));
  // Transient errors: base 100 ms, doubling per attempt.
  EXPECT_EQ(policy.backoff(RetryKind::transient, 1, 0.5), milliseconds(50));
  EXPECT_EQ(policy.backoff(RetryKind::transient, 2, 0.5), milliseconds(100));
  EXPECT_EQ(policy.backoff(RetryKind::transient, 3, 0.5), milliseconds(200));
  EXPECT_EQ(policy.backoff(RetryKind::timeout, 1, 0.999), milliseconds(99));
  // Throttling: base 500 ms.
  EXPECT_EQ(policy.backoff(RetryKind::throttling, 1, 0.5), milliseconds(250));
  EXPECT_EQ(policy.backoff(RetryKind::throttling, 2, 0.5), milliseconds(500));
  // Never more than 20 s, however many attempts.
  EXPECT_EQ(policy.backoff(RetryKind::throttling, 10, 1.0), milliseconds(20000));
  EXPECT_EQ(policy.backoff(RetryKind::transient, 400, 1.0), milliseconds(20000));
  // Full jitter: 0 is a valid delay.
  EXPECT_EQ(policy.backoff(RetryKind::throttling, 3, 0.0), milliseconds(0));
}

TEST(RetryPolicy, ThrottledTwiceThenTheThirdAttemptIsTheLast) {
  auto quota = std::make_shared<RetryQuota>(500);
  RetryPolicy policy({}, quota, fixed({0.5, 0.25}));

  const RetryDecision first = policy.on_failure(service(400, "Throttling"), 1);
  EXPECT_TRUE(first.retry);
  EXPECT_EQ(first.kind, RetryKind::throttling);
  EXPECT_EQ(first.delay, milliseconds(250));  // 0.5 * 500 ms
  EXPECT_EQ(first.cost, 5);
  EXPECT_EQ(quota->available(), 495);

  const RetryDecision second = policy.on_failure(service(400, "Throttling"), 2);
  EXPECT_TRUE(second.retry);
  EXPECT_EQ(second.delay, milliseconds(250));  // 0.25 * 1000 ms
  EXPECT_EQ(quota->available(), 490);

  const RetryDecision third = policy.on_failure(service(400, "Throttling"), 3);
  EXPECT_FALSE(third.retry);
  EXPECT_EQ(third.reason, "max attempts (3) reached");
  EXPECT_EQ(quota->available(), 490) << "a retry not made takes no tokens";
}

TEST(RetryPolicy, ValidationErrorsAreNeverRetried) {
  auto quota = std::make_shared<RetryQuota>(500);
  RetryPolicy policy({}, quota, fixed({0.5}));
  const RetryDecision d = policy.on_failure(service(400, "ValidationError"), 1);
  EXPECT_FALSE(d.retry);
  EXPECT_EQ(d.kind, RetryKind::none);
  EXPECT_EQ(d.reason, "not retryable");
  EXPECT_EQ(quota->available(), 500);
}

TEST(RetryQuota, ATimeoutRetryCostsTenAndOthersFive) {
  auto quota = std::make_shared<RetryQuota>(500);
  RetryPolicy policy({}, quota, fixed({0.0}));
  EXPECT_EQ(policy.on_failure(no_answer(AwsErrorKind::timeout), 1).cost, 10);
  EXPECT_EQ(quota->available(), 490);
  EXPECT_EQ(policy.on_failure(no_answer(AwsErrorKind::transport), 1).cost, 5);
  EXPECT_EQ(policy.on_failure(service(503, "ServiceUnavailable"), 1).cost, 5);
  EXPECT_EQ(quota->available(), 480);
}

TEST(RetryQuota, SuccessRefundsOneOrWhatTheLastRetryTook) {
  auto quota = std::make_shared<RetryQuota>(500);
  RetryPolicy policy({}, quota, fixed({0.0}));
  policy.on_success(0);
  EXPECT_EQ(quota->available(), 500) << "never above the capacity";

  ASSERT_TRUE(policy.on_failure(no_answer(AwsErrorKind::timeout), 1).retry);
  ASSERT_TRUE(policy.on_failure(service(503, ""), 1).retry);
  EXPECT_EQ(quota->available(), 485);
  policy.on_success(5);  // a call whose last retry took 5 tokens succeeded
  EXPECT_EQ(quota->available(), 490);
  policy.on_success(0);  // a call that succeeded at once
  EXPECT_EQ(quota->available(), 491);
}

TEST(RetryQuota, AnEmptyBucketStopsRetriesUntilSuccessesRefillIt) {
  // A region that keeps failing: 500 tokens allow 100 retries of 5, then calls fail at once.
  auto quota = std::make_shared<RetryQuota>(500);
  RetryPolicy policy({}, quota, fixed({0.0}));
  int retries = 0;
  while (policy.on_failure(service(503, "ServiceUnavailable"), 1).retry) ++retries;
  EXPECT_EQ(retries, 100);
  EXPECT_EQ(quota->available(), 0);

  const RetryDecision refused = policy.on_failure(service(503, "ServiceUnavailable"), 1);
  EXPECT_FALSE(refused.retry);
  EXPECT_EQ(refused.reason, "retry quota exhausted (0 of 500 tokens left)");

  // Four first-attempt successes put back 4 tokens: not enough for a retry (5)...
  for (int i = 0; i < 4; ++i) policy.on_success(0);
  EXPECT_FALSE(policy.on_failure(service(503, ""), 1).retry);
  // ...five are.
  policy.on_success(0);
  EXPECT_TRUE(policy.on_failure(service(503, ""), 1).retry);
  EXPECT_EQ(quota->available(), 0);
}

TEST(RetryQuota, IsSharedByThePoliciesGivenIt) {
  auto quota = std::make_shared<RetryQuota>(10);
  RetryPolicy a({}, quota, fixed({0.0}));
  RetryPolicy b({}, quota, fixed({0.0}));
  EXPECT_TRUE(a.on_failure(service(503, ""), 1).retry);
  EXPECT_TRUE(b.on_failure(service(503, ""), 1).retry);
  EXPECT_FALSE(a.on_failure(service(503, ""), 1).retry);
}

TEST(RetryPolicy, NoRetryWhoseBackoffEndsPastTheDeadline) {
  auto quota = std::make_shared<RetryQuota>(500);
  RetryPolicy policy({}, quota, fixed({0.5}));
  // The backoff would be 250 ms; only 200 ms are left.
  const RetryDecision d = policy.on_failure(service(400, "Throttling"), 1, milliseconds(200));
  EXPECT_FALSE(d.retry);
  EXPECT_EQ(d.reason, "the call's deadline leaves no time for another attempt");
  EXPECT_EQ(quota->available(), 500);
  // With 300 ms left it is made.
  EXPECT_TRUE(policy.on_failure(service(400, "Throttling"), 1, milliseconds(300)).retry);
}

TEST(RetryPolicy, MaxAttemptsIsConfigurable) {
  RetryOptions options;
  options.max_attempts = 1;
  RetryPolicy once(options, nullptr, fixed({0.0}));
  EXPECT_FALSE(once.on_failure(service(503, ""), 1).retry);
  options.max_attempts = 5;
  RetryPolicy five(options, nullptr, fixed({0.0}));
  EXPECT_TRUE(five.on_failure(service(503, ""), 4).retry);
  EXPECT_FALSE(five.on_failure(service(503, ""), 5).retry);
}

}  // namespace
}  // namespace rg::aws
