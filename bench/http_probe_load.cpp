// Load driver for bench/http_bench: N HTTP endpoints all checking one URL, probed by regionguard's
// own ProbeScheduler + HttpProber on one CurlMulti and one io_context (exactly the daemon's HTTP
// probe path, a fresh connection per check), for a fixed time. Prints ONE JSON line on stdout:
//   checks completed in the window, successes, failures by kind (and the first failure's text),
//   checks/s, CPU seconds of this process in the window (getrusage, user + sys), CPU seconds per
//   1,000 checks, the time it was runnable but waiting for a CPU (/proc/self/task/*/schedstat: on a
//   shared machine, a lagging loop with low CPU means starved, not slow), latency p50/p99 of the successful checks (µs, ProbeResult.latency), p50 of curl's
//   own phase times and of the time a check spent outside curl's clock, and peak RSS (ru_maxrss).
//
// "launched_pct" is checks started ÷ what the schedule offers in the window (endpoints × window ÷
// interval): about 100 when every round is launched on time; a round the scheduler loses, or launches
// late, shows as a shortfall without any failure.
//
// Checks are counted one by one as they complete (a thin Prober decorator), not per round, so a
// round cut off by the end of the window counts exactly the checks it finished inside the window.
//
//   http_probe_load --url http://127.0.0.1:PORT/health --endpoints N --interval MS --duration S
//                   [--jitter MS] [--timeout MS]
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/probe_load.h"
#include "common/proc_stats.h"
#include "config/config.h"
#include "core/failure_kind.h"
#include "net/curl_multi.h"
#include "probe/http_prober.h"
#include "probe/probe_scheduler.h"

namespace {

using namespace rg::bench;

using SteadyClock = std::chrono::steady_clock;

std::uint32_t clamp_us(std::chrono::microseconds d) {
  return static_cast<std::uint32_t>(std::clamp<std::int64_t>(d.count(), 0, UINT32_MAX));
}

// What completed inside the measurement window.
struct Tally {
  bool counting = false;
  std::uint64_t started = 0;    // checks handed to the prober while counting
  std::uint64_t completed = 0;  // results delivered while counting
  std::uint64_t successes = 0;
  std::map<rg::FailureKind, std::uint64_t> failures;
  std::string first_error;
  std::uint64_t rounds_completed = 0;
  std::uint64_t skipped = 0;  // due endpoints still busy with their previous check (saturation)
  // Successful checks only.
  std::vector<std::uint32_t> latencies_us;   // ProbeResult.latency: from before the transfer is handed
                                             // to curl until the result is judged
  std::vector<std::uint32_t> connect_us;     // curl's phases, from curl's own start of the transfer
  std::vector<std::uint32_t> first_byte_us;
  std::vector<std::uint32_t> total_us;
  std::vector<std::uint32_t> outside_us;     // latency − curl's total: waiting in our loop, not in curl

  void reserve(std::size_t n) {
    for (auto* v : {&latencies_us, &connect_us, &first_byte_us, &total_us, &outside_us}) v->reserve(n);
  }

  void on_start() {
    if (counting) ++started;
  }
  void record(const rg::ProbeResult& result) {
    if (!counting) return;
    ++completed;
    if (!result.success) {
      ++failures[result.failure];
      if (first_error.empty()) first_error = fmt::format("{}: {}", rg::to_string(result.failure), result.error);
      return;
    }
    ++successes;
    latencies_us.push_back(clamp_us(result.latency));
    if (result.http) {
      const auto& phases = result.http->phases;
      connect_us.push_back(clamp_us(phases.connect));
      first_byte_us.push_back(clamp_us(phases.first_byte));
      total_us.push_back(clamp_us(phases.total));
      outside_us.push_back(clamp_us(result.latency - phases.total));
    }
  }
};

std::vector<rg::EndpointConfig> make_endpoints(const std::string& url, std::size_t count, rg::Millis interval,
                                               rg::Millis timeout) {
  std::vector<rg::EndpointConfig> endpoints(count);
  for (std::size_t i = 0; i < count; ++i) {
    auto& endpoint = endpoints[i];
    endpoint.id = fmt::format("ep{:05}", i);
    endpoint.hostname = url;
    endpoint.service = "bench";
    endpoint.region = "local";
    endpoint.kind = rg::ProbeKind::http;
    endpoint.http.url = url;  // defaults otherwise: GET, 200–399 expected, no body match, no redirects
    endpoint.interval = interval;
    endpoint.timeout = timeout;
  }
  return endpoints;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"regionguard HTTP prober load driver (prints one JSON line)"};
  std::string url;
  std::size_t endpoint_count = 1000;
  long interval_ms = 1000;
  long jitter_ms = -1;
  long timeout_ms = 1000;
  double duration_s = 10;
  app.add_option("--url", url, "URL every endpoint checks, e.g. http://127.0.0.1:PORT/health")->required();
  app.add_option("--endpoints", endpoint_count, "number of endpoints")->check(CLI::PositiveNumber);
  app.add_option("--interval", interval_ms, "check interval of every endpoint, ms")->check(CLI::PositiveNumber);
  app.add_option("--jitter", jitter_ms, "spread of each round's launches, ms (default: 90% of the interval)");
  app.add_option("--timeout", timeout_ms, "check timeout, ms")->check(CLI::PositiveNumber);
  app.add_option("--duration", duration_s, "measurement window, seconds")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);

  try {
    if (!url.starts_with("http://") && !url.starts_with("https://"))
      throw std::runtime_error("--url: must start with http:// or https://");
    if (jitter_ms < 0) jitter_ms = interval_ms * 9 / 10;
    auto endpoints = make_endpoints(url, endpoint_count, rg::Millis{interval_ms}, rg::Millis{timeout_ms});

    boost::asio::io_context io;
    Tally tally;
    // Room for the whole window's latencies, so the vectors do not regrow (and double RSS) midway.
    tally.reserve(static_cast<std::size_t>(static_cast<double>(endpoint_count) * duration_s * 1000.0 /
                                           static_cast<double>(interval_ms)) +
                  endpoint_count);
    rg::CurlMulti curl(io);
    rg::HttpProber http(curl);
    CountingProber<Tally> counting(http, tally);
    rg::ProbeScheduler scheduler(io, std::move(endpoints), rg::ProbeScheduler::Options{rg::Millis{jitter_ms}});
    scheduler.register_prober(rg::ProbeKind::http, counting);

    const auto window = std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(duration_s));
    boost::asio::steady_timer end_timer(io);
    CpuTimes cpu_end;
    double wait_end = 0;
    SteadyClock::time_point t_end;
    std::size_t in_flight_at_end = 0;

    const CpuTimes cpu_start = self_usage();
    const double wait_start = runqueue_wait_s_of(::getpid());
    const auto t_start = SteadyClock::now();
    tally.counting = true;
    scheduler.start([&tally](rg::ProbeRound&& round) {
      if (!tally.counting) return;
      ++tally.rounds_completed;
      tally.skipped += round.skipped;
    });
    end_timer.expires_at(t_start + window);
    end_timer.async_wait([&](const boost::system::error_code&) {
      t_end = SteadyClock::now();
      cpu_end = self_usage();
      wait_end = runqueue_wait_s_of(::getpid());
      tally.counting = false;
      in_flight_at_end = curl.in_flight();
      scheduler.stop();
      io.stop();  // checks still in flight are abandoned: they completed outside the window
    });
    io.run();

    const double elapsed = std::chrono::duration<double>(t_end - t_start).count();
    const double cpu_user = cpu_end.user_s - cpu_start.user_s;
    const double cpu_sys = cpu_end.sys_s - cpu_start.sys_s;
    const double cpu = cpu_user + cpu_sys;
    const auto completed = static_cast<double>(tally.completed);
    const auto successes = static_cast<double>(tally.successes);

    nlohmann::ordered_json failures = nlohmann::ordered_json::object();
    for (const auto& [kind, n] : tally.failures) failures[std::string(rg::to_string(kind))] = n;
    nlohmann::ordered_json out;
    out["tool"] = "regionguard";
    out["url"] = url;
    out["endpoints"] = endpoint_count;
    out["interval_ms"] = interval_ms;
    out["jitter_ms"] = jitter_ms;
    out["timeout_ms"] = timeout_ms;
    out["offered_per_s"] = static_cast<double>(endpoint_count) * 1000.0 / static_cast<double>(interval_ms);
    out["window_s"] = elapsed;
    out["checks"] = tally.completed;
    out["started"] = tally.started;
    out["in_flight_at_end"] = in_flight_at_end;
    out["successes"] = tally.successes;
    out["failures"] = failures;
    out["first_error"] = tally.first_error;
    out["rounds_completed"] = tally.rounds_completed;
    out["skipped"] = tally.skipped;
    const double offered_in_window = static_cast<double>(endpoint_count) * elapsed * 1000.0 / static_cast<double>(interval_ms);
    out["launched_pct"] = offered_in_window > 0 ? 100.0 * static_cast<double>(tally.started) / offered_in_window : 0.0;
    out["checks_per_s"] = elapsed > 0 ? completed / elapsed : 0.0;
    out["successes_per_s"] = elapsed > 0 ? successes / elapsed : 0.0;
    out["cpu_s"] = cpu;
    out["cpu_user_s"] = cpu_user;
    out["cpu_sys_s"] = cpu_sys;
    out["cpu_s_per_1000_checks"] = completed > 0 ? cpu * 1000.0 / completed : 0.0;
    out["cpu_percent"] = elapsed > 0 ? 100.0 * cpu / elapsed : 0.0;
    const double waited = wait_end - wait_start;
    out["runqueue_wait_s"] = std::isnan(waited) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(waited);
    out["runqueue_wait_percent"] =
        std::isnan(waited) || elapsed <= 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(100.0 * waited / elapsed);
    out["latency_p50_us"] = percentile_json(tally.latencies_us, 50);
    out["latency_p99_us"] = percentile_json(tally.latencies_us, 99);
    out["connect_p50_us"] = percentile_json(tally.connect_us, 50);
    out["first_byte_p50_us"] = percentile_json(tally.first_byte_us, 50);
    out["curl_total_p50_us"] = percentile_json(tally.total_us, 50);
    out["curl_total_p99_us"] = percentile_json(tally.total_us, 99);
    out["outside_curl_p50_us"] = percentile_json(tally.outside_us, 50);
    out["outside_curl_p99_us"] = percentile_json(tally.outside_us, 99);
    out["peak_rss_mb"] = static_cast<double>(self_usage().max_rss_kb) / 1024.0;
    std::cout << out.dump() << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "http_probe_load: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
