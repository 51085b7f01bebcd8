#pragma once
// Alerts, their history and silences in the daemon's SQLite file (tables of schema version 3,
// sqlite_schema.h), so that they survive a restart. Its own connection: the daemon writes here
// from a worker thread beside the BatchWriter's, and WAL lets both run.
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "core/alert.h"
#include "store/sqlite_handles.h"
#include "store/store.h"

namespace rg {

class SqliteAlertStore {
 public:
  // Opens (and, like SqliteStore::open, creates and migrates) the database at `path`.
  static StoreResult<std::unique_ptr<SqliteAlertStore>> open(const std::string& path);

  // Upserts the alerts by id and appends the history entries, in one transaction.
  StoreResult<void> save(std::span<const Alert> alerts, std::span<const AlertHistoryEntry> history);
  // Pending and firing alerts, then the `resolved_limit` most recently resolved ones (oldest first).
  StoreResult<std::vector<Alert>> load(std::size_t resolved_limit = 100);
  // One alert's transitions, oldest first.
  StoreResult<std::vector<AlertHistoryEntry>> history(const std::string& alert_id);

  // Stores a silence and returns its id.
  StoreResult<std::int64_t> add_silence(const Silence& silence);
  // Silences not yet expired at `now`.
  StoreResult<std::vector<Silence>> silences(TimePoint now);

 private:
  explicit SqliteAlertStore(sqlite::Connection db) : db_(std::move(db)) {}
  std::mutex mutex_;
  sqlite::Connection db_;
};

}  // namespace rg
