#include "store/open_store.h"

#include "store/sqlite_failover_journal.h"
#include "store/sqlite_store.h"

namespace rg {

StoreResult<OpenedStore> open_store(const StoreConfig& config, StoreAccess access) {
  OpenedStore opened;
  // The history first: in read_write and maintenance it creates and migrates the file, so the
  // other parts open a file that is already up to date.
  auto history = access == StoreAccess::read_only ? SqliteStore::open_read_only(config.path)
                                                  : SqliteStore::open(config.path);
  if (!history) return std::unexpected(history.error());
  opened.history = std::move(*history);
  if (access != StoreAccess::read_write) return opened;

  auto alerts = SqliteAlertStore::open(config.path);
  if (!alerts) return std::unexpected(alerts.error());
  opened.alerts = std::move(*alerts);
  auto journal = SqliteFailoverJournal::open(config.path);
  if (!journal) return std::unexpected(journal.error());
  opened.journal = std::move(*journal);
  return opened;
}

}  // namespace rg
