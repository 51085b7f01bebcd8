#include "store/sqlite_failover_journal.h"

#include <signal.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "store/sqlite_store.h"

namespace rg {
namespace {

using sqlite::Statement;

constexpr std::array plan_state_names{"running",  "completed", "rolled_back", "rollback_failed",
                                      "not_ready", "fenced",    "proposed",    "approved",
                                      "declined",  "halted",    "expired",     "withdrawn"};
constexpr std::array step_phase_names{"started", "done", "failed", "undo_started", "undone", "undo_failed"};

template <typename Enum, std::size_t N>
std::optional<Enum> from_name(const std::array<const char*, N>& names, std::string_view name) {
  for (std::size_t i = 0; i < N; ++i)
    if (name == names[i]) return static_cast<Enum>(i);
  return std::nullopt;
}

std::unexpected<StoreError> corrupt(std::string message) {
  return std::unexpected(StoreError{StoreError::Code::io, std::move(message)});
}

template <typename T>
std::unexpected<StoreError> failed(const StoreResult<T>& result) {
  return std::unexpected(result.error());
}

// Runs a statement that returns no rows.
StoreResult<void> run(Statement& statement) {
  auto scope = statement.run();
  auto row = statement.step();
  if (!row) return std::unexpected(row.error());
  return {};
}

// An optional time as a nullable integer (unix microseconds).
void bind_optional_time(Statement& statement, int index, const std::optional<TimePoint>& at) {
  if (at) statement.bind(index, to_unix_us(*at));
  else statement.bind_null(index);
}

std::string host_name() {
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0) return "unknown-host";
  return name.data();
}

}  // namespace

std::string_view to_string(PlanState state) { return plan_state_names[static_cast<std::size_t>(state)]; }
std::string_view to_string(StepPhase phase) { return step_phase_names[static_cast<std::size_t>(phase)]; }

LeaseHolder this_process_holder() {
  static const LeaseHolder holder = [] {
    LeaseHolder made{"", host_name(), static_cast<std::int64_t>(getpid())};
    // The start time keeps a reused pid from passing for the process that held the lease before.
    made.owner = made.host + ":" + std::to_string(made.pid) + ":" + std::to_string(to_unix_us(now_us()));
    return made;
  }();
  return holder;
}

bool holder_alive(const LeaseHolder& holder) {
  if (holder.host != host_name() || holder.pid <= 0) return true;  // another host's processes are not ours to see
  if (holder.owner == this_process_holder().owner) return true;
  return kill(static_cast<pid_t>(holder.pid), 0) == 0 || errno != ESRCH;
}

bool lease_is_live(const Lease& lease, TimePoint now) { return lease.expires_at > now && holder_alive(lease.holder); }

StoreResult<std::unique_ptr<FailoverJournal>> SqliteFailoverJournal::open(const std::string& path) {
  // SqliteStore::open creates the file and applies every migration (the journal tables included).
  if (auto migrated = SqliteStore::open(path); !migrated) return std::unexpected(migrated.error());
  auto db = sqlite::open_connection(path, SQLITE_OPEN_READWRITE, "opening the failover journal");
  if (!db) return std::unexpected(db.error());
  // A journal entry that is not on disk when the step runs is worth nothing after a crash.
  if (auto sync = sqlite::exec(db->get(), "PRAGMA synchronous = FULL", "setting synchronous"); !sync)
    return std::unexpected(sync.error());
  return std::unique_ptr<FailoverJournal>(new SqliteFailoverJournal(std::move(*db)));
}

StoreResult<std::int64_t> SqliteFailoverJournal::newest_generation(const std::string& app) {
  auto select = Statement::prepare(db_.get(), "SELECT COALESCE(MAX(generation), 0) FROM failover_plans WHERE app = ?1");
  if (!select) return failed(select);
  auto scope = select->run();
  select->bind(1, app);
  auto row = select->step();
  if (!row) return failed(row);
  return *row ? select->int64(0) : 0;
}

StoreResult<std::int64_t> SqliteFailoverJournal::next_generation(const std::string& app) {
  std::lock_guard lock(mutex_);
  auto newest = newest_generation(app);
  if (!newest) return newest;
  return *newest + 1;
}

// Inside a write transaction: the generation and lease checks, then the row.
StoreResult<JournalWrite> SqliteFailoverJournal::insert_plan(const JournalPlan& plan, const std::string& owner) {
  auto newest = newest_generation(plan.app);
  if (!newest) return failed(newest);
  if (plan.generation <= *newest) return JournalWrite::fenced;
  auto holder = read_lease(plan.app);
  if (!holder) return failed(holder);
  if (!*holder || (*holder)->holder.owner != owner || (*holder)->expires_at <= plan.created_at)
    return JournalWrite::conflict;
  auto insert = Statement::prepare(db_.get(), R"sql(
INSERT INTO failover_plans (app, generation, kind, from_region, to_region, state, created_at, updated_at, detail,
                            fingerprint, owner, failing_since, decided_at, started_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9, ?10, ?11, ?12, CASE WHEN ?6 = 'running' THEN ?7 END))sql");
  if (!insert) return failed(insert);
  insert->bind(1, plan.app).bind(2, plan.generation).bind(3, plan.kind).bind(4, plan.from).bind(5, plan.to);
  insert->bind(6, to_string(plan.state)).bind(7, to_unix_us(plan.created_at)).bind(8, plan.detail);
  insert->bind(9, plan.fingerprint).bind(10, owner);
  bind_optional_time(*insert, 11, plan.failing_since);
  bind_optional_time(*insert, 12, plan.decided_at);
  if (auto done = run(*insert); !done) return failed(done);
  return JournalWrite::ok;
}

StoreResult<JournalWrite> SqliteFailoverJournal::begin_plan(const JournalPlan& plan, const std::string& owner) {
  std::lock_guard lock(mutex_);
  // The checks and the insert in one write transaction: two executors racing for the same
  // generation, or two processes both thinking they own the application, cannot both win.
  auto transaction = sqlite::Transaction::begin(db_.get());
  if (!transaction) return failed(transaction);
  auto inserted = insert_plan(plan, owner);
  if (!inserted || *inserted != JournalWrite::ok) return inserted;
  if (auto committed = transaction->commit(); !committed) return failed(committed);
  return JournalWrite::ok;
}

StoreResult<JournalWrite> SqliteFailoverJournal::supersede(const JournalPlan& plan, std::int64_t superseded,
                                                           const std::string& owner) {
  std::lock_guard lock(mutex_);
  auto transaction = sqlite::Transaction::begin(db_.get());
  if (!transaction) return failed(transaction);
  auto fence = Statement::prepare(db_.get(),
                                  "UPDATE failover_plans SET state = 'fenced', updated_at = ?3, detail = ?4 "
                                  "WHERE app = ?1 AND generation = ?2 AND state = 'running'");
  if (!fence) return failed(fence);
  // Bound text is not copied: it must outlive the statement's run.
  const std::string detail = "superseded by " + plan.kind + " #" + std::to_string(plan.generation);
  fence->bind(1, plan.app).bind(2, superseded).bind(3, to_unix_us(plan.created_at)).bind(4, detail);
  if (auto done = run(*fence); !done) return failed(done);
  if (sqlite3_changes(db_.get()) != 1) return JournalWrite::conflict;  // it finished meanwhile
  auto inserted = insert_plan(plan, owner);
  if (!inserted || *inserted != JournalWrite::ok) return inserted;
  if (auto committed = transaction->commit(); !committed) return failed(committed);
  return JournalWrite::ok;
}

// One transaction that writes for `generation` of `app` only while no newer generation exists.
StoreResult<JournalWrite> SqliteFailoverJournal::fenced_write(const std::string& app, std::int64_t generation,
                                                              const std::function<StoreResult<JournalWrite>()>& write) {
  std::lock_guard lock(mutex_);
  auto transaction = sqlite::Transaction::begin(db_.get());
  if (!transaction) return failed(transaction);
  auto newest = newest_generation(app);
  if (!newest) return failed(newest);
  if (generation < *newest) return JournalWrite::fenced;
  auto written = write();
  if (!written || *written != JournalWrite::ok) return written;  // the destructor rolls back
  if (auto committed = transaction->commit(); !committed) return failed(committed);
  return JournalWrite::ok;
}

StoreResult<JournalWrite> SqliteFailoverJournal::record_step(const std::string& app, std::int64_t generation,
                                                             const JournalStep& step) {
  return fenced_write(app, generation, [&]() -> StoreResult<JournalWrite> {
    auto insert = Statement::prepare(
        db_.get(), "INSERT INTO failover_steps (app, generation, step, name, phase, at, detail, block, parallel_group) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!insert) return failed(insert);
    insert->bind(1, app).bind(2, generation).bind(3, step.step).bind(4, step.name).bind(5, to_string(step.phase));
    insert->bind(6, to_unix_us(step.at)).bind(7, step.detail).bind(8, step.block);
    insert->bind(9, std::int64_t{step.parallel_group});
    if (auto done = run(*insert); !done) return failed(done);
    auto touch = Statement::prepare(db_.get(), "UPDATE failover_plans SET updated_at = ?3 WHERE app = ?1 AND generation = ?2");
    if (!touch) return failed(touch);
    touch->bind(1, app).bind(2, generation).bind(3, to_unix_us(step.at));
    if (auto done = run(*touch); !done) return failed(done);
    return JournalWrite::ok;
  });
}

StoreResult<JournalWrite> SqliteFailoverJournal::record_undo_state(const std::string& app, std::int64_t generation,
                                                                   int step, const std::string& state) {
  return fenced_write(app, generation, [&]() -> StoreResult<JournalWrite> {
    auto update = Statement::prepare(db_.get(),
                                     "UPDATE failover_steps SET undo_state = ?4 WHERE id = (SELECT max(id) FROM "
                                     "failover_steps WHERE app = ?1 AND generation = ?2 AND step = ?3 AND phase = 'started')");
    if (!update) return failed(update);
    update->bind(1, app).bind(2, generation).bind(3, step).bind(4, state);
    if (auto done = run(*update); !done) return failed(done);
    if (sqlite3_changes(db_.get()) != 1)
      return corrupt("failover step " + std::to_string(step + 1) + " of " + app + " generation " +
                     std::to_string(generation) + " has no started row to keep its undo state on");
    return JournalWrite::ok;
  });
}

StoreResult<JournalWrite> SqliteFailoverJournal::mark_ready(const std::string& app, std::int64_t generation,
                                                            TimePoint at) {
  return fenced_write(app, generation, [&]() -> StoreResult<JournalWrite> {
    auto update = Statement::prepare(db_.get(),
                                     "UPDATE failover_plans SET ready_at = ?3, updated_at = ?3 "
                                     "WHERE app = ?1 AND generation = ?2 AND state = 'running'");
    if (!update) return failed(update);
    update->bind(1, app).bind(2, generation).bind(3, to_unix_us(at));
    if (auto done = run(*update); !done) return failed(done);
    return sqlite3_changes(db_.get()) == 1 ? JournalWrite::ok : JournalWrite::conflict;
  });
}

StoreResult<JournalWrite> SqliteFailoverJournal::finish_plan(const std::string& app, std::int64_t generation,
                                                             PlanState expected, PlanState state, TimePoint at,
                                                             const std::string& detail) {
  return fenced_write(app, generation, [&]() -> StoreResult<JournalWrite> {
    auto update = Statement::prepare(db_.get(),
                                     "UPDATE failover_plans SET state = ?3, updated_at = ?4, detail = ?5, "
                                     "started_at = CASE WHEN ?3 = 'running' THEN ?4 ELSE started_at END "
                                     "WHERE app = ?1 AND generation = ?2 AND state = ?6");
    if (!update) return failed(update);
    update->bind(1, app).bind(2, generation).bind(3, to_string(state)).bind(4, to_unix_us(at)).bind(5, detail);
    update->bind(6, to_string(expected));
    if (auto done = run(*update); !done) return failed(done);
    return sqlite3_changes(db_.get()) == 1 ? JournalWrite::ok : JournalWrite::conflict;
  });
}

StoreResult<std::vector<JournalPlan>> SqliteFailoverJournal::plans(const std::string& app, int limit) {
  std::lock_guard lock(mutex_);
  auto select = Statement::prepare(db_.get(), R"sql(
SELECT app, generation, kind, from_region, to_region, state, created_at, updated_at, detail, ready_at, fingerprint, owner,
       failing_since, decided_at, started_at
FROM failover_plans WHERE app = ?1 ORDER BY generation DESC LIMIT ?2)sql");
  if (!select) return failed(select);
  auto scope = select->run();
  select->bind(1, app).bind(2, std::int64_t{limit});
  std::vector<JournalPlan> out;
  while (true) {
    auto row = select->step();
    if (!row) return failed(row);
    if (!*row) break;
    JournalPlan plan;
    plan.app = select->text(0);
    plan.generation = select->int64(1);
    plan.kind = select->text(2);
    plan.from = select->text(3);
    plan.to = select->text(4);
    const auto state = from_name<PlanState>(plan_state_names, select->text(5));
    if (!state) return corrupt("failover plan " + plan.app + "#" + std::to_string(plan.generation) + " has an unknown state");
    plan.state = *state;
    plan.created_at = from_unix_us(select->int64(6));
    plan.updated_at = from_unix_us(select->int64(7));
    plan.detail = select->text(8);
    if (!select->is_null(9)) plan.ready_at = from_unix_us(select->int64(9));
    plan.fingerprint = select->text(10);
    plan.owner = select->text(11);
    if (!select->is_null(12)) plan.failing_since = from_unix_us(select->int64(12));
    if (!select->is_null(13)) plan.decided_at = from_unix_us(select->int64(13));
    if (!select->is_null(14)) plan.started_at = from_unix_us(select->int64(14));
    out.push_back(std::move(plan));
  }
  return out;
}

StoreResult<std::optional<JournalPlan>> SqliteFailoverJournal::latest(const std::string& app) {
  auto newest = plans(app, 1);
  if (!newest) return failed(newest);
  if (newest->empty()) return std::optional<JournalPlan>{};
  JournalPlan plan = std::move(newest->front());
  std::lock_guard lock(mutex_);
  auto select = Statement::prepare(
      db_.get(), "SELECT step, name, phase, at, detail, undo_state, block, parallel_group FROM failover_steps "
      "WHERE app = ?1 AND generation = ?2 "
      "ORDER BY id");
  if (!select) return failed(select);
  auto scope = select->run();
  select->bind(1, app).bind(2, plan.generation);
  while (true) {
    auto row = select->step();
    if (!row) return failed(row);
    if (!*row) break;
    const auto phase = from_name<StepPhase>(step_phase_names, select->text(2));
    if (!phase) return corrupt("failover step of " + app + " has an unknown phase");
    plan.steps.push_back({static_cast<int>(select->int64(0)), select->text(1), *phase, from_unix_us(select->int64(3)),
                          select->text(4), select->text(5), select->text(6), static_cast<int>(select->int64(7))});
  }
  return std::optional(std::move(plan));
}

StoreResult<std::optional<Lease>> SqliteFailoverJournal::read_lease(const std::string& app) {
  auto select = Statement::prepare(
      db_.get(), "SELECT owner, host, pid, heartbeat_at, expires_at FROM failover_owners WHERE app = ?1");
  if (!select) return failed(select);
  auto scope = select->run();
  select->bind(1, app);
  auto row = select->step();
  if (!row) return failed(row);
  if (!*row) return std::optional<Lease>{};
  return std::optional(Lease{{select->text(0), select->text(1), select->int64(2)},
                             from_unix_us(select->int64(3)),
                             from_unix_us(select->int64(4))});
}

StoreResult<LeaseAnswer> SqliteFailoverJournal::acquire_lease(const std::string& app, const LeaseHolder& holder,
                                                              TimePoint now, std::chrono::milliseconds ttl) {
  std::lock_guard lock(mutex_);
  auto transaction = sqlite::Transaction::begin(db_.get());
  if (!transaction) return failed(transaction);
  auto current = read_lease(app);
  if (!current) return failed(current);
  if (*current && (*current)->holder.owner != holder.owner && lease_is_live(**current, now))
    return LeaseAnswer{false, **current};
  const Lease taken{holder, now, now + std::chrono::duration_cast<std::chrono::microseconds>(ttl)};
  auto upsert = Statement::prepare(db_.get(), R"sql(
INSERT INTO failover_owners (app, owner, host, pid, heartbeat_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
ON CONFLICT (app) DO UPDATE SET owner = ?2, host = ?3, pid = ?4, heartbeat_at = ?5, expires_at = ?6)sql");
  if (!upsert) return failed(upsert);
  upsert->bind(1, app).bind(2, holder.owner).bind(3, holder.host).bind(4, holder.pid);
  upsert->bind(5, to_unix_us(taken.heartbeat_at)).bind(6, to_unix_us(taken.expires_at));
  if (auto done = run(*upsert); !done) return failed(done);
  if (auto committed = transaction->commit(); !committed) return failed(committed);
  return LeaseAnswer{true, taken};
}

StoreResult<void> SqliteFailoverJournal::release_lease(const std::string& app, const std::string& owner) {
  std::lock_guard lock(mutex_);
  auto remove = Statement::prepare(db_.get(), "DELETE FROM failover_owners WHERE app = ?1 AND owner = ?2");
  if (!remove) return failed(remove);
  remove->bind(1, app).bind(2, owner);
  return run(*remove);
}

StoreResult<std::optional<Lease>> SqliteFailoverJournal::lease(const std::string& app) {
  std::lock_guard lock(mutex_);
  return read_lease(app);
}

StoreResult<void> SqliteFailoverJournal::set_lock(const std::string& app, const LockState& state) {
  std::lock_guard lock(mutex_);
  auto insert = Statement::prepare(
      db_.get(), "INSERT INTO failover_locks (app, locked, at, generation, reason) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert) return failed(insert);
  insert->bind(1, app).bind(2, std::int64_t{state.locked ? 1 : 0}).bind(3, to_unix_us(state.at));
  insert->bind(4, state.generation).bind(5, state.reason);
  return run(*insert);
}

StoreResult<LockState> SqliteFailoverJournal::lock(const std::string& app) {
  std::lock_guard lock(mutex_);
  auto select = Statement::prepare(
      db_.get(), "SELECT locked, at, generation, reason FROM failover_locks WHERE app = ?1 ORDER BY id DESC LIMIT 1");
  if (!select) return failed(select);
  auto scope = select->run();
  select->bind(1, app);
  auto row = select->step();
  if (!row) return failed(row);
  if (!*row) return LockState{};
  return LockState{select->int64(0) != 0, from_unix_us(select->int64(1)), select->int64(2), select->text(3)};
}

}  // namespace rg
