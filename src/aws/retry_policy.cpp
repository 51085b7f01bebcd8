#include "aws/retry_policy.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace rg::aws {
namespace {

// botocore ThrottledRetryableChecker._THROTTLED_ERROR_CODES
constexpr std::array<std::string_view, 14> kThrottlingCodes{
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
};

// botocore TransientRetryableChecker._TRANSIENT_ERROR_CODES
constexpr std::array<std::string_view, 3> kTransientCodes{
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
};

}  // namespace

std::string_view to_string(RetryKind kind) {
  switch (kind) {
    case RetryKind::none: return "none";
    case RetryKind::transient: return "transient";
    case RetryKind::throttling: return "throttling";
    case RetryKind::timeout: return "timeout";
  }
  return "unknown";
}

bool is_throttling_code(std::string_view code) {
  return std::find(kThrottlingCodes.begin(), kThrottlingCodes.end(), code) != kThrottlingCodes.end();
}

bool is_transient_code(std::string_view code) {
  return std::find(kTransientCodes.begin(), kTransientCodes.end(), code) != kTransientCodes.end();
}

RetryKind retry_kind(const AwsError& error) {
  switch (error.kind) {
    case AwsErrorKind::timeout: return RetryKind::timeout;
    case AwsErrorKind::transport: return RetryKind::transient;
    case AwsErrorKind::service_error: break;
    default: return RetryKind::none;
  }
  if (is_throttling_code(error.code)) return RetryKind::throttling;
  if (is_transient_code(error.code)) return RetryKind::transient;
  switch (error.http_status) {
    case 500: return error.code.empty() ? RetryKind::none : RetryKind::transient;  // see the header
    case 502:
    case 503:
    case 504: return RetryKind::transient;
    default: return RetryKind::none;
  }
}

RetryQuota::RetryQuota(int capacity) : capacity_(std::max(capacity, 0)), available_(capacity_) {}

bool RetryQuota::acquire(int amount) {
  std::lock_guard lock(mutex_);
  if (amount > available_) return false;
  available_ -= amount;
  return true;
}

void RetryQuota::release(int amount) {
  std::lock_guard lock(mutex_);
  available_ = std::min(capacity_, available_ + std::max(amount, 0));
}

int RetryQuota::available() const {
  std::lock_guard lock(mutex_);
  return available_;
}

RetryPolicy::RetryPolicy(RetryOptions options, std::shared_ptr<RetryQuota> quota, std::function<double()> random)
    : options_(options), quota_(std::move(quota)), random_(std::move(random)) {
  if (!quota_) quota_ = std::make_shared<RetryQuota>(options_.quota_capacity);
}

std::chrono::milliseconds RetryPolicy::backoff(RetryKind kind, int attempt, double random) const {
  const auto base = kind == RetryKind::throttling ? options_.throttling_base_delay : options_.base_delay;
  const double exponent = std::min(std::max(attempt - 1, 0), 62);
  const double ceiling = std::min(static_cast<double>(base.count()) * std::pow(2.0, exponent),
                                  static_cast<double>(options_.max_backoff.count()));
  const double r = std::clamp(random, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(std::floor(r * ceiling)));
}

RetryDecision RetryPolicy::on_failure(const AwsError& error, int attempt, std::optional<std::chrono::milliseconds> time_left) {
  RetryDecision decision;
  decision.kind = retry_kind(error);
  if (decision.kind == RetryKind::none) {
    decision.reason = "not retryable";
    return decision;
  }
  if (attempt >= options_.max_attempts) {
    decision.reason = "max attempts (" + std::to_string(options_.max_attempts) + ") reached";
    return decision;
  }
  decision.delay = backoff(decision.kind, attempt, random_ ? random_() : 1.0);
  if (time_left && decision.delay >= *time_left) {
    decision.reason = "the call's deadline leaves no time for another attempt";
    return decision;
  }
  const int cost = decision.kind == RetryKind::timeout ? options_.timeout_retry_cost : options_.retry_cost;
  if (!quota_->acquire(cost)) {
    decision.reason = "retry quota exhausted (" + std::to_string(quota_->available()) + " of " +
                      std::to_string(quota_->capacity()) + " tokens left)";
    return decision;
  }
  decision.retry = true;
  decision.cost = cost;
  return decision;
}

void RetryPolicy::on_success(int last_cost) { quota_->release(last_cost > 0 ? last_cost : options_.no_retry_increment); }

}  // namespace rg::aws
