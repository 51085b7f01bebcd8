#pragma once
// Runs probes in rounds. Every `tick` (the shortest endpoint interval) the endpoints that are due
// are started, spread over [0, jitter) so that a thousand probes do not leave in one burst (each
// early enough that its timeout ends before its next round), and the round is reported once all
// of them have finished. An endpoint whose previous probe is still running is not started again
// (it is counted as skipped). The scheduler owns timing; probers only probe (Envoy's
// HealthCheckerImplBase / ActiveHealthCheckSession split).
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include "config/config.h"
#include "probe/prober.h"

namespace rg {

struct ProbeRound {
  std::uint64_t number = 0;
  TimePoint started_at{};
  std::vector<ProbeResult> results;  // in the order of the endpoints
  std::size_t skipped = 0;           // due endpoints still busy with the previous round
};

class ProbeScheduler {
 public:
  using RoundCallback = std::function<void(ProbeRound&&)>;

  struct Options {
    std::chrono::milliseconds jitter{0};
    std::uint64_t seed = std::random_device{}();
  };

  ProbeScheduler(boost::asio::io_context& io, std::vector<EndpointConfig> endpoints, Options options);

  // Probers by kind; the scheduler does not own them.
  void register_prober(ProbeKind kind, Prober& prober) { probers_[kind] = &prober; }

  // One round of every endpoint, now; `on_round` runs when it is complete.
  void run_once(RoundCallback on_round);
  // Rounds every tick until stop(); the first starts at once.
  void start(RoundCallback on_round);
  void stop();

  // A round of every endpoint now, outside the cadence (POST /api/v1/probe), reported to the
  // callback given to start(). Endpoints still busy are skipped; the regular ticks keep their
  // schedule. Returns false and starts nothing when not running, or while the previous triggered
  // round is still in flight: a burst of requests starts one round, not a pile of them.
  bool trigger_round();

  const std::vector<EndpointConfig>& endpoints() const { return endpoints_; }
  std::chrono::milliseconds tick() const { return tick_; }

 private:
  struct Round;
  // `tick` is the scheduled time of this round, not when the timer fired: due dates follow the
  // fixed cadence, so a timer that fires late never makes an endpoint miss a whole interval.
  std::chrono::microseconds launch_offset(const EndpointConfig& endpoint);
  void begin_round(std::chrono::steady_clock::time_point tick, bool triggered = false);
  void launch_due(const std::shared_ptr<Round>& round);
  void schedule_next_tick();

  boost::asio::io_context& io_;
  std::vector<EndpointConfig> endpoints_;
  Options options_;
  std::map<ProbeKind, Prober*> probers_;
  std::chrono::milliseconds tick_{10'000};
  std::vector<std::chrono::steady_clock::time_point> next_due_;
  std::vector<bool> busy_;
  boost::asio::steady_timer tick_timer_;
  std::chrono::steady_clock::time_point next_tick_{};
  std::mt19937_64 random_;
  RoundCallback on_round_;
  std::uint64_t round_number_ = 0;
  bool running_ = false;
  bool triggered_in_flight_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace rg
