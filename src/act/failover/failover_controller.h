#pragma once
// The failover controller: the one place that carries out an application's failover, for the
// daemon, the API and the command line alike.
//
// In the daemon (Role::daemon), after every round it asks each application's policy
// (decide/failover_policy.h) what to do and carries the answer out with the plan machinery: run
// the plan (automatic), journal a proposal and wait for an operator (manual-approval), or only
// check readiness and show the steps (dry-run). At start it reads the journal back: where traffic
// goes, when the last moves were (for cool-down and rate limit), a proposal still waiting, a plan
// left running by a crash (resumed once a fresh round shows its source still down, else rolled
// back), a plan approved from the command line.
//
// Operators act through typed operations (plan, execute, approve, decline, rollback, unlock,
// status), each answering a value or a named Refusal; the API (present/failover_api.h) and the
// command line (app/commands/failover_command.cpp) only translate them. A command line that finds
// no live daemon owning the application runs its own controller (Role::command): it has no rounds,
// takes the application's lease when an operation changes something, and cannot judge the source
// region (an approval waits for a daemon; readiness says the target was not judged).
//
// It acts on an application only while it holds the application's owner lease in the journal
// (renewed every few seconds), and not while the application is locked (a plan halted, failed to
// roll back or lost its journal: an operator unlocks it).
//
// Everything runs on the loop; journal writes are small synchronous transactions (see
// plan_executor.h for why they are not deferred).
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "act/failover/failover_operations.h"
#include "act/failover/failover_plan_builder.h"
#include "act/failover/plan_executor.h"
#include "analyze/failover_advice.h"
#include "analyze/failover_signal.h"
#include "analyze/notification.h"
#include "aws/client_lookup.h"
#include "config/config.h"
#include "decide/failover_policy.h"
#include "decide/round_time.h"
#include "store/failover_journal.h"

namespace rg::act {

// What the controller made of one round, for the stages after it.
struct FailoverRound {
  std::vector<FailoverSignal> signals;                // plan started, step failed, completed...: the alert rules' input
  std::map<std::string, std::string> active_regions;  // application -> region taking its traffic (CloudWatch)
  std::vector<ApplicationStatus> applications;        // for the stream
  std::vector<FailoverAdvice> advice;                 // each policy's word, for the alerts' runbooks
};

using PlanBuilder = std::function<std::expected<Plan, std::string>(const ApplicationConfig& app, const std::string& from,
                                                                   const std::string& to, const PlanContext& context)>;

struct ControllerSetup {
  enum class Role {
    daemon,   // every application's lease, every round, resumes what a crash left running
    command,  // one command line: no rounds; leases an application when an operation changes it
  };
  Role role = Role::daemon;
  aws::ClientLookup clients;  // the AWS clients plans call (they outlive the controller)
  CurlMulti* curl = nullptr;  // plans' webhook steps POST with it (it outlives the controller)
  std::function<void(const Notification&)> notify;  // empty: log only
  Clock clock = [] { return now_us(); };              // wall clock: journal times, notifications
  std::function<SteadyPoint()> steady_clock = steady_now_us;  // durations: a plan's or proposal's age
  PlanBuilder build = build_failover_plan;            // tests give plans of their own steps
  // The target's replica lag when the controller has no rounds (the command line asks the check
  // once); empty: the latest round's rds check of the replica.
  std::function<std::optional<double>(const ApplicationConfig& app, const std::string& to)> replica_lag;
  LeaseHolder holder = this_process_holder();
  std::chrono::milliseconds lease_ttl{std::chrono::seconds(30)};
  std::chrono::milliseconds lease_renewal{std::chrono::seconds(5)};
  std::chrono::milliseconds roll_forward_for{std::chrono::minutes(5)};
  std::chrono::milliseconds roll_forward_retry{std::chrono::seconds(5)};
  // Several agents (issue 17): this one's name as a vantage point, the other agents' fresh views
  // for the policy's quorum, and why automation must hold back although this agent leads
  // (agents running different applications). Empty: alone, one view called "local".
  std::string vantage = "local";
  std::function<std::vector<VantageView>(TimePoint now)> remote_views;
  std::function<std::optional<std::string>()> hold;
};

class FailoverController {
 public:
  // Recovers what `journal` holds. `config` must outlive the controller.
  static std::expected<std::unique_ptr<FailoverController>, std::string> start(boost::asio::io_context& io,
                                                                              const Config& config,
                                                                              std::unique_ptr<FailoverJournal> journal,
                                                                              ControllerSetup setup);
  ~FailoverController();
  FailoverController(const FailoverController&) = delete;
  FailoverController& operator=(const FailoverController&) = delete;

  // Once per analysed round (Role::daemon), with the latest state of every endpoint, at `now` on
  // both clocks: durations (cool-down, a proposal's age, a plan's age) are measured on the
  // monotonic one, so a wall-clock jump shortens or stretches none of them. The signals are those
  // since the previous round (plans report between rounds too).
  FailoverRound on_round(std::span<const EndpointState> states, RoundTime now);
  // Some plan or dry run is in flight.
  bool busy() const;
  // Takes or renews the leases now rather than at the next renewal: the cluster agent calls it
  // when it becomes the leader, so a plan its predecessor left running is taken up at once.
  void renew_leases_now() { renew_leases(); }

  // The operations. `by` names who asked ("the API", "the command line"), for the journal and
  // the notifications. An empty `to` is the default target: the first secondary, or back to the
  // primary.
  Answer<DryRunStarted> plan(const std::string& app, std::string to);
  Answer<Started> execute(const std::string& app, std::string to, std::string_view by);
  // A waiting proposal: the daemon runs it at once if its source is still down (refused, saying
  // why, otherwise); a command line marks it approved for the daemon that owns the app next.
  // A running plan waiting at an approval pause goes on (decline: rolls back), whoever runs it.
  Answer<Approved> approve(const std::string& app, std::string_view by);
  Answer<std::int64_t> decline(const std::string& app, std::string_view by);
  // A waiting proposal is declined; a running plan is fenced by a new generation that undoes it
  // once its runner stops (at once for a plan a crash left running); otherwise the last completed
  // move is reversed by a plan back to the region it left.
  Answer<RolledBack> rollback(const std::string& app, std::string_view by);
  Answer<Unlocked> unlock(const std::string& app, const std::string& reason, std::string_view by);
  Answer<ApplicationStatus> status(const std::string& app) const;
  std::vector<ApplicationStatus> applications() const;

  // The gate of `region` of `app`: whether it is open and which region is; nullopt when the app
  // has no gate or no such region. gate_changes() grows whenever any gate may have changed.
  struct Gate {
    bool open = false;
    std::string active_region;
  };
  std::optional<Gate> gate(const std::string& app, const std::string& region) const;
  std::uint64_t gate_changes() const { return gate_changes_; }

 private:
  struct Application;
  FailoverController(boost::asio::io_context& io, const Config& config, std::unique_ptr<FailoverJournal> journal,
                     ControllerSetup setup);

  TimePoint now() const { return setup_.clock(); }
  RoundTime clocks() const { return {setup_.clock(), setup_.steady_clock()}; }
  void recover(Application& app);
  // A plan left running by a crash, decided on at the first round that judges its source.
  void decide_recovery(Application& app, RoundTime now);
  void recover_left_running(Application& app, Recovery mode, const std::string& why);
  void renew_leases();
  bool hold_lease(Application& app, TimePoint now);
  // For an operation that changes `app`: the lease (taken first by a command line), no lock.
  std::optional<Refusal> may_change(Application& app, bool even_if_locked);
  void expire_or_withdraw_proposal(Application& app, RoundTime now);
  void lock(Application& app, std::int64_t generation, const std::string& reason);
  void start_superseding_rollback(Application& app);
  std::optional<Answer<std::int64_t>> answer_pause(Application& app, bool approve, std::string_view by);
  Answer<Started> supersede_running(Application& app, const JournalPlan& running, std::string_view by);
  void carry_out(Application& app, const FailoverDecision& decision, TimePoint now);
  // Builds the plan from `from` to `to`; the error says why it cannot be built.
  std::expected<Plan, std::string> build_plan(Application& app, const std::string& from, const std::string& to);
  enum class Start { fresh, approved };
  Started execute(Application& app, Plan plan, std::int64_t generation, Start how, PlanOrigin origin = {});
  void propose(Application& app, const FailoverDecision& decision, TimePoint now);
  void dry_run(Application& app, const std::string& to, const std::string& reason);
  void sync_with_journal(Application& app);
  // An approved proposal runs when its source is still down (or the controller cannot judge it).
  std::optional<Started> run_approved(Application& app);
  void finished(Application& app, const PlanReport& report);
  // Why the target is not fit to take traffic this round (a readiness failure), or nullopt.
  std::optional<std::string> target_problem(const Application& app, const std::string& to) const;
  std::optional<double> replica_lag(const Application& app, const std::string& to) const;
  std::string default_target(const Application& app) const;
  ApplicationStatus status_of(const Application& app) const;

  void announce(Application& app, AlertSeverity severity, const std::string& text);
  void journal_failed(Application& app, const std::string& what);
  Application* find(const std::string& name);
  const Application* find(const std::string& name) const;
  // Every change of a gate goes here, so the API can serve answers made ahead (gate_changes).
  void set_gate(Application& app, const std::string& region);

  boost::asio::io_context& io_;
  const Config& config_;
  std::unique_ptr<FailoverJournal> journal_;
  ControllerSetup setup_;
  aws::AsioScheduler scheduler_;
  PlanExecutor executor_;
  PlanExecutor quiet_executor_;  // dry runs: no progress notifications
  std::vector<std::unique_ptr<Application>> apps_;
  std::vector<EndpointState> latest_states_;
  std::vector<FailoverSignal> signals_;
  std::uint64_t gate_changes_ = 1;
  int dry_runs_in_flight_ = 0;
  boost::asio::steady_timer lease_timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // plan callbacks outliving us do nothing
};

}  // namespace rg::act
