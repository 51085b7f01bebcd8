#pragma once
// The failover journal: every plan an application runs, and each of its steps written before and
// after it runs, so that after a crash `regionguard run` can see what was done and resume or roll
// back (ARCHITECTURE.md, failover safety 5). Plans are numbered per application by generation;
// a write for an older generation than the newest is refused (fencing), so a stale executor that
// wakes up late can never overwrite what a newer plan did. Plans start only under the
// application's owner lease, and every state change is a compare-and-set.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "store/store.h"

namespace rg {

// proposed: decided in manual-approval mode, waiting for an operator; approved: the operator said
// yes and the daemon runs it at its next round (as the same generation); declined: the operator
// said no; expired: nobody answered within proposal_ttl; withdrawn: the source recovered first.
// halted: an irreversible step took effect and the plan could neither finish nor go back.
enum class PlanState {
  running, completed, rolled_back, rollback_failed, not_ready, fenced, proposed, approved, declined,
  halted, expired, withdrawn
};
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
  // The plan key that made the step (act/failover/plan.h PlanStep::block: "ecs_services",
  // "route53", "verify_dns", "approve", a custom step's name...) and its parallel group (0: runs
  // alone), so that the recovery time (act/failover/recovery_time.h) can tell capacity from
  // traffic and count a group once.
  std::string block;
  int parallel_group = 0;
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
  std::optional<TimePoint> ready_at;  // readiness passed (journaled before the first step)
  std::string fingerprint;            // of the steps it was started with (act/failover: plan_fingerprint)
  std::string owner;                  // the lease holder that began it
  // What the executor cannot see itself, for the recovery time (act/failover/recovery_time.h), all
  // wall clock. failing_since: the first failing round of the source region's streak (nullopt for
  // a plan an operator asked for with no failure seen). decided_at: when the policy decided, or
  // the operator asked. started_at: when it became running (created_at for a plan begun running;
  // the approval's run for a proposal); the journal sets it, begin_plan and finish_plan to running.
  std::optional<TimePoint> failing_since;
  std::optional<TimePoint> decided_at;
  std::optional<TimePoint> started_at;
};

// The answer to a journal write. fenced: a newer generation of the application exists, so this
// writer's plan was taken over and it must stop before its next AWS call. conflict: the plan was
// not in the state the writer expected (an operator declined it, a rollback finished it...), or a
// plan was begun without holding the application's lease.
enum class JournalWrite { ok, fenced, conflict };

// Who runs an application's plans: one process at a time (issue 15, section 1).
struct LeaseHolder {
  std::string owner;  // unique per process: host, pid and start time
  std::string host;
  std::int64_t pid = 0;
};
struct Lease {
  LeaseHolder holder;
  TimePoint heartbeat_at{};
  TimePoint expires_at{};
};
// acquire_lease's answer: ours (taken or renewed), or the live lease someone else holds.
struct LeaseAnswer {
  bool ours = false;
  Lease lease;
};

// Whether automation may act on an application: a plan that halted, failed to roll back or lost
// its journal locks it until an operator unlocks it (`regionguard failover unlock`).
struct LockState {
  bool locked = false;
  TimePoint at{};
  std::int64_t generation = 0;  // the plan that locked it; 0 for an operator
  std::string reason;
};

// The journal and the owner lease behind one interface: SQLite on a single host
// (SqliteFailoverJournal), and a coordination store for several daemons (issue 17). Every state
// change is a compare-and-set, so two writers racing on one plan cannot both win.
class FailoverJournal {
 public:
  virtual ~FailoverJournal() = default;

  // One more than the newest generation of `app` (1 for the first plan).
  virtual StoreResult<std::int64_t> next_generation(const std::string& app) = 0;
  // Records a new plan (running or proposed), in one transaction with two checks: fenced unless
  // `plan.generation` is newer than every plan of the app; conflict unless `owner` holds the
  // app's lease, unexpired at `plan.created_at`. A plan begun running gets started_at =
  // created_at (`plan.started_at` is not read).
  virtual StoreResult<JournalWrite> begin_plan(const JournalPlan& plan, const std::string& owner) = 0;
  // Like begin_plan, and in the same transaction moves plan `superseded` from running to fenced:
  // a rollback of a running plan is a new generation, so the old runner is fenced at its next write.
  virtual StoreResult<JournalWrite> supersede(const JournalPlan& plan, std::int64_t superseded,
                                              const std::string& owner) = 0;
  // Appends a step's phase. Fenced when a newer generation of the app exists.
  virtual StoreResult<JournalWrite> record_step(const std::string& app, std::int64_t generation,
                                                const JournalStep& step) = 0;
  // Keeps `state` on step `step`'s latest `started` row: what its undo must put back, written
  // before the step changes anything. Fenced like record_step.
  virtual StoreResult<JournalWrite> record_undo_state(const std::string& app, std::int64_t generation, int step,
                                                      const std::string& state) = 0;
  // Readiness passed for a running plan: a resume without this mark checks readiness again.
  virtual StoreResult<JournalWrite> mark_ready(const std::string& app, std::int64_t generation, TimePoint at) = 0;
  // Moves the plan from `expected` to `state`. Fenced like record_step; conflict when the plan is
  // not in `expected` (its state stays as it is). Moving an approved proposal to running sets its
  // started_at to `at`.
  virtual StoreResult<JournalWrite> finish_plan(const std::string& app, std::int64_t generation, PlanState expected,
                                                PlanState state, TimePoint at, const std::string& detail) = 0;

  // The newest plan of `app` with its steps, if any.
  virtual StoreResult<std::optional<JournalPlan>> latest(const std::string& app) = 0;
  // Plans of `app`, newest first, without their steps.
  virtual StoreResult<std::vector<JournalPlan>> plans(const std::string& app, int limit) = 0;

  // Takes the lease of `app` for `holder` until now + ttl, or renews it if `holder` has it. An
  // expired lease is taken over; so is one held by a process of this host that is gone.
  virtual StoreResult<LeaseAnswer> acquire_lease(const std::string& app, const LeaseHolder& holder, TimePoint now,
                                                 std::chrono::milliseconds ttl) = 0;
  // Gives the lease up if `owner` holds it.
  virtual StoreResult<void> release_lease(const std::string& app, const std::string& owner) = 0;
  // The lease of `app` as written (expired or not), if any.
  virtual StoreResult<std::optional<Lease>> lease(const std::string& app) = 0;

  // Locks or unlocks `app`, journaled with who and why.
  virtual StoreResult<void> set_lock(const std::string& app, const LockState& state) = 0;
  virtual StoreResult<LockState> lock(const std::string& app) = 0;
};

// This process as a lease holder: "host:pid:start".
LeaseHolder this_process_holder();
// Whether the holder's process still runs (only knowable on this host; elsewhere: true).
bool holder_alive(const LeaseHolder& holder);
// Whether `lease` still keeps others out at `now`: unexpired, and its process not known to be gone.
bool lease_is_live(const Lease& lease, TimePoint now);

}  // namespace rg
