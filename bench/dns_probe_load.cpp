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
//   dns_probe_load --server 127.0.0.1:PORT --names FILE --endpoints N --interval MS --duration S
//                  [--jitter MS] [--timeout MS]
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "config/config.h"
#include "core/failure_kind.h"
#include "probe/dns_prober.h"
#include "probe/probe_scheduler.h"

namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

// What completed inside the measurement window.
struct Tally {
  bool counting = false;
  std::uint64_t started = 0;    // probes handed to the prober while counting
  std::uint64_t completed = 0;  // results delivered while counting
  std::uint64_t successes = 0;
  std::map<rg::FailureKind, std::uint64_t> failures;
  std::vector<std::uint32_t> latencies_us;                            // successful probes only
  std::uint64_t rounds_completed = 0;
  std::uint64_t skipped = 0;  // due endpoints still busy with their previous probe (saturation)

  void record(const rg::ProbeResult& result) {
    if (!counting) return;
    ++completed;
    if (result.success) {
      ++successes;
      latencies_us.push_back(static_cast<std::uint32_t>(std::min<std::int64_t>(result.latency.count(), UINT32_MAX)));
    } else {
      ++failures[result.failure];
    }
  }
};

// Counts every result as it completes, then hands it on to the scheduler unchanged.
class CountingProber final : public rg::Prober {
 public:
  CountingProber(rg::Prober& inner, Tally& tally) : inner_(inner), tally_(tally) {}
  void start(const rg::EndpointConfig& endpoint, Completion done) override {
    if (tally_.counting) ++tally_.started;
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

CpuTimes self_usage() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
  return {seconds(usage.ru_utime), seconds(usage.ru_stime), usage.ru_maxrss};
}

// Nearest-rank percentile of unsorted values (reorders them).
std::optional<std::uint32_t> percentile(std::vector<std::uint32_t>& values, double p) {
  if (values.empty()) return std::nullopt;
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  const auto index = std::clamp<std::size_t>(rank, 1, values.size()) - 1;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index), values.end());
  return values[index];
}

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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"regionguard DNS prober load driver (prints one JSON line)"};
  std::string server_text;
  std::string names_file;
  std::size_t endpoint_count = 1000;
  long interval_ms = 1000;
  long jitter_ms = -1;
  long timeout_ms = 1000;
  double duration_s = 10;
  app.add_option("--server", server_text, "DNS server, 127.0.0.1:PORT")->required();
  app.add_option("--names", names_file, "file with one query name a line; endpoints cycle through them")->required();
  app.add_option("--endpoints", endpoint_count, "number of endpoints")->check(CLI::PositiveNumber);
  app.add_option("--interval", interval_ms, "probe interval of every endpoint, ms")->check(CLI::PositiveNumber);
  app.add_option("--jitter", jitter_ms, "spread of each round's launches, ms (default: 90% of the interval)");
  app.add_option("--timeout", timeout_ms, "probe timeout, ms")->check(CLI::PositiveNumber);
  app.add_option("--duration", duration_s, "measurement window, seconds")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);

  try {
    auto server = rg::parse_network_address(server_text);
    if (!server) throw std::runtime_error("--server: " + server.error());
    if (jitter_ms < 0) jitter_ms = interval_ms * 9 / 10;
    const auto names = read_names(names_file);
    auto endpoints = make_endpoints(names, endpoint_count, *server, rg::Millis{interval_ms}, rg::Millis{timeout_ms});

    boost::asio::io_context io;
    Tally tally;
    // Room for the whole window's latencies, so the vector does not regrow (and double RSS) midway.
    tally.latencies_us.reserve(static_cast<std::size_t>(static_cast<double>(endpoint_count) * duration_s * 1000.0 /
                                                        static_cast<double>(interval_ms)) +
                               endpoint_count);
    rg::DnsProber dns(io);
    CountingProber counting(dns, tally);
    rg::ProbeScheduler scheduler(io, std::move(endpoints), rg::ProbeScheduler::Options{rg::Millis{jitter_ms}});
    scheduler.register_prober(rg::ProbeKind::dns, counting);

    const auto window = std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(duration_s));
    boost::asio::steady_timer end_timer(io);
    CpuTimes cpu_start;
    CpuTimes cpu_end;
    SteadyClock::time_point t_start;
    SteadyClock::time_point t_end;

    cpu_start = self_usage();
    t_start = SteadyClock::now();
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
      tally.counting = false;
      scheduler.stop();
      io.stop();  // probes still in flight are abandoned: they completed outside the window
    });
    io.run();

    const double elapsed = std::chrono::duration<double>(t_end - t_start).count();
    const double cpu_user = cpu_end.user_s - cpu_start.user_s;
    const double cpu_sys = cpu_end.sys_s - cpu_start.sys_s;
    const double cpu = cpu_user + cpu_sys;
    const auto completed = static_cast<double>(tally.completed);

    nlohmann::ordered_json failures = nlohmann::ordered_json::object();
    for (const auto& [kind, n] : tally.failures) failures[std::string(rg::to_string(kind))] = n;
    nlohmann::ordered_json out;
    out["tool"] = "regionguard";
    out["endpoints"] = endpoint_count;
    out["interval_ms"] = interval_ms;
    out["jitter_ms"] = jitter_ms;
    out["timeout_ms"] = timeout_ms;
    out["offered_per_s"] = static_cast<double>(endpoint_count) * 1000.0 / static_cast<double>(interval_ms);
    out["window_s"] = elapsed;
    out["probes"] = tally.completed;
    out["started"] = tally.started;
    out["successes"] = tally.successes;
    out["failures"] = failures;
    out["rounds_completed"] = tally.rounds_completed;
    out["skipped"] = tally.skipped;
    // Launches made ÷ launches due in the window (each endpoint once per interval): below 100 %
    // means probes the schedule owed were never started, whatever the reason.
    const double due = static_cast<double>(endpoint_count) * elapsed * 1000.0 / static_cast<double>(interval_ms);
    out["launched_pct"] = due > 0 ? 100.0 * static_cast<double>(tally.started) / due : 0.0;
    out["probes_per_s"] = elapsed > 0 ? completed / elapsed : 0.0;
    out["successes_per_s"] = elapsed > 0 ? static_cast<double>(tally.successes) / elapsed : 0.0;
    out["cpu_s"] = cpu;
    out["cpu_user_s"] = cpu_user;
    out["cpu_sys_s"] = cpu_sys;
    out["cpu_us_per_probe"] = completed > 0 ? cpu * 1e6 / completed : 0.0;
    out["cpu_percent"] = elapsed > 0 ? 100.0 * cpu / elapsed : 0.0;
    out["latency_p50_us"] = nullptr;
    out["latency_p99_us"] = nullptr;
    if (auto p50 = percentile(tally.latencies_us, 50)) out["latency_p50_us"] = *p50;
    if (auto p99 = percentile(tally.latencies_us, 99)) out["latency_p99_us"] = *p99;
    out["peak_rss_mb"] = static_cast<double>(self_usage().max_rss_kb) / 1024.0;
    std::cout << out.dump() << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "dns_probe_load: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
