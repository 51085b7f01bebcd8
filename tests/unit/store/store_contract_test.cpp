// The Store contract: every backend passes these tests. To add a backend (PostgreSQL), add one
// entry to kBackends at the bottom; every test below runs against it.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>

#include "store/sqlite_store.h"
#include "store/store.h"
#include "support/temp_dir.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;

// A backend under test: `open` returns a fresh, empty store whose files (if any) live in `dir`.
struct Backend {
  std::string name;
  std::function<StoreResult<std::unique_ptr<Store>>(const std::filesystem::path& dir)> open;
};

// 2026-01-01T00:00:00Z: every narrated time below is an offset from here.
const TimePoint kNewYear = from_unix_us(1'767'225'600'000'000);

Observation make_observation(std::string endpoint_id, TimePoint started_at, bool success = true,
                             HealthStatus status = HealthStatus::healthy, std::chrono::microseconds latency = 20ms) {
  Observation observation;
  observation.result.endpoint_id = std::move(endpoint_id);
  observation.result.started_at = started_at;
  observation.result.success = success;
  observation.result.failure = success ? FailureKind::none : FailureKind::timeout;
  observation.result.latency = latency;
  observation.result.rcode = success ? 0 : -1;
  observation.status = status;
  return observation;
}

void expect_same(const Observation& expected, const Observation& actual) {
  const ProbeResult& e = expected.result;
  const ProbeResult& a = actual.result;
  EXPECT_EQ(e.endpoint_id, a.endpoint_id);
  EXPECT_EQ(e.started_at, a.started_at);
  EXPECT_EQ(e.success, a.success);
  EXPECT_EQ(e.failure, a.failure);
  EXPECT_EQ(e.latency, a.latency);
  EXPECT_EQ(e.rcode, a.rcode);
  EXPECT_EQ(e.used_tcp, a.used_tcp);
  EXPECT_EQ(e.answers, a.answers);
  EXPECT_EQ(e.error, a.error);
  EXPECT_EQ(e.http, a.http);
  EXPECT_EQ(e.warnings, a.warnings);
  EXPECT_EQ(expected.status, actual.status);
}

std::vector<TimePoint> start_times(const std::vector<Observation>& rows) {
  std::vector<TimePoint> times;
  for (const auto& row : rows) times.push_back(row.result.started_at);
  return times;
}

class StoreContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    auto opened = GetParam().open(dir_.path());
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    store_ = std::move(*opened);
  }

  void append(std::vector<Observation> rows) {
    auto appended = store_->append(rows);
    ASSERT_TRUE(appended.has_value()) << appended.error().message;
  }

  std::vector<Observation> observations(const std::string& endpoint_id, TimePoint from, TimePoint to,
                                        std::size_t limit = 10'000) {
    auto rows = store_->observations(endpoint_id, from, to, limit);
    EXPECT_TRUE(rows.has_value()) << rows.error().message;
    return rows.value_or(std::vector<Observation>{});
  }

  UptimeStats uptime(const std::string& endpoint_id, TimePoint from, TimePoint to) {
    auto stats = store_->uptime(endpoint_id, from, to);
    EXPECT_TRUE(stats.has_value()) << stats.error().message;
    return stats.value_or(UptimeStats{});
  }

  std::vector<MinuteRollup> rollups(const std::string& endpoint_id, TimePoint from, TimePoint to) {
    auto rows = store_->rollups(endpoint_id, from, to);
    EXPECT_TRUE(rows.has_value()) << rows.error().message;
    return rows.value_or(std::vector<MinuteRollup>{});
  }

  std::vector<HistoryBucket> history(const std::string& endpoint_id, TimePoint from, TimePoint to,
                                     std::chrono::microseconds step) {
    auto buckets = store_->history(endpoint_id, from, to, step);
    EXPECT_TRUE(buckets.has_value()) << buckets.error().message;
    return buckets.value_or(std::vector<HistoryBucket>{});
  }

  std::vector<StateCountBucket> state_counts(TimePoint from, TimePoint to, std::chrono::microseconds step) {
    auto buckets = store_->state_counts(from, to, step);
    EXPECT_TRUE(buckets.has_value()) << buckets.error().message;
    return buckets.value_or(std::vector<StateCountBucket>{});
  }

  void apply_retention(TimePoint now, std::chrono::hours raw, std::chrono::hours rollup) {
    auto applied = store_->apply_retention(now, raw, rollup);
    ASSERT_TRUE(applied.has_value()) << applied.error().message;
  }

  test::TempDir dir_{"rg-store-contract-"};
  std::unique_ptr<Store> store_;
};

TEST_P(StoreContract, AppendedObservationsComeBackWithEveryField) {
  Observation answered =
      make_observation("dynamodb.us-east-1", kNewYear + 1s + 123us, true, HealthStatus::warning, 150'321us);
  answered.result.rcode = 0;
  answered.result.used_tcp = true;
  answered.result.answers = {
      {"A", "192.0.2.1", 60},
      {"AAAA", "2001:db8::1", 4'294'967'295u},
      {"CNAME", "dynamodb.us-east-1.amazonaws.com.", 0},
      {"TXT", "say \"hi\", \\ back\\slash, tab\t, ünïcødé ✓ 🚀", 300},
      {"TXT", "odd bytes: \xff\xfe\x80 and a NUL \0 inside"s, 1},
  };
  Observation failed = make_observation("dynamodb.us-east-1", kNewYear + 2s, false, HealthStatus::critical, 5s);
  failed.result.failure = FailureKind::nodata;
  failed.result.rcode = 0;
  failed.result.error = "NOERROR with no \"A\" records for 'dynamodb.us-east-1.amazonaws.com' — 空の応答\n(line two)";

  append({answered, failed});

  const auto rows = observations("dynamodb.us-east-1", kNewYear, kNewYear + 1min);
  ASSERT_EQ(rows.size(), 2u);
  expect_same(answered, rows[0]);
  expect_same(failed, rows[1]);
}

TEST_P(StoreContract, HttpDetailsAndWarningsRoundTrip) {
  Observation https = make_observation("app/health", kNewYear + 1s, true, HealthStatus::warning, 1'300us);
  https.result.http = HttpDetails{200, HttpPhases{10us, 80us, 900us, 1'200us, 1'300us}, "192.0.2.7", 5, true, 1};
  https.result.warnings = {"certificate expires in 5 days"};
  Observation refused = make_observation("db:5432", kNewYear + 2s, false, HealthStatus::critical, 90us);
  refused.result.failure = FailureKind::connect_refused;
  refused.result.http = HttpDetails{0, HttpPhases{5us, 0us, 0us, 0us, 90us}, "", std::nullopt, false, 0};
  append({https, refused});
  const auto rows = observations("app/health", kNewYear, kNewYear + 1min);
  ASSERT_EQ(rows.size(), 1u);
  expect_same(https, rows[0]);
  const auto tcp = observations("db:5432", kNewYear, kNewYear + 1min);
  ASSERT_EQ(tcp.size(), 1u);
  expect_same(refused, tcp[0]);
}

TEST_P(StoreContract, EveryFailureKindAndStatusRoundTrips) {
  const FailureKind kinds[] = {FailureKind::none,           FailureKind::timeout,   FailureKind::servfail,
                               FailureKind::nxdomain,       FailureKind::nodata,    FailureKind::refused,
                               FailureKind::network,        FailureKind::malformed, FailureKind::answer_mismatch,
                               FailureKind::too_few_answers};
  const HealthStatus statuses[] = {HealthStatus::healthy, HealthStatus::warning, HealthStatus::critical};
  std::vector<Observation> batch;
  for (std::size_t i = 0; i < std::size(kinds); ++i) {
    Observation row = make_observation("ep", kNewYear + std::chrono::seconds(i), kinds[i] == FailureKind::none,
                                       statuses[i % std::size(statuses)]);
    row.result.failure = kinds[i];
    batch.push_back(row);
  }
  append(batch);

  const auto rows = observations("ep", kNewYear, kNewYear + 1h);
  ASSERT_EQ(rows.size(), batch.size());
  for (std::size_t i = 0; i < rows.size(); ++i) expect_same(batch[i], rows[i]);
}

TEST_P(StoreContract, RangeIsHalfOpenAndPerEndpoint) {
  const TimePoint from = kNewYear + 10min;
  const TimePoint to = kNewYear + 20min;
  append({make_observation("ep", from - 1us), make_observation("ep", from), make_observation("ep", from + 1us),
          make_observation("ep", to - 1us), make_observation("ep", to), make_observation("other", from + 1min)});

  EXPECT_EQ(start_times(observations("ep", from, to)), (std::vector<TimePoint>{from, from + 1us, to - 1us}));
  EXPECT_TRUE(observations("ep", to, from).empty());
  EXPECT_TRUE(observations("nobody", from, to).empty());
}

TEST_P(StoreContract, RowsComeOldestFirstAndLimitKeepsTheOldest) {
  // Appended newest first, in two batches: the order of reads does not depend on append order.
  append({make_observation("ep", kNewYear + 5s), make_observation("ep", kNewYear + 4s),
          make_observation("ep", kNewYear + 3s)});
  append({make_observation("ep", kNewYear + 2s), make_observation("ep", kNewYear + 1s)});

  EXPECT_EQ(start_times(observations("ep", kNewYear, kNewYear + 1min)),
            (std::vector<TimePoint>{kNewYear + 1s, kNewYear + 2s, kNewYear + 3s, kNewYear + 4s, kNewYear + 5s}));
  EXPECT_EQ(start_times(observations("ep", kNewYear, kNewYear + 1min, 2)),
            (std::vector<TimePoint>{kNewYear + 1s, kNewYear + 2s}));
  EXPECT_TRUE(observations("ep", kNewYear, kNewYear + 1min, 0).empty());
}

TEST_P(StoreContract, LatestIsTheNewestRowOfEachEndpoint) {
  auto empty = store_->latest();
  ASSERT_TRUE(empty.has_value()) << empty.error().message;
  EXPECT_TRUE(empty->empty());

  Observation lambda_newest = make_observation("lambda.eu-west-1", kNewYear + 9s, false, HealthStatus::critical);
  lambda_newest.result.error = "timed out";
  append({make_observation("s3.us-west-2", kNewYear + 1s), make_observation("lambda.eu-west-1", kNewYear + 3s),
          lambda_newest, make_observation("s3.us-west-2", kNewYear + 7s)});
  // A row that arrives late (an older started_at) does not replace the newest.
  append({make_observation("lambda.eu-west-1", kNewYear + 5s)});

  auto latest = store_->latest();
  ASSERT_TRUE(latest.has_value()) << latest.error().message;
  ASSERT_EQ(latest->size(), 2u);
  std::sort(latest->begin(), latest->end(),
            [](const Observation& a, const Observation& b) { return a.result.endpoint_id < b.result.endpoint_id; });
  expect_same(lambda_newest, (*latest)[0]);
  EXPECT_EQ((*latest)[1].result.endpoint_id, "s3.us-west-2");
  EXPECT_EQ((*latest)[1].result.started_at, kNewYear + 7s);
}

TEST_P(StoreContract, UptimeCountsSuccessesAndStatusesInTheWindow) {
  append({make_observation("ep", kNewYear + 1s, true, HealthStatus::healthy),
          make_observation("ep", kNewYear + 2s, true, HealthStatus::healthy),
          make_observation("ep", kNewYear + 3s, true, HealthStatus::warning),
          make_observation("ep", kNewYear + 4s, false, HealthStatus::critical),
          make_observation("ep", kNewYear + 1h, false, HealthStatus::critical),  // outside the window
          make_observation("other", kNewYear + 1s, false, HealthStatus::critical)});

  const UptimeStats stats = uptime("ep", kNewYear, kNewYear + 1h);
  EXPECT_EQ(stats.total, 4);
  EXPECT_EQ(stats.successes, 3);
  EXPECT_EQ(stats.healthy, 2);
  EXPECT_EQ(stats.warning, 1);
  EXPECT_EQ(stats.critical, 1);
  EXPECT_EQ(stats.uptime_percent(), 75.0);

  const UptimeStats nothing = uptime("ep", kNewYear + 2h, kNewYear + 3h);
  EXPECT_EQ(nothing.total, 0);
  EXPECT_EQ(nothing.uptime_percent(), std::nullopt);
}

TEST_P(StoreContract, RetentionRollsOldRawRowsIntoMinuteRollups) {
  // Minute 00:00 has two probes, one slow failure; minute 00:01 has one; 01:30 is recent.
  append({make_observation("ep", kNewYear + 10s, true, HealthStatus::healthy, 30ms),
          make_observation("ep", kNewYear + 50s, false, HealthStatus::critical, 2s),
          make_observation("ep", kNewYear + 1min + 30s, true, HealthStatus::warning, 150ms),
          make_observation("ep", kNewYear + 1h + 30min, true, HealthStatus::healthy, 10ms),
          make_observation("other", kNewYear + 20s, true, HealthStatus::healthy, 5ms)});

  // At 01:01:40 with one hour of raw history, the cutoff is 00:01:40, rounded down to 00:01:00:
  // minute 00:00 is rolled up whole; minute 00:01 stays raw.
  apply_retention(kNewYear + 1h + 1min + 40s, 1h, 24h);

  EXPECT_EQ(start_times(observations("ep", kNewYear, kNewYear + 2h)),
            (std::vector<TimePoint>{kNewYear + 1min + 30s, kNewYear + 1h + 30min}));
  const auto minutes = rollups("ep", kNewYear, kNewYear + 2h);
  ASSERT_EQ(minutes.size(), 1u);
  const MinuteRollup& minute = minutes[0];
  EXPECT_EQ(minute.endpoint_id, "ep");
  EXPECT_EQ(minute.minute, kNewYear);
  EXPECT_EQ(minute.total, 2);
  EXPECT_EQ(minute.successes, 1);
  EXPECT_EQ(minute.healthy, 1);
  EXPECT_EQ(minute.warning, 0);
  EXPECT_EQ(minute.critical, 1);
  EXPECT_EQ(minute.latency_sum_us, 2'030'000);
  EXPECT_EQ(minute.latency_max_us, 2'000'000);

  // Each endpoint gets its own rollups.
  const auto other = rollups("other", kNewYear, kNewYear + 2h);
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].total, 1);
  EXPECT_EQ(other[0].latency_sum_us, 5'000);
  EXPECT_TRUE(observations("other", kNewYear, kNewYear + 2h).empty());
}

TEST_P(StoreContract, UptimeIsTheSameBeforeAndAfterRetention) {
  // Three hours of one probe every 20 s; every seventh probe fails, every fifth is slow.
  std::vector<Observation> rows;
  for (int i = 0; i < 3 * 180; ++i) {
    const bool success = i % 7 != 0;
    const HealthStatus status =
        !success ? HealthStatus::critical : (i % 5 == 0 ? HealthStatus::warning : HealthStatus::healthy);
    rows.push_back(make_observation("ep", kNewYear + i * 20s, success, status));
  }
  append(rows);
  const std::pair<TimePoint, TimePoint> windows[] = {
      {kNewYear, kNewYear + 3h}, {kNewYear + 30min, kNewYear + 2h}, {kNewYear + 1h + 17min, kNewYear + 2h + 1min}};
  std::vector<UptimeStats> before;
  for (const auto& [from, to] : windows) before.push_back(uptime("ep", from, to));

  // At 02:30 with one hour of raw history, everything before 01:30 becomes rollups.
  apply_retention(kNewYear + 2h + 30min, 1h, 24h);
  ASSERT_FALSE(rollups("ep", kNewYear, kNewYear + 3h).empty());

  for (std::size_t i = 0; i < std::size(windows); ++i) {
    const UptimeStats after = uptime("ep", windows[i].first, windows[i].second);
    EXPECT_EQ(after.total, before[i].total) << "window " << i;
    EXPECT_EQ(after.successes, before[i].successes) << "window " << i;
    EXPECT_EQ(after.healthy, before[i].healthy) << "window " << i;
    EXPECT_EQ(after.warning, before[i].warning) << "window " << i;
    EXPECT_EQ(after.critical, before[i].critical) << "window " << i;
  }
  EXPECT_EQ(uptime("ep", kNewYear, kNewYear + 3h).total, 540);
}

TEST_P(StoreContract, RetentionIsIdempotent) {
  append({make_observation("ep", kNewYear + 10s), make_observation("ep", kNewYear + 20s, false, HealthStatus::critical),
          make_observation("ep", kNewYear + 2h)});
  const TimePoint now = kNewYear + 1h + 30min;

  apply_retention(now, 1h, 24h);
  const auto once = rollups("ep", kNewYear, kNewYear + 3h);
  const UptimeStats uptime_once = uptime("ep", kNewYear, kNewYear + 3h);
  apply_retention(now, 1h, 24h);
  apply_retention(now, 1h, 24h);

  const auto thrice = rollups("ep", kNewYear, kNewYear + 3h);
  ASSERT_EQ(thrice.size(), 1u);
  ASSERT_EQ(once.size(), 1u);
  EXPECT_EQ(thrice[0].total, once[0].total);
  EXPECT_EQ(thrice[0].successes, 1);
  EXPECT_EQ(uptime("ep", kNewYear, kNewYear + 3h).total, uptime_once.total);
  EXPECT_EQ(uptime_once.total, 3);
}

TEST_P(StoreContract, RowsArrivingLateAddToTheirMinutesRollup) {
  append({make_observation("ep", kNewYear + 10s), make_observation("ep", kNewYear + 20s)});
  apply_retention(kNewYear + 2h, 1h, 24h);
  // A probe result from minute 00:00 that was stuck in a queue arrives after that minute was rolled up.
  append({make_observation("ep", kNewYear + 30s, false, HealthStatus::critical, 3s)});
  apply_retention(kNewYear + 2h, 1h, 24h);

  const auto minutes = rollups("ep", kNewYear, kNewYear + 1h);
  ASSERT_EQ(minutes.size(), 1u);
  EXPECT_EQ(minutes[0].total, 3);
  EXPECT_EQ(minutes[0].successes, 2);
  EXPECT_EQ(minutes[0].critical, 1);
  EXPECT_EQ(minutes[0].latency_sum_us, 3'040'000);
  EXPECT_EQ(minutes[0].latency_max_us, 3'000'000);
  EXPECT_EQ(uptime("ep", kNewYear, kNewYear + 1h).total, 3);
}

TEST_P(StoreContract, RollupRetentionDeletesOldRollups) {
  append({make_observation("ep", kNewYear + 10s), make_observation("ep", kNewYear + 1h + 10s)});
  apply_retention(kNewYear + 3h, 1h, 24h);
  ASSERT_EQ(rollups("ep", kNewYear, kNewYear + 3h).size(), 2u);

  // A day later, minute 00:00 is older than the 24 h of rollups kept; minute 01:00 is not yet.
  apply_retention(kNewYear + 24h + 30min, 1h, 24h);

  const auto minutes = rollups("ep", kNewYear, kNewYear + 3h);
  ASSERT_EQ(minutes.size(), 1u);
  EXPECT_EQ(minutes[0].minute, kNewYear + 1h);
  EXPECT_EQ(uptime("ep", kNewYear, kNewYear + 3h).total, 1);
}

TEST_P(StoreContract, RetentionRejectsRollupsKeptShorterThanRawRows) {
  append({make_observation("ep", kNewYear + 10s)});
  auto applied = store_->apply_retention(kNewYear + 48h, 24h, 1h);
  ASSERT_FALSE(applied.has_value());
  EXPECT_EQ(applied.error().code, StoreError::Code::bad_argument);
  EXPECT_EQ(observations("ep", kNewYear, kNewYear + 1h).size(), 1u);  // nothing changed
}

TEST_P(StoreContract, ABatchThatFailsMidwayStoresNothing) {
  append({make_observation("ep", kNewYear)});
  // The third row has no endpoint: the store refuses it after the first two were inserted.
  std::vector<Observation> batch = {make_observation("ep", kNewYear + 1s), make_observation("ep", kNewYear + 2s),
                                    make_observation("", kNewYear + 3s), make_observation("ep", kNewYear + 4s)};

  auto appended = store_->append(batch);

  ASSERT_FALSE(appended.has_value());
  EXPECT_EQ(appended.error().code, StoreError::Code::constraint) << appended.error().message;
  EXPECT_FALSE(appended.error().message.empty());
  EXPECT_EQ(start_times(observations("ep", kNewYear, kNewYear + 1h)), (std::vector<TimePoint>{kNewYear}));
  // The store is still usable afterwards.
  batch.erase(batch.begin() + 2);
  append(batch);
  EXPECT_EQ(observations("ep", kNewYear, kNewYear + 1h).size(), 4u);
}

TEST_P(StoreContract, AnEmptyBatchIsANoOp) {
  auto appended = store_->append({});
  ASSERT_TRUE(appended.has_value()) << appended.error().message;
  auto latest = store_->latest();
  ASSERT_TRUE(latest.has_value());
  EXPECT_TRUE(latest->empty());
}

}  // namespace

// Found by argument-dependent lookup (in the types' namespace), so failures print readably.
void PrintTo(const HistoryBucket& b, std::ostream* out) {
  *out << "{at +" << std::chrono::duration_cast<std::chrono::seconds>(b.at - kNewYear).count() << "s, total "
       << b.total << ", successes " << b.successes << ", healthy " << b.healthy << ", warning " << b.warning
       << ", critical " << b.critical << ", latency sum " << b.latency_sum_us << "us, max " << b.latency_max_us
       << "us}";
}
void PrintTo(const StateCountBucket& b, std::ostream* out) {
  *out << "{at +" << std::chrono::duration_cast<std::chrono::seconds>(b.at - kNewYear).count() << "s, healthy "
       << b.healthy << ", warning " << b.warning << ", critical " << b.critical << "}";
}

namespace {

TEST_P(StoreContract, HistoryAddsUpEachBucketAndLeavesOutEmptyOnes) {
  // Minute 00:00 has a fast success and a slow failure; 00:01 a warning; 00:02 nothing; 00:03 one.
  append({make_observation("ep", kNewYear + 10s, true, HealthStatus::healthy, 20ms),
          make_observation("ep", kNewYear + 50s, false, HealthStatus::critical, 2s),
          make_observation("ep", kNewYear + 1min + 10s, true, HealthStatus::warning, 150ms),
          make_observation("ep", kNewYear + 3min, true, HealthStatus::healthy, 10ms),
          make_observation("other", kNewYear + 20s, false, HealthStatus::critical, 5s)});

  EXPECT_EQ(history("ep", kNewYear, kNewYear + 10min, 1min),
            (std::vector<HistoryBucket>{{kNewYear, 2, 1, 1, 0, 1, 2'020'000, 2'000'000},
                                        {kNewYear + 1min, 1, 1, 0, 1, 0, 150'000, 150'000},
                                        {kNewYear + 3min, 1, 1, 1, 0, 0, 10'000, 10'000}}));
  EXPECT_EQ(history("ep", kNewYear, kNewYear + 10min, 2min),
            (std::vector<HistoryBucket>{{kNewYear, 3, 2, 1, 1, 1, 2'170'000, 2'000'000},
                                        {kNewYear + 2min, 1, 1, 1, 0, 0, 10'000, 10'000}}));
  EXPECT_TRUE(history("nobody", kNewYear, kNewYear + 10min, 1min).empty());
}

TEST_P(StoreContract, HistoryBucketsAreAlignedToTheEpochAndCountOnlyTheRange) {
  append({make_observation("ep", kNewYear + 10s), make_observation("ep", kNewYear + 50s),
          make_observation("ep", kNewYear + 1min + 40s)});

  // From 00:00:30 to 00:01:30: the bucket of minute 00:00 still starts at 00:00 but holds only
  // the probe at 00:00:50; the one at 00:01:40 is past `to`.
  const auto buckets = history("ep", kNewYear + 30s, kNewYear + 1min + 30s, 1min);
  ASSERT_EQ(buckets.size(), 1u);
  EXPECT_EQ(buckets[0].at, kNewYear);
  EXPECT_EQ(buckets[0].total, 1);
}

TEST_P(StoreContract, HistoryIsTheSameBeforeAndAfterRetention) {
  // Three hours of one probe every 20 s, with latencies that vary, some failures and warnings.
  std::vector<Observation> rows;
  for (int i = 0; i < 3 * 180; ++i) {
    const bool success = i % 7 != 0;
    const HealthStatus status =
        !success ? HealthStatus::critical : (i % 5 == 0 ? HealthStatus::warning : HealthStatus::healthy);
    rows.push_back(make_observation("ep", kNewYear + i * 20s, success, status, std::chrono::milliseconds(10 + i % 13)));
  }
  append(rows);
  const auto five_minutes = history("ep", kNewYear, kNewYear + 3h, 5min);
  const auto hours = history("ep", kNewYear + 10min, kNewYear + 3h, 1h);
  ASSERT_EQ(five_minutes.size(), 36u);
  ASSERT_EQ(hours.size(), 3u);

  // At 02:30 with one hour of raw history, everything before 01:30 becomes rollups.
  apply_retention(kNewYear + 2h + 30min, 1h, 24h);
  ASSERT_FALSE(rollups("ep", kNewYear, kNewYear + 3h).empty());

  EXPECT_EQ(history("ep", kNewYear, kNewYear + 3h, 5min), five_minutes);
  EXPECT_EQ(history("ep", kNewYear + 10min, kNewYear + 3h, 1h), hours);
}

TEST_P(StoreContract, HistoryAndStateCountsRefuseAStepThatIsNotPositive) {
  auto history_result = store_->history("ep", kNewYear, kNewYear + 1h, 0us);
  ASSERT_FALSE(history_result.has_value());
  EXPECT_EQ(history_result.error().code, StoreError::Code::bad_argument);
  auto counts = store_->state_counts(kNewYear, kNewYear + 1h, -1min);
  ASSERT_FALSE(counts.has_value());
  EXPECT_EQ(counts.error().code, StoreError::Code::bad_argument);
}

TEST_P(StoreContract, StateCountsCountEachEndpointOnceInItsWorstStatusPerBucket) {
  // Minute 00:00: a is healthy then critical (critical), b healthy twice, c a warning.
  // Minute 00:01: a healthy, b a warning. Minute 00:02: nothing. Minute 00:03: c healthy.
  append({make_observation("a", kNewYear + 5s), make_observation("a", kNewYear + 25s, false, HealthStatus::critical),
          make_observation("b", kNewYear + 5s), make_observation("b", kNewYear + 35s),
          make_observation("c", kNewYear + 45s, true, HealthStatus::warning),
          make_observation("a", kNewYear + 1min + 5s), make_observation("b", kNewYear + 1min + 6s, true, HealthStatus::warning),
          make_observation("c", kNewYear + 3min)});

  EXPECT_EQ(state_counts(kNewYear, kNewYear + 10min, 1min),
            (std::vector<StateCountBucket>{
                {kNewYear, 1, 1, 1}, {kNewYear + 1min, 1, 1, 0}, {kNewYear + 3min, 1, 0, 0}}));
  // Over two minutes, a was critical and b a warning at some point; c only once.
  EXPECT_EQ(state_counts(kNewYear, kNewYear + 10min, 2min),
            (std::vector<StateCountBucket>{{kNewYear, 0, 2, 1}, {kNewYear + 2min, 1, 0, 0}}));

  // The same from rollups once the raw rows are gone.
  apply_retention(kNewYear + 2h, 1h, 24h);
  ASSERT_TRUE(observations("a", kNewYear, kNewYear + 1h).empty());
  EXPECT_EQ(state_counts(kNewYear, kNewYear + 10min, 1min),
            (std::vector<StateCountBucket>{
                {kNewYear, 1, 1, 1}, {kNewYear + 1min, 1, 1, 0}, {kNewYear + 3min, 1, 0, 0}}));
  EXPECT_TRUE(state_counts(kNewYear + 1h, kNewYear + 2h, 1min).empty());
}

StoreResult<std::unique_ptr<Store>> open_sqlite(const std::filesystem::path& dir) {
  auto store = SqliteStore::open((dir / "history.db").string());
  if (!store) return std::unexpected(store.error());
  return std::unique_ptr<Store>(std::move(*store));
}

const Backend kBackends[] = {
    {"Sqlite", open_sqlite},
    // {"Postgres", open_postgres},  // when the PostgreSQL backend lands
};

std::string backend_name(const ::testing::TestParamInfo<Backend>& backend) { return backend.param.name; }

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract, ::testing::ValuesIn(kBackends), backend_name);

}  // namespace
}  // namespace rg
