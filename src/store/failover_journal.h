#pragma once
// The failover journal: every plan an application runs, and each of its steps written before and
// after it runs, so that after a crash `regionguard run` can see what was done and resume or roll
// back (ARCHITECTURE.md, failover safety 5). Plans are numbered per application by generation;
// a write for an older generation than the newest is refused (fencing), so a stale executor that
// wakes up late can never overwrite what a newer plan did.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "store/sqlite_handles.h"
#include "store/store.h"

namespace rg {

// proposed: decided in manual-approval mode, waiting for an operator; approved: the operator said
// yes and the daemon runs it at its next round (as the same generation); declined: the operator said no.
enum class PlanState { running, completed, rolled_back, rollback_failed, not_ready, fenced, proposed, approved, declined };
enum class StepPhase { started, done, failed, undo_started, undone, undo_failed };

std::string_view to_string(PlanState state);
std::string_view to_string(StepPhase phase);

struct JournalStep {
  int step = 0;
  std::string name;
  StepPhase phase = StepPhase::started;
  TimePoint at{};
  std::string detail;
  std::string undo_state;  // on a `started` row: what the step's undo puts back (empty: nothing kept)
};

struct JournalPlan {
  std::string app;
  std::int64_t generation = 0;
  std::string kind;  // failover, failback
  std::string from;
  std::string to;
  PlanState state = PlanState::running;
  TimePoint created_at{};
  TimePoint updated_at{};
  std::string detail;
  std::vector<JournalStep> steps;  // in the order written
};

// A write that lost to a newer generation.
enum class JournalWrite { ok, fenced };

class FailoverJournal {
 public:
  // Opens (creating and migrating, as SqliteStore::open) the database at `path`. Its own
  // connection: the daemon's other writers share the file through WAL.
  static StoreResult<std::unique_ptr<FailoverJournal>> open(const std::string& path);

  // One more than the newest generation of `app` (1 for the first plan).
  StoreResult<std::int64_t> next_generation(const std::string& app);
  // Records a new running plan. Fenced when `plan.generation` is not newer than every plan of the app.
  StoreResult<JournalWrite> begin_plan(const JournalPlan& plan);
  // Appends a step's phase. Fenced when a newer generation of the app exists.
  StoreResult<JournalWrite> record_step(const std::string& app, std::int64_t generation, const JournalStep& step);
  // Keeps `state` on step `step`'s latest `started` row: what its undo must put back, written
  // before the step changes anything. Fenced like record_step.
  StoreResult<JournalWrite> record_undo_state(const std::string& app, std::int64_t generation, int step,
                                              const std::string& state);
  // Sets the plan's final (or running) state. Fenced like record_step.
  StoreResult<JournalWrite> finish_plan(const std::string& app, std::int64_t generation, PlanState state,
                                        TimePoint at, const std::string& detail);

  // The newest plan of `app` with its steps, if any.
  StoreResult<std::optional<JournalPlan>> latest(const std::string& app);
  // Plans of `app`, newest first, without their steps.
  StoreResult<std::vector<JournalPlan>> plans(const std::string& app, int limit);

 private:
  explicit FailoverJournal(sqlite::Connection db) : db_(std::move(db)) {}
  StoreResult<std::int64_t> newest_generation(const std::string& app);
  StoreResult<JournalWrite> fenced_write(const std::string& app, std::int64_t generation,
                                         const std::function<StoreResult<void>()>& write);
  std::mutex mutex_;
  sqlite::Connection db_;
};

}  // namespace rg
