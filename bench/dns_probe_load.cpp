// Load driver for bench/dns_bench: N DNS endpoints against one server, probed by regionguard's own
// ProbeScheduler + DnsProber on one io_context (exactly the daemon's probe path), for a fixed time.
// Prints ONE JSON line on stdout:
//   probes completed in the window, successes, failures by kind, probes/s, CPU seconds of this
//   process in the window (getrusage, user + sys), CPU µs per probe, latency p50/p99 of the
//   successful probes (µs, as the prober measured them) and peak RSS (ru_maxrss).
//
// Probes are counted one by one as they complete (a thin Prober decorator), not per round, so a
// round cut off by the end of the window counts exactly the probes it finished inside the window.
//
// The window is closed by a watchdog thread, not by a timer on the io_context: an overloaded
// prober can keep its one thread busy for seconds, and a timer on that thread would then stretch
// the window (and the bench) by as much. The io thread only bumps relaxed atomics; the watchdog
// reads them at the deadline, prints, and ends the process without unwinding the stuck loop.
//
//   dns_probe_load --server 127.0.0.1:PORT --names FILE --endpoints N --interval MS --duration S
//                  [--jitter MS] [--timeout MS]
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "common/probe_load.h"
#include "config/config.h"
#include "core/failure_kind.h"
#include "probe/dns_prober.h"
#include "probe/probe_scheduler.h"

namespace {

using namespace rg::bench;

using SteadyClock = std::chrono::steady_clock;
constexpr auto relaxed = std::memory_order_relaxed;

// What completed inside the measurement window. Written by the io thread, read by the watchdog.
class Tally {
 public:
  explicit Tally(std::size_t latency_capacity)
      : latencies_(std::make_unique<std::atomic<std::uint32_t>[]>(latency_capacity)), capacity_(latency_capacity) {}

  bool counting() const { return counting_.load(relaxed); }
  void set_counting(bool on) { counting_.store(on, relaxed); }

  void on_start() {
    if (counting()) started_.fetch_add(1, relaxed);
  }
  void round_done(std::size_t skipped) {
    if (!counting()) return;
    rounds_.fetch_add(1, relaxed);
    skipped_.fetch_add(skipped, relaxed);
  }
  void record(const rg::ProbeResult& result) {
    if (!counting()) return;
    completed_.fetch_add(1, relaxed);
    if (result.success) {
      successes_.fetch_add(1, relaxed);
      const auto slot = latency_count_.fetch_add(1, relaxed);
      if (slot < capacity_) {
        latencies_[slot].store(static_cast<std::uint32_t>(std::clamp<std::int64_t>(result.latency.count(), 0, UINT32_MAX)),
                               relaxed);
      }
    } else {
      failures_[std::min<std::size_t>(static_cast<std::size_t>(result.failure), failures_.size() - 1)].fetch_add(1, relaxed);
    }
  }

  std::uint64_t started_count() const { return started_.load(relaxed); }
  std::uint64_t completed() const { return completed_.load(relaxed); }
  std::uint64_t successes() const { return successes_.load(relaxed); }
  std::uint64_t rounds() const { return rounds_.load(relaxed); }
  std::uint64_t skipped() const { return skipped_.load(relaxed); }
  std::uint64_t failures(std::size_t kind) const { return failures_[kind].load(relaxed); }
  std::size_t failure_slots() const { return failures_.size(); }

  // The recorded latencies (the last few may still be zero if the io thread is mid-store).
  std::vector<std::uint32_t> latencies() const {
    const auto n = std::min<std::size_t>(latency_count_.load(relaxed), capacity_);
    std::vector<std::uint32_t> out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = latencies_[i].load(relaxed);
    return out;
  }

 private:
  std::atomic<bool> counting_{false};
  std::atomic<std::uint64_t> started_{0};    // probes handed to the prober while counting
  std::atomic<std::uint64_t> completed_{0};  // results delivered while counting
  std::atomic<std::uint64_t> successes_{0};
  std::atomic<std::uint64_t> rounds_{0};
  std::atomic<std::uint64_t> skipped_{0};  // due endpoints still busy with their previous probe
  std::array<std::atomic<std::uint64_t>, 32> failures_{};  // by FailureKind value (last slot: any later kind)
  std::unique_ptr<std::atomic<std::uint32_t>[]> latencies_;  // successful probes only, µs
  std::size_t capacity_;
  std::atomic<std::size_t> latency_count_{0};
};

std::vector<std::string> read_names(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read names file " + file);
  std::vector<std::string> names;
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) names.push_back(line);
  }
  if (names.empty()) throw std::runtime_error("names file " + file + " holds no names");
  return names;
}

std::vector<rg::EndpointConfig> make_endpoints(const std::vector<std::string>& names, std::size_t count,
                                               const rg::NetworkAddress& server, rg::Millis interval,
                                               rg::Millis timeout) {
  std::vector<rg::EndpointConfig> endpoints(count);
  for (std::size_t i = 0; i < count; ++i) {
    auto& endpoint = endpoints[i];
    endpoint.id = fmt::format("ep{:05}", i);
    endpoint.hostname = names[i % names.size()];
    endpoint.service = "bench";
    endpoint.region = "local";
    endpoint.kind = rg::ProbeKind::dns;
    endpoint.dns.resolvers = {server};
    endpoint.interval = interval;
    endpoint.timeout = timeout;
  }
  return endpoints;
}

struct Run {
  std::size_t endpoints = 0;
  long interval_ms = 0;
  long jitter_ms = 0;
  long timeout_ms = 0;
};

// The JSON line, from the counters at the end of the window.
nlohmann::ordered_json report(const Run& run, const Tally& tally, double elapsed, const CpuTimes& cpu_start,
                              const CpuTimes& cpu_end) {
  const double cpu_user = cpu_end.user_s - cpu_start.user_s;
  const double cpu_sys = cpu_end.sys_s - cpu_start.sys_s;
  const double cpu = cpu_user + cpu_sys;
  const auto completed = static_cast<double>(tally.completed());
  const auto successes = static_cast<double>(tally.successes());

  nlohmann::ordered_json failures = nlohmann::ordered_json::object();
  for (std::size_t kind = 0; kind < tally.failure_slots(); ++kind) {
    if (const auto n = tally.failures(kind); n != 0)
      failures[std::string(rg::to_string(static_cast<rg::FailureKind>(kind)))] = n;
  }
  auto latencies = tally.latencies();
  nlohmann::ordered_json out;
  out["tool"] = "regionguard";
  out["endpoints"] = run.endpoints;
  out["interval_ms"] = run.interval_ms;
  out["jitter_ms"] = run.jitter_ms;
  out["timeout_ms"] = run.timeout_ms;
  out["offered_per_s"] = static_cast<double>(run.endpoints) * 1000.0 / static_cast<double>(run.interval_ms);
  out["window_s"] = elapsed;
  out["probes"] = tally.completed();
  out["started"] = tally.started_count();
  out["successes"] = tally.successes();
  out["failures"] = failures;
  out["rounds_completed"] = tally.rounds();
  out["skipped"] = tally.skipped();
  // Launches made ÷ launches due in the window (each endpoint once per interval): below 100 %
  // means probes the schedule owed were never started, whatever the reason.
  const double due = static_cast<double>(run.endpoints) * elapsed * 1000.0 / static_cast<double>(run.interval_ms);
  out["launched_pct"] = due > 0 ? 100.0 * static_cast<double>(tally.started_count()) / due : 0.0;
  out["probes_per_s"] = elapsed > 0 ? completed / elapsed : 0.0;
  out["successes_per_s"] = elapsed > 0 ? successes / elapsed : 0.0;
  out["cpu_s"] = cpu;
  out["cpu_user_s"] = cpu_user;
  out["cpu_sys_s"] = cpu_sys;
  out["cpu_us_per_probe"] = completed > 0 ? cpu * 1e6 / completed : 0.0;
  out["cpu_percent"] = elapsed > 0 ? 100.0 * cpu / elapsed : 0.0;
  out["latency_p50_us"] = nullptr;
  out["latency_p99_us"] = nullptr;
  if (!latencies.empty()) {
    out["latency_p50_us"] = percentile_json(latencies, 50);
    out["latency_p99_us"] = percentile_json(latencies, 99);
  }
  out["peak_rss_mb"] = static_cast<double>(cpu_end.max_rss_kb) / 1024.0;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"regionguard DNS prober load driver (prints one JSON line)"};
  std::string server_text;
  std::string names_file;
  Run run;
  run.endpoints = 1000;
  run.interval_ms = 1000;
  run.jitter_ms = -1;
  run.timeout_ms = 1000;
  double duration_s = 10;
  app.add_option("--server", server_text, "DNS server, 127.0.0.1:PORT")->required();
  app.add_option("--names", names_file, "file with one query name a line; endpoints cycle through them")->required();
  app.add_option("--endpoints", run.endpoints, "number of endpoints")->check(CLI::PositiveNumber);
  app.add_option("--interval", run.interval_ms, "probe interval of every endpoint, ms")->check(CLI::PositiveNumber);
  app.add_option("--jitter", run.jitter_ms, "spread of each round's launches, ms (default: 90% of the interval)");
  app.add_option("--timeout", run.timeout_ms, "probe timeout, ms")->check(CLI::PositiveNumber);
  app.add_option("--duration", duration_s, "measurement window, seconds")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);

  try {
    auto server = rg::parse_network_address(server_text);
    if (!server) throw std::runtime_error("--server: " + server.error());
    if (run.jitter_ms < 0) run.jitter_ms = run.interval_ms * 9 / 10;
    const auto names = read_names(names_file);
    auto endpoints = make_endpoints(names, run.endpoints, *server, rg::Millis{run.interval_ms}, rg::Millis{run.timeout_ms});

    boost::asio::io_context io;
    // Room for every latency the window can hold, allocated up front so it never regrows.
    Tally tally(static_cast<std::size_t>(static_cast<double>(run.endpoints) * (duration_s * 1000.0 / static_cast<double>(run.interval_ms) + 1)) +
                1024);
    rg::DnsProber dns(io);
    CountingProber<Tally> counting(dns, tally);
    rg::ProbeScheduler scheduler(io, std::move(endpoints), rg::ProbeScheduler::Options{rg::Millis{run.jitter_ms}});
    scheduler.register_prober(rg::ProbeKind::dns, counting);
    auto work = boost::asio::make_work_guard(io);

    const auto window = std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(duration_s));
    const CpuTimes cpu_start = self_usage();
    const auto t_start = SteadyClock::now();
    tally.set_counting(true);

    std::thread watchdog([&] {
      std::this_thread::sleep_until(t_start + window);
      tally.set_counting(false);
      const auto t_end = SteadyClock::now();
      const CpuTimes cpu_end = self_usage();
      const auto out = report(run, tally, std::chrono::duration<double>(t_end - t_start).count(), cpu_start, cpu_end);
      std::cout << out.dump() << std::endl;
      std::fflush(stdout);
      // Probes still in flight are abandoned (they complete outside the window), and so is an io
      // thread that may be stuck in a long callback: end the process here, without unwinding.
      std::_Exit(0);
    });
    watchdog.detach();

    try {
      scheduler.start([&tally](rg::ProbeRound&& round) { tally.round_done(round.skipped); });
      io.run();  // never returns: the work guard keeps it running until the watchdog ends the process
    } catch (const std::exception& e) {
      // Not unwinding past here: the watchdog still uses what this scope owns.
      std::cerr << "dns_probe_load: " << e.what() << "\n";
      std::fflush(stderr);
      std::_Exit(1);
    }
  } catch (const std::exception& e) {
    std::cerr << "dns_probe_load: " << e.what() << "\n";
    std::fflush(stderr);
    std::_Exit(1);
  }
  return 0;
}
