#pragma once
// What the failover controller's operations answer (act/failover/failover_controller.h): a value,
// or a named refusal that says why nothing was done. present/ turns them into status codes and
// JSON; the CLI prints them. Plain values, so that both read the same facts.
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "act/failover/plan_executor.h"
#include "act/failover/recovery_time.h"
#include "decide/failover_decision.h"
#include "store/failover_journal.h"

namespace rg::act {

// Why an operation did nothing. Each kind is one class of answer for a client: fix the request
// (unknown, invalid), wait or ask someone else (conflict, not_owner, locked), or try again once
// the journal is back (unavailable).
enum class RefusalKind {
  unknown,      // no such application or operation
  invalid,      // a field is wrong (a region not of the application, an unlock without a reason)
  conflict,     // the state forbids it now (a plan runs, nothing to approve, the source recovered)
  not_owner,    // another process holds the application's owner lease
  locked,       // the application is locked until an operator unlocks it
  unavailable,  // the journal or AWS cannot be reached; nothing was changed
};
std::string_view to_string(RefusalKind kind);

struct Refusal {
  RefusalKind kind = RefusalKind::conflict;
  std::string message;
};

template <class T>
using Answer = std::expected<T, Refusal>;

// A plan this operation started (execute, approve in the daemon, rollback): follow it with status().
struct Started {
  std::int64_t generation = 0;
  std::string kind;  // failover, failback, rollback
  std::string from;
  std::string to;
  std::optional<std::int64_t> rolls_back;  // the running plan a rollback fences and undoes
};

// approve: run now (the daemon, which judges the source every round) or marked approved for the
// daemon that owns the application next (a command line with no monitor of its own).
struct Approved {
  std::int64_t generation = 0;
  bool runs_now = false;
  std::optional<Started> started;
  bool pause = false;  // an approval pause of the running plan was answered: it goes on
};

// rollback: a waiting proposal is declined; otherwise a plan is started.
struct RolledBack {
  std::optional<std::int64_t> declined;
  std::optional<Started> started;
};

struct DryRunStarted {
  std::string kind;  // failover, failback
  std::string from;
  std::string to;
};

struct Unlocked {
  LockState was;  // the lock that was lifted
};

// Where an application stands, as every client shows it (API, stream, `failover status`).
struct ApplicationStatus {
  std::string name;
  std::string primary;
  std::vector<std::string> secondaries;
  std::string mode;
  std::string active_region;
  std::string state;  // idle, running, awaiting_approval
  bool owned = false;
  std::optional<Lease> owner;  // the lease, when it is known
  LockState lock;
  std::optional<std::string> gate;  // the open gate, when the plan has one
  std::optional<FailoverDecision> decision;  // of the latest round
  std::optional<JournalPlan> plan;           // running or waiting for approval
  std::vector<std::string> steps;            // the running (or last) plan's report lines
  std::optional<PlanReport> last_report;     // the last plan this process ran, once it ended
  std::vector<JournalPlan> history;          // newest first
  // Where the time of the running plan, or of the last one that ran, went (recovery_time.h).
  std::optional<RecoveryTime> recovery;
  std::optional<PlanReport> dry_run;
  std::string dry_run_to;
};

}  // namespace rg::act
