#include "present/source_rate_limiter.h"

#include <algorithm>

namespace rg {

double SourceRateLimiter::refilled(const Bucket& bucket, Clock::time_point now) const {
  const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
  return std::min(burst_, bucket.tokens + std::max(0.0, elapsed) * per_second_);
}

void SourceRateLimiter::forget_full_buckets(Clock::time_point now) {
  std::erase_if(buckets_, [&](const auto& entry) { return refilled(entry.second, now) >= burst_; });
}

bool SourceRateLimiter::take(const std::string& source, Clock::time_point now) {
  auto it = buckets_.find(source);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_sources_) forget_full_buckets(now);
    if (buckets_.size() >= max_sources_) return false;
    it = buckets_.emplace(source, Bucket{burst_, now}).first;
  }
  Bucket& bucket = it->second;
  bucket.tokens = refilled(bucket, now);
  bucket.updated = now;
  if (bucket.tokens < 1.0) return false;
  bucket.tokens -= 1.0;
  return true;
}

bool SourceRateLimiter::has_token(const std::string& source, Clock::time_point now) const {
  const auto it = buckets_.find(source);
  if (it == buckets_.end()) return true;  // a new source starts with a full bucket
  return refilled(it->second, now) >= 1.0;
}

}  // namespace rg
