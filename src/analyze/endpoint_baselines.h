#pragma once
// Per-endpoint baselines across the fleet: each probed endpoint keeps a latency baseline
// (latency_baseline.h) and an error-rate baseline (error_rate_baseline.h); after each round they
// say which endpoints shifted, and whether the shift is one endpoint's or widespread:
//
//  * an endpoint "shifted" when its latency z ≥ z_threshold / 2 or its error rate shifted. Half the
//    threshold because a shift seen on many endpoints in the same round is far less likely to be
//    chance than the same z on one (with a median of 5 recent samples, z ≥ 1.75 under normal noise
//    is ~1 in 1000 per endpoint);
//  * when at least widespread_percent of the endpoints out of warm-up shifted (and at least
//    widespread_min of them), that is one `widespread` signal for the fleet — the monitor's own
//    network or resolver, or a multi-region event — instead of a storm of per-endpoint signals;
//  * otherwise the same test per region gives one `widespread` signal per region;
//  * every shifted endpoint not covered by a widespread signal gets its own `latency_drift` (z ≥
//    z_threshold) and/or `error_rate_shift` signal.
// Pure: results in, signals out; time comes with the results.
#include <map>
#include <span>
#include <string>
#include <vector>

#include "analyze/anomaly_signal.h"
#include "analyze/error_rate_baseline.h"
#include "analyze/latency_baseline.h"
#include "config/config.h"
#include "core/probe_result.h"

namespace rg {

struct EndpointBaselinesOptions {
  LatencyBaselineOptions latency;
  ErrorRateBaselineOptions error_rate;
  double z_threshold = 3.5;
  double widespread_percent = 50.0;
  std::size_t widespread_min = 3;
};

// The options `anomaly:` sets (z_threshold, min_samples, widespread_percent), defaults elsewhere.
EndpointBaselinesOptions baselines_options(const AnomalyConfig& config);

class EndpointBaselines {
 public:
  using Options = EndpointBaselinesOptions;
  // `config` must outlive this; it gives each endpoint's region, and its calculated checks (not
  // probes) are left out.
  EndpointBaselines(const Config& config, Options options);

  // Adds the round's results to their endpoints' baselines, then judges the endpoints of the round.
  std::vector<AnomalySignal> observe(std::span<const ProbeResult> results);

  // The endpoint's latest latency z-score; nullopt for an unknown endpoint or during warm-up.
  std::optional<double> latency_z(const std::string& endpoint_id) const;

 private:
  struct Tracked {
    std::string region;
    LatencyBaseline latency;
    ErrorRateBaseline errors;
  };

  const Config& config_;
  Options options_;
  std::map<std::string, Tracked> tracked_;
};

}  // namespace rg
