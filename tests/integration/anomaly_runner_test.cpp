// The daemon's anomaly runner against a real SQLite store: it fits the Isolation Forest on a worker
// thread from stored history while the event loop keeps running, installs the model on the loop,
// and then scores rounds with it. Time is a fake clock at the end of the stored history.
#include "app/anomaly_runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>

#include "store/sqlite_store.h"
#include "support/temp_dir.h"
#include "unit/analyze/anomaly_test_data.h"

namespace rg {
namespace {

using namespace anomaly_test;
using ::testing::HasSubstr;

constexpr int kStoredRounds = 200;  // 33 minutes of 21 endpoints: 4,200 observations
const TimePoint kNow = kStart + std::chrono::seconds(10 * kStoredRounds);

AnalyzedRound analyzed(const std::vector<ProbeResult>& results) {
  AnalyzedRound round;
  for (const auto& r : results) round.observations.push_back({r, r.success ? HealthStatus::healthy : HealthStatus::critical});
  return round;
}

class AnomalyRunnerTest : public ::testing::Test {
 protected:
  AnomalyRunnerTest() : config_(fleet_config(7)) {
    config_.store.path = (dir_.path() / "history.db").string();
    auto store = SqliteStore::open(config_.store.path);
    EXPECT_TRUE(store.has_value());
    std::vector<Observation> batch;
    for (int r = 0; r < kStoredRounds; ++r)
      for (const auto& result : normal_round(config_, r)) batch.push_back({result, HealthStatus::healthy});
    EXPECT_TRUE((*store)->append(batch).has_value());
  }

  // Runs the loop until the runner has a model or gave up on one, counting timer ticks meanwhile.
  int run_until_fit_done(AnomalyRunner& runner) {
    int ticks = 0;
    boost::asio::steady_timer tick(io_);
    std::function<void()> arm = [&] {
      tick.expires_after(std::chrono::milliseconds(1));
      tick.async_wait([&](const boost::system::error_code& ec) {
        if (ec) return;
        ++ticks;
        const auto& s = runner.stats();
        if (s.fits + s.failed_fits == 0) arm();
        else io_.stop();  // the refit timer would keep run_for() busy for the whole minute
      });
    };
    arm();
    io_.run_for(std::chrono::seconds(60));
    io_.restart();
    return ticks;
  }

  test::TempDir dir_;
  Config config_;
  boost::asio::io_context io_;
};

TEST_F(AnomalyRunnerTest, FitsOffTheLoopFromTheStoreThenScoresARound) {
  AnomalyRunner runner(io_, config_, [] { return kNow; });
  runner.start();
  // start() only launched the fit: the model arrives through the loop.
  EXPECT_FALSE(runner.fitted());
  // A round before the model: baselines only, no forest verdict.
  EXPECT_FALSE(runner.on_round(analyzed(normal_round(config_, kStoredRounds))).forest.has_value());

  const int ticks = run_until_fit_done(runner);
  ASSERT_TRUE(runner.fitted()) << "failed fits: " << runner.stats().failed_fits;
  // The loop kept serving its 1 ms timer while the forest was being fitted on the worker.
  EXPECT_GT(ticks, 0);
  EXPECT_EQ(runner.stats().fits, 1u);
  EXPECT_EQ(runner.stats().training_rows, 21u * kStoredRounds);
  EXPECT_EQ(runner.model()->window_to, kNow);
  EXPECT_EQ(runner.model()->window_from, kNow - std::chrono::hours(24));

  // The next round: 3 slow answers and 2 empty ones, 5 of 21 points.
  auto results = normal_round(config_, kStoredRounds + 1);
  for (const std::size_t i : {1u, 9u, 17u}) add_latency(results[i], 380);
  results[4] = nodata_result(config_.endpoints[4].id, kStoredRounds + 1);
  results[12] = nodata_result(config_.endpoints[12].id, kStoredRounds + 1);
  const auto round = runner.on_round(analyzed(results));
  ASSERT_TRUE(round.forest.has_value());
  ASSERT_FALSE(round.signals.empty());
  EXPECT_EQ(round.signals[0].kind, AnomalyKind::forest_round);
  EXPECT_EQ(round.signals[0].severity, AnomalySeverity::high);
  EXPECT_THAT(round.signals[0].message, HasSubstr("of 21 points anomalous"));
  EXPECT_EQ(runner.stats().rounds_scored, 1u);
  EXPECT_EQ(runner.stats().signals[static_cast<std::size_t>(AnomalyKind::forest_round)], 1u);
  ASSERT_TRUE(runner.stats().latest_anomalous_percent.has_value());
  EXPECT_GT(*runner.stats().latest_anomalous_percent, 10.0);
}

TEST_F(AnomalyRunnerTest, TooLittleHistoryIsAFailedFitAndNoVerdicts) {
  config_.store.path = (dir_.path() / "empty.db").string();
  ASSERT_TRUE(SqliteStore::open(config_.store.path).has_value());  // schema, no rows
  AnomalyRunner runner(io_, config_, [] { return kNow; });
  runner.start();
  run_until_fit_done(runner);
  EXPECT_FALSE(runner.fitted());
  EXPECT_EQ(runner.stats().failed_fits, 1u);
  EXPECT_FALSE(runner.on_round(analyzed(normal_round(config_, 0))).forest.has_value());
}

TEST_F(AnomalyRunnerTest, TheRowCapKeepsEachEndpointsNewestObservations) {
  config_.anomaly.max_rows = 21 * 50;  // 50 per endpoint: the last 500 s at a 10 s interval
  auto store = SqliteStore::open_read_only(config_.store.path);
  ASSERT_TRUE(store.has_value());
  const auto histories = read_training_window(**store, config_, kNow);
  ASSERT_TRUE(histories.has_value());
  ASSERT_EQ(histories->size(), 21u);
  for (const auto& history : *histories) {
    ASSERT_EQ(history.size(), 50u);
    EXPECT_EQ(history.front().started_at, kNow - std::chrono::seconds(500));
    EXPECT_EQ(history.back().started_at, kNow - std::chrono::seconds(10));
  }
}

TEST_F(AnomalyRunnerTest, DisabledItNeitherFitsNorJudges) {
  config_.anomaly.enabled = false;
  AnomalyRunner runner(io_, config_, [] { return kNow; });
  runner.start();
  io_.run_for(std::chrono::milliseconds(200));
  EXPECT_EQ(runner.stats().fits + runner.stats().failed_fits, 0u);
  auto results = normal_round(config_, 0);
  for (auto& r : results) r = nodata_result(r.endpoint_id, 0);
  const auto round = runner.on_round(analyzed(results));
  EXPECT_FALSE(round.forest.has_value());
  EXPECT_TRUE(round.signals.empty());
}

}  // namespace
}  // namespace rg
