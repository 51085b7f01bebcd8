// DNS prober benchmark: regionguard's prober against the reference DNS load generator (dnsperf)
// and Prometheus blackbox_exporter, all probing the same knotd, in the same run.
//
// One knotd (rg::test::KnotServer) serves 1,000 names. Each repetition runs every measurement
// once, interleaved (dnsperf, blackbox, regionguard, ...), so drift of a noisy machine hits every
// tool alike; the table gives the median and the range over repetitions, and each ratio is
// computed per repetition (paired) before taking its median.
//
//   dnsperf         max rate (-c 1 -q 100), the same rate regionguard runs at 10,000 endpoints
//                   (-Q 10000), and 100 queries/s (-Q 100 -v: every query's latency, for p50/p99).
//                   CPU and peak RSS from wait4()'s rusage of the child.
//   blackbox        /probe?module=dns driven by keep-alive HTTP clients inside this process
//                   (16 connections as fast as it answers, and one connection paced at 100/s).
//                   CPU from /proc/PID/stat, peak RSS from VmHWM, latency from the exporter's own
//                   probe_duration_seconds.
//   regionguard     bench/dns_probe_load as a child (ProbeScheduler + DnsProber on one io_context):
//                   1,000 endpoints every 10 s (100/s), 1,000 and 10,000 every 1 s, and more
//                   endpoints every 1 s (20,000, 40,000, 80,000) to find its maximum answered rate.
//
// Exit status: 0 when every measurement ran (goals met or not), 1 on a broken run, 2 when a tool is
// missing.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/blackbox_client.h"
#include "common/proc_stats.h"
#include "common/required_tools.h"
#include "common/summary.h"
#include "support/child_process.h"
#include "support/free_port.h"
#include "support/knot_server.h"
#include "support/temp_dir.h"

namespace {

using namespace rg::bench;
namespace fs = std::filesystem;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------------------------
// One measurement of one tool, and series of them.

struct Measurement {
  double rate = kNaN;          // answered probes (queries) per second
  double cpu_us = kNaN;        // CPU of the prober process per answered probe, µs
  double p50_us = kNaN;        // latency percentiles of answered probes, µs
  double p99_us = kNaN;
  double avg_us = kNaN;        // dnsperf without -v reports only an average
  double rss_mb = kNaN;        // peak resident set of the prober process
  double answered_pct = kNaN;  // answered (successful) / completed-or-lost
  double server_cpu_pct = kNaN;  // knotd's CPU over the run, % of one core
  nlohmann::ordered_json raw;       // what the tool reported, for --json
};

struct Series {
  std::string key;    // stable name, for --json and ratios
  std::string label;  // table row
  bool max_candidate = false;  // a regionguard run that counts for its maximum rate
  std::vector<Measurement> runs;  // one per repetition

  Summary stat(double Measurement::*field) const {
    std::vector<double> values;
    for (const auto& m : runs) values.push_back(m.*field);
    return summarize(std::move(values));
  }
};

// ---------------------------------------------------------------------------------------------
// Formatting.

// ---------------------------------------------------------------------------------------------
// Processes.

struct ChildResult {
  int status = -1;  // exit code, or 128 + signal
  rusage usage{};
  double wall_s = 0;
  std::string output;
};

double seconds_of(const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; }

// Runs argv to completion (killing it after `limit`) with stdout and stderr in `output_file`, and
// returns its own resource usage from wait4().
ChildResult run_child(const std::vector<std::string>& argv, const fs::path& output_file, std::chrono::seconds limit) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const auto started = SteadyClock::now();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork " + argv.front());
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    const int out = ::open(output_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (out < 0 || in < 0) ::_exit(127);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::execv(args[0], args.data());
    const std::string message = std::string("exec ") + args[0] + " failed\n";
    [[maybe_unused]] auto ignored = ::write(2, message.data(), message.size());
    ::_exit(127);
  }
  ChildResult result;
  int wait_status = 0;
  bool killed = false;
  for (;;) {
    const pid_t done = ::wait4(pid, &wait_status, WNOHANG, &result.usage);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) throw std::system_error(errno, std::generic_category(), "wait4");
    if (!killed && SteadyClock::now() - started > limit) {
      ::kill(pid, SIGKILL);
      killed = true;
    }
    std::this_thread::sleep_for(5ms);
  }
  result.wall_s = std::chrono::duration<double>(SteadyClock::now() - started).count();
  result.status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
  result.output = read_text(output_file);
  return result;
}

// The pid of the knotd serving this KnotServer (its pid file, else a /proc scan for its config).
pid_t knotd_pid(const rg::test::KnotServer& knot) {
  std::ifstream pidfile(knot.directory() / "run" / "knot.pid");
  if (long pid = 0; pidfile >> pid && pid > 0) return static_cast<pid_t>(pid);
  const std::string config = (knot.directory() / "knot.conf").string();
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const auto name = entry.path().filename().string();
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    std::string cmdline = read_text(entry.path() / "cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find("knotd") != std::string::npos && cmdline.find(config) != std::string::npos)
      return static_cast<pid_t>(std::stol(name));
  }
  return -1;
}

// knotd's CPU over a measurement, as % of one core.
class ServerCpu {
 public:
  explicit ServerCpu(pid_t pid) : pid_(pid), cpu_(cpu_seconds_of(pid)), start_(SteadyClock::now()) {}
  double percent() const {
    const double wall = std::chrono::duration<double>(SteadyClock::now() - start_).count();
    return 100.0 * (cpu_seconds_of(pid_) - cpu_) / wall;
  }

 private:
  pid_t pid_;
  double cpu_;
  SteadyClock::time_point start_;
};

// "  Queries per second:   201232.758064" → 201232.758064
std::optional<double> field_after(const std::string& text, std::string_view label) {
  const auto at = text.find(label);
  if (at == std::string::npos) return std::nullopt;
  std::size_t pos = at + label.size();
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data() + pos, text.data() + text.size(), value);
  if (ec != std::errc{}) return std::nullopt;
  return value;
}

// ---------------------------------------------------------------------------------------------
// The bench.

struct Settings {
  int repeat = 3;
  double duration_s = 4;
  std::size_t names = 1000;
  int dnsperf_clients = 1;
  int dnsperf_outstanding = 100;
  int blackbox_connections = 16;
  double low_rate = 100;
  std::vector<std::size_t> ladder{20'000, 40'000, 80'000, 100'000};
  fs::path probe_load;
  std::string json_out;
  bool quick = false;
};

class Bench {
 public:
  Bench(Settings settings, const rg::test::KnotServer& knot, fs::path work)
      : s_(std::move(settings)), knot_(knot), work_(std::move(work)), knotd_(knotd_pid(knot)) {
    write_inputs();
    load_.push_back(load_average_1m());
  }

  void run_repetition(int rep);

  void report(std::ostream& out) const;
  void write_json(const std::string& file) const;

 private:
  struct Exporter;

  void add(const std::string& key, const std::string& label, Measurement m, bool max_candidate = false) {
    std::cerr << " " << key << std::flush;
    auto it = std::find_if(series_.begin(), series_.end(), [&](const Series& x) { return x.key == key; });
    if (it == series_.end()) it = series_.insert(series_.end(), Series{key, label, max_candidate, {}});
    it->runs.push_back(std::move(m));
    std::this_thread::sleep_for(200ms);  // let sockets drain and the scheduler settle between runs
  }

  const Series* find(std::string_view key) const {
    auto it = std::find_if(series_.begin(), series_.end(), [&](const Series& x) { return x.key == key; });
    return it == series_.end() ? nullptr : &*it;
  }

  std::string duration_arg() const { return fmt::format("{}", s_.duration_s); }
  std::chrono::seconds child_limit() const {
    return std::chrono::seconds(static_cast<long>(s_.duration_s) + 30);
  }

  void write_inputs() {
    std::ofstream names(work_ / "names.txt");
    std::ofstream queries(work_ / "queries.txt");
    for (std::size_t i = 1; i <= s_.names; ++i) {
      const auto name = fmt::format("name{:04}.{}", i, knot_.zone());  // absolute: "name0001.bench.test."
      names << name << "\n";
      queries << name << " A\n";
    }
  }

  Measurement dnsperf(std::vector<std::string> extra, bool verbose) {
    static int run = 0;
    const auto dnsperf_path = rg::test::find_executable("dnsperf", kSbinDirs);
    std::vector<std::string> argv{dnsperf_path->string(), "-s", "127.0.0.1", "-p", std::to_string(knot_.port()),
                                  "-d", (work_ / "queries.txt").string(), "-l", duration_arg()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    if (verbose) argv.push_back("-v");
    ServerCpu server(knotd_);
    const auto child = run_child(argv, work_ / fmt::format("dnsperf-{}.log", ++run), child_limit());
    Measurement m;
    m.server_cpu_pct = server.percent();
    if (child.status != 0) broken(fmt::format("dnsperf exited with status {}", child.status), child.output);
    const auto qps = field_after(child.output, "Queries per second:");
    const auto completed = field_after(child.output, "Queries completed:");
    const auto sent = field_after(child.output, "Queries sent:");
    if (!qps || !completed || !sent) broken("dnsperf printed no statistics", child.output);
    if (const auto avg = field_after(child.output, "Average Latency (s):")) m.avg_us = *avg * 1e6;
    // Every answered query counts as answered here (an rcode other than NOERROR would show in the
    // latency lines; the zone answers all of them NOERROR).
    m.rate = *qps;
    const double cpu = seconds_of(child.usage.ru_utime) + seconds_of(child.usage.ru_stime);
    m.cpu_us = *completed > 0 ? cpu * 1e6 / *completed : kNaN;
    m.rss_mb = static_cast<double>(child.usage.ru_maxrss) / 1024.0;
    m.answered_pct = *sent > 0 ? 100.0 * *completed / *sent : kNaN;
    if (verbose) {
      // "> NOERROR name0001.bench.test. A 0.000130": one line per answered query.
      std::vector<double> latencies;
      std::istringstream lines(child.output);
      for (std::string line; std::getline(lines, line);) {
        if (!line.starts_with("> NOERROR ")) continue;
        const auto space = line.rfind(' ');
        latencies.push_back(std::stod(line.substr(space + 1)) * 1e6);
      }
      m.p50_us = percentile(latencies, 50);
      m.p99_us = percentile(latencies, 99);
    }
    m.raw = {{"qps", *qps}, {"sent", *sent}, {"completed", *completed}, {"cpu_s", cpu},
             {"user_s", seconds_of(child.usage.ru_utime)}, {"sys_s", seconds_of(child.usage.ru_stime)},
             {"avg_latency_us", m.avg_us}, {"argv", argv}};
    if (dnsperf_version_.empty()) {
      if (const auto at = child.output.find("Version "); at != std::string::npos)
        dnsperf_version_ = child.output.substr(at + 8, child.output.find('\n', at) - at - 8);
    }
    return m;
  }

  Measurement regionguard(std::size_t endpoints, long interval_ms, long jitter_ms) {
    static int run = 0;
    std::vector<std::string> argv{s_.probe_load.string(),
                                  "--server", fmt::format("127.0.0.1:{}", knot_.port()),
                                  "--names", (work_ / "names.txt").string(),
                                  "--endpoints", std::to_string(endpoints),
                                  "--interval", std::to_string(interval_ms),
                                  "--jitter", std::to_string(jitter_ms),
                                  "--timeout", "1000",
                                  "--duration", duration_arg()};
    ServerCpu server(knotd_);
    const auto child = run_child(argv, work_ / fmt::format("dns_probe_load-{}.log", ++run), child_limit());
    Measurement m;
    m.server_cpu_pct = server.percent();
    if (child.status != 0) broken(fmt::format("dns_probe_load exited with status {}", child.status), child.output);
    nlohmann::ordered_json j;
    std::istringstream lines(child.output);
    for (std::string line; std::getline(lines, line);) {
      if (line.starts_with("{")) j = nlohmann::ordered_json::parse(line, nullptr, false);
    }
    if (!j.is_object() || j.is_discarded() || !j.contains("probes_per_s")) broken("dns_probe_load printed no JSON", child.output);
    auto number_or_nan = [&](const char* key) { return j[key].is_number() ? j[key].get<double>() : kNaN; };
    m.rate = number_or_nan("successes_per_s");
    const double successes = number_or_nan("successes");
    m.cpu_us = successes > 0 ? number_or_nan("cpu_s") * 1e6 / successes : kNaN;
    m.p50_us = number_or_nan("latency_p50_us");
    m.p99_us = number_or_nan("latency_p99_us");
    m.rss_mb = number_or_nan("peak_rss_mb");
    const double probes = number_or_nan("probes");
    m.answered_pct = probes > 0 ? 100.0 * successes / probes : kNaN;
    m.raw = j;
    return m;
  }

  Settings s_;
  const rg::test::KnotServer& knot_;
  fs::path work_;
  pid_t knotd_;
  std::vector<Series> series_;
  std::string dnsperf_version_;
  std::vector<double> load_;  // 1-minute load average before the first repetition and after each
};

// ---------------------------------------------------------------------------------------------
// blackbox_exporter, and the HTTP clients that drive it.

struct Bench::Exporter {
  explicit Exporter(Bench& bench) : bench_(bench), port_(rg::test::free_port()) {
    static int run = 0;
    ++run;
    const auto binary = rg::test::find_executable("prometheus-blackbox-exporter", kSbinDirs);
    const auto config = bench.work_ / "blackbox.yml";
    std::ofstream(config) << fmt::format(
        "modules:\n"
        "  dns:\n"
        "    prober: dns\n"
        "    timeout: 2s\n"
        "    dns:\n"
        "      query_name: \"name0001.{}\"\n"
        "      query_type: A\n"
        "      transport_protocol: udp\n"
        "      preferred_ip_protocol: ip4\n"
        "      ip_protocol_fallback: false\n"
        "      valid_rcodes: [NOERROR]\n",
        bench.knot_.zone());
    log_ = bench.work_ / fmt::format("blackbox-{}.log", run);
    process_ = std::make_unique<rg::test::ChildProcess>(
        std::vector<std::string>{binary->string(), "--config.file=" + config.string(),
                                 fmt::format("--web.listen-address=127.0.0.1:{}", port_), "--log.level=warn"},
        log_);
    wait_ready();
  }

  // Drives /probe with `connections` clients for the bench's duration, back to back or paced.
  Measurement measure(int connections, std::optional<SteadyClock::duration> period) {
    const pid_t pid = process_->pid();
    ProbeTally tally;
    asio::io_context io;
    const auto target = fmt::format("/probe?module=dns&target=127.0.0.1:{}", bench_.knot_.port());
    const asio::ip::tcp::endpoint server(asio::ip::make_address("127.0.0.1"), port_);
    const auto window = std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(bench_.s_.duration_s));
    ServerCpu knotd(bench_.knotd_);
    const double cpu_start = cpu_seconds_of(pid);
    const auto start = SteadyClock::now();
    double cpu_end = kNaN;
    double knotd_pct = kNaN;
    double elapsed = 0;
    asio::steady_timer end_timer(io, start + window);
    end_timer.async_wait([&](const boost::system::error_code&) {
      cpu_end = cpu_seconds_of(pid);
      knotd_pct = knotd.percent();
      elapsed = std::chrono::duration<double>(SteadyClock::now() - start).count();
      tally.counting = false;
    });
    for (int i = 0; i < connections; ++i)
      asio::co_spawn(io, probe_client(server, target, start + window, period, tally), asio::detached);
    io.run();
    if (!process_->running()) broken("prometheus-blackbox-exporter exited during the run", rg::test::file_tail(log_));
    if (tally.successes == 0)
      broken(fmt::format("blackbox_exporter answered no successful probe ({})", tally.first_failure),
             rg::test::file_tail(log_));
    Measurement m;
    m.rate = static_cast<double>(tally.successes) / elapsed;
    m.cpu_us = (cpu_end - cpu_start) * 1e6 / static_cast<double>(tally.successes);
    m.p50_us = percentile(tally.durations_us, 50);
    m.p99_us = percentile(tally.durations_us, 99);
    m.rss_mb = peak_rss_mb_of(pid);
    m.answered_pct = 100.0 * static_cast<double>(tally.successes) / static_cast<double>(tally.responses);
    m.server_cpu_pct = knotd_pct;
    m.raw = {{"responses", tally.responses}, {"successes", tally.successes}, {"errors", tally.failures},
             {"first_error", tally.first_failure}, {"window_s", elapsed}, {"cpu_s", cpu_end - cpu_start},
             {"connections", connections}};
    return m;
  }

 private:
  void wait_ready() {
    const auto deadline = SteadyClock::now() + 10s;
    while (SteadyClock::now() < deadline) {
      if (!process_->running()) break;
      asio::io_context io;
      asio::ip::tcp::socket socket(io);
      boost::system::error_code ec;
      socket.connect({asio::ip::make_address("127.0.0.1"), port_}, ec);
      if (!ec) return;
      std::this_thread::sleep_for(50ms);
    }
    broken("prometheus-blackbox-exporter did not start listening", rg::test::file_tail(log_));
  }

  Bench& bench_;
  std::uint16_t port_;
  fs::path log_;
  std::unique_ptr<rg::test::ChildProcess> process_;
};

void Bench::run_repetition(int rep) {
  std::cerr << fmt::format("repetition {}/{}:", rep + 1, s_.repeat) << std::flush;
  const std::string q = std::to_string(s_.dnsperf_outstanding);
  const std::string c = std::to_string(s_.dnsperf_clients);
  add("dnsperf_max", fmt::format("dnsperf max rate (-c {} -q {})", c, q), dnsperf({"-c", c, "-q", q}, false));
  add("dnsperf_10k", "dnsperf at 10,000/s (-Q 10000)", dnsperf({"-c", c, "-q", q, "-Q", "10000"}, false));
  add("dnsperf_low", fmt::format("dnsperf at {}/s (-Q {} -v)", s_.low_rate, s_.low_rate),
      dnsperf({"-c", "1", "-q", "10", "-Q", fmt::format("{}", s_.low_rate)}, true));
  {
    Exporter exporter(*this);
    // Low rate first: VmHWM is a high-water mark, so the max-rate run must come second.
    add("blackbox_low", fmt::format("blackbox_exporter at {}/s", s_.low_rate),
        exporter.measure(1, std::chrono::duration_cast<SteadyClock::duration>(
                                std::chrono::duration<double>(1.0 / s_.low_rate))));
    add("blackbox_max", fmt::format("blackbox_exporter max ({} conns)", s_.blackbox_connections),
        exporter.measure(s_.blackbox_connections, std::nullopt));
  }
  const auto low_interval = static_cast<long>(std::lround(1000.0 * 1000.0 / s_.low_rate));
  add("rg_low", fmt::format("regionguard 1,000 ep / {:g} s", static_cast<double>(low_interval) / 1000.0),
      regionguard(1000, low_interval, low_interval - 10));
  add("rg_1k", "regionguard 1,000 ep / 1 s", regionguard(1000, 1000, 900));
  add("rg_10k", "regionguard 10,000 ep / 1 s", regionguard(10'000, 1000, 900), true);
  for (const auto n : s_.ladder) {
    add(fmt::format("rg_{}", n), fmt::format("regionguard {} ep / 1 s", with_commas(static_cast<double>(n))),
        regionguard(n, 1000, 950), true);
  }
  std::cerr << "\n";
  load_.push_back(load_average_1m());
}

// ---------------------------------------------------------------------------------------------
// The report.

struct Ratio {
  std::string label;
  Summary value;
  std::string unit;
  std::string goal;        // "" for information only
  std::optional<bool> met;  // nullopt: no goal, or not computable
};

void Bench::report(std::ostream& out) const {
  utsname host{};
  ::uname(&host);
  out << "\n"
      << fmt::format("DNS prober bench — knotd on 127.0.0.1:{} serving {} names; {} × {} s per measurement; "
                     "{} CPUs, Linux {}; dnsperf {}\n",
                     knot_.port(), s_.names, s_.repeat, s_.duration_s, std::thread::hardware_concurrency(),
                     host.release, dnsperf_version_.empty() ? "?" : dnsperf_version_)
      << fmt::format("load average (1 min) before and after each repetition: {:.2f}; 2 CPUs means anything above ~1 "
                     "is other work competing with the bench\n",
                     fmt::join(load_, ", "))
      << "cells: median [min–max] over repetitions. answered/s counts successful probes only; CPU is the prober\n"
         "process's own (user+sys) per answered probe; latency is each tool's own measure (dnsperf: per query;\n"
         "blackbox: probe_duration_seconds; regionguard: ProbeResult.latency); knotd % is the server's CPU.\n\n";

  const std::string header = fmt::format("{:<34} {:>26} {:>17} {:>19} {:>26} {:>17} {:>6} {:>17}", "run", "answered/s",
                                         "CPU µs/probe", "p50 µs", "p99 µs", "peak RSS MB", "ok %", "knotd CPU %");
  out << header << "\n" << std::string(header.size() - 2, '-') << "\n";
  for (const auto& series : series_) {
    std::string p50 = range_cell(series.stat(&Measurement::p50_us));
    if (series.stat(&Measurement::p50_us).n == 0 && series.stat(&Measurement::avg_us).n != 0)
      p50 = "avg " + range_cell(series.stat(&Measurement::avg_us));
    out << fmt::format("{:<34} {:>26} {:>17} {:>19} {:>26} {:>17} {:>6} {:>17}\n", series.label,
                       range_cell(series.stat(&Measurement::rate), with_commas), range_cell(series.stat(&Measurement::cpu_us)), p50,
                       range_cell(series.stat(&Measurement::p99_us)), range_cell(series.stat(&Measurement::rss_mb)),
                       short_number(series.stat(&Measurement::answered_pct).median),
                       range_cell(series.stat(&Measurement::server_cpu_pct)));
  }

  // Paired ratios: computed within each repetition, then summarised.
  auto paired = [&](std::string_view a_key, std::string_view b_key, double Measurement::*field,
                    auto combine) -> Summary {
    const Series* a = find(a_key);
    const Series* b = find(b_key);
    if (!a || !b) return {};
    std::vector<double> values;
    for (std::size_t i = 0; i < std::min(a->runs.size(), b->runs.size()); ++i)
      values.push_back(combine(a->runs[i].*field, b->runs[i].*field));
    return summarize(std::move(values));
  };
  // regionguard's best answered rate in each repetition, over 10,000 endpoints and the ladder.
  Series rg_max{"rg_max", "regionguard max", false, {}};
  for (int rep = 0; rep < s_.repeat; ++rep) {
    const Measurement* best = nullptr;
    for (const auto& series : series_) {
      if (!series.max_candidate || static_cast<std::size_t>(rep) >= series.runs.size()) continue;
      const auto& m = series.runs[static_cast<std::size_t>(rep)];
      if (!best || m.rate > best->rate) best = &m;
    }
    if (best) rg_max.runs.push_back(*best);
  }
  auto with_rg_max = [&](std::string_view other, double Measurement::*field, auto combine) -> Summary {
    const Series* b = find(other);
    if (!b) return {};
    std::vector<double> values;
    for (std::size_t i = 0; i < std::min(rg_max.runs.size(), b->runs.size()); ++i)
      values.push_back(combine(rg_max.runs[i].*field, b->runs[i].*field));
    return summarize(std::move(values));
  };
  const auto divide = [](double x, double y) { return x / y; };
  const auto percent = [](double x, double y) { return 100.0 * x / y; };
  const auto minus = [](double x, double y) { return x - y; };

  std::vector<Ratio> goals;
  auto goal = [&](std::string label, Summary v, std::string unit, std::string text, auto pass) {
    std::optional<bool> met;
    if (v.n != 0 && !std::isnan(v.median)) met = pass(v.median);
    goals.push_back({std::move(label), v, std::move(unit), std::move(text), met});
  };
  const Summary rate_pct = with_rg_max("dnsperf_max", &Measurement::rate, percent);
  goal("rate: regionguard max answered/s ÷ dnsperf max", rate_pct, "%", "≥ 50 %", [](double v) { return v >= 50; });
  goal("CPU/probe: regionguard 10,000 ep ÷ dnsperf at 10,000/s", paired("rg_10k", "dnsperf_10k", &Measurement::cpu_us, divide),
       "×", "≤ 3 ×", [](double v) { return v <= 3; });
  goal("CPU/probe: regionguard 10,000 ep ÷ dnsperf max", paired("rg_10k", "dnsperf_max", &Measurement::cpu_us, divide),
       "×", "≤ 3 ×", [](double v) { return v <= 3; });
  goal("CPU/probe: regionguard at its max ÷ dnsperf max", with_rg_max("dnsperf_max", &Measurement::cpu_us, divide), "×",
       "≤ 3 ×", [](double v) { return v <= 3; });
  goal(fmt::format("p50 latency at {}/s: regionguard − dnsperf", s_.low_rate),
       paired("rg_low", "dnsperf_low", &Measurement::p50_us, minus), "µs", "≤ +25 µs", [](double v) { return v <= 25; });
  goal("peak RSS with 10,000 endpoints", find("rg_10k") ? find("rg_10k")->stat(&Measurement::rss_mb) : Summary{}, "MB",
       "< 64 MB", [](double v) { return v < 64; });

  std::vector<Ratio> info;
  auto add_info = [&](std::string label, Summary v, std::string unit) { info.push_back({std::move(label), v, std::move(unit), "", {}}); };
  add_info("regionguard max answered/s (best of 10,000 ep and the ladder)", rg_max.stat(&Measurement::rate), "/s");
  add_info("rate: regionguard max ÷ blackbox max", with_rg_max("blackbox_max", &Measurement::rate, divide), "×");
  add_info("CPU/probe: blackbox max ÷ regionguard 10,000 ep",
           paired("blackbox_max", "rg_10k", &Measurement::cpu_us, divide), "×");
  add_info(fmt::format("CPU/probe at {}/s: blackbox ÷ regionguard", s_.low_rate),
           paired("blackbox_low", "rg_low", &Measurement::cpu_us, divide), "×");
  add_info(fmt::format("CPU/probe at {}/s: regionguard ÷ dnsperf", s_.low_rate),
           paired("rg_low", "dnsperf_low", &Measurement::cpu_us, divide), "×");
  add_info(fmt::format("p50 latency at {}/s: blackbox − regionguard", s_.low_rate),
           paired("blackbox_low", "rg_low", &Measurement::p50_us, minus), "µs");
  add_info("peak RSS: blackbox ÷ regionguard 10,000 ep", paired("blackbox_max", "rg_10k", &Measurement::rss_mb, divide),
           "×");

  auto ratio_cell = [](const Ratio& r) {
    const auto fmt_one = [&](double v) {
      return (r.unit == "µs" && v > 0 ? "+" : "") + (r.unit == "/s" ? with_commas(v) : short_number(v));
    };
    if (r.value.n == 0) return std::string("–");
    if (r.value.n == 1) return fmt::format("{} {}", fmt_one(r.value.median), r.unit);
    return fmt::format("{} {} [{}–{}]", fmt_one(r.value.median), r.unit, fmt_one(r.value.min), fmt_one(r.value.max));
  };
  out << "\nGoals (median of per-repetition ratios [min–max]):\n";
  for (const auto& r : goals) {
    out << fmt::format("  {:<58} {:>30}   goal {:<9} {}\n", r.label, ratio_cell(r), r.goal,
                       !r.met ? "n/a" : (*r.met ? "PASS" : "MISS"));
  }
  out << "\nAgainst blackbox_exporter and for context:\n";
  for (const auto& r : info) out << fmt::format("  {:<58} {:>30}\n", r.label, ratio_cell(r));

  // Say when regionguard lost probes or did not launch what its schedule owed: at saturation
  // that, not CPU, is what limits it.
  bool header_done = false;
  for (const auto& series : series_) {
    if (!series.key.starts_with("rg_")) continue;
    std::map<std::string, double> kinds;
    double skipped = 0;
    std::vector<double> launched;
    for (const auto& m : series.runs) {
      if (m.raw.contains("failures"))
        for (const auto& [kind, n] : m.raw["failures"].items()) kinds[kind] += n.get<double>();
      if (m.raw.contains("skipped")) skipped += m.raw["skipped"].get<double>();
      if (m.raw.contains("launched_pct")) launched.push_back(m.raw["launched_pct"].get<double>());
    }
    const Summary launched_stat = summarize(launched);
    if (kinds.empty() && skipped == 0 && (launched_stat.n == 0 || launched_stat.min >= 95)) continue;
    if (!header_done) {
      out << "\nregionguard runs that lost probes or launched fewer than the schedule owed (summed over repetitions):\n";
      header_done = true;
    }
    std::string text;
    for (const auto& [kind, n] : kinds) text += fmt::format("{} {}, ", kind, with_commas(n));
    out << fmt::format("  {:<34} {}skipped in completed rounds {}, launched {} % of due\n", series.label, text,
                       with_commas(skipped), range_cell(launched_stat));
  }
}

void Bench::write_json(const std::string& file) const {
  std::ofstream out(file);
  for (const auto& series : series_) {
    for (std::size_t i = 0; i < series.runs.size(); ++i) {
      const auto& m = series.runs[i];
      nlohmann::ordered_json j{{"run", series.key},        {"label", series.label},   {"repetition", i + 1},
                               {"answered_per_s", m.rate}, {"cpu_us_per_probe", m.cpu_us}, {"p50_us", m.p50_us},
                               {"p99_us", m.p99_us},       {"avg_us", m.avg_us},      {"peak_rss_mb", m.rss_mb},
                               {"answered_pct", m.answered_pct}, {"knotd_cpu_pct", m.server_cpu_pct}, {"raw", m.raw}};
      out << j.dump() << "\n";
    }
  }
}


}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"DNS prober bench: regionguard vs dnsperf vs blackbox_exporter against one knotd"};
  Settings settings;
  std::string probe_load;
  app.add_option("--repeat", settings.repeat, "repetitions of every measurement")->check(CLI::PositiveNumber);
  app.add_option("--duration", settings.duration_s, "seconds per measurement")->check(CLI::PositiveNumber);
  app.add_flag("--quick", settings.quick, "smoke run: 1 repetition of 2 s each (about 30 s)");
  app.add_option("--names", settings.names, "names in the zone")->check(CLI::Range(1, 9999));
  app.add_option("--dnsperf-clients", settings.dnsperf_clients, "dnsperf -c for the max-rate run")->check(CLI::PositiveNumber);
  app.add_option("--dnsperf-outstanding", settings.dnsperf_outstanding, "dnsperf -q for the max-rate run")
      ->check(CLI::PositiveNumber);
  app.add_option("--blackbox-connections", settings.blackbox_connections, "HTTP connections driving blackbox_exporter")
      ->check(CLI::PositiveNumber);
  app.add_option("--ladder", settings.ladder, "endpoint counts (probed every 1 s) beyond 10,000 for the max-rate search")
      ->delimiter(',');
  app.add_option("--probe-load", probe_load, "path of dns_probe_load (default: next to this program)");
  app.add_option("--json", settings.json_out, "also write every measurement as JSON lines to this file");
  CLI11_PARSE(app, argc, argv);
  if (settings.quick) {
    settings.repeat = 1;
    settings.duration_s = 2;
  }
  settings.probe_load = probe_load.empty() ? fs::canonical("/proc/self/exe").parent_path() / "dns_probe_load"
                                           : fs::path(probe_load);
  std::signal(SIGPIPE, SIG_IGN);

  try {
    const std::array<RequiredTool, 3> tools{{{"knotd", "knot"},
                                             {"dnsperf", "dnsperf"},
                                             {"prometheus-blackbox-exporter", "prometheus-blackbox-exporter"}}};
    require_tools(tools, settings.probe_load);
    rg::test::KnotOptions options;
    options.zone = "bench.test.";
    for (std::size_t i = 1; i <= settings.names; ++i)
      options.records.push_back({fmt::format("name{:04}", i), "A", fmt::format("192.0.2.{}", i % 250 + 1)});
    std::cerr << fmt::format("starting knotd with {} names...\n", settings.names);
    rg::test::KnotServer knot(options);
    rg::test::TempDir work("rg-dns-bench-");
    Bench bench(settings, knot, work.path());
    for (int rep = 0; rep < settings.repeat; ++rep) bench.run_repetition(rep);
    bench.report(std::cout);
    if (!settings.json_out.empty()) bench.write_json(settings.json_out);
  } catch (const MissingTool& e) {
    std::cerr << "dns_bench: " << e.what();
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "\ndns_bench: broken run: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
