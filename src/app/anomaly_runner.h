#pragma once
// Anomaly detection in the daemon. The forest is refitted every anomaly.refit_interval on the
// last anomaly.window of stored observations, on a lane of the worker pool with its own read-only store
// connection (as the API's history views), so the event loop never waits on the disk or the fit;
// the finished model is posted back to the loop and swapped in between two rounds. Each round is
// scored on the loop with the current model (microseconds for a round) and fed to the
// per-endpoint baselines. Before the first model there are no forest verdicts, and the log says so.
//
// Training rows are capped at anomaly.max_rows, shared evenly between the probed endpoints; an
// endpoint whose share would not cover the whole window at its interval trains on its newest
// share (the window is shortened for it), so the model follows the present.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "analyze/anomaly_detector.h"
#include "analyze/anomaly_signal.h"
#include "analyze/endpoint_baselines.h"
#include "analyze/round_analyzer.h"
#include "config/config.h"
#include "core/worker_pool.h"
#include "store/store.h"

namespace rg {

// What one round produced.
struct AnomalyRound {
  std::optional<ForestVerdict> forest;  // nullopt before the first model
  std::vector<AnomalySignal> signals;   // forest_round first, then the baselines'
};

// The training set of a fit: the window's probed endpoints' observations, each oldest first.
// Blocking (store reads); exposed for tests.
StoreResult<std::vector<std::vector<ProbeResult>>> read_training_window(Store& store, const Config& config,
                                                                        TimePoint now);

class AnomalyRunner {
 public:
  using Clock = std::function<TimePoint()>;

  // `config` and `pool` must outlive the runner. `now` is the end of each training window.
  AnomalyRunner(boost::asio::io_context& io, const Config& config, WorkerPool& pool, Clock now = now_us);
  // Fits on a lane with a thread of its own (tests, which have no pipeline).
  AnomalyRunner(boost::asio::io_context& io, const Config& config, Clock now = now_us);
  // Waits for a fit still running (it never touches the loop's state once the runner is gone).
  ~AnomalyRunner();
  AnomalyRunner(const AnomalyRunner&) = delete;
  AnomalyRunner& operator=(const AnomalyRunner&) = delete;

  // First fit at once, then every refit_interval. Does nothing when anomaly.enabled is false.
  void start();
  void stop();

  // On the loop, once per analysed round: scores it, logs and counts its signals.
  AnomalyRound on_round(const AnalyzedRound& analyzed);

  const AnomalyStats& stats() const { return stats_; }
  bool fitted() const { return detector_.fitted(); }
  const ForestModel* model() const { return detector_.model(); }

 private:
  AnomalyRunner(boost::asio::io_context& io, const Config& config, WorkerPool* pool, Clock now);
  void schedule_fit();
  void start_fit();
  void install(std::expected<ForestModel, std::string> fitted, std::chrono::milliseconds took);

  boost::asio::io_context& io_;
  const Config& config_;
  Clock now_;
  std::unordered_set<std::string> probe_ids_;  // calculated checks are not probes
  AnomalyDetector detector_;
  EndpointBaselines baselines_;
  AnomalyStats stats_;
  boost::asio::steady_timer timer_;
  WorkerLane fits_;  // one fit at a time
  // Posted completions hold a weak copy: one that arrives after the runner is gone does nothing.
  std::shared_ptr<AnomalyRunner*> self_;
  bool stopped_ = false;
  bool told_no_model_ = false;
};

}  // namespace rg
