#pragma once
// The failover journal and owner lease in the SQLite store: the single-host implementation of
// FailoverJournal. Its own connection with synchronous = FULL (a step is only safe to start once
// its row is on disk); the daemon's other writers share the file through WAL. Every check and the
// write it guards run in one BEGIN IMMEDIATE transaction, so two processes on the same file
// (the daemon and the CLI) serialize on SQLite's write lock.
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "store/failover_journal.h"
#include "store/sqlite_handles.h"

namespace rg {

class SqliteFailoverJournal final : public FailoverJournal {
 public:
  // Opens (creating and migrating, as SqliteStore::open) the database at `path`.
  static StoreResult<std::unique_ptr<FailoverJournal>> open(const std::string& path);

  StoreResult<std::int64_t> next_generation(const std::string& app) override;
  StoreResult<JournalWrite> begin_plan(const JournalPlan& plan, const std::string& owner) override;
  StoreResult<JournalWrite> supersede(const JournalPlan& plan, std::int64_t superseded,
                                      const std::string& owner) override;
  StoreResult<JournalWrite> record_step(const std::string& app, std::int64_t generation,
                                        const JournalStep& step) override;
  StoreResult<JournalWrite> record_undo_state(const std::string& app, std::int64_t generation, int step,
                                              const std::string& state) override;
  StoreResult<JournalWrite> mark_ready(const std::string& app, std::int64_t generation, TimePoint at) override;
  StoreResult<JournalWrite> finish_plan(const std::string& app, std::int64_t generation, PlanState expected,
                                        PlanState state, TimePoint at, const std::string& detail) override;
  StoreResult<std::optional<JournalPlan>> latest(const std::string& app) override;
  StoreResult<std::vector<JournalPlan>> plans(const std::string& app, int limit) override;
  StoreResult<LeaseAnswer> acquire_lease(const std::string& app, const LeaseHolder& holder, TimePoint now,
                                         std::chrono::milliseconds ttl) override;
  StoreResult<void> release_lease(const std::string& app, const std::string& owner) override;
  StoreResult<std::optional<Lease>> lease(const std::string& app) override;
  StoreResult<void> set_lock(const std::string& app, const LockState& state) override;
  StoreResult<LockState> lock(const std::string& app) override;

 private:
  explicit SqliteFailoverJournal(sqlite::Connection db) : db_(std::move(db)) {}
  StoreResult<std::int64_t> newest_generation(const std::string& app);
  StoreResult<std::optional<Lease>> read_lease(const std::string& app);
  StoreResult<JournalWrite> insert_plan(const JournalPlan& plan, const std::string& owner);
  StoreResult<JournalWrite> fenced_write(const std::string& app, std::int64_t generation,
                                         const std::function<StoreResult<JournalWrite>()>& write);
  std::mutex mutex_;
  sqlite::Connection db_;
};

}  // namespace rg
