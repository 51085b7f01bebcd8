#include "app/pipeline.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <thread>
#include <utility>

#include "analyze/round_analyzer.h"
#include "app/alerting.h"
#include "app/anomaly_runner.h"
#include "app/config_reload.h"
#include "present/cloudwatch/cloudwatch_publisher.h"
#include "app/job_scheduler.h"
#include "app/scheduled_jobs.h"
#include "app/score_records.h"
#include "app/store_maintenance.h"
#include "core/systemd_notify.h"
#include "core/worker_pool.h"
#include "app/probers.h"
#include "act/failover/failover_controller.h"
#include "app/cluster_wiring.h"
#include "present/api_server.h"
#include "present/failover_api.h"
#include "probe/probe_scheduler.h"
#include "store/batch_writer.h"
#include "store/open_store.h"

namespace rg {
namespace {

void log_round(const AnalyzedRound& analyzed, const ProbeRound& round) {
  for (const auto& event : analyzed.events) {
    if (event.kind == EndpointEvent::Kind::went_down) spdlog::error("{}", event.message);
    else if (event.kind == EndpointEvent::Kind::answer_changed) spdlog::warn("{}", event.message);
    else spdlog::info("{}", event.message);
  }
  const auto& s = analyzed.summary;
  spdlog::debug("round {}: {} probed, {} skipped; {} healthy, {} warning, {} critical; avg {:.1f} ms", round.number,
                round.results.size(), round.skipped, s.healthy, s.warning, s.critical,
                static_cast<double>(s.average_latency.count()) / 1000.0);
  if (round.skipped > 0)
    spdlog::warn("round {}: {} endpoints skipped, their previous probe was still running", round.number, round.skipped);
}

// systemd's STATUS= line (`systemctl status` shows it).
std::string status_line(std::uint64_t round, const HealthSummary& s) {
  return fmt::format("round {}: {} endpoints, {} healthy, {} warning, {} critical", round, s.total, s.healthy,
                     s.warning, s.critical);
}

}  // namespace

int run_pipeline(Config initial, const PipelineOptions& options) {
  // Every configuration the daemon runs, the first and each reload's (app/config_reload.h).
  ConfigReload configs(options.config_file, std::move(initial), now_us());
  // The first generation: what starts once (store, server, AWS session, publishers, jobs) keeps
  // it for the daemon's life; a reload reports changes to those sections as needing a restart.
  const Config& config = configs.current();
  SystemdNotifier systemd = SystemdNotifier::from_environment();

  // The history for the BatchWriter, the alerts and the failover journal, each on its own connection.
  auto opened = open_store(config.store, StoreAccess::read_write);
  if (!opened) {
    spdlog::critical("cannot open the store {}: {}", config.store.path, opened.error().message);
    return 1;
  }
  std::unique_ptr<Store> store = std::move(opened->history);
  // Replaced by each reload, carrying the state of the endpoints it did not change.
  auto analyzer = std::make_unique<RoundAnalyzer>(config);
  load_stored_uptime(*store, config, *analyzer, now_us());

  // Blocking work off the loop: a thread for each lane that may block for long (the batch
  // writer's loop, alert writes, retention, forest fits, every drill), so none waits behind another.
  WorkerPool workers(4 + config.jobs.drills.size());
  BatchWriter writer(*store, BatchWriter::Options{config.store.flush_interval,
                                                  static_cast<std::size_t>(config.store.batch_size)},
                     workers);
  boost::asio::io_context io;
  StoreMaintenance maintenance(io, config, workers);  // retention on its own connection, on a worker
  AnomalyRunner anomaly(io, config, workers);         // forest refits on a worker, scoring on the loop
  // One libcurl multi handle for every HTTP transfer on the loop, and one AWS session (credentials
  // resolved once, one client per service, region and endpoint) for the probes, plans, jobs, SNS
  // notifiers and CloudWatch. Declared before their users, so they outlive them.
  CurlMulti curl(io);
  aws::AwsSession aws(io, curl, config.aws);

  // Rules and notifiers; alerts kept in the store, written on a lane of the pool.
  auto alerting = Alerting::start(io, config, curl, aws, std::move(opened->alerts), workers);
  if (!alerting) {
    spdlog::critical("cannot start alerting: {}", alerting.error());
    return 1;
  }
  CloudWatchPublisher cloudwatch(io, config, aws);  // custom metrics, when cloudwatch.enabled; never blocks

  Probers probers(io, curl, aws);

  // Several agents (issue 17): membership, leadership and every agent's view through etcd; the
  // failover journal lives there too, fenced by the leader's token. Alone: nullptr.
  std::unique_ptr<cluster::ClusterAgent> agent;
  if (config.cluster) {
    agent = std::make_unique<cluster::ClusterAgent>(
        io, curl, cluster::ClusterAgent::Options{*config.cluster, config.applications_digest});
    (*alerting)->set_may_send([&agent] { return agent->leading(); });
  }
  // The journal a (new) controller reads and writes.
  const auto open_journal = [&]() -> std::expected<std::unique_ptr<FailoverJournal>, std::string> {
    if (agent)
      return cluster_journal(*config.cluster, [&agent] { return agent->fencing_token(); },
                             [&agent] { return agent->etcd_answers(); });
    auto reopened = open_store(config.store, StoreAccess::read_write);
    if (!reopened) return std::unexpected(reopened.error().message);
    return std::move(reopened->journal);
  };

  // Each application's policy every round; plans journaled, resumed after a crash.
  const auto notify = [&](const Notification& n) { (*alerting)->notify(n); };
  const auto failover_setup = [&] {
    act::ControllerSetup setup;
    setup.clients = aws.lookup(config.aws.timeout);
    setup.curl = &curl;
    setup.notify = notify;
    if (agent) join_cluster(setup, *agent, aws, config);
    return setup;
  };
  auto first_journal = agent ? open_journal() : std::move(opened->journal);
  if (!first_journal) {
    spdlog::critical("cannot open the failover journal: {}", first_journal.error());
    return 1;
  }
  auto started_failover = act::FailoverController::start(io, config, std::move(*first_journal), failover_setup());
  if (!started_failover) {
    spdlog::critical("cannot start the failover controller: {}", started_failover.error());
    return 1;
  }
  std::unique_ptr<act::FailoverController> failover = std::move(*started_failover);
  // The API reaches whichever controller runs now: a reload that changes the applications
  // replaces it (the epoch makes the gate's answers made ahead for the old one stale).
  FailoverHooks current_hooks = failover_hooks(*failover);
  std::uint64_t failover_epoch = 0;
  FailoverHooks forwarded_failover;
  forwarded_failover.applications = [&] {
    return current_hooks.applications ? current_hooks.applications() : nlohmann::json::array();
  };
  forwarded_failover.act = [&](const std::string& app, const std::string& op, const nlohmann::json& body) {
    if (agent)
      if (auto refusal = refuse_unless_leading(*agent)) return *refusal;
    return current_hooks.act ? current_hooks.act(app, op, body) : unavailable("the failover controller is not running");
  };
  forwarded_failover.gate = [&](const std::string& app, const std::string& region) {
    return current_hooks.gate ? current_hooks.gate(app, region) : std::nullopt;
  };
  forwarded_failover.gate_generation = [&] {
    return (failover_epoch << 40) + (current_hooks.gate_generation ? current_hooks.gate_generation() : 0);
  };
  // A reloaded configuration whose applications wait for the controller to be idle: a plan in
  // flight finishes under the configuration it started with.
  const Config* failover_wanted = nullptr;
  const auto replace_failover_when_idle = [&]() -> bool {
    if (!failover_wanted) return true;
    if (failover && failover->busy()) return false;
    const Config& next = *std::exchange(failover_wanted, nullptr);
    auto journal = open_journal();
    if (!journal) {
      spdlog::error("reload: cannot open the failover journal ({}); the controller keeps the applications it had",
                    journal.error());
      return true;
    }
    // The old controller first: it releases the leases it holds while idle, which the new one,
    // the same process, takes again at once.
    failover.reset();
    current_hooks = {};
    ++failover_epoch;
    auto replaced = act::FailoverController::start(io, next, std::move(*journal), failover_setup());
    if (!replaced) {
      spdlog::critical("reload: cannot restart the failover controller: {}; failover control is off until the next "
                       "reload or restart", replaced.error());
      return true;
    }
    failover = std::move(*replaced);
    current_hooks = failover_hooks(*failover);
    spdlog::info("reload: the failover controller runs the reloaded applications ({})", next.applications.size());
    return true;
  };

  // jobs: (ami-sync, drills) at their cron times.
  ScheduledJobs jobs(io, config, aws, workers);
  auto job_list = jobs.jobs();
  if (agent)  // only the leader runs them
    for (auto& job : job_list) job.hold = [&agent] { return agent->not_leading_reason(); };
  JobScheduler job_scheduler(io, std::move(job_list));

  // The scheduler probes one configuration's endpoints: a reload that changes them starts a new
  // one. The old one is stopped and kept (its probes in flight refer to its endpoints); a round
  // of it that was still in flight is dropped.
  std::unique_ptr<ProbeScheduler> scheduler;
  std::vector<std::unique_ptr<ProbeScheduler>> retired_schedulers;
  std::uint64_t scheduler_generation = 0;
  std::function<void(ProbeRound&&)> on_round;
  const auto start_scheduler = [&](const Config& with) {
    if (scheduler) {
      scheduler->stop();
      retired_schedulers.push_back(std::move(scheduler));
    }
    scheduler = std::make_unique<ProbeScheduler>(io, with.endpoints, ProbeScheduler::Options{with.jitter});
    probers.register_with(*scheduler);
    const auto generation = ++scheduler_generation;
    scheduler->start([&, generation](ProbeRound&& round) {
      if (generation == scheduler_generation) on_round(std::move(round));
    });
  };
  warn_about_unverified_tls(config);

  // systemd's view: STATUS after every round, READY once the first round is stored.
  std::string status = "starting";
  bool stopping = false;
  bool ready_sent = false;
  boost::asio::steady_timer ready_timer(io);
  std::uint64_t first_round_rows = 0;
  std::function<void()> ready_once_stored = [&] {
    const auto stats = writer.stats();
    if (stats.written + stats.dropped >= first_round_rows) {
      ready_sent = true;
      systemd.notify("READY=1\nSTATUS=" + status);
      spdlog::debug("ready: the first round is stored and the API listens");
      return;
    }
    ready_timer.expires_after(std::chrono::milliseconds(20));
    ready_timer.async_wait([&](const boost::system::error_code& ec) {
      if (!ec && !stopping) ready_once_stored();
    });
  };

  std::unique_ptr<ApiServer> server;  // started below: its reload hook is this

  // SIGHUP and POST /api/v1/reload.
  const auto reload = [&](std::string_view trigger) -> ReloadReport {
    spdlog::info("reload: requested by {}", trigger);
    if (ready_sent) systemd.reloading("reloading " + options.config_file);
    ReloadReport report;
    auto loaded = configs.load();
    if (!loaded) {
      report.errors = std::move(loaded.error());
    } else {
      report.reloaded = true;
      report.diff = loaded->diff;
      const Config& next = loaded->next;
      const ConfigDiff& diff = loaded->diff;
      auto next_analyzer = std::make_unique<RoundAnalyzer>(next);
      next_analyzer->carry_over(*analyzer, diff.unchanged);
      analyzer = std::move(next_analyzer);
      if (diff.endpoints_changed() || diff.applies("defaults.jitter")) start_scheduler(next);
      (*alerting)->reconfigure(next, diff.applies("notifiers"));
      server->reconfigure(next);
      if (agent) agent->set_digest(next.applications_digest);
      if (diff.applies("applications") || failover_wanted) {
        failover_wanted = &next;
        if (!replace_failover_when_idle()) {
          report.deferred.emplace_back("applications");
          spdlog::warn("reload: a failover plan is running; the applications change once it has finished");
        }
      }
    }
    configs.record(report, now_us());
    if (ready_sent)
      systemd.reloaded(report.reloaded ? status : "reload failed, running the previous configuration; " + status);
    return report;
  };

  // REST API, WebSocket stream, /metrics and the dashboard, on the same loop.
  auto started_server = ApiServer::start(
      io, config,
      {[&] { return scheduler->trigger_round(); }, [&] { return writer.stats(); }, [&] { return anomaly.stats(); },
       (*alerting)->api_hooks(), forwarded_failover,
       cloudwatch.enabled() ? std::function([&] { return cloudwatch.stats(); }) : nullptr,
       ReloadHooks{[&] { return reload("POST /api/v1/reload"); }, [&] { return configs.status(); }},
       agent ? cluster_hooks(*agent, configs) : ClusterHooks{}});
  if (!started_server) {
    spdlog::critical("cannot start the HTTP server: {}", started_server.error());
    return 1;
  }
  server = std::move(*started_server);

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  boost::asio::signal_set hangups(io, SIGHUP);
  boost::asio::steady_timer watchdog_timer(io);
  auto shut_down = [&] {
    if (std::exchange(stopping, true)) return;
    systemd.notify("STOPPING=1");
    scheduler->stop();
    maintenance.stop();
    job_scheduler.stop();
    anomaly.stop();
    signals.cancel();
    hangups.cancel();
    watchdog_timer.cancel();
    ready_timer.cancel();
    // WebSocket clients get their close frame first, and CloudWatch the last interval.
    server->stop([&io, &cloudwatch] { cloudwatch.drain(std::chrono::seconds(5), [&io] { io.stop(); }); });
  };
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("received signal {}, shutting down", signal);
    shut_down();
  });
  std::function<void()> wait_for_hangup = [&] {
    hangups.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec || stopping) return;
      reload("SIGHUP");
      wait_for_hangup();
    });
  };
  wait_for_hangup();
  // WATCHDOG=1 from a timer on this loop: when the loop is stuck the pings stop and systemd
  // restarts the daemon. At half the timeout, as sd_watchdog_enabled(3) advises.
  std::function<void()> ping_watchdog = [&] {
    systemd.watchdog_ping();
    watchdog_timer.expires_after(*systemd.watchdog() / 2);
    watchdog_timer.async_wait([&](const boost::system::error_code& ec) {
      if (!ec && !stopping) ping_watchdog();
    });
  };
  if (systemd.watchdog()) ping_watchdog();

  std::uint64_t round_number = 0;  // across schedulers: a reload does not start the count again
  std::uint64_t rounds = 0;
  on_round = [&](ProbeRound&& round) {
    round.number = ++round_number;
    const auto analyzed = analyzer->analyze(round.results);
    for (const auto& observation : analyzed.observations) writer.submit(observation);
    writer.submit_scores(score_records(analyzed.scores, round.started_at));
    const auto anomalies = anomaly.on_round(analyzed);  // logs its own signals
    if (failover_wanted && replace_failover_when_idle())
      spdlog::info("reload: the deferred applications change is applied");
    auto failovers = failover ? failover->on_round(analyzed.states, {now_us(), steady_now_us()}) : act::FailoverRound{};
    (*alerting)->on_round(analyzed, anomalies.signals, failovers.signals, failovers.advice);
    if (agent) agent->publish_round(now_us(), scheduler->tick(), application_states(configs.current(), analyzed.states));
    if (cloudwatch.enabled()) cloudwatch.on_round(analyzed, failovers.active_regions);
    server->publish(round.number, analyzed, anomalies.signals, applications_json(failovers.applications));
    log_round(analyzed, round);
    status = status_line(round.number, analyzed.summary);
    if (round.number == 1) {
      first_round_rows = analyzed.observations.size();
      ready_once_stored();
    } else if (ready_sent) {
      systemd.status(status);
    }
    if (options.max_rounds != 0 && ++rounds >= options.max_rounds) shut_down();
  };

  spdlog::info("regionguard: {} endpoints in {} regions; store {}", config.endpoints.size(), config.regions.size(),
               config.store.path);
  start_scheduler(config);
  spdlog::info("probing every {} ms", scheduler->tick().count());
  maintenance.start();
  anomaly.start();
  job_scheduler.start();
  if (agent) {
    // A new leader takes up at once what its predecessor left, rather than at the next renewal.
    agent->on_leadership = [&](bool) {
      if (failover) failover->renew_leases_now();
    };
    agent->start();
  }
  io.run();
  if (agent) agent->resign();  // another agent leads at once, not after the lease's TTL

  writer.flush();
  const auto stats = writer.stats();
  spdlog::info("stopped: {} observations written, {} dropped, {} failed batches", stats.written, stats.dropped,
               stats.failed_batches);
  return stats.failed_batches == 0 ? 0 : 1;
}

}  // namespace rg
