#include "store/batch_writer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "store/sqlite_store.h"
#include "support/temp_dir.h"

namespace rg {
namespace {

using namespace std::chrono_literals;

// Generous: only reached when the behaviour under test is broken.
constexpr auto kPatience = 10s;

const TimePoint kNewYear = from_unix_us(1'767'225'600'000'000);  // 2026-01-01T00:00:00Z

Observation make_observation(int n) {
  Observation observation;
  observation.result.endpoint_id = "ep";
  observation.result.started_at = kNewYear + std::chrono::seconds(n);
  observation.result.success = true;
  observation.status = HealthStatus::healthy;
  return observation;
}

// A Store that records the batches it is given. It can hold append() at a gate, fail the next
// few appends, or throw, so the writer's behaviour under a slow or failing disk can be narrated.
class RecordingStore final : public Store {
 public:
  StoreResult<void> append(std::span<const Observation> batch) override {
    std::unique_lock lock(mutex_);
    ++appends_entered_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return gate_open_; });
    if (throw_next_) {
      throw_next_ = false;
      throw std::runtime_error("disk on fire");
    }
    if (failures_left_ > 0) {
      --failures_left_;
      return std::unexpected(
          StoreError{StoreError::Code::io, "disk I/O error (attempt " + std::to_string(appends_entered_) + ")"});
    }
    batch_sizes_.push_back(batch.size());
    rows_ += batch.size();
    changed_.notify_all();
    return {};
  }

  StoreResult<std::vector<Observation>> observations(const std::string&, TimePoint, TimePoint, std::size_t) override {
    return std::vector<Observation>{};
  }
  StoreResult<std::vector<Observation>> latest() override { return std::vector<Observation>{}; }
  StoreResult<UptimeStats> uptime(const std::string&, TimePoint, TimePoint) override { return UptimeStats{}; }
  StoreResult<std::vector<MinuteRollup>> rollups(const std::string&, TimePoint, TimePoint) override {
    return std::vector<MinuteRollup>{};
  }
  StoreResult<std::vector<HistoryBucket>> history(const std::string&, TimePoint, TimePoint,
                                                  std::chrono::microseconds) override {
    return std::vector<HistoryBucket>{};
  }
  StoreResult<std::vector<StateCountBucket>> state_counts(TimePoint, TimePoint, std::chrono::microseconds) override {
    return std::vector<StateCountBucket>{};
  }
  StoreResult<void> apply_retention(TimePoint, std::chrono::hours, std::chrono::hours) override { return {}; }
  StoreResult<void> append_region_scores(std::span<const RegionScoreRecord> scores) override {
    std::lock_guard lock(mutex_);
    scores_ += scores.size();
    return {};
  }
  StoreResult<std::vector<RegionScoreRecord>> region_scores(const std::string&, TimePoint, TimePoint) override {
    return std::vector<RegionScoreRecord>{};
  }
  std::size_t scores() {
    std::lock_guard lock(mutex_);
    return scores_;
  }

  void close_gate() {
    set([&] { gate_open_ = false; });
  }
  void open_gate() {
    set([&] { gate_open_ = true; });
  }
  void fail_next(int count) {
    set([&] { failures_left_ = count; });
  }
  void throw_next() {
    set([&] { throw_next_ = true; });
  }

  bool wait_for_rows(std::size_t rows) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kPatience, [&] { return rows_ >= rows; });
  }
  bool wait_for_appends_entered(int count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kPatience, [&] { return appends_entered_ >= count; });
  }
  std::vector<std::size_t> batch_sizes() const {
    std::lock_guard lock(mutex_);
    return batch_sizes_;
  }
  std::size_t rows() const {
    std::lock_guard lock(mutex_);
    return rows_;
  }

 private:
  template <typename F>
  void set(F&& change) {
    std::lock_guard lock(mutex_);
    change();
    changed_.notify_all();
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool gate_open_ = true;
  bool throw_next_ = false;
  int failures_left_ = 0;
  int appends_entered_ = 0;
  std::vector<std::size_t> batch_sizes_;
  std::size_t rows_ = 0;
  std::size_t scores_ = 0;
};

BatchWriter::Options options(std::chrono::milliseconds interval, std::size_t batch_size,
                             std::size_t max_queue = 100'000) {
  return BatchWriter::Options{interval, batch_size, max_queue};
}

TEST(BatchWriter, WritesAFullBatchWithoutWaitingForTheInterval) {
  RecordingStore store;
  {
    BatchWriter writer(store, options(1h, 5));
    for (int i = 0; i < 12; ++i) writer.submit(make_observation(i));

    ASSERT_TRUE(store.wait_for_rows(10));
    // Two full batches went at once; the last two rows wait for the hour (or shutdown).
    EXPECT_EQ(store.batch_sizes(), (std::vector<std::size_t>{5, 5}));
  }
  EXPECT_EQ(store.batch_sizes(), (std::vector<std::size_t>{5, 5, 2}));
}

TEST(BatchWriter, WritesAPartialBatchOnceTheOldestRowHasWaitedTheInterval) {
  RecordingStore store;
  BatchWriter writer(store, options(50ms, 500));
  const auto submitted_at = std::chrono::steady_clock::now();
  writer.submit(make_observation(1));
  writer.submit(make_observation(2));
  writer.submit(make_observation(3));

  ASSERT_TRUE(store.wait_for_rows(3));

  EXPECT_GE(std::chrono::steady_clock::now() - submitted_at, 50ms);
  EXPECT_EQ(store.batch_sizes(), (std::vector<std::size_t>{3}));
}

TEST(BatchWriter, FlushReturnsOnceEverythingSubmittedBeforeItIsWritten) {
  RecordingStore store;
  BatchWriter writer(store, options(1h, 100));
  writer.flush();  // nothing queued: returns at once

  for (int i = 0; i < 7; ++i) writer.submit(make_observation(i));
  writer.flush();

  EXPECT_EQ(store.rows(), 7u);
  EXPECT_EQ(writer.stats().written, 7u);
}

TEST(BatchWriter, FlushFromManyThreadsWhileOthersSubmit) {
  RecordingStore store;
  BatchWriter writer(store, options(1h, 64));
  constexpr int kThreads = 4;
  constexpr int kEach = 2'500;
  std::atomic<int> short_flushes = 0;
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t) {
    producers.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) writer.submit(make_observation(i));
      writer.flush();
      // This thread's rows were all submitted before its flush, so they are all written now.
      if (store.rows() < static_cast<std::size_t>(kEach)) ++short_flushes;
    });
  }
  for (auto& producer : producers) producer.join();

  EXPECT_EQ(short_flushes, 0);
  EXPECT_EQ(store.rows(), static_cast<std::size_t>(kThreads * kEach));
  EXPECT_EQ(writer.stats().dropped, 0u);
}

TEST(BatchWriter, DropsAndCountsWhenTheQueueIsFull) {
  RecordingStore store;
  BatchWriter writer(store, options(1h, 1, /*max_queue=*/3));
  store.close_gate();
  writer.submit(make_observation(0));
  ASSERT_TRUE(store.wait_for_appends_entered(1));  // the worker holds row 0; the queue is empty

  for (int i = 1; i <= 5; ++i) writer.submit(make_observation(i));  // rows 1-3 fit, 4 and 5 do not

  EXPECT_EQ(writer.stats().dropped, 2u);
  store.open_gate();
  writer.flush();
  EXPECT_EQ(store.rows(), 4u);
  EXPECT_EQ(writer.stats().written, 4u);
  EXPECT_EQ(writer.stats().dropped, 2u);
}

TEST(BatchWriter, RetriesAFailedBatchOnce) {
  RecordingStore store;
  BatchWriter writer(store, options(1h, 10));
  store.fail_next(1);

  for (int i = 0; i < 3; ++i) writer.submit(make_observation(i));
  writer.flush();

  const auto stats = writer.stats();
  EXPECT_EQ(stats.written, 3u);
  EXPECT_EQ(stats.failed_batches, 0u);
  EXPECT_EQ(stats.dropped, 0u);
  EXPECT_EQ(stats.last_error, "disk I/O error (attempt 1)");  // kept for diagnosis even though the retry worked
}

TEST(BatchWriter, GivesUpOnABatchThatFailsTwiceAndCarriesOn) {
  RecordingStore store;
  BatchWriter writer(store, options(1h, 10));
  store.fail_next(2);
  for (int i = 0; i < 3; ++i) writer.submit(make_observation(i));
  writer.flush();

  auto stats = writer.stats();
  EXPECT_EQ(stats.written, 0u);
  EXPECT_EQ(stats.failed_batches, 1u);
  EXPECT_EQ(stats.dropped, 3u);
  EXPECT_EQ(stats.last_error, "disk I/O error (attempt 2)");

  writer.submit(make_observation(4));  // the disk is back
  writer.flush();
  EXPECT_EQ(writer.stats().written, 1u);
  EXPECT_EQ(store.rows(), 1u);
}

TEST(BatchWriter, AnAppendThatThrowsIsCountedNotFatal) {
  RecordingStore store;
  BatchWriter writer(store, options(1h, 10));
  store.throw_next();
  writer.submit(make_observation(0));
  writer.flush();

  const auto stats = writer.stats();
  EXPECT_EQ(stats.written, 1u);  // the retry succeeded
  EXPECT_NE(stats.last_error.find("disk on fire"), std::string::npos) << stats.last_error;
}

TEST(BatchWriter, TheDestructorWritesEverythingQueued) {
  RecordingStore store;
  {
    BatchWriter writer(store, options(1h, 1'000));
    for (int i = 0; i < 2'500; ++i) writer.submit(make_observation(i));
  }
  EXPECT_EQ(store.rows(), 2'500u);
  EXPECT_EQ(store.batch_sizes(), (std::vector<std::size_t>{1'000, 1'000, 500}));
}

TEST(BatchWriter, WritesThroughToARealSqliteStore) {
  test::TempDir dir("rg-batch-writer-");
  auto store = SqliteStore::open((dir.path() / "history.db").string());
  ASSERT_TRUE(store.has_value()) << store.error().message;
  {
    BatchWriter writer(**store, options(20ms, 256));
    for (int i = 0; i < 10'000; ++i) writer.submit(make_observation(i));
    writer.flush();
    EXPECT_EQ(writer.stats().written, 10'000u);
  }
  auto rows = (*store)->observations("ep", kNewYear, kNewYear + 24h, 100'000);
  ASSERT_TRUE(rows.has_value()) << rows.error().message;
  EXPECT_EQ(rows->size(), 10'000u);
}

// Scores ride on the next batch of observations (no transaction of their own) and are not lost
// at stop even when no observation follows them.
TEST(BatchWriter, WritesRegionScoresWithTheNextBatchAndAtStop) {
  RecordingStore store;
  const RegionScoreRecord score{"us-east-1", TimePoint{}, 80, 100, std::nullopt, 50};
  {
    BatchWriter writer(store, options(1h, 100));
    writer.submit_scores({score, score});
    writer.submit(make_observation(1));
    writer.flush();
    EXPECT_EQ(store.scores(), 2u);
    writer.submit_scores({score});
    EXPECT_EQ(store.scores(), 2u);
  }
  EXPECT_EQ(store.scores(), 3u);
}

}  // namespace
}  // namespace rg
