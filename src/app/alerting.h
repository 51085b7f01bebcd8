#pragma once
// Alerting in the daemon: after every round, the alert rules (analyze/, pure) on the analysed round,
// what changed written to the store on a lane of the worker pool (never on the loop), and the
// notifications handed to the notifiers (notify/, asynchronous on the loop). Alerts and
// silences are read back from the store at start, so they survive a restart.
#include <boost/asio/io_context.hpp>
#include <expected>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "analyze/alert_engine.h"
#include "core/worker_pool.h"
#include "net/curl_multi.h"
#include "notify/notification_dispatcher.h"
#include "present/alert_views.h"
#include "store/sqlite_alert_store.h"

namespace rg {

namespace aws { class AwsSession; }

// For /metrics.
struct AlertingStats {
  std::map<std::pair<AlertState, AlertSeverity>, std::uint64_t> alerts;  // pending and firing, silenced included
  std::uint64_t silenced = 0;
  std::uint64_t notifications = 0;  // produced by the engine
  std::uint64_t withheld = 0;       // not sent: another agent of the cluster leads and sends them
  std::uint64_t store_failures = 0;
  std::vector<NotifierStats> notifiers;
  std::vector<RegionCascadeRisk> cascade;  // of the latest round, as analysed (AnalyzedRound::cascade)
};

class Alerting {
 public:
  // `config`, `curl`, `session` (the pipeline's, shared with the probes: the notifiers send
  // through them) and `pool` must outlive it; `store` is the alerts part of the opened store
  // (store/open_store.h). Errors: the stored alerts or silences cannot be read.
  static std::expected<std::unique_ptr<Alerting>, std::string> start(boost::asio::io_context& io, const Config& config,
                                                                     CurlMulti& curl, aws::AwsSession& session,
                                                                     std::unique_ptr<SqliteAlertStore> store,
                                                                     WorkerPool& pool);
  ~Alerting();  // waits for the store writes still queued
  Alerting(const Alerting&) = delete;
  Alerting& operator=(const Alerting&) = delete;

  // On the loop, once per analysed round, with the failover controller's events of the round
  // (the `failover` rule's input) and its policies' decisions (the runbooks' recommendation).
  void on_round(const AnalyzedRound& analyzed, std::span<const AnomalySignal> anomalies,
                std::span<const FailoverSignal> failovers = {}, std::span<const FailoverAdvice> advice = {});
  // Sends `notification` to the notifiers that want its severity, bypassing the rules: the
  // failover controller's step-by-step messages are events to report, not conditions to alert on.
  void notify(const Notification& notification);
  // In a cluster only the leader sends notifications, so a group is notified once, not once per
  // agent: `may_send` is asked before each (false: withheld, counted). Empty: every one is sent.
  void set_may_send(std::function<bool()> may_send) { may_send_ = std::move(may_send); }

  std::vector<Alert> alerts() const { return engine_->alerts(); }
  // Stores the silence and applies it from the next round; the silence with its id.
  std::expected<Silence, std::string> add_silence(Silence silence);
  AlertingStats stats() const;
  // For the API server: the list, silences and /metrics, all on the loop.
  AlertHooks api_hooks();

  // A configuration reload: the rules of `config` (which must outlive this object, or the next
  // reload) judge from the next round on, and the alerts already pending or firing, the
  // silences and the groups already notified carry on; an alert whose rule is gone resolves at
  // the next round. With `new_notifiers`, notifications go to the notifiers of `config` from now
  // on; those already queued for the old ones are still delivered.
  void reconfigure(const Config& config, bool new_notifiers);

 private:
  void send(const Notification& notification);
  Alerting(boost::asio::io_context& io, const Config& config, CurlMulti& curl, aws::AwsSession& session,
           std::unique_ptr<SqliteAlertStore> store, WorkerPool& pool);

  boost::asio::io_context& io_;
  CurlMulti& curl_;
  aws::AwsSession& session_;
  std::unique_ptr<AlertEngine> engine_;  // replaced by a reload
  std::unique_ptr<SqliteAlertStore> store_;
  WorkerLane writes_;  // a strand: writes stay in order
  std::unique_ptr<NotificationDispatcher> dispatcher_;
  std::function<bool()> may_send_;
  std::uint64_t withheld_ = 0;
  // Dispatchers replaced by a reload, kept until the daemon stops: they deliver what was queued.
  std::vector<std::unique_ptr<NotificationDispatcher>> retired_dispatchers_;
  std::vector<RegionCascadeRisk> cascade_;
  std::uint64_t notifications_ = 0;
  std::shared_ptr<std::atomic<std::uint64_t>> store_failures_ = std::make_shared<std::atomic<std::uint64_t>>(0);
};

}  // namespace rg
