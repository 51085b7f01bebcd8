#pragma once
// The history store contract. Every backend (SQLite now, PostgreSQL later) passes the same
// contract test suite (tests/unit/store/store_contract_test.cpp). Methods are blocking: callers
// on the event loop go through BatchWriter, which runs them on a worker thread.
#include <expected>
#include <span>
#include <string>
#include <vector>

#include "core/observation.h"
#include "core/time.h"

namespace rg {

struct StoreError {
  enum class Code { open_failed, schema_too_new, io, constraint, bad_argument } code;
  std::string message;
};

template <typename T>
using StoreResult = std::expected<T, StoreError>;

// Per-minute aggregate kept after raw rows expire.
struct MinuteRollup {
  std::string endpoint_id;
  TimePoint minute{};  // start of the minute
  std::int64_t total = 0;
  std::int64_t successes = 0;
  std::int64_t healthy = 0;
  std::int64_t warning = 0;
  std::int64_t critical = 0;
  std::int64_t latency_sum_us = 0;
  std::int64_t latency_max_us = 0;
};

// One endpoint's observations in one bucket of time, from raw rows and rollups together.
struct HistoryBucket {
  TimePoint at{};  // start of the bucket: a whole multiple of the step since the Unix epoch
  std::int64_t total = 0;
  std::int64_t successes = 0;
  std::int64_t healthy = 0;
  std::int64_t warning = 0;
  std::int64_t critical = 0;
  // Over every probe, failed ones included (what a rollup keeps): a timeout counts as its wait.
  std::int64_t latency_sum_us = 0;
  std::int64_t latency_max_us = 0;
  friend bool operator==(const HistoryBucket&, const HistoryBucket&) = default;
};

// How many endpoints were in each state during one bucket. An endpoint counts once per bucket,
// in the worst status it had in it (a minute of critical inside an hour bucket shows), and only
// in buckets where it was probed.
struct StateCountBucket {
  TimePoint at{};  // as HistoryBucket::at
  std::int64_t healthy = 0;
  std::int64_t warning = 0;
  std::int64_t critical = 0;
  friend bool operator==(const StateCountBucket&, const StateCountBucket&) = default;
};

// The region health score of one round (analyze/region_score.h), as stored.
struct RegionScoreRecord {
  std::string region;
  TimePoint at{};
  double score = 0;  // 0-100
  std::optional<double> dns;
  std::optional<double> endpoints;
  std::optional<double> resources;
  friend bool operator==(const RegionScoreRecord&, const RegionScoreRecord&) = default;
};

class Store {
 public:
  virtual ~Store() = default;

  // Appends a batch atomically: either every row is stored or none is.
  virtual StoreResult<void> append(std::span<const Observation> batch) = 0;

  // Raw observations of one endpoint with from <= started_at < to, oldest first, at most `limit`.
  virtual StoreResult<std::vector<Observation>> observations(const std::string& endpoint_id, TimePoint from,
                                                             TimePoint to, std::size_t limit = 10'000) = 0;

  // The newest raw observation of each endpoint.
  virtual StoreResult<std::vector<Observation>> latest() = 0;

  // Counts for one endpoint over [from, to): raw rows plus rollups of minutes whose raw rows are gone.
  virtual StoreResult<UptimeStats> uptime(const std::string& endpoint_id, TimePoint from, TimePoint to) = 0;

  virtual StoreResult<std::vector<MinuteRollup>> rollups(const std::string& endpoint_id, TimePoint from,
                                                         TimePoint to) = 0;

  // Buckets of `step` over [from, to) that hold data, oldest first. Buckets are aligned to whole
  // multiples of `step` since the epoch (so they stay put as `from` moves); the first and last may
  // start before `from` or run past `to` but only count data inside [from, to). A rollup minute
  // counts in the bucket where it starts, and only when its raw rows are gone (as uptime()).
  // bad_argument when step <= 0.
  virtual StoreResult<std::vector<HistoryBucket>> history(const std::string& endpoint_id, TimePoint from,
                                                          TimePoint to, std::chrono::microseconds step) = 0;

  // Every endpoint together: per bucket (aligned as history()), the endpoints in each state.
  virtual StoreResult<std::vector<StateCountBucket>> state_counts(TimePoint from, TimePoint to,
                                                                  std::chrono::microseconds step) = 0;

  // Rolls raw rows older than now - raw_retention into per-minute rollups, deletes them, and
  // deletes rollups older than now - rollup_retention. Idempotent.
  virtual StoreResult<void> apply_retention(TimePoint now, std::chrono::hours raw_retention,
                                            std::chrono::hours rollup_retention) = 0;

  // Region health scores, appended atomically; a second score for the same region and time
  // replaces the first. apply_retention() deletes them with the raw rows.
  virtual StoreResult<void> append_region_scores(std::span<const RegionScoreRecord> scores) = 0;
  // One region's scores with from <= at < to, oldest first.
  virtual StoreResult<std::vector<RegionScoreRecord>> region_scores(const std::string& region, TimePoint from,
                                                                     TimePoint to) = 0;
};

}  // namespace rg
