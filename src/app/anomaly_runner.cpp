#include "app/anomaly_runner.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <chrono>

#include "store/open_store.h"

namespace rg {
namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::milliseconds;

constexpr WorkerLane::Limits kOneFitAtATime{.width = 1, .capacity = 1};

bool is_probe(const EndpointConfig& endpoint) { return endpoint.kind != ProbeKind::calculated; }

void log_signal(const AnomalySignal& signal) {
  if (signal.severity >= AnomalySeverity::high) spdlog::error("anomaly: {}", signal.message);
  else spdlog::warn("anomaly: {}", signal.message);
}

}  // namespace

StoreResult<std::vector<std::vector<ProbeResult>>> read_training_window(Store& store, const Config& config,
                                                                        TimePoint now) {
  const auto probed = std::ranges::count_if(config.endpoints, is_probe);
  std::vector<std::vector<ProbeResult>> histories;
  if (probed == 0) return histories;
  const auto share = std::max<std::size_t>(1, static_cast<std::size_t>(config.anomaly.max_rows) /
                                                  static_cast<std::size_t>(probed));
  for (const auto& endpoint : config.endpoints) {
    if (!is_probe(endpoint)) continue;
    // The newest `share` probes at the endpoint's interval, when they do not fill the window.
    const auto span = std::min(duration_cast<microseconds>(config.anomaly.window),
                               duration_cast<microseconds>(endpoint.interval) * static_cast<std::int64_t>(share));
    auto observations = store.observations(endpoint.id, now - span, now, share);
    if (!observations) return std::unexpected(observations.error());
    auto& results = histories.emplace_back();
    results.reserve(observations->size());
    for (auto& observation : *observations) results.push_back(std::move(observation.result));
  }
  return histories;
}

AnomalyRunner::AnomalyRunner(boost::asio::io_context& io, const Config& config, WorkerPool& pool, Clock now)
    : AnomalyRunner(io, config, &pool, std::move(now)) {}

AnomalyRunner::AnomalyRunner(boost::asio::io_context& io, const Config& config, Clock now)
    : AnomalyRunner(io, config, nullptr, std::move(now)) {}

AnomalyRunner::AnomalyRunner(boost::asio::io_context& io, const Config& config, WorkerPool* pool, Clock now)
    : io_(io),
      config_(config),
      now_(std::move(now)),
      detector_(detector_options(config.anomaly)),
      baselines_(config, baselines_options(config.anomaly)),
      timer_(io),
      fits_(pool ? WorkerLane(*pool, kOneFitAtATime) : WorkerLane(kOneFitAtATime)),
      self_(std::make_shared<AnomalyRunner*>(this)) {
  stats_.enabled = config.anomaly.enabled;
  for (const auto& endpoint : config.endpoints)
    if (is_probe(endpoint)) probe_ids_.insert(endpoint.id);
}

AnomalyRunner::~AnomalyRunner() {
  stop();
  self_.reset();
  fits_.wait_idle();
}

void AnomalyRunner::start() {
  if (!config_.anomaly.enabled) {
    spdlog::info("anomaly detection is off (anomaly.enabled: false)");
    return;
  }
  stopped_ = false;
  start_fit();
  schedule_fit();
}

void AnomalyRunner::stop() {
  stopped_ = true;
  timer_.cancel();
}

void AnomalyRunner::schedule_fit() {
  timer_.expires_after(config_.anomaly.refit_interval);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    start_fit();
    schedule_fit();
  });
}

void AnomalyRunner::start_fit() {
  // A fit that outlasts the interval (a huge window on a slow disk) is not doubled up.
  if (!fits_.idle()) {
    spdlog::warn("anomaly: the previous fit is still running; skipping this refit");
    return;
  }
  const TimePoint to = now_();
  // The lane is idle and only the loop posts to it: the fit is always admitted.
  (void)fits_.post([this, to, weak = std::weak_ptr(self_)] {
    // Only config_ (immutable, outlives the runner) and io_ are touched here, never the loop's state.
    const auto started = std::chrono::steady_clock::now();
    const auto from = to - duration_cast<microseconds>(config_.anomaly.window);
    std::expected<ForestModel, std::string> fitted = std::unexpected(std::string());
    if (auto store = open_store(config_.store, StoreAccess::read_only); !store) {
      fitted = std::unexpected("cannot open the store: " + store.error().message);
    } else if (auto histories = read_training_window(*store->history, config_, to); !histories) {
      fitted = std::unexpected("cannot read the store: " + histories.error().message);
    } else {
      fitted = fit_forest_model(*histories, detector_options(config_.anomaly), from, to);
    }
    const auto took = duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
    boost::asio::post(io_, [weak, fitted = std::move(fitted), took]() mutable {
      if (const auto self = weak.lock()) (*self)->install(std::move(fitted), took);
    });
  });
}

void AnomalyRunner::install(std::expected<ForestModel, std::string> fitted, std::chrono::milliseconds took) {
  if (!fitted) {
    ++stats_.failed_fits;
    if (detector_.fitted()) {
      spdlog::warn("anomaly: refit failed ({}); keeping the model fitted at {}", fitted.error(),
                   format_iso8601(*stats_.fitted_at));
    } else {
      spdlog::info("anomaly: no forest model yet ({}); no forest verdicts until a fit succeeds, next in {} s",
                   fitted.error(), duration_cast<std::chrono::seconds>(config_.anomaly.refit_interval).count());
    }
    return;
  }
  auto model = std::make_shared<const ForestModel>(std::move(*fitted));
  ++stats_.fits;
  stats_.model_fitted = true;
  stats_.training_rows = model->training_rows;
  stats_.fitted_at = now_();
  spdlog::info("anomaly: forest fitted on {} observations of {} endpoints ({} to {}) in {} ms off the loop",
               model->training_rows, model->endpoints, format_iso8601(model->window_from),
               format_iso8601(model->window_to), took.count());
  detector_.set_model(std::move(model));
}

AnomalyRound AnomalyRunner::on_round(const AnalyzedRound& analyzed) {
  AnomalyRound round;
  if (!config_.anomaly.enabled) return round;
  std::vector<ProbeResult> results;
  results.reserve(analyzed.observations.size());
  for (const auto& observation : analyzed.observations)
    if (probe_ids_.contains(observation.result.endpoint_id)) results.push_back(observation.result);

  round.forest = detector_.score_round(results);
  if (round.forest) {
    ++stats_.rounds_scored;
    stats_.latest_anomalous_percent = round.forest->anomalous_percent;
    stats_.latest_min_score = round.forest->min_score;
    if (round.forest->signal) round.signals.push_back(*round.forest->signal);
  } else if (!told_no_model_ && !results.empty()) {
    told_no_model_ = true;
    spdlog::info("anomaly: no forest model yet; rounds get no forest verdict until the first fit on stored history");
  }
  auto baseline_signals = baselines_.observe(results);
  round.signals.insert(round.signals.end(), std::make_move_iterator(baseline_signals.begin()),
                       std::make_move_iterator(baseline_signals.end()));
  for (const auto& signal : round.signals) {
    ++stats_.signals[static_cast<std::size_t>(signal.kind)];
    log_signal(signal);
  }
  return round;
}

}  // namespace rg
