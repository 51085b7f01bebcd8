#include "app/commands/probe_command.h"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <filesystem>
#include <iostream>

#include "analyze/round_analyzer.h"
#include "app/round_report.h"
#include "app/store_maintenance.h"
#include "app/probers.h"
#include "probe/probe_scheduler.h"
#include "store/open_store.h"

namespace rg {

int run_probe_command(const Config& config, const ProbeCommandOptions& options) {
  RoundAnalyzer analyzer(config);
  if (options.read_store && std::filesystem::exists(config.store.path)) {
    // Opened as the daemon opens it, so a file of an older version is migrated rather than refused.
    if (auto store = open_store(config.store, StoreAccess::read_write))
      load_stored_uptime(*store->history, config, analyzer, now_us());
    else spdlog::warn("uptime unavailable: {}", store.error().message);
  }

  boost::asio::io_context io;
  CurlMulti curl(io);
  aws::AwsSession aws(io, curl, config.aws);  // credentials looked for on the first AWS check only
  Probers probers(io, curl, aws);
  // A one-off check fires every query at once; jitter only matters for a long-running watch.
  ProbeScheduler scheduler(io, config.endpoints,
                           ProbeScheduler::Options{options.watch ? config.jitter : std::chrono::milliseconds(0)});
  probers.register_with(scheduler);

  int exit_code = 0;
  auto show = [&](ProbeRound&& round) {
    const auto analyzed = analyzer.analyze(round.results);
    exit_code = exit_code_for(analyzed.summary);
    if (options.json) {
      std::cout << render_json(analyzed, config);
    } else {
      // A terminal gets a refreshing screen; a pipe gets one table per round.
      if (options.watch && options.colour) std::cout << "\x1b[H\x1b[2J";
      if (options.watch) std::cout << format_iso8601(round.started_at) << "  round " << round.number << "\n\n";
      std::cout << render_table(analyzed, options.colour);
    }
    std::cout.flush();
  };

  if (!options.watch) {
    // The resolver sockets stay open (and watched) after the answers, so stop the loop explicitly.
    scheduler.run_once([&](ProbeRound&& round) {
      show(std::move(round));
      io.stop();
    });
    io.run();
    return exit_code;
  }
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    scheduler.stop();
    io.stop();
  });
  scheduler.start(show);
  io.run();
  return exit_code;
}

}  // namespace rg
