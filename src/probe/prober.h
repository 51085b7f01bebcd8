#pragma once
// The interface every probe kind implements: start one check of one endpoint and report its
// result once. Scheduling, jitter and rounds live in ProbeScheduler; a prober only probes.
#include <functional>

#include "config/config.h"
#include "core/probe_result.h"

namespace rg {

class Prober {
 public:
  using Completion = std::function<void(ProbeResult)>;
  virtual ~Prober() = default;
  // Must call `done` exactly once, on the io_context thread, and never throw: failures are results.
  // `endpoint` must outlive the probe (the scheduler owns the endpoints for its whole life).
  virtual void start(const EndpointConfig& endpoint, Completion done) = 0;
};

}  // namespace rg
