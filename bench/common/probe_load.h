#pragma once
// What the probe-load drivers (dns_probe_load, http_probe_load) share: a decorator that counts
// every probe as it starts and completes, the process's own CPU and memory, and latency
// percentiles as JSON.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "probe/prober.h"

namespace rg::bench {

// Counts every result as it completes, then hands it on to the scheduler unchanged. Tally needs
// on_start() and record(const ProbeResult&).
template <class Tally>
class CountingProber final : public rg::Prober {
 public:
  CountingProber(rg::Prober& inner, Tally& tally) : inner_(inner), tally_(tally) {}
  void start(const rg::EndpointConfig& endpoint, Completion done) override {
    tally_.on_start();
    inner_.start(endpoint, [this, done = std::move(done)](rg::ProbeResult result) {
      tally_.record(result);
      done(std::move(result));
    });
  }

 private:
  rg::Prober& inner_;
  Tally& tally_;
};

struct CpuTimes {
  double user_s = 0;
  double sys_s = 0;
  long max_rss_kb = 0;
};

// getrusage(RUSAGE_SELF): every thread of this process.
CpuTimes self_usage();

// Nearest-rank percentile of microsecond values; JSON null when there are none.
nlohmann::ordered_json percentile_json(const std::vector<std::uint32_t>& values, double p);

}  // namespace rg::bench
