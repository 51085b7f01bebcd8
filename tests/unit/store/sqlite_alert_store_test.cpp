// Alerts, their history and silences in the SQLite file: what is saved comes back after the file
// is closed and reopened (a daemon restart), upserts replace, and expired silences are left out.
#include "store/sqlite_alert_store.h"

#include <gtest/gtest.h>

#include "store/sqlite_schema.h"
#include "store/sqlite_store.h"
#include "support/temp_dir.h"

namespace rg {
namespace {

using namespace std::chrono_literals;

const TimePoint t0 = from_unix_us(1'800'000'000'000'000);

Alert firing_alert() {
  Alert alert;
  alert.id = "endpoint-down|dynamodb.us-east-1.amazonaws.com";
  alert.rule = "endpoint-down";
  alert.severity = AlertSeverity::critical;
  alert.state = AlertState::firing;
  alert.group = "dynamodb/us-east-1";
  alert.summary = "dynamodb.us-east-1.amazonaws.com failed 3 times in a row (nodata)";
  alert.labels = {{"service", "dynamodb"}, {"region", "us-east-1"}, {"team", "sre \"core\""}};
  alert.active_since = t0;
  alert.fired_at = t0 + 1s;
  alert.updated_at = t0 + 20s;
  alert.last_notified = t0 + 11s;
  return alert;
}

class SqliteAlertStoreTest : public testing::Test {
 protected:
  std::string path() const { return (dir_.path() / "alerts.db").string(); }
  test::TempDir dir_{"rg-alert-store-"};
};

TEST_F(SqliteAlertStoreTest, AlertsAndHistorySurviveAReopen) {
  const Alert alert = firing_alert();
  {
    auto store = SqliteAlertStore::open(path());
    ASSERT_TRUE(store) << store.error().message;
    const std::vector<AlertHistoryEntry> history{{alert.id, t0, AlertState::pending, alert.summary},
                                                 {alert.id, t0 + 1s, AlertState::firing, alert.summary}};
    ASSERT_TRUE((*store)->save(std::span(&alert, 1), history));
  }
  auto reopened = SqliteAlertStore::open(path());
  ASSERT_TRUE(reopened);
  const auto loaded = (*reopened)->load();
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ((*loaded)[0], alert);
  const auto history = (*reopened)->history(alert.id);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[1].state, AlertState::firing);
  EXPECT_EQ((*history)[1].at, t0 + 1s);
  // The migration is part of the shared schema: the history store opens the same file.
  auto history_store = SqliteStore::open(path());
  ASSERT_TRUE(history_store);
  EXPECT_EQ((*history_store)->schema_version(), sqlite_schema::kSqliteSchemaVersion);
}

TEST_F(SqliteAlertStoreTest, SavingAgainReplacesAndResolvedAlertsComeAfterActiveOnes) {
  auto store = SqliteAlertStore::open(path());
  ASSERT_TRUE(store);
  Alert a = firing_alert();
  Alert b = firing_alert();
  b.id = "cascade-risk|dynamodb/us-east-1";
  ASSERT_TRUE((*store)->save(std::vector{a, b}, {}));
  a.state = AlertState::resolved;
  a.resolved_at = t0 + 5min;
  ASSERT_TRUE((*store)->save(std::span(&a, 1), {}));
  const auto loaded = (*store)->load();
  ASSERT_TRUE(loaded);
  ASSERT_EQ(loaded->size(), 2u);
  EXPECT_EQ((*loaded)[0].id, b.id);
  EXPECT_EQ((*loaded)[1], a);
  const auto limited = (*store)->load(0);
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->size(), 1u);  // resolved ones beyond the limit are left in the file only
}

TEST_F(SqliteAlertStoreTest, SilencesGetIdsAndExpire) {
  auto store = SqliteAlertStore::open(path());
  ASSERT_TRUE(store);
  const auto first = (*store)->add_silence({0, {{"service", "s3"}}, t0, t0 + 1h, "maintenance"});
  const auto second = (*store)->add_silence({0, {{"region", "eu-west-1"}}, t0, t0 + 2h, ""});
  ASSERT_TRUE(first && second);
  EXPECT_LT(*first, *second);
  auto active = (*store)->silences(t0 + 90min);
  ASSERT_TRUE(active);
  ASSERT_EQ(active->size(), 1u);
  EXPECT_EQ((*active)[0].id, *second);
  EXPECT_EQ((*active)[0].matchers.at("region"), "eu-west-1");
  EXPECT_EQ((*active)[0].expires_at, t0 + 2h);
}

}  // namespace
}  // namespace rg
