#pragma once
// A token bucket per client address, for what one source may do often but not endlessly: wrong
// bearer tokens (a guess a second, not 65,000), /metrics scrapes. Time is passed in (a monotonic
// clock in the server, a fake one in tests). The table is bounded: when it is full, sources whose
// bucket has refilled are forgotten first, and a source that cannot be tracked is refused rather
// than let through unlimited.
#include <chrono>
#include <cstddef>
#include <string>
#include <unordered_map>

namespace rg {

class SourceRateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // `per_second` tokens are added each second up to `burst`; each allowed event takes one.
  SourceRateLimiter(double per_second, double burst, std::size_t max_sources = 10'000)
      : per_second_(per_second), burst_(burst), max_sources_(max_sources) {}

  // Takes a token from `source`'s bucket; false when it is empty.
  bool take(const std::string& source, Clock::time_point now);
  // Whether a token is there, without taking it (for "would this source be refused?").
  bool has_token(const std::string& source, Clock::time_point now) const;

  std::size_t tracked() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  double refilled(const Bucket& bucket, Clock::time_point now) const;
  void forget_full_buckets(Clock::time_point now);

  double per_second_;
  double burst_;
  std::size_t max_sources_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace rg
