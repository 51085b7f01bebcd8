#pragma once

// Runs one scenario in a fresh lab world and measures it from outside, as an operator and the
// application's users would: the daemon's API (alerts, the application's failover state and
// history), knotd's own answer for the application's name, and the lab client's requests.

#include "lab/lab_world.h"
#include "lab/scenario.h"

#include <atomic>
#include <iosfwd>
#include <stdexcept>

namespace rg::lab {

struct RunOptions {
  LabOptions lab{};
  bool short_run = false;
  std::ostream* progress = nullptr;  // a line per event as it happens, when set
  // Set from elsewhere (a signal) to end the run early: run_scenario then throws RunCancelled,
  // and everything the run started stops as it unwinds.
  const std::atomic<bool>* cancelled = nullptr;
};

struct RunCancelled : std::runtime_error {
  RunCancelled() : std::runtime_error("cancelled") {}
};

// Throws std::runtime_error when the world cannot be built (knotd missing...).
ScenarioRun run_scenario(const Scenario& scenario, const RunOptions& options);

}  // namespace rg::lab
