#pragma once
// Store upkeep for the daemon: loads the stored uptime at start, and applies retention (raw rows
// rolled up into per-minute rows, old rollups deleted) every hour on a lane of the worker pool with
// its own connection, so the event loop never waits on it.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "analyze/round_analyzer.h"
#include "config/config.h"
#include "core/worker_pool.h"
#include "store/store.h"

namespace rg {

void load_stored_uptime(Store& store, const Config& config, RoundAnalyzer& analyzer, TimePoint now);

class StoreMaintenance {
 public:
  // `config` and `pool` must outlive it.
  StoreMaintenance(boost::asio::io_context& io, const Config& config, WorkerPool& pool)
      : config_(config), timer_(io), passes_(pool, {.width = 1, .capacity = 1}) {}
  ~StoreMaintenance();
  void start();  // first pass at once, then hourly
  void stop();

 private:
  void run_pass();
  const Config& config_;
  boost::asio::steady_timer timer_;
  WorkerLane passes_;  // one pass at a time
  bool stopped_ = false;
};

}  // namespace rg
