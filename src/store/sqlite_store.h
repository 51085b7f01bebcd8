#pragma once
// The default history store: one local SQLite file in WAL mode. Schema in sqlite_schema.h.
//
// Thread safety: every call takes an internal mutex, so one SqliteStore may be shared between the
// BatchWriter's worker and readers. For reads that should not wait behind a write batch, open a
// second SqliteStore on the same file: WAL lets readers run alongside the writer.
#include <memory>
#include <mutex>
#include <string>

#include "store/sqlite_handles.h"
#include "store/store.h"

namespace rg {

class SqliteStore final : public Store {
 public:
  // Opens or creates the database at `path` and brings its schema up to date.
  //   open_failed:    the file cannot be opened, is not a SQLite database, or a migration failed
  //   schema_too_new: the file was written by a newer regionguard; it is left untouched
  static StoreResult<std::unique_ptr<SqliteStore>> open(const std::string& path);
  // Opens an existing database for reading only (the API's history queries): nothing is created,
  // migrated or written; append() and apply_retention() fail. The file must already have this
  // binary's schema version (the daemon's writer connection migrates it first).
  static StoreResult<std::unique_ptr<SqliteStore>> open_read_only(const std::string& path);

  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;
  ~SqliteStore() override = default;

  StoreResult<void> append(std::span<const Observation> batch) override;
  StoreResult<std::vector<Observation>> observations(const std::string& endpoint_id, TimePoint from, TimePoint to,
                                                     std::size_t limit = 10'000) override;
  // Ordered by endpoint_id; ties on started_at go to the row appended last.
  StoreResult<std::vector<Observation>> latest() override;
  // Rollups are whole minutes: one counts when its minute starts in [from, to) and that endpoint
  // has no raw rows left in the minute.
  StoreResult<UptimeStats> uptime(const std::string& endpoint_id, TimePoint from, TimePoint to) override;
  StoreResult<std::vector<MinuteRollup>> rollups(const std::string& endpoint_id, TimePoint from, TimePoint to) override;
  StoreResult<std::vector<HistoryBucket>> history(const std::string& endpoint_id, TimePoint from, TimePoint to,
                                                  std::chrono::microseconds step) override;
  StoreResult<std::vector<StateCountBucket>> state_counts(TimePoint from, TimePoint to,
                                                          std::chrono::microseconds step) override;
  // Both cutoffs are rounded down to a whole minute, so a minute is either all raw or all rolled
  // up. rollup_retention must be >= raw_retention >= 0 (bad_argument otherwise).
  StoreResult<void> apply_retention(TimePoint now, std::chrono::hours raw_retention,
                                    std::chrono::hours rollup_retention) override;

  StoreResult<void> append_region_scores(std::span<const RegionScoreRecord> scores) override;
  StoreResult<std::vector<RegionScoreRecord>> region_scores(const std::string& region, TimePoint from,
                                                            TimePoint to) override;

  // PRAGMA user_version of the open file.
  StoreResult<int> schema_version();

 private:
  explicit SqliteStore(sqlite::Connection db) : db_(std::move(db)) {}
  StoreResult<void> prepare_statements();
  StoreResult<void> insert_row(const Observation& observation);
  StoreResult<std::vector<Observation>> read_observations(sqlite::Statement& statement);
  StoreResult<void> delete_region_scores_before(std::int64_t cutoff_us);  // mutex_ held, in a transaction

  std::mutex mutex_;
  sqlite::Connection db_;  // declared before the statements, so it is closed after they are finalized
  sqlite::Statement insert_;
  sqlite::Statement select_range_;
  sqlite::Statement select_latest_;
  sqlite::Statement select_uptime_;
  sqlite::Statement select_rollups_;
  sqlite::Statement select_history_;
  sqlite::Statement select_state_counts_;
  sqlite::Statement roll_up_raw_;
  sqlite::Statement delete_raw_;
  sqlite::Statement delete_rollups_;
};

}  // namespace rg
