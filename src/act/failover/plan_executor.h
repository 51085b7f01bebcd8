#pragma once
// Runs a Plan on the event loop, journaling each step (store/failover_journal.h) before and after
// it runs with the plan's generation, and rolling back in reverse order when a step or its
// verification fails:
//   - a failed action at step k undoes k-1..1 (k itself did not take effect);
//   - a failed verification at step k undoes k..1 (its action did);
//   - a write fenced by a newer generation stops the plan at once without undoing anything: the
//     newer plan owns the resources now.
// After a restart, recover() finds the journal's running plan and resumes it from the step that
// was in flight, or rolls it back (that step included, since it may have half applied).
//
// Journal writes are small synchronous SQLite transactions on the loop, a few per step: a step is
// only safe to start once its "started" row is durable, so they are not deferred to a worker.
#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "act/failover/plan.h"
#include "store/failover_journal.h"

namespace rg::act {

enum class PlanOutcome { completed, rolled_back, rollback_failed, not_ready, fenced, journal_failed };
std::string_view to_string(PlanOutcome outcome);

struct PlanReport {
  PlanOutcome outcome = PlanOutcome::completed;
  std::int64_t generation = 0;
  std::string reason;             // why it did not complete
  std::vector<std::string> log;   // one line per readiness check, step, verification and undo
};

using PlanDone = std::function<void(PlanReport)>;
// Each line of the report as it is written (readiness, step done, failed, undone): notifications.
using PlanProgress = std::function<void(const Plan& plan, const std::string& line)>;
using Clock = std::function<TimePoint()>;

enum class Recovery { resume, rollback };

class PlanExecutor {
 public:
  PlanExecutor(boost::asio::any_io_executor executor, FailoverJournal& journal, Clock clock,
               PlanProgress progress = {})
      : executor_(std::move(executor)), journal_(journal), clock_(std::move(clock)), progress_(std::move(progress)) {}

  // Journals the plan as generation `generation` (fenced unless newer than every plan of the app),
  // checks readiness, then runs the steps.
  void run(Plan plan, std::int64_t generation, PlanDone done);
  // Runs the journal's proposal `generation` (state approved) as that generation.
  void run_approved(Plan plan, std::int64_t generation, PlanDone done);

  // The journal's plan `record` was left running by a crash; `plan` is the same plan rebuilt from
  // the configuration. Resumes from the first step not done, or undoes what was (and may have been) done.
  void recover(Plan plan, const JournalPlan& record, Recovery mode, PlanDone done);

  // Checks readiness and lists the steps without running any of them or writing the journal.
  void dry_run(Plan plan, PlanDone done);

 private:
  boost::asio::any_io_executor executor_;
  FailoverJournal& journal_;
  Clock clock_;
  PlanProgress progress_;
};

}  // namespace rg::act
