#include "store/sqlite_store.h"

#include <algorithm>
#include <limits>

#include "store/answers_codec.h"
#include "store/details_codec.h"
#include "store/sqlite_schema.h"

namespace rg {
namespace {

using sqlite::Connection;
using sqlite::Statement;
using sqlite::Transaction;

constexpr std::int64_t kMinuteUs = 60'000'000;

constexpr const char* kInsertSql = R"sql(
INSERT INTO observations (endpoint_id, started_at, success, status, failure_kind, latency_us, rcode, used_tcp,
                          answers, error, details)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11))sql";

// Column order every observation read returns; see read_row().
#define RG_OBSERVATION_COLUMNS \
  "endpoint_id, started_at, success, status, failure_kind, latency_us, rcode, used_tcp, answers, error, details"

constexpr const char* kSelectRangeSql = "SELECT " RG_OBSERVATION_COLUMNS R"sql(
FROM observations
WHERE endpoint_id = ?1 AND started_at >= ?2 AND started_at < ?3
ORDER BY started_at, id
LIMIT ?4)sql";

// Newest row per endpoint in O(endpoints * log rows): the recursive CTE hops from one endpoint_id
// to the next along the (endpoint_id, started_at) index instead of scanning every row, and each
// endpoint's newest row is one descending index probe.
constexpr const char* kSelectLatestSql = R"sql(
WITH RECURSIVE endpoints(id) AS (
  SELECT MIN(endpoint_id) FROM observations
  UNION ALL
  SELECT (SELECT MIN(endpoint_id) FROM observations WHERE endpoint_id > endpoints.id)
  FROM endpoints WHERE endpoints.id IS NOT NULL
)
SELECT )sql" RG_OBSERVATION_COLUMNS R"sql(
FROM endpoints
JOIN observations ON observations.id = (
  SELECT id FROM observations WHERE endpoint_id = endpoints.id ORDER BY started_at DESC, id DESC LIMIT 1)
ORDER BY endpoints.id)sql";

#undef RG_OBSERVATION_COLUMNS

// One statement, so raw rows and rollups are read from the same snapshot even while a
// retention pass runs on another connection. A rollup counts only when its minute has no raw
// rows left, so a minute is never counted twice.
constexpr const char* kSelectUptimeSql = R"sql(
SELECT COALESCE(SUM(total), 0), COALESCE(SUM(successes), 0), COALESCE(SUM(healthy), 0),
       COALESCE(SUM(warning), 0), COALESCE(SUM(critical), 0)
FROM (
  SELECT COUNT(*) AS total, SUM(success) AS successes, SUM(status = 'healthy') AS healthy,
         SUM(status = 'warning') AS warning, SUM(status = 'critical') AS critical
  FROM observations
  WHERE endpoint_id = ?1 AND started_at >= ?2 AND started_at < ?3
  UNION ALL
  SELECT r.total, r.successes, r.healthy, r.warning, r.critical
  FROM minute_rollups AS r
  WHERE r.endpoint_id = ?1 AND r.minute >= ?2 AND r.minute < ?3
    AND NOT EXISTS (SELECT 1 FROM observations AS o
                    WHERE o.endpoint_id = r.endpoint_id AND o.started_at >= r.minute
                      AND o.started_at < r.minute + 60000000)
))sql";

constexpr const char* kSelectRollupsSql = R"sql(
SELECT endpoint_id, minute, total, successes, healthy, warning, critical, latency_sum_us, latency_max_us
FROM minute_rollups
WHERE endpoint_id = ?1 AND minute >= ?2 AND minute < ?3
ORDER BY minute)sql";

// Bucket starts are whole multiples of the step (?4 / ?3 below) since the epoch; the modulo form
// floors negative times too, as in kRollUpRawSql. Raw rows are grouped first, so the union adds
// one row per bucket rather than one per observation. Rollups count only for minutes without raw
// rows, as in kSelectUptimeSql.
constexpr const char* kSelectHistorySql = R"sql(
SELECT bucket, SUM(total), SUM(successes), SUM(healthy), SUM(warning), SUM(critical), SUM(latency_sum),
       MAX(latency_max)
FROM (
  SELECT started_at - ((started_at % ?4) + ?4) % ?4 AS bucket, COUNT(*) AS total, SUM(success) AS successes,
         SUM(status = 'healthy') AS healthy, SUM(status = 'warning') AS warning, SUM(status = 'critical') AS critical,
         SUM(latency_us) AS latency_sum, MAX(latency_us) AS latency_max
  FROM observations
  WHERE endpoint_id = ?1 AND started_at >= ?2 AND started_at < ?3
  GROUP BY bucket
  UNION ALL
  SELECT r.minute - ((r.minute % ?4) + ?4) % ?4, r.total, r.successes, r.healthy, r.warning, r.critical,
         r.latency_sum_us, r.latency_max_us
  FROM minute_rollups AS r
  WHERE r.endpoint_id = ?1 AND r.minute >= ?2 AND r.minute < ?3
    AND NOT EXISTS (SELECT 1 FROM observations AS o
                    WHERE o.endpoint_id = r.endpoint_id AND o.started_at >= r.minute
                      AND o.started_at < r.minute + 60000000)
)
GROUP BY bucket
ORDER BY bucket)sql";

// Each endpoint's worst severity per bucket (0 healthy, 1 warning, 2 critical), then counted.
constexpr const char* kSelectStateCountsSql = R"sql(
SELECT bucket, SUM(worst = 0), SUM(worst = 1), SUM(worst = 2)
FROM (
  SELECT endpoint_id, bucket, MAX(severity) AS worst
  FROM (
    SELECT endpoint_id, started_at - ((started_at % ?3) + ?3) % ?3 AS bucket,
           MAX(CASE status WHEN 'healthy' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END) AS severity
    FROM observations
    WHERE started_at >= ?1 AND started_at < ?2
    GROUP BY endpoint_id, bucket
    UNION ALL
    SELECT r.endpoint_id, r.minute - ((r.minute % ?3) + ?3) % ?3,
           CASE WHEN r.critical > 0 THEN 2 WHEN r.warning > 0 THEN 1 ELSE 0 END
    FROM minute_rollups AS r
    WHERE r.minute >= ?1 AND r.minute < ?2
      AND NOT EXISTS (SELECT 1 FROM observations AS o
                      WHERE o.endpoint_id = r.endpoint_id AND o.started_at >= r.minute
                        AND o.started_at < r.minute + 60000000)
  )
  GROUP BY endpoint_id, bucket
)
GROUP BY bucket
ORDER BY bucket)sql";

// Adds raw rows older than ?1 into their minute's rollup; a minute rolled up before (rows that
// arrived late) is added to, not replaced. The modulo form floors negative times correctly too.
constexpr const char* kRollUpRawSql = R"sql(
INSERT INTO minute_rollups (endpoint_id, minute, total, successes, healthy, warning, critical,
                            latency_sum_us, latency_max_us)
SELECT endpoint_id, started_at - ((started_at % 60000000) + 60000000) % 60000000 AS minute_start,
       COUNT(*), SUM(success), SUM(status = 'healthy'), SUM(status = 'warning'), SUM(status = 'critical'),
       SUM(latency_us), MAX(latency_us)
FROM observations
WHERE started_at < ?1
GROUP BY endpoint_id, minute_start
ON CONFLICT (endpoint_id, minute) DO UPDATE SET
  total = total + excluded.total,
  successes = successes + excluded.successes,
  healthy = healthy + excluded.healthy,
  warning = warning + excluded.warning,
  critical = critical + excluded.critical,
  latency_sum_us = latency_sum_us + excluded.latency_sum_us,
  latency_max_us = MAX(latency_max_us, excluded.latency_max_us))sql";

constexpr const char* kDeleteRawSql = "DELETE FROM observations WHERE started_at < ?1";
constexpr const char* kDeleteRollupsSql = "DELETE FROM minute_rollups WHERE minute < ?1";

std::unexpected<StoreError> fail(StoreError::Code code, std::string message) {
  return std::unexpected(StoreError{code, std::move(message)});
}

std::unexpected<StoreError> open_failed(const std::string& path, const StoreError& cause) {
  return fail(StoreError::Code::open_failed, "cannot open store '" + path + "': " + cause.message);
}

StoreResult<int> read_user_version(sqlite3* db) {
  auto statement = Statement::prepare(db, "PRAGMA user_version");
  if (!statement) return std::unexpected(statement.error());
  auto row = statement->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return fail(StoreError::Code::io, "PRAGMA user_version returned no row");
  return static_cast<int>(statement->int64(0));
}

StoreResult<Connection> open_connection(const std::string& path, bool read_only = false) {
  const int mode = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  auto db = sqlite::open_connection(path, mode, "sqlite3_open_v2");
  if (!db) return open_failed(path, db.error());
  return db;
}

// Reads the schema version without writing anything: a file that is not ours, or is newer than
// this binary, must come back exactly as it was.
StoreResult<int> check_schema_version(sqlite3* db, const std::string& path) {
  auto version = read_user_version(db);
  if (!version) {
    const int rc = sqlite3_errcode(db) & 0xff;
    if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) {
      return fail(StoreError::Code::open_failed,
                  "'" + path + "' is not a SQLite database (" + sqlite3_errmsg(db) + "); it was left untouched");
    }
    return open_failed(path, version.error());
  }
  if (*version < 0) {
    return fail(StoreError::Code::open_failed, "'" + path + "' has schema version " + std::to_string(*version) +
                                                   ", which no regionguard writes; it was left untouched");
  }
  if (*version > sqlite_schema::kSqliteSchemaVersion) {
    return fail(StoreError::Code::schema_too_new, "'" + path + "' has schema version " + std::to_string(*version) +
                                                      " but this regionguard knows " + "versions up to " +
                                                      std::to_string(sqlite_schema::kSqliteSchemaVersion) +
                                                      "; it was written by a newer regionguard and was left untouched");
  }
  return version;
}

StoreResult<void> configure(sqlite3* db, const std::string& path) {
  auto mode = Statement::prepare(db, "PRAGMA journal_mode = WAL");
  if (!mode) return open_failed(path, mode.error());
  auto row = mode->step();
  if (!row) return open_failed(path, row.error());
  const std::string journal_mode = *row ? mode->text(0) : "";
  // ":memory:" databases cannot use WAL and report "memory"; a file must end up in WAL.
  if (journal_mode != "wal" && journal_mode != "memory") {
    return fail(StoreError::Code::open_failed, "cannot switch '" + path + "' to WAL mode (got '" + journal_mode + "')");
  }
  // In WAL mode synchronous=NORMAL never corrupts the database and loses no committed
  // transaction when the process is killed: commits reach the WAL file in the OS page cache at
  // once. Only an OS crash or power loss may roll back the last few commits (fsync happens at
  // checkpoints). That is the right trade for monitoring history, and much faster than FULL.
  if (auto ok = sqlite::exec(db, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON", "configuring"); !ok) {
    return open_failed(path, ok.error());
  }
  return {};
}

// Applies each pending migration in its own transaction, re-reading the version under the write
// lock so two processes opening a new file at once do not both migrate it.
StoreResult<void> migrate(sqlite3* db, const std::string& path) {
  while (true) {
    auto transaction = Transaction::begin(db);
    if (!transaction) return open_failed(path, transaction.error());
    auto version = check_schema_version(db, path);
    if (!version) return std::unexpected(version.error());
    if (*version == sqlite_schema::kSqliteSchemaVersion) return {};  // up to date; the guard rolls back a no-op
    const int target = *version + 1;
    const std::string what = "migrating to schema version " + std::to_string(target);
    if (auto ok = sqlite::exec(db, sqlite_schema::kSqliteMigrations[*version], what); !ok)
      return open_failed(path, ok.error());
    const std::string bump = "PRAGMA user_version = " + std::to_string(target);
    if (auto ok = sqlite::exec(db, bump.c_str(), what); !ok) return open_failed(path, ok.error());
    if (auto ok = transaction->commit(); !ok) return open_failed(path, ok.error());
  }
}

StoreResult<Observation> read_row(const Statement& row) {
  Observation observation;
  ProbeResult& result = observation.result;
  result.endpoint_id = row.text(0);
  result.started_at = from_unix_us(row.int64(1));
  result.success = row.int64(2) != 0;
  const auto status = health_status_from_string(row.text(3));
  if (!status) return fail(StoreError::Code::io, "stored status '" + row.text(3) + "' is not a health status");
  observation.status = *status;
  const auto failure = failure_kind_from_string(row.text(4));
  if (!failure) return fail(StoreError::Code::io, "stored failure_kind '" + row.text(4) + "' is not a failure kind");
  result.failure = *failure;
  result.latency = std::chrono::microseconds{row.int64(5)};
  result.rcode = static_cast<int>(row.int64(6));
  result.used_tcp = row.int64(7) != 0;
  auto answers = decode_answers(row.text(8));
  if (!answers) return std::unexpected(answers.error());
  result.answers = std::move(*answers);
  result.error = row.text(9);
  if (auto details = decode_details(row.text(10), result); !details) return std::unexpected(details.error());
  return observation;
}

std::int64_t floor_to_minute_us(TimePoint t) { return to_unix_us(std::chrono::floor<std::chrono::minutes>(t)); }

StoreResult<void> check_retention(std::chrono::hours raw_retention, std::chrono::hours rollup_retention) {
  if (raw_retention.count() < 0 || rollup_retention < raw_retention) {
    return fail(StoreError::Code::bad_argument, "retention needs rollup_retention >= raw_retention >= 0 (got raw " +
                                                    std::to_string(raw_retention.count()) + "h, rollup " +
                                                    std::to_string(rollup_retention.count()) + "h)");
  }
  return {};
}

}  // namespace

StoreResult<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path) {
  auto db = open_connection(path);
  if (!db) return std::unexpected(db.error());
  // Read the version before anything can write to the file (journal_mode = WAL rewrites the header).
  auto version = check_schema_version(db->get(), path);
  if (!version) return std::unexpected(version.error());
  if (auto ok = configure(db->get(), path); !ok) return std::unexpected(ok.error());
  if (*version < sqlite_schema::kSqliteSchemaVersion) {
    if (auto ok = migrate(db->get(), path); !ok) return std::unexpected(ok.error());
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(*db)));
  if (auto ok = store->prepare_statements(); !ok) return open_failed(path, ok.error());
  return store;
}

StoreResult<std::unique_ptr<SqliteStore>> SqliteStore::open_read_only(const std::string& path) {
  auto db = open_connection(path, true);
  if (!db) return std::unexpected(db.error());
  auto version = check_schema_version(db->get(), path);
  if (!version) return std::unexpected(version.error());
  if (*version != sqlite_schema::kSqliteSchemaVersion) {
    return fail(StoreError::Code::open_failed, "'" + path + "' has schema version " + std::to_string(*version) +
                                                   ", not " + std::to_string(sqlite_schema::kSqliteSchemaVersion) +
                                                   "; open it for writing first to migrate it");
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(*db)));
  if (auto ok = store->prepare_statements(); !ok) return open_failed(path, ok.error());
  return store;
}

StoreResult<void> SqliteStore::prepare_statements() {
  const std::pair<Statement*, const char*> all[] = {
      {&insert_, kInsertSql},
      {&select_range_, kSelectRangeSql},
      {&select_latest_, kSelectLatestSql},
      {&select_uptime_, kSelectUptimeSql},
      {&select_rollups_, kSelectRollupsSql},
      {&select_history_, kSelectHistorySql},
      {&select_state_counts_, kSelectStateCountsSql},
      {&roll_up_raw_, kRollUpRawSql},
      {&delete_raw_, kDeleteRawSql},
      {&delete_rollups_, kDeleteRollupsSql},
  };
  for (const auto& [statement, sql] : all) {
    auto prepared = Statement::prepare(db_.get(), sql);
    if (!prepared) return std::unexpected(prepared.error());
    *statement = std::move(*prepared);
  }
  return {};
}

StoreResult<int> SqliteStore::schema_version() {
  std::lock_guard lock(mutex_);
  return read_user_version(db_.get());
}

StoreResult<void> SqliteStore::insert_row(const Observation& observation) {
  const ProbeResult& result = observation.result;
  auto answers = encode_answers(result.answers);
  if (!answers) return std::unexpected(answers.error());
  auto details = encode_details(result);
  if (!details) return std::unexpected(details.error());
  auto run = insert_.run();
  insert_.bind(1, result.endpoint_id)
      .bind(2, to_unix_us(result.started_at))
      .bind(3, result.success ? 1 : 0)
      .bind(4, to_string(observation.status))
      .bind(5, to_string(result.failure))
      .bind(6, result.latency.count())
      .bind(7, result.rcode)
      .bind(8, result.used_tcp ? 1 : 0)
      .bind(9, *answers)
      .bind(10, result.error)
      .bind(11, *details);
  auto done = insert_.step();
  if (!done) return std::unexpected(done.error());
  return {};
}

StoreResult<void> SqliteStore::append(std::span<const Observation> batch) {
  if (batch.empty()) return {};
  std::lock_guard lock(mutex_);
  auto transaction = Transaction::begin(db_.get());
  if (!transaction) return std::unexpected(transaction.error());
  for (const Observation& observation : batch) {
    if (auto ok = insert_row(observation); !ok) return ok;  // the transaction guard rolls the batch back
  }
  return transaction->commit();
}

StoreResult<std::vector<Observation>> SqliteStore::read_observations(Statement& statement) {
  std::vector<Observation> rows;
  while (true) {
    auto has_row = statement.step();
    if (!has_row) return std::unexpected(has_row.error());
    if (!*has_row) return rows;
    auto row = read_row(statement);
    if (!row) return std::unexpected(row.error());
    rows.push_back(std::move(*row));
  }
}

StoreResult<std::vector<Observation>> SqliteStore::observations(const std::string& endpoint_id, TimePoint from,
                                                                TimePoint to, std::size_t limit) {
  const auto max_limit = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  std::lock_guard lock(mutex_);
  auto run = select_range_.run();
  select_range_.bind(1, endpoint_id)
      .bind(2, to_unix_us(from))
      .bind(3, to_unix_us(to))
      .bind(4, static_cast<std::int64_t>(std::min(limit, max_limit)));
  return read_observations(select_range_);
}

StoreResult<std::vector<Observation>> SqliteStore::latest() {
  std::lock_guard lock(mutex_);
  auto run = select_latest_.run();
  return read_observations(select_latest_);
}

StoreResult<UptimeStats> SqliteStore::uptime(const std::string& endpoint_id, TimePoint from, TimePoint to) {
  std::lock_guard lock(mutex_);
  auto run = select_uptime_.run();
  select_uptime_.bind(1, endpoint_id).bind(2, to_unix_us(from)).bind(3, to_unix_us(to));
  auto has_row = select_uptime_.step();
  if (!has_row) return std::unexpected(has_row.error());
  UptimeStats stats;
  if (!*has_row) return stats;
  stats.total = select_uptime_.int64(0);
  stats.successes = select_uptime_.int64(1);
  stats.healthy = select_uptime_.int64(2);
  stats.warning = select_uptime_.int64(3);
  stats.critical = select_uptime_.int64(4);
  return stats;
}

StoreResult<std::vector<MinuteRollup>> SqliteStore::rollups(const std::string& endpoint_id, TimePoint from,
                                                            TimePoint to) {
  std::lock_guard lock(mutex_);
  auto run = select_rollups_.run();
  select_rollups_.bind(1, endpoint_id).bind(2, to_unix_us(from)).bind(3, to_unix_us(to));
  std::vector<MinuteRollup> rows;
  while (true) {
    auto has_row = select_rollups_.step();
    if (!has_row) return std::unexpected(has_row.error());
    if (!*has_row) return rows;
    const Statement& row = select_rollups_;
    rows.push_back(MinuteRollup{row.text(0), from_unix_us(row.int64(1)), row.int64(2), row.int64(3), row.int64(4),
                                row.int64(5), row.int64(6), row.int64(7), row.int64(8)});
  }
}

StoreResult<std::vector<HistoryBucket>> SqliteStore::history(const std::string& endpoint_id, TimePoint from,
                                                             TimePoint to, std::chrono::microseconds step) {
  if (step.count() <= 0) return fail(StoreError::Code::bad_argument, "history needs a step greater than 0");
  std::lock_guard lock(mutex_);
  auto run = select_history_.run();
  select_history_.bind(1, endpoint_id).bind(2, to_unix_us(from)).bind(3, to_unix_us(to)).bind(4, step.count());
  std::vector<HistoryBucket> buckets;
  while (true) {
    auto has_row = select_history_.step();
    if (!has_row) return std::unexpected(has_row.error());
    if (!*has_row) return buckets;
    const Statement& row = select_history_;
    buckets.push_back(HistoryBucket{from_unix_us(row.int64(0)), row.int64(1), row.int64(2), row.int64(3),
                                    row.int64(4), row.int64(5), row.int64(6), row.int64(7)});
  }
}

StoreResult<std::vector<StateCountBucket>> SqliteStore::state_counts(TimePoint from, TimePoint to,
                                                                     std::chrono::microseconds step) {
  if (step.count() <= 0) return fail(StoreError::Code::bad_argument, "state counts need a step greater than 0");
  std::lock_guard lock(mutex_);
  auto run = select_state_counts_.run();
  select_state_counts_.bind(1, to_unix_us(from)).bind(2, to_unix_us(to)).bind(3, step.count());
  std::vector<StateCountBucket> buckets;
  while (true) {
    auto has_row = select_state_counts_.step();
    if (!has_row) return std::unexpected(has_row.error());
    if (!*has_row) return buckets;
    const Statement& row = select_state_counts_;
    buckets.push_back(StateCountBucket{from_unix_us(row.int64(0)), row.int64(1), row.int64(2), row.int64(3)});
  }
}

StoreResult<void> SqliteStore::apply_retention(TimePoint now, std::chrono::hours raw_retention,
                                               std::chrono::hours rollup_retention) {
  if (auto ok = check_retention(raw_retention, rollup_retention); !ok) return ok;
  const std::int64_t raw_cutoff = floor_to_minute_us(now - raw_retention);
  const std::int64_t rollup_cutoff = floor_to_minute_us(now - rollup_retention);

  std::lock_guard lock(mutex_);
  auto transaction = Transaction::begin(db_.get());
  if (!transaction) return std::unexpected(transaction.error());
  // Roll up, then delete: inside one transaction a reader sees either the raw rows or their
  // rollup, never both and never neither.
  const std::pair<Statement*, std::int64_t> steps[] = {
      {&roll_up_raw_, raw_cutoff}, {&delete_raw_, raw_cutoff}, {&delete_rollups_, rollup_cutoff}};
  for (const auto& [statement, cutoff] : steps) {
    auto run = statement->run();
    statement->bind(1, cutoff);
    if (auto done = statement->step(); !done) return std::unexpected(done.error());
  }
  if (auto ok = delete_region_scores_before(raw_cutoff); !ok) return ok;
  return transaction->commit();
}

}  // namespace rg
