#pragma once
// Runs a Plan on the event loop, journaling each step (store/failover_journal.h) before and after
// it runs with the plan's generation, and rolling back in reverse order when a step or its
// verification fails:
//   - a failed action at step k undoes k-1..1, and k itself when its undo state was journaled
//     (the action read the state and then failed: its change may have landed, and undos are
//     idempotent);
//   - a failed verification at step k undoes k..1 (its action did);
//   - after an irreversible step took effect (a promoted replica) nothing is rolled back onto the
//     old writer: the failing step is retried until `roll_forward_for` has passed, then the plan
//     ends `halted` and the application is left for an operator;
//   - a write fenced by a newer generation stops the plan at once without undoing anything: the
//     newer plan owns the resources now.
// Plans begin only under the application's owner lease (the journal checks it in the same
// transaction), and readiness passing is journaled, so that a resume without that mark checks
// again. After a restart, recover() resumes the journal's running plan from the step that was in
// flight, or rolls it back (that step included, since it may have half applied); steps are
// matched by name, and a plan whose steps changed since it began is rolled back, not resumed.
//
// Journal writes are small synchronous SQLite transactions on the loop, a few per step: a step is
// only safe to start once its "started" row is durable, so they are not deferred to a worker.
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "act/failover/plan.h"
#include "store/failover_journal.h"

namespace rg::act {

// refused: the plan could not begin (the lease is someone else's, the proposal is no longer
// approved); nothing was written or changed.
enum class PlanOutcome { completed, rolled_back, rollback_failed, not_ready, fenced, journal_failed, halted, refused };
std::string_view to_string(PlanOutcome outcome);

struct PlanReport {
  PlanOutcome outcome = PlanOutcome::completed;
  std::int64_t generation = 0;
  std::string reason;             // why it did not complete
  std::vector<std::string> log;   // one line per readiness check, step, verification and undo
  std::vector<std::string> not_undone;  // irreversible steps that took effect and stay as they are
};

// What a progress line is about, so that listeners need not match its text.
// paused: the plan waits at an approval pause (until the next line).
enum class ProgressKind { ready, not_ready, done, verified, failed, undone, undo_failed, note, paused };
struct Progress {
  ProgressKind kind = ProgressKind::note;
  std::string line;
  bool bad() const {
    return kind == ProgressKind::not_ready || kind == ProgressKind::failed || kind == ProgressKind::undo_failed;
  }
};

using PlanDone = std::function<void(PlanReport)>;
// Each line of the report as it is written (readiness, step done, failed, undone): notifications.
using PlanProgress = std::function<void(const Plan& plan, const Progress& progress)>;
using Clock = std::function<TimePoint()>;

struct ExecutorSettings {
  std::string owner;  // the lease holder plans begin under (FailoverJournal::acquire_lease)
  // After an irreversible step: how long a failing later step is retried, and how often.
  std::chrono::milliseconds roll_forward_for{std::chrono::minutes(5)};
  std::chrono::milliseconds roll_forward_retry{std::chrono::seconds(5)};
  // A journal write that fails is tried this many times in all, the pauses doubling from
  // journal_retry (250 ms, 500 ms, 1 s), before the plan ends journal_failed; no step runs meanwhile.
  int journal_attempts = 4;
  std::chrono::milliseconds journal_retry{250};
  // How often a plan waiting at an approval pause reads the journal for the operator's answer
  // (written by this process or by a command line).
  std::chrono::milliseconds approval_poll{250};
};

// Why a plan runs, as far as the executor cannot see it, journaled with the plan for its recovery
// time (act/failover/recovery_time.h). failing_since: the first failing round of the source
// region's streak (wall clock); nullopt when an operator asked with no failure seen. decided_at:
// when the policy decided or the operator asked; nullopt: when the plan begins.
struct PlanOrigin {
  std::optional<TimePoint> failing_since;
  std::optional<TimePoint> decided_at;
};

enum class Recovery { resume, rollback };

// The approval pause `record` (a running plan) waits at, if it waits at one: its `started` row.
std::optional<JournalStep> awaiting_approval(const JournalPlan& record);
// An operator's answer to that pause, journaled as the step's `done` (go on) or `failed` (roll
// back) row, which the plan's runner reads, in this process or another. Needs no lease: it only
// answers the runner, which holds it. Conflict when the plan no longer waits.
StoreResult<JournalWrite> answer_approval(FailoverJournal& journal, const JournalPlan& record, bool approve,
                                          const std::string& by, TimePoint at);

// The steps a plan was begun with, so that a resume after a configuration change is noticed.
std::string plan_fingerprint(const Plan& plan);

class PlanExecutor {
 public:
  PlanExecutor(boost::asio::any_io_executor executor, FailoverJournal& journal, Clock clock, ExecutorSettings settings,
               PlanProgress progress = {})
      : executor_(std::move(executor)),
        journal_(journal),
        clock_(std::move(clock)),
        settings_(std::move(settings)),
        progress_(std::move(progress)) {}

  // Journals the plan as generation `generation` (fenced unless newer than every plan of the app,
  // refused unless the settings' owner holds the app's lease), checks readiness, then runs the steps.
  void run(Plan plan, std::int64_t generation, PlanDone done, PlanOrigin origin = {});
  // Runs the journal's proposal `generation` (state approved) as that generation.
  void run_approved(Plan plan, std::int64_t generation, PlanDone done);

  // The journal's plan `record` was left running by a crash; `plan` is the same plan rebuilt from
  // the configuration. Resumes from the first step not done (checking readiness again when it was
  // not journaled as passed), or undoes what was (and may have been) done. Past an irreversible
  // step a rollback is not possible: the plan halts instead.
  void recover(Plan plan, const JournalPlan& record, Recovery mode, PlanDone done);
  // Undoes what the running plan `record` did, as generation `generation`, which the caller has
  // begun with FailoverJournal::supersede (so `record`'s runner is fenced at its next write).
  void undo_superseded(Plan plan, const JournalPlan& record, std::int64_t generation, PlanDone done);

  // Checks readiness and lists the steps without running any of them or writing the journal.
  void dry_run(Plan plan, PlanDone done);

 private:
  boost::asio::any_io_executor executor_;
  FailoverJournal& journal_;
  Clock clock_;
  ExecutorSettings settings_;
  PlanProgress progress_;
};

}  // namespace rg::act
