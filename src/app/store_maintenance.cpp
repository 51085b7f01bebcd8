#include "app/store_maintenance.h"

#include <spdlog/spdlog.h>

#include "store/open_store.h"

namespace rg {

void load_stored_uptime(Store& store, const Config& config, RoundAnalyzer& analyzer, TimePoint now) {
  const TimePoint from = now - std::chrono::duration_cast<std::chrono::microseconds>(config.uptime_window);
  for (const auto& endpoint : config.endpoints) {
    auto stats = store.uptime(endpoint.id, from, now);
    if (stats) analyzer.set_stored_uptime(endpoint.id, *stats);
    else spdlog::warn("cannot read stored uptime of {}: {}", endpoint.id, stats.error().message);
  }
}

StoreMaintenance::~StoreMaintenance() {
  stop();
  passes_.wait_idle();
}

void StoreMaintenance::start() {
  run_pass();
  timer_.expires_after(std::chrono::hours(1));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && !stopped_) start();
  });
}

void StoreMaintenance::stop() {
  stopped_ = true;
  timer_.cancel();
}

void StoreMaintenance::run_pass() {
  // Skip a pass while the previous one still runs (a very large first rollup, say).
  if (!passes_.idle()) return;
  // The lane is idle and only the loop posts to it: the pass is always admitted.
  (void)passes_.post([store_config = config_.store, raw = std::chrono::hours(24 * config_.store.raw_retention_days),
                      rollups = std::chrono::hours(24 * config_.store.rollup_retention_days)] {
    auto store = open_store(store_config, StoreAccess::maintenance);
    if (!store) {
      spdlog::warn("retention: cannot open {}: {}", store_config.path, store.error().message);
      return;
    }
    if (auto done = store->history->apply_retention(now_us(), raw, rollups); !done)
      spdlog::warn("retention failed: {}", done.error().message);
    else
      spdlog::debug("retention applied to {}", store_config.path);
  });
}

}  // namespace rg
