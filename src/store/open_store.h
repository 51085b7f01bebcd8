#pragma once
// The one way the rest of the program opens the store: from its StoreConfig and what the caller
// is going to do with it. Like Gatus's storage.Initialize(cfg), this is the only place that knows
// which backend serves the configuration (SQLite, one local file, today), so a second backend is
// added here and nowhere else.
#include <memory>

#include "config/config.h"
#include "store/failover_journal.h"
#include "store/sqlite_alert_store.h"
#include "store/store.h"

namespace rg {

// How a caller uses the store. The modes differ in what is opened and whether the file may be
// created or migrated; each part's own connection settings (busy timeout, WAL, synchronous) are
// the backend's and the same in every mode.
enum class StoreAccess {
  // The daemon's writer, and commands that act like it (`failover`, `probe` reading uptime):
  // creates the file if needed, migrates it to this binary's schema, and opens the history, the
  // alerts and the failover journal, each on a connection of its own so their writers run side
  // by side (the journal's commits reach the disk before a step runs).
  read_write,
  // Readers beside the daemon (the API's history queries, anomaly fits): the history only, on a
  // connection that never creates, migrates or writes; the file must already have this binary's
  // schema (the writer migrates it first).
  read_only,
  // Retention passes: the history only, on a connection of their own so that a long rollup never
  // holds the writer's lock; created and migrated like read_write, since a pass may run first.
  maintenance,
};

// What open_store() hands back. Parts a mode does not open are null.
struct OpenedStore {
  std::unique_ptr<Store> history;
  std::unique_ptr<SqliteAlertStore> alerts;   // read_write only
  std::unique_ptr<FailoverJournal> journal;   // read_write only
};

// Opens the store `config` names, in `access` mode. An error names the file and what went wrong
// (open_failed, or schema_too_new for a file written by a newer regionguard, left untouched).
StoreResult<OpenedStore> open_store(const StoreConfig& config, StoreAccess access);

}  // namespace rg
