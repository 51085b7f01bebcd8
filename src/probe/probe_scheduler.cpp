#include "probe/probe_scheduler.h"

#include <algorithm>

namespace rg {

// A round in flight: its results, and the launches not yet made (sorted by offset), which one
// timer walks through instead of one timer per probe.
struct ProbeScheduler::Round {
  explicit Round(boost::asio::io_context& io) : launch_timer(io) {}
  ProbeRound report;
  std::vector<std::pair<std::chrono::steady_clock::time_point, std::size_t>> launches;  // (when, endpoint)
  std::size_t next_launch = 0;
  std::vector<std::size_t> slot_of_endpoint;  // endpoint index → index in report.results
  std::size_t outstanding = 0;
  boost::asio::steady_timer launch_timer;
  RoundCallback on_done;
  bool triggered = false;  // by trigger_round(), not by the cadence
};

ProbeScheduler::ProbeScheduler(boost::asio::io_context& io, std::vector<EndpointConfig> endpoints, Options options)
    : io_(io),
      endpoints_(std::move(endpoints)),
      options_(options),
      next_due_(endpoints_.size()),
      busy_(endpoints_.size(), false),
      tick_timer_(io),
      random_(options.seed) {
  if (!endpoints_.empty()) {
    tick_ = std::min_element(endpoints_.begin(), endpoints_.end(), [](const auto& a, const auto& b) {
              return a.interval < b.interval;
            })->interval;
  }
}

void ProbeScheduler::run_once(RoundCallback on_round) {
  on_round_ = std::move(on_round);
  begin_round(std::chrono::steady_clock::now());
}

void ProbeScheduler::start(RoundCallback on_round) {
  on_round_ = std::move(on_round);
  running_ = true;
  next_tick_ = std::chrono::steady_clock::now();
  begin_round(next_tick_);
  schedule_next_tick();
}

void ProbeScheduler::stop() {
  running_ = false;
  tick_timer_.cancel();
}

bool ProbeScheduler::trigger_round() {
  if (!running_ || triggered_in_flight_) return false;
  begin_round(std::chrono::steady_clock::now(), true);
  return true;
}

void ProbeScheduler::schedule_next_tick() {
  // Ticks follow a fixed cadence from the start, so slow rounds do not make the schedule drift.
  next_tick_ += tick_;
  tick_timer_.expires_at(next_tick_);
  tick_timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
    if (ec || alive.expired() || !running_) return;
    begin_round(next_tick_);
    schedule_next_tick();
  });
}

// Within [0, jitter), and never so late that the probe's timeout would run into its next round,
// where a probe still running is skipped: at most half of what the timeout leaves of the interval
// (a 1 s check with a 500 ms timeout starts within 250 ms, whatever the jitter).
std::chrono::microseconds ProbeScheduler::launch_offset(const EndpointConfig& endpoint) {
  using std::chrono::microseconds;
  const auto slack = std::chrono::duration_cast<microseconds>(endpoint.interval - endpoint.timeout) / 2;
  const auto window = std::max(microseconds(0), std::min(std::chrono::duration_cast<microseconds>(options_.jitter), slack));
  if (window <= microseconds(1)) return microseconds(0);
  return microseconds(std::uniform_int_distribution<long>(0, window.count() - 1)(random_));
}

void ProbeScheduler::begin_round(std::chrono::steady_clock::time_point tick, bool triggered) {
  auto round = std::make_shared<Round>(io_);
  round->report.number = ++round_number_;
  round->report.started_at = now_us();
  round->on_done = on_round_;
  round->triggered = triggered;
  round->slot_of_endpoint.assign(endpoints_.size(), 0);

  const auto now = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < endpoints_.size(); ++i) {
    if (endpoints_[i].kind == ProbeKind::calculated) continue;  // derived from its children by analysis
    if (!triggered && next_due_[i] > tick) continue;  // not due this tick
    if (busy_[i]) {
      ++round->report.skipped;
      continue;
    }
    // A triggered round is extra: the endpoint stays due at its regular tick.
    if (!triggered) next_due_[i] = tick + endpoints_[i].interval;
    busy_[i] = true;
    round->slot_of_endpoint[i] = round->launches.size();
    round->launches.emplace_back(now + launch_offset(endpoints_[i]), i);
  }
  round->report.results.resize(round->launches.size());
  round->outstanding = round->launches.size();
  triggered_in_flight_ = triggered_in_flight_ || (triggered && round->outstanding > 0);
  if (round->outstanding == 0) {
    // Nothing due (endpoints with longer intervals than the tick): not a round worth reporting,
    // unless probes were skipped, which the caller should hear about.
    if (round->report.skipped > 0 && round->on_done) round->on_done(std::move(round->report));
    return;
  }
  std::sort(round->launches.begin(), round->launches.end());
  launch_due(round);
}

// Launches due within this much of now go out together: one timer wake-up per millisecond at
// most, instead of one per probe (at 10,000 probes/s that was a timerfd_settime and an
// epoll_wait per probe). Spreading over the jitter window is kept at millisecond grain.
constexpr auto kLaunchBatch = std::chrono::milliseconds(1);

void ProbeScheduler::launch_due(const std::shared_ptr<Round>& round) {
  const auto horizon = std::chrono::steady_clock::now() + kLaunchBatch;
  while (round->next_launch < round->launches.size() && round->launches[round->next_launch].first <= horizon) {
    const std::size_t endpoint_index = round->launches[round->next_launch++].second;
    const auto& endpoint = endpoints_[endpoint_index];
    auto done = [this, round, endpoint_index, alive = std::weak_ptr<bool>(alive_)](ProbeResult result) {
      if (alive.expired()) return;
      busy_[endpoint_index] = false;
      round->report.results[round->slot_of_endpoint[endpoint_index]] = std::move(result);
      if (--round->outstanding != 0) return;
      if (round->triggered) triggered_in_flight_ = false;
      if (round->on_done) round->on_done(std::move(round->report));
    };
    auto prober = probers_.find(endpoint.kind);
    if (prober == probers_.end()) {
      ProbeResult result;
      result.endpoint_id = endpoint.id;
      result.started_at = now_us();
      result.failure = FailureKind::network;
      result.error = "no prober for this endpoint kind";
      done(std::move(result));
      continue;
    }
    prober->second->start(endpoint, std::move(done));
  }
  if (round->next_launch < round->launches.size()) {
    round->launch_timer.expires_at(round->launches[round->next_launch].first);
    round->launch_timer.async_wait([this, round, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
      if (ec || alive.expired()) return;
      launch_due(round);
    });
  }
}

}  // namespace rg
