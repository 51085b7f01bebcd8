#include "app/pipeline.h"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <thread>
#include <utility>

#include "analyze/round_analyzer.h"
#include "app/alerting.h"
#include "app/anomaly_runner.h"
#include "present/cloudwatch/cloudwatch_publisher.h"
#include "app/job_scheduler.h"
#include "app/scheduled_jobs.h"
#include "app/score_records.h"
#include "app/store_maintenance.h"
#include "core/worker_pool.h"
#include "app/probers.h"
#include "act/failover/failover_controller.h"
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

}  // namespace

int run_pipeline(const Config& config, const PipelineOptions& options) {
  // The history for the BatchWriter, the alerts and the failover journal, each on its own connection.
  auto opened = open_store(config.store, StoreAccess::read_write);
  if (!opened) {
    spdlog::critical("cannot open the store {}: {}", config.store.path, opened.error().message);
    return 1;
  }
  std::unique_ptr<Store> store = std::move(opened->history);
  RoundAnalyzer analyzer(config);
  load_stored_uptime(*store, config, analyzer, now_us());

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

  // Each application's policy every round; plans journaled, resumed after a crash.
  act::ControllerSetup failover_setup;
  failover_setup.clients = aws.lookup(config.aws.timeout);
  failover_setup.notify = [&](const Notification& n) { (*alerting)->notify(n); };
  auto failover = act::FailoverController::start(io, config, std::move(opened->journal), std::move(failover_setup));
  if (!failover) {
    spdlog::critical("cannot start the failover controller: {}", failover.error());
    return 1;
  }

  // jobs: (ami-sync, drills) at their cron times.
  ScheduledJobs jobs(io, config, aws, workers);
  JobScheduler job_scheduler(io, jobs.jobs());

  ProbeScheduler scheduler(io, config.endpoints, ProbeScheduler::Options{config.jitter});
  probers.register_with(scheduler);
  warn_about_unverified_tls(config);

  // REST API, WebSocket stream, /metrics and the dashboard, on the same loop.
  auto server = ApiServer::start(io, config,
                                 {[&] { return scheduler.trigger_round(); }, [&] { return writer.stats(); },
                                  [&] { return anomaly.stats(); }, (*alerting)->api_hooks(), failover_hooks(**failover),
                                  cloudwatch.enabled() ? std::function([&] { return cloudwatch.stats(); }) : nullptr});
  if (!server) {
    spdlog::critical("cannot start the HTTP server: {}", server.error());
    return 1;
  }

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  bool stopping = false;
  auto shut_down = [&] {
    if (std::exchange(stopping, true)) return;
    scheduler.stop();
    maintenance.stop();
    job_scheduler.stop();
    anomaly.stop();
    signals.cancel();
    // WebSocket clients get their close frame first, and CloudWatch the last interval.
    (*server)->stop([&io, &cloudwatch] { cloudwatch.drain(std::chrono::seconds(5), [&io] { io.stop(); }); });
  };
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("received signal {}, shutting down", signal);
    shut_down();
  });

  spdlog::info("regionguard: {} endpoints in {} regions, every {} ms; store {}", config.endpoints.size(),
               config.regions.size(), scheduler.tick().count(), config.store.path);
  std::uint64_t rounds = 0;
  scheduler.start([&](ProbeRound&& round) {
    const auto analyzed = analyzer.analyze(round.results);
    for (const auto& observation : analyzed.observations) writer.submit(observation);
    writer.submit_scores(score_records(analyzed.scores, round.started_at));
    const auto anomalies = anomaly.on_round(analyzed);  // logs its own signals
    auto failovers = (*failover)->on_round(analyzed.states, {now_us(), steady_now_us()});
    (*alerting)->on_round(analyzed, anomalies.signals, failovers.signals, failovers.advice);
    if (cloudwatch.enabled()) cloudwatch.on_round(analyzed, failovers.active_regions);
    (*server)->publish(round.number, analyzed, anomalies.signals, applications_json(failovers.applications));
    log_round(analyzed, round);
    if (options.max_rounds != 0 && ++rounds >= options.max_rounds) shut_down();
  });
  maintenance.start();
  anomaly.start();
  job_scheduler.start();
  io.run();

  writer.flush();
  const auto stats = writer.stats();
  spdlog::info("stopped: {} observations written, {} dropped, {} failed batches", stats.written, stats.dropped,
               stats.failed_batches);
  return stats.failed_batches == 0 ? 0 : 1;
}

}  // namespace rg
