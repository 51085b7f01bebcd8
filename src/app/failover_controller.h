#pragma once
// The failover controller in the daemon: after every round it asks each application's policy
// (decide/failover_policy.h) what to do and carries the answer out with the plan machinery
// (act/failover/): run the plan (automatic), journal a proposal and wait for an operator
// (manual-approval), or only check readiness and show the steps (dry-run).
//
// It owns the journal connection, so everything a plan does is written down before and after it
// happens; at start it reads the journal back: where traffic goes, when the last moves were (for
// cool-down and rate limit), a proposal still waiting, a plan left running by a crash (resumed
// once a fresh round shows its source still down, else rolled back), a plan approved from the CLI.
//
// It acts on an application only while it holds the application's owner lease in the journal
// (renewed every few seconds), and not while the application is locked (a plan halted, failed
// to roll back or lost its journal: an operator unlocks it with `regionguard failover unlock`).
//
// Everything runs on the loop; journal writes are small synchronous transactions (see
// act/failover/plan_executor.h for why they are not deferred).
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

#include "act/failover/plan_executor.h"
#include "analyze/failover_signal.h"
#include "analyze/notification.h"
#include "config/config.h"
#include "decide/failover_policy.h"
#include "present/failover_hooks.h"
#include "aws/aws_session.h"
#include "store/failover_journal.h"

namespace rg {

// What the controller made of one round, for the stages after it.
struct FailoverRound {
  std::vector<FailoverSignal> signals;               // plan started, step failed, completed...: the alert rules' input
  std::map<std::string, std::string> active_regions;  // application -> region taking its traffic (CloudWatch)
  nlohmann::json applications;                       // as GET /api/v1/applications answers, for the stream
};

class FailoverController {
 public:
  using Notify = std::function<void(const Notification&)>;

  // Recovers what `journal` (the journal part of the opened store, store/open_store.h) holds.
  // `config` and `session` (the AWS clients the plans call through, shared with the resource
  // checks) must outlive it.
  static std::expected<std::unique_ptr<FailoverController>, std::string> start(
      boost::asio::io_context& io, const Config& config, aws::AwsSession& session, Notify notify,
      std::unique_ptr<FailoverJournal> journal);
  ~FailoverController();
  FailoverController(const FailoverController&) = delete;
  FailoverController& operator=(const FailoverController&) = delete;

  // Once per analysed round, with the latest state of every endpoint. The signals are those since
  // the previous round (plans report between rounds too).
  FailoverRound on_round(std::span<const EndpointState> states, TimePoint now);
  // Some plan is running (tests, shutdown logging).
  bool busy() const;
  FailoverHooks api_hooks();

 private:
  struct Application;
  FailoverController(boost::asio::io_context& io, const Config& config, aws::AwsSession& session, Notify notify,
                     std::unique_ptr<FailoverJournal> journal);

  void recover(Application& app);
  // A plan left running by a crash, decided on at the first round that judges its source.
  void decide_recovery(Application& app, TimePoint now);
  void renew_leases();
  bool hold_lease(Application& app, TimePoint now);
  void expire_or_withdraw_proposal(Application& app, TimePoint now);
  void lock(Application& app, std::int64_t generation, const std::string& reason);
  void start_superseding_rollback(Application& app);
  void carry_out(Application& app, const FailoverDecision& decision, TimePoint now);
  // Builds the plan from `from` to `to`; nullopt (after saying why) when it cannot be built.
  std::optional<act::Plan> build_plan(Application& app, const std::string& from, const std::string& to);
  enum class Start { fresh, approved };
  void execute(Application& app, act::Plan plan, std::int64_t generation, Start how);
  void propose(Application& app, const std::string& to, const std::string& reason, TimePoint now);
  void dry_run(Application& app, const std::string& to, const std::string& reason);
  void sync_with_journal(Application& app);
  void finished(Application& app, const act::PlanReport& report);
  // Why the target is not fit to take traffic this round (a readiness failure), or nullopt.
  std::optional<std::string> target_problem(const Application& app, const std::string& to) const;
  std::optional<double> replica_lag(const Application& app, const std::string& to) const;

  ApiResponse act(const std::string& name, const std::string& op, const nlohmann::json& body);
  nlohmann::json applications_json() const;

  void announce(Application& app, AlertSeverity severity, const std::string& text);
  void journal_failed(Application& app, const std::string& what);
  Application* find(const std::string& name);
  // Every change of a gate goes here, so the API can serve answers made ahead (gate_generation).
  void set_gate(Application& app, const std::string& region);

  boost::asio::io_context& io_;
  const Config& config_;
  Notify notify_;
  std::unique_ptr<FailoverJournal> journal_;
  aws::AwsSession& session_;
  aws::AsioScheduler scheduler_;
  LeaseHolder holder_ = this_process_holder();  // before the executors, which begin plans as it
  act::PlanExecutor executor_;
  act::PlanExecutor quiet_executor_;  // dry runs: no progress notifications
  std::vector<std::unique_ptr<Application>> apps_;
  std::vector<EndpointState> latest_states_;
  std::vector<FailoverSignal> signals_;
  std::uint64_t gate_changes_ = 1;
  boost::asio::steady_timer lease_timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // plan callbacks outliving us do nothing
};

}  // namespace rg
