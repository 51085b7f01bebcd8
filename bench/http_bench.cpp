// HTTP prober benchmark: regionguard's HTTP checks against Prometheus blackbox_exporter's HTTP
// prober, both checking the same local nginx, in the same run.
//
// One nginx (1 worker, `location /health { return 200 "OK\n"; }`) runs on 127.0.0.1 and a free
// port, from a config written into a temp dir. Each repetition runs every measurement once,
// interleaved (regionguard, blackbox, regionguard, ...), so drift of a noisy machine hits every tool
// alike; the table gives the median and the range over repetitions, and each ratio is computed per
// repetition (paired) before taking its median.
//
//   regionguard     bench/http_probe_load as a child (ProbeScheduler + HttpProber on one CurlMulti
//                   and one io_context): 1,000 endpoints every 1 s (jitter 900 ms, 1,000 checks/s
//                   offered), then more endpoints every 1 s (3,000, 6,000, 9,000) to find its
//                   ceiling; the ladder stops at the first step that falls behind (timeouts,
//                   endpoints still busy when due, or checks queueing in the event loop).
//                   CPU and peak RSS as it reports them (getrusage over its window; ru_maxrss).
//   blackbox        /probe?module=http_2xx&target=<nginx>/health driven by keep-alive HTTP clients
//                   inside this process: paced at the same 1,000 probes/s, then 16 connections as
//                   fast as it answers. CPU from /proc/PID/stat, peak RSS from VmHWM, latency from
//                   the exporter's own probe_duration_seconds.
//   nginx           shares the 2 cores with both; its CPU (master + worker) is reported per run.
//
// Both tools open a fresh TCP connection per check (regionguard by design, blackbox because each
// probe builds its own client), so nginx does the same work per check for either.
//
// Exit status: 0 when every measurement ran, 1 on a broken run, 2 when a tool is missing.
#include <signal.h>
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
#include <chrono>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "common/blackbox_client.h"
#include "common/proc_stats.h"
#include "common/required_tools.h"
#include "common/summary.h"
#include "support/child_process.h"
#include "support/free_port.h"
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
// Measurements and their summaries.

struct Measurement {
  double rate = kNaN;             // successful checks per second
  double cpu_per_1k = kNaN;       // CPU seconds of the prober process per 1,000 successful checks
  double p50_us = kNaN;           // latency of successful checks, µs (each tool's own measure)
  double p99_us = kNaN;
  double rss_mb = kNaN;           // peak resident set of the prober process
  double ok_pct = kNaN;           // successful / completed
  double nginx_cpu_pct = kNaN;    // nginx (master + worker) over the run, % of one core
  double nginx_conn_per_req = kNaN;  // new connections nginx accepted per request it served
  double nginx_wait_pct = kNaN;      // nginx runnable but waiting for a CPU, % of the window
  nlohmann::ordered_json raw;     // what the tool reported, for --json and the details
};

struct Series {
  std::string key;    // stable name, for --json and ratios
  std::string label;  // table row
  bool regionguard = false;
  std::vector<Measurement> runs;  // one per repetition

  Summary summary(double Measurement::*field) const {
    std::vector<double> values;
    for (const auto& m : runs) values.push_back(m.*field);
    return summarize(std::move(values));
  }
  Summary raw_summary(const char* name) const {
    std::vector<double> values;
    for (const auto& m : runs)
      values.push_back(m.raw.contains(name) && m.raw[name].is_number() ? m.raw[name].get<double>() : kNaN);
    return summarize(std::move(values));
  }
};

// ---------------------------------------------------------------------------------------------
// Formatting: 1,234 for rates, about three significant figures otherwise.

// ---------------------------------------------------------------------------------------------
// Processes: CPU and memory from /proc and wait4().

struct ChildRun {
  int status = -1;  // exit code, or 128 + signal
  std::string output;
};

// Runs argv to completion (SIGKILL after `limit`), stdout and stderr into `log`.
ChildRun run_to_completion(const std::vector<std::string>& argv, const fs::path& log, std::chrono::seconds limit) {
  rg::test::ChildProcess child(argv, log);
  const auto deadline = SteadyClock::now() + limit;
  while (child.running()) {
    if (SteadyClock::now() > deadline) {
      child.stop(0ms);
      break;
    }
    std::this_thread::sleep_for(5ms);
  }
  return {child.exit_status().value_or(-1), read_text(log)};
}

// One synchronous HTTP/1.1 GET on a new connection; nullopt when nothing answers.
std::optional<http::response<http::string_body>> http_get(std::uint16_t port, const std::string& target) {
  try {
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(5s);
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    http::request<http::empty_body> request{http::verb::get, target, 11};
    request.set(http::field::host, "127.0.0.1");
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    return response;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// ---------------------------------------------------------------------------------------------
// nginx, unprivileged-safe: every path it writes is in its own temp dir.

class Nginx {
 public:
  explicit Nginx(const fs::path& dir) : dir_(dir) {
    binary_ = *rg::test::find_executable("nginx", kSbinDirs);
    // A free port can be taken between free_port() and nginx's bind(): try a few.
    for (int attempt = 1;; ++attempt) {
      port_ = rg::test::free_port();
      write_config();
      process_ = std::make_unique<rg::test::ChildProcess>(
          std::vector<std::string>{binary_.string(), "-e", (dir_ / "error.log").string(), "-p", dir_.string() + "/",
                                   "-c", (dir_ / "nginx.conf").string()},
          dir_ / "nginx.out");
      if (wait_ready()) break;
      process_.reset();
      if (attempt == 3)
        broken("nginx did not start", read_text(dir_ / "nginx.out") + read_text(dir_ / "error.log"));
    }
    pids_ = children_of(process_->pid());
    pids_.push_back(process_->pid());
    version_ = read_version();
  }

  std::uint16_t port() const { return port_; }
  std::string url() const { return fmt::format("http://127.0.0.1:{}/health", port_); }
  const std::string& version() const { return version_; }
  std::size_t processes() const { return pids_.size(); }
  bool running() { return process_->running(); }
  std::string log_tail() const { return rg::test::file_tail(dir_ / "error.log"); }

  // Connections accepted and requests served so far (stub_status); nullopt if it does not answer.
  struct Counters {
    double accepts = 0;
    double requests = 0;
  };
  std::optional<Counters> counters() const {
    // "Active connections: 1 \nserver accepts handled requests\n 16 16 31 \n..."
    const auto response = http_get(port_, "/nginx_status");
    if (!response || response->result() != http::status::ok) return std::nullopt;
    const auto& body = response->body();
    const auto at = body.find("requests\n");
    if (at == std::string::npos) return std::nullopt;
    std::istringstream in(body.substr(at + 9));
    Counters c;
    double handled = 0;
    if (!(in >> c.accepts >> handled >> c.requests)) return std::nullopt;
    return c;
  }

  // CPU seconds of master and workers together.
  double cpu_seconds() const {
    double total = 0;
    for (const pid_t pid : pids_) total += cpu_seconds_of(pid);
    return total;
  }
  double runqueue_wait_s() const {
    double total = 0;
    for (const pid_t pid : pids_) total += runqueue_wait_s_of(pid);
    return total;
  }

 private:
  void write_config() {
    const auto d = dir_.string();
    std::ofstream(dir_ / "nginx.conf") << fmt::format(
        "worker_processes 1;\n"
        "daemon off;\n"
        "master_process on;\n"
        "error_log {0}/error.log warn;\n"
        "pid {0}/nginx.pid;\n"
        "events {{ worker_connections 8192; }}\n"
        "http {{\n"
        "  access_log off;\n"
        "  client_body_temp_path {0}/client_body;\n"
        "  proxy_temp_path {0}/proxy;\n"
        "  fastcgi_temp_path {0}/fastcgi;\n"
        "  uwsgi_temp_path {0}/uwsgi;\n"
        "  scgi_temp_path {0}/scgi;\n"
        "  server {{\n"
        "    listen 127.0.0.1:{1};\n"
        "    location /health {{ default_type text/plain; return 200 \"OK\\n\"; }}\n"
        "    location /nginx_status {{ stub_status; }}\n"
        "  }}\n"
        "}}\n",
        d, port_);
  }

  bool wait_ready() {
    const auto deadline = SteadyClock::now() + 10s;
    while (SteadyClock::now() < deadline && process_->running()) {
      if (auto response = http_get(port_, "/health"); response && response->result() == http::status::ok) {
        // The worker is forked after the listener is open; give it a moment to show in /proc.
        for (int i = 0; i < 50 && children_of(process_->pid()).empty(); ++i) std::this_thread::sleep_for(10ms);
        return true;
      }
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  std::string read_version() const {
    const auto run = run_to_completion({binary_.string(), "-v"}, dir_ / "version.out", 10s);
    const auto at = run.output.find("nginx/");
    return at == std::string::npos ? "?" : run.output.substr(at + 6, run.output.find_first_of(" \n", at) - at - 6);
  }

  fs::path dir_;
  fs::path binary_;
  std::uint16_t port_ = 0;
  std::unique_ptr<rg::test::ChildProcess> process_;
  std::vector<pid_t> pids_;
  std::string version_;
};

// What nginx did over a measurement: CPU as % of one core, and new connections per request (1 when
// every check opens its own connection).
class NginxWindow {
 public:
  explicit NginxWindow(const Nginx& nginx)
      : nginx_(nginx),
        start_cpu_(nginx.cpu_seconds()),
        start_wait_(nginx.runqueue_wait_s()),
        start_counters_(nginx.counters()),
        start_(SteadyClock::now()) {}
  void close() {
    const double wall = std::chrono::duration<double>(SteadyClock::now() - start_).count();
    cpu_percent = 100.0 * (nginx_.cpu_seconds() - start_cpu_) / wall;
    wait_percent = 100.0 * (nginx_.runqueue_wait_s() - start_wait_) / wall;
    const auto end = nginx_.counters();
    if (start_counters_ && end && end->requests > start_counters_->requests) {
      // Less our own stub_status request (on its own connection).
      const double requests = end->requests - start_counters_->requests - 1;
      const double accepts = end->accepts - start_counters_->accepts - 1;
      connections_per_request = requests > 0 ? accepts / requests : kNaN;
    }
  }
  double cpu_percent = kNaN;
  double wait_percent = kNaN;  // runnable but waiting for a CPU, % of the window
  double connections_per_request = kNaN;

 private:
  const Nginx& nginx_;
  double start_cpu_;
  double start_wait_;
  std::optional<Nginx::Counters> start_counters_;
  SteadyClock::time_point start_;
};

// ---------------------------------------------------------------------------------------------
// The HTTP clients that drive blackbox_exporter.

// ---------------------------------------------------------------------------------------------
// The bench.

struct Settings {
  int repeat = 3;
  double duration_s = 6;
  std::size_t endpoints = 1000;
  long interval_ms = 1000;
  long jitter_ms = 900;
  long timeout_ms = 1000;
  std::vector<std::size_t> ladder{3'000, 6'000, 9'000};
  int blackbox_connections = 16;
  fs::path probe_load;
  std::string json_out;
  bool quick = false;

  double offered_rate() const { return static_cast<double>(endpoints) * 1000.0 / static_cast<double>(interval_ms); }
};

class Bench {
 public:
  Bench(Settings settings, Nginx& nginx, fs::path work)
      : s_(std::move(settings)), nginx_(nginx), work_(std::move(work)), load_at_start_(load_averages()) {}

  void run_repetition(int rep);
  void report(std::ostream& out) const;
  void write_json(const std::string& file) const;

 private:
  class Exporter;

  void add(const std::string& key, const std::string& label, bool regionguard, Measurement m) {
    const bool ran = !m.raw.contains("not_run");
    std::cerr << " " << key << (ran ? "" : "(not run)") << std::flush;
    auto it = std::find_if(series_.begin(), series_.end(), [&](const Series& x) { return x.key == key; });
    if (it == series_.end()) it = series_.insert(series_.end(), Series{key, label, regionguard, {}});
    it->runs.push_back(std::move(m));
    if (!nginx_.running()) broken("nginx exited during the run", nginx_.log_tail());
    if (ran) std::this_thread::sleep_for(300ms);  // let sockets drain between runs
  }

  // regionguard kept up with its load: no check timed out or failed (< 1 %), no endpoint was still
  // busy when due, and checks did not queue in the loop (time outside curl p50 < 50 ms). Not the rate
  // alone: a short window, or a round launched late, lowers the rate without the prober being
  // saturated (see "launched" in the detail).
  static bool kept_up(const Measurement& m) {
    auto number = [&](const char* name) {
      return m.raw.contains(name) && m.raw[name].is_number() ? m.raw[name].get<double>() : kNaN;
    };
    return m.ok_pct >= 99.0 && number("skipped") == 0 && number("outside_curl_p50_us") < 50'000;
  }

  const Series* find(std::string_view key) const {
    auto it = std::find_if(series_.begin(), series_.end(), [&](const Series& x) { return x.key == key; });
    return it == series_.end() ? nullptr : &*it;
  }

  Measurement regionguard(std::size_t endpoints, long interval_ms, long jitter_ms);

  Settings s_;
  Nginx& nginx_;
  fs::path work_;
  std::vector<Series> series_;
  std::string blackbox_version_;
  std::string load_at_start_;
};

Measurement Bench::regionguard(std::size_t endpoints, long interval_ms, long jitter_ms) {
  static int run = 0;
  const std::vector<std::string> argv{s_.probe_load.string(),
                                      "--url", nginx_.url(),
                                      "--endpoints", std::to_string(endpoints),
                                      "--interval", std::to_string(interval_ms),
                                      "--jitter", std::to_string(jitter_ms),
                                      "--timeout", std::to_string(s_.timeout_ms),
                                      "--duration", fmt::format("{}", s_.duration_s)};
  NginxWindow nginx_window(nginx_);
  const auto child = run_to_completion(argv, work_ / fmt::format("http_probe_load-{}.log", ++run),
                                       std::chrono::seconds(static_cast<long>(s_.duration_s) + 30));
  nginx_window.close();
  Measurement m;
  m.nginx_cpu_pct = nginx_window.cpu_percent;
  m.nginx_conn_per_req = nginx_window.connections_per_request;
  m.nginx_wait_pct = nginx_window.wait_percent;
  if (child.status != 0) broken(fmt::format("http_probe_load exited with status {}", child.status), child.output);
  nlohmann::ordered_json j;
  std::istringstream lines(child.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("{")) j = nlohmann::ordered_json::parse(line, nullptr, false);
  }
  if (!j.is_object() || !j.contains("checks_per_s")) broken("http_probe_load printed no JSON", child.output);
  auto number_or_nan = [&](const char* key) { return j[key].is_number() ? j[key].get<double>() : kNaN; };
  const double successes = number_or_nan("successes");
  const double checks = number_or_nan("checks");
  if (!(successes > 0)) broken(fmt::format("regionguard: no successful check ({})", j["first_error"].dump()), child.output);
  m.rate = number_or_nan("successes_per_s");
  m.cpu_per_1k = number_or_nan("cpu_s") * 1000.0 / successes;
  m.p50_us = number_or_nan("latency_p50_us");
  m.p99_us = number_or_nan("latency_p99_us");
  m.rss_mb = number_or_nan("peak_rss_mb");
  m.ok_pct = 100.0 * successes / checks;
  m.raw = j;
  return m;
}

// One blackbox_exporter process with an http_2xx module, for one repetition's two measurements.
class Bench::Exporter {
 public:
  explicit Exporter(Bench& bench) : bench_(bench), port_(rg::test::free_port()) {
    static int run = 0;
    ++run;
    const auto binary = rg::test::find_executable("prometheus-blackbox-exporter", kSbinDirs);
    const auto config = bench.work_ / "blackbox.yml";
    std::ofstream(config) << "modules:\n"
                             "  http_2xx:\n"
                             "    prober: http\n"
                             "    timeout: 5s\n"
                             "    http:\n"
                             "      preferred_ip_protocol: ip4\n"
                             "      ip_protocol_fallback: false\n";
    log_ = bench.work_ / fmt::format("blackbox-{}.log", run);
    process_ = std::make_unique<rg::test::ChildProcess>(
        std::vector<std::string>{binary->string(), "--config.file=" + config.string(),
                                 fmt::format("--web.listen-address=127.0.0.1:{}", port_), "--log.level=warn"},
        log_);
    wait_ready();
    if (bench.blackbox_version_.empty()) {
      const auto version = run_to_completion({binary->string(), "--version"}, bench.work_ / "blackbox-version.out", 10s);
      if (const auto at = version.output.find("version "); at != std::string::npos)
        bench.blackbox_version_ = version.output.substr(at + 8, version.output.find_first_of(" \n", at + 8) - at - 8);
    }
  }

  // Drives /probe with `connections` clients for the bench's duration: back to back, or `rate`
  // probes a second over all of them.
  Measurement measure(int connections, std::optional<double> rate) {
    const pid_t pid = process_->pid();
    ProbeTally tally;
    asio::io_context io;
    const auto target = fmt::format("/probe?module=http_2xx&target={}", bench_.nginx_.url());
    const asio::ip::tcp::endpoint server(asio::ip::make_address("127.0.0.1"), port_);
    const auto window =
        std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(bench_.s_.duration_s));
    std::optional<SteadyClock::duration> period;
    if (rate)
      period = std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(connections / *rate));
    NginxWindow nginx_window(bench_.nginx_);
    const double cpu_start = cpu_seconds_of(pid);
    const double wait_start = runqueue_wait_s_of(pid);
    const auto start = SteadyClock::now();
    double cpu_end = kNaN;
    double wait_end = kNaN;
    double elapsed = 0;
    asio::steady_timer end_timer(io, start + window);
    end_timer.async_wait([&](const boost::system::error_code&) {
      cpu_end = cpu_seconds_of(pid);
      wait_end = runqueue_wait_s_of(pid);
      nginx_window.close();
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
    const auto successes = static_cast<double>(tally.successes);
    Measurement m;
    m.rate = successes / elapsed;
    m.cpu_per_1k = (cpu_end - cpu_start) * 1000.0 / successes;
    m.p50_us = percentile(tally.durations_us, 50);
    m.p99_us = percentile(tally.durations_us, 99);
    m.rss_mb = peak_rss_mb_of(pid);
    m.ok_pct = 100.0 * successes / static_cast<double>(tally.responses + tally.failures);
    m.nginx_cpu_pct = nginx_window.cpu_percent;
    m.nginx_conn_per_req = nginx_window.connections_per_request;
    m.nginx_wait_pct = nginx_window.wait_percent;
    m.raw = {{"tool", "blackbox_exporter"},
             {"connections", connections},
             {"offered_per_s", rate ? nlohmann::ordered_json(*rate) : nlohmann::ordered_json(nullptr)},
             {"window_s", elapsed},
             {"responses", tally.responses},
             {"successes", tally.successes},
             {"failures", tally.failures},
             {"first_failure", tally.first_failure},
             {"cpu_s", cpu_end - cpu_start},
             {"cpu_percent", 100.0 * (cpu_end - cpu_start) / elapsed},
             {"runqueue_wait_s", wait_end - wait_start},
             {"runqueue_wait_percent", 100.0 * (wait_end - wait_start) / elapsed}};
    return m;
  }

 private:
  void wait_ready() {
    const auto deadline = SteadyClock::now() + 10s;
    while (SteadyClock::now() < deadline && process_->running()) {
      if (auto response = http_get(port_, "/-/healthy"); response && response->result() == http::status::ok) return;
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
  const auto rate = s_.offered_rate();
  const auto interval_text = fmt::format("{:g} s", static_cast<double>(s_.interval_ms) / 1000.0);
  add("rg_base", fmt::format("regionguard {} ep / {}", with_commas(static_cast<double>(s_.endpoints)), interval_text),
      true, regionguard(s_.endpoints, s_.interval_ms, s_.jitter_ms));
  {
    Exporter exporter(*this);
    // Paced first: VmHWM is a high-water mark, so the max-rate run must come second.
    add("blackbox_paced", fmt::format("blackbox_exporter at {}/s", with_commas(rate)), false,
        exporter.measure(s_.blackbox_connections, rate));
    add("blackbox_max", fmt::format("blackbox_exporter max ({} conns)", s_.blackbox_connections), false,
        exporter.measure(s_.blackbox_connections, std::nullopt));
  }
  // The ladder stops at the first step that falls behind: beyond it every step only collapses further
  // (checks time out while they wait in the loop), which costs time and says nothing new.
  bool saturated = !kept_up(series_.front().runs.back());
  for (const auto n : s_.ladder) {
    Measurement m;
    if (saturated) {
      m.raw = {{"not_run", "a smaller step fell behind"}};
    } else {
      m = regionguard(n, s_.interval_ms, s_.jitter_ms);
      saturated = !kept_up(m);
    }
    add(fmt::format("rg_{}", n), fmt::format("regionguard {} ep / {}", with_commas(static_cast<double>(n)), interval_text),
        true, std::move(m));
  }
  std::cerr << "\n";
}

// ---------------------------------------------------------------------------------------------
// The report.

void Bench::report(std::ostream& out) const {
  utsname host{};
  ::uname(&host);
  out << "\n"
      << fmt::format("HTTP prober bench — nginx {} ({} processes) on {}; {} × {:g} s per measurement; {} CPUs, "
                     "Linux {}, load average {} at start, {} at end; blackbox_exporter {}\n",
                     nginx_.version(), nginx_.processes(), nginx_.url(), s_.repeat, s_.duration_s,
                     std::thread::hardware_concurrency(), host.release, load_at_start_, load_averages(),
                     blackbox_version_.empty() ? "?" : blackbox_version_)
      << "cells: median [min–max] over repetitions. checks/s counts successful checks only; CPU is the prober\n"
         "process's own (user+sys) per 1,000 successful checks (blackbox: not counting the client driving it);\n"
         "latency is each tool's own measure (regionguard: ProbeResult.latency; blackbox: probe_duration_seconds);\n"
         "nginx CPU is the server's (master + worker), % of one core, over the same window.\n\n";

  const std::string header = fmt::format("{:<34} {:>24} {:>24} {:>19} {:>22} {:>17} {:>6} {:>17}", "run",
                                         "checks/s", "CPU s/1k checks", "p50 µs", "p99 µs", "peak RSS MB", "ok %",
                                         "nginx CPU %");
  out << header << "\n" << std::string(header.size() - 4, '-') << "\n";
  for (const auto& series : series_) {
    out << fmt::format("{:<34} {:>24} {:>24} {:>19} {:>22} {:>17} {:>6} {:>17}\n", series.label,
                       range_cell(series.summary(&Measurement::rate), with_commas),
                       range_cell(series.summary(&Measurement::cpu_per_1k)),
                       range_cell(series.summary(&Measurement::p50_us), with_commas),
                       range_cell(series.summary(&Measurement::p99_us), with_commas),
                       range_cell(series.summary(&Measurement::rss_mb)),
                       short_number(series.summary(&Measurement::ok_pct).min),
                       range_cell(series.summary(&Measurement::nginx_cpu_pct)));
  }

  // regionguard's best run in each repetition: its ceiling.
  Series rg_max{"rg_max", "regionguard max", true, {}};
  for (int rep = 0; rep < s_.repeat; ++rep) {
    const Measurement* best = nullptr;
    for (const auto& series : series_) {
      if (!series.regionguard || static_cast<std::size_t>(rep) >= series.runs.size()) continue;
      const auto& m = series.runs[static_cast<std::size_t>(rep)];
      if (best == nullptr || m.rate > best->rate) best = &m;
    }
    if (best != nullptr) rg_max.runs.push_back(*best);
  }
  // Computed within each repetition, then summarised.
  auto paired = [&](const Series* a, const Series* b, double Measurement::*field, auto combine) -> Summary {
    if (a == nullptr || b == nullptr) return {};
    std::vector<double> values;
    for (std::size_t i = 0; i < std::min(a->runs.size(), b->runs.size()); ++i)
      values.push_back(combine(a->runs[i].*field, b->runs[i].*field));
    return summarize(std::move(values));
  };
  const auto divide = [](double x, double y) { return x / y; };
  const auto minus = [](double x, double y) { return x - y; };
  const Series* base = find("rg_base");
  const Series* bb_paced = find("blackbox_paced");
  const Series* bb_max = find("blackbox_max");

  struct Line {
    std::string label;
    Summary value;
    std::string unit;
  };
  const auto rate_text = with_commas(s_.offered_rate());
  const std::vector<Line> lines{
      {fmt::format("CPU per check at {}/s: blackbox ÷ regionguard", rate_text),
       paired(bb_paced, base, &Measurement::cpu_per_1k, divide), "×"},
      {"CPU per check, each at its max: blackbox ÷ regionguard", paired(bb_max, &rg_max, &Measurement::cpu_per_1k, divide),
       "×"},
      {"regionguard max checks/s (best run of the repetition)", rg_max.summary(&Measurement::rate), "/s"},
      {"max checks/s: regionguard ÷ blackbox", paired(&rg_max, bb_max, &Measurement::rate, divide), "×"},
      {fmt::format("p50 latency at {}/s: blackbox − regionguard", rate_text),
       paired(bb_paced, base, &Measurement::p50_us, minus), "µs"},
      {fmt::format("p99 latency at {}/s: blackbox − regionguard", rate_text),
       paired(bb_paced, base, &Measurement::p99_us, minus), "µs"},
      {fmt::format("peak RSS: blackbox max ÷ regionguard {} ep", with_commas(static_cast<double>(s_.endpoints))),
       paired(bb_max, base, &Measurement::rss_mb, divide), "×"},
  };
  auto line_cell = [](const Line& l) {
    const auto one = [&](double v) {
      if (l.unit == "/s") return with_commas(v);
      return (l.unit == "µs" && v > 0 ? "+" : "") + (l.unit == "µs" ? with_commas(v) : short_number(v));
    };
    if (l.value.n == 0) return std::string("–");
    if (l.value.n == 1) return fmt::format("{} {}", one(l.value.median), l.unit);
    return fmt::format("{} {} [{}–{}]", one(l.value.median), l.unit, one(l.value.min), one(l.value.max));
  };
  out << "\nRatios (median of per-repetition ratios [min–max]):\n";
  for (const auto& l : lines) out << fmt::format("  {:<58} {:>32}\n", l.label, line_cell(l));

  // Where regionguard's time goes: curl's own clock vs waiting in the event loop, and its CPU.
  out << "\nDetail (medians; skipped and failures are summed over repetitions).\nCPU: the prober's, % of one core. wait: runnable but waiting for a CPU, % of the window\n"
         "(all threads; high = starved by the rest of the machine); nginx: its wait %. conn/req: new connections\n"
         "nginx accepted per request (1.00: a fresh connection per check). regionguard: curl's own connect / first\n"
         "byte / total p50 µs, time outside curl's clock (queued in our event loop) p50 / p99 µs, endpoints skipped\n"
         "(still busy with the previous check), launched: checks started ÷ endpoints × window ÷ interval (about 100 %\n"
         "when every round starts on time; a lost or late round shows here, not as a failure), failures.\n";
  for (const auto& series : series_) {
    if (!series.regionguard) continue;
    if (series.summary(&Measurement::rate).n == 0) {
      out << fmt::format("  {:<34} not run: a smaller step fell behind\n", series.label);
      continue;
    }
    std::map<std::string, double> kinds;
    double skipped = 0;
    for (const auto& m : series.runs) {
      if (m.raw.contains("failures"))
        for (const auto& [kind, n] : m.raw["failures"].items()) kinds[kind] += n.get<double>();
      if (m.raw.contains("skipped")) skipped += m.raw["skipped"].get<double>();
    }
    std::string failures;
    for (const auto& [kind, n] : kinds) failures += fmt::format("{} {} ", kind, with_commas(n));
    out << fmt::format("  {:<34} CPU {:>5} %  wait {:>5} %  nginx {:>5} %  conn/req {:>5}   curl {:>5} / {:>5} / {:>5}   "
                       "outside {:>6} / {:>7}   skipped {:>6}   launched {:>5} %   {}\n",
                       series.label, short_number(series.raw_summary("cpu_percent").median),
                       short_number(series.raw_summary("runqueue_wait_percent").median),
                       short_number(series.summary(&Measurement::nginx_wait_pct).median),
                       short_number(series.summary(&Measurement::nginx_conn_per_req).median),
                       with_commas(series.raw_summary("connect_p50_us").median),
                       with_commas(series.raw_summary("first_byte_p50_us").median),
                       with_commas(series.raw_summary("curl_total_p50_us").median),
                       with_commas(series.raw_summary("outside_curl_p50_us").median),
                       with_commas(series.raw_summary("outside_curl_p99_us").median), with_commas(skipped),
                       short_number(series.raw_summary("launched_pct").median),
                       failures.empty() ? "no failures" : failures);
  }
  for (const auto* bb : {bb_paced, bb_max}) {
    if (bb == nullptr) continue;
    out << fmt::format("  {:<34} CPU {:>5} %  wait {:>5} %  nginx {:>5} %  conn/req {:>5}\n", bb->label,
                       short_number(bb->raw_summary("cpu_percent").median),
                       short_number(bb->raw_summary("runqueue_wait_percent").median),
                       short_number(bb->summary(&Measurement::nginx_wait_pct).median),
                       short_number(bb->summary(&Measurement::nginx_conn_per_req).median));
  }
}

void Bench::write_json(const std::string& file) const {
  std::ofstream out(file);
  for (const auto& series : series_) {
    for (std::size_t i = 0; i < series.runs.size(); ++i) {
      const auto& m = series.runs[i];
      nlohmann::ordered_json j{{"run", series.key},
                               {"label", series.label},
                               {"repetition", i + 1},
                               {"checks_per_s", m.rate},
                               {"cpu_s_per_1000_checks", m.cpu_per_1k},
                               {"p50_us", m.p50_us},
                               {"p99_us", m.p99_us},
                               {"peak_rss_mb", m.rss_mb},
                               {"ok_pct", m.ok_pct},
                               {"nginx_cpu_pct", m.nginx_cpu_pct},
                               {"nginx_connections_per_request", m.nginx_conn_per_req},
                               {"nginx_runqueue_wait_pct", m.nginx_wait_pct},
                               {"raw", m.raw}};
      out << j.dump() << "\n";
    }
  }
}


}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"HTTP prober bench: regionguard vs blackbox_exporter against one local nginx"};
  Settings settings;
  std::string probe_load;
  app.add_option("--repeat", settings.repeat, "repetitions of every measurement")->check(CLI::PositiveNumber);
  app.add_option("--duration", settings.duration_s, "seconds per measurement")->check(CLI::PositiveNumber);
  app.add_flag("--quick", settings.quick, "smoke run: 1 repetition of 3 s each (about 30 s)");
  app.add_option("--endpoints", settings.endpoints, "regionguard endpoints in the base run (and blackbox's paced rate)")
      ->check(CLI::PositiveNumber);
  app.add_option("--interval", settings.interval_ms, "check interval of every regionguard endpoint, ms")
      ->check(CLI::PositiveNumber);
  app.add_option("--jitter", settings.jitter_ms, "spread of each round's launches, ms")->check(CLI::NonNegativeNumber);
  app.add_option("--timeout", settings.timeout_ms, "regionguard check timeout, ms")->check(CLI::PositiveNumber);
  app.add_option("--ladder", settings.ladder, "more endpoint counts, same interval, to find regionguard's ceiling")
      ->delimiter(',');
  app.add_option("--blackbox-connections", settings.blackbox_connections, "HTTP connections driving blackbox_exporter")
      ->check(CLI::PositiveNumber);
  app.add_option("--probe-load", probe_load, "path of http_probe_load (default: next to this program)");
  app.add_option("--json", settings.json_out, "also write every measurement as JSON lines to this file");
  CLI11_PARSE(app, argc, argv);
  if (settings.quick) {
    settings.repeat = 1;
    settings.duration_s = 3;
  }
  settings.probe_load = probe_load.empty() ? fs::canonical("/proc/self/exe").parent_path() / "http_probe_load"
                                           : fs::path(probe_load);
  std::signal(SIGPIPE, SIG_IGN);

  try {
    const std::array<RequiredTool, 2> tools{
        {{"nginx", "nginx"}, {"prometheus-blackbox-exporter", "prometheus-blackbox-exporter"}}};
    require_tools(tools, settings.probe_load);
    rg::test::TempDir work("rg-http-bench-");
    fs::create_directory(work.path() / "nginx");
    Nginx nginx(work.path() / "nginx");
    std::cerr << fmt::format("nginx {} serving {}\n", nginx.version(), nginx.url());
    Bench bench(settings, nginx, work.path());
    for (int rep = 0; rep < settings.repeat; ++rep) bench.run_repetition(rep);
    bench.report(std::cout);
    if (!settings.json_out.empty()) bench.write_json(settings.json_out);
  } catch (const MissingTool& e) {
    std::cerr << "http_bench: " << e.what();
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "\nhttp_bench: broken run: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
