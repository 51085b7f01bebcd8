// What only the SQLite backend does: migrations, refusing foreign or newer files, WAL.
#include "store/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "store/sqlite_schema.h"
#include "support/temp_dir.h"

namespace rg {
namespace {

using namespace std::chrono_literals;

const TimePoint kNewYear = from_unix_us(1'767'225'600'000'000);  // 2026-01-01T00:00:00Z

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// Direct SQL on the file, for what the Store interface cannot (and should not) do.
class RawDatabase {
 public:
  explicit RawDatabase(const std::filesystem::path& path) { EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK); }
  ~RawDatabase() { sqlite3_close(db_); }
  RawDatabase(const RawDatabase&) = delete;
  RawDatabase& operator=(const RawDatabase&) = delete;

  void exec(const std::string& sql) {
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
  }
  std::string query_text(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr), SQLITE_OK) << sqlite3_errmsg(db_);
    std::string value;
    if (sqlite3_step(statement) == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
      value = text ? text : "";
    }
    sqlite3_finalize(statement);
    return value;
  }

 private:
  sqlite3* db_ = nullptr;
};

Observation make_observation(TimePoint started_at) {
  Observation observation;
  observation.result.endpoint_id = "ec2.us-east-1";
  observation.result.started_at = started_at;
  observation.result.success = true;
  observation.result.rcode = 0;
  observation.status = HealthStatus::healthy;
  return observation;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteStore> open_store() {
    auto store = SqliteStore::open(path_.string());
    EXPECT_TRUE(store.has_value()) << store.error().message;
    return store ? std::move(*store) : nullptr;
  }

  test::TempDir dir_{"rg-sqlite-store-"};
  std::filesystem::path path_ = dir_.path() / "history.db";
};

TEST_F(SqliteStoreTest, CreatesANewFileAtTheLatestSchemaVersion) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);

  EXPECT_EQ(store->schema_version(), sqlite_schema::kSqliteSchemaVersion);
  RawDatabase raw(path_);
  EXPECT_EQ(raw.query_text("PRAGMA user_version"), std::to_string(sqlite_schema::kSqliteSchemaVersion));
  EXPECT_EQ(raw.query_text("SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema "
                           "WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY name)"),
            "alert_history alert_history_alert alerts alerts_state failover_locks failover_locks_app failover_owners "
            "failover_plans failover_steps "
            "failover_steps_plan minute_rollups minute_rollups_minute observations observations_endpoint_time "
            "observations_time region_scores region_scores_at silences");
}

TEST_F(SqliteStoreTest, MigratesAnEmptyExistingFile) {
  write_bytes(path_, "");  // a zero-byte file is an empty SQLite database
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->schema_version(), sqlite_schema::kSqliteSchemaVersion);
}

TEST_F(SqliteStoreTest, ReopeningKeepsTheData) {
  {
    auto store = open_store();
    ASSERT_NE(store, nullptr);
    const Observation rows[] = {make_observation(kNewYear), make_observation(kNewYear + 1s)};
    ASSERT_TRUE(store->append(rows).has_value());
  }
  auto reopened = open_store();
  ASSERT_NE(reopened, nullptr);
  auto rows = reopened->observations("ec2.us-east-1", kNewYear, kNewYear + 1min);
  ASSERT_TRUE(rows.has_value()) << rows.error().message;
  EXPECT_EQ(rows->size(), 2u);
  EXPECT_EQ(reopened->schema_version(), sqlite_schema::kSqliteSchemaVersion);
}

TEST_F(SqliteStoreTest, RefusesAFileFromANewerVersionAndLeavesItAlone) {
  { ASSERT_NE(open_store(), nullptr); }
  const int newer = sqlite_schema::kSqliteSchemaVersion + 1;
  { RawDatabase(path_).exec("PRAGMA user_version = " + std::to_string(newer)); }
  const std::string before = read_bytes(path_);

  auto store = SqliteStore::open(path_.string());

  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, StoreError::Code::schema_too_new);
  EXPECT_NE(store.error().message.find("schema version " + std::to_string(newer)), std::string::npos)
      << store.error().message;
  EXPECT_NE(store.error().message.find(path_.string()), std::string::npos) << store.error().message;
  EXPECT_EQ(read_bytes(path_), before);
}

TEST_F(SqliteStoreTest, RefusesAFileThatIsNotADatabaseAndLeavesItAlone) {
  std::string garbage;
  for (int i = 0; i < 200; ++i) garbage += "endpoints:\n  - name: not a database, line " + std::to_string(i) + "\n";
  write_bytes(path_, garbage);

  auto store = SqliteStore::open(path_.string());

  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, StoreError::Code::open_failed);
  EXPECT_NE(store.error().message.find("is not a SQLite database"), std::string::npos) << store.error().message;
  EXPECT_EQ(read_bytes(path_), garbage);
  EXPECT_FALSE(std::filesystem::exists(path_.string() + "-wal"));
  EXPECT_FALSE(std::filesystem::exists(path_.string() + "-journal"));
}

TEST_F(SqliteStoreTest, AFileInAMissingDirectoryIsOpenFailed) {
  auto store = SqliteStore::open((dir_.path() / "no" / "such" / "dir" / "history.db").string());
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, StoreError::Code::open_failed);
  EXPECT_NE(store.error().message.find("no/such/dir"), std::string::npos) << store.error().message;
}

TEST_F(SqliteStoreTest, UsesWriteAheadLogging) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  const Observation row = make_observation(kNewYear);
  ASSERT_TRUE(store->append({&row, 1}).has_value());

  EXPECT_EQ(RawDatabase(path_).query_text("PRAGMA journal_mode"), "wal");  // persistent in the file
  EXPECT_TRUE(std::filesystem::exists(path_.string() + "-wal"));
}

TEST_F(SqliteStoreTest, ACorruptAnswersColumnIsAnErrorNotACrash) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  const Observation row = make_observation(kNewYear);
  ASSERT_TRUE(store->append({&row, 1}).has_value());
  RawDatabase(path_).exec("UPDATE observations SET answers = '[{\"type\": 5}'");

  auto rows = store->observations("ec2.us-east-1", kNewYear, kNewYear + 1min);

  ASSERT_FALSE(rows.has_value());
  EXPECT_EQ(rows.error().code, StoreError::Code::io);
  EXPECT_NE(rows.error().message.find("answers"), std::string::npos) << rows.error().message;
}

TEST_F(SqliteStoreTest, AnUnknownFailureKindInTheFileIsAnError) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  const Observation row = make_observation(kNewYear);
  ASSERT_TRUE(store->append({&row, 1}).has_value());
  RawDatabase(path_).exec("UPDATE observations SET failure_kind = 'gremlins'");

  auto latest = store->latest();

  ASSERT_FALSE(latest.has_value());
  EXPECT_NE(latest.error().message.find("gremlins"), std::string::npos) << latest.error().message;
}

TEST_F(SqliteStoreTest, TwoStoresOnOneFileSeeEachOthersWrites) {
  auto writer = open_store();
  auto reader = open_store();
  ASSERT_NE(writer, nullptr);
  ASSERT_NE(reader, nullptr);
  const Observation row = make_observation(kNewYear);
  ASSERT_TRUE(writer->append({&row, 1}).has_value());

  auto latest = reader->latest();
  ASSERT_TRUE(latest.has_value()) << latest.error().message;
  ASSERT_EQ(latest->size(), 1u);
}

TEST_F(SqliteStoreTest, AReadOnlyStoreSeesTheWritersRowsAndWritesNothing) {
  auto writer = open_store();
  ASSERT_NE(writer, nullptr);
  auto reader = SqliteStore::open_read_only(path_.string());
  ASSERT_TRUE(reader.has_value()) << reader.error().message;
  const Observation row = make_observation(kNewYear);
  ASSERT_TRUE(writer->append({&row, 1}).has_value());

  auto rows = (*reader)->observations("ec2.us-east-1", kNewYear, kNewYear + 1min);
  ASSERT_TRUE(rows.has_value()) << rows.error().message;
  EXPECT_EQ(rows->size(), 1u);
  EXPECT_FALSE((*reader)->append({&row, 1}).has_value());
  EXPECT_FALSE((*reader)->apply_retention(kNewYear + 48h, 24h, 24h).has_value());
  EXPECT_EQ(writer->observations("ec2.us-east-1", kNewYear, kNewYear + 1min)->size(), 1u);
}

TEST_F(SqliteStoreTest, AReadOnlyStoreNeverCreatesOrMigratesAFile) {
  EXPECT_FALSE(SqliteStore::open_read_only(path_.string()).has_value());
  EXPECT_FALSE(std::filesystem::exists(path_));

  write_bytes(path_, "");  // an empty database: schema version 0
  auto old = SqliteStore::open_read_only(path_.string());
  ASSERT_FALSE(old.has_value());
  EXPECT_NE(old.error().message.find("open it for writing first"), std::string::npos) << old.error().message;
  EXPECT_EQ(read_bytes(path_), "");
}

}  // namespace
}  // namespace rg

namespace rg {
namespace {

TEST(SqliteMigrations, AVersionOneFileIsUpgradedKeepingItsRows) {
  test::TempDir dir{"rg-sqlite-migrate-"};
  const auto path = dir.path() / "v1.db";
  {
    RawDatabase raw(path);
    raw.exec(sqlite_schema::kSqliteMigrations[0]);
    raw.exec("PRAGMA user_version = 1");
    raw.exec("INSERT INTO observations (endpoint_id, started_at, success, status, failure_kind, latency_us, rcode, "
             "used_tcp) VALUES ('s3.us-east-1', 1000, 1, 'healthy', 'none', 1500, 0, 0)");
  }
  auto store = SqliteStore::open(path.string());
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ((*store)->schema_version().value_or(0), sqlite_schema::kSqliteSchemaVersion);
  const auto rows = (*store)->observations("s3.us-east-1", from_unix_us(0), from_unix_us(2000));
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].result.latency, std::chrono::microseconds(1500));
  EXPECT_FALSE((*rows)[0].result.http);
  EXPECT_TRUE((*rows)[0].result.warnings.empty());
}

}  // namespace
}  // namespace rg
