// WebSocket fan-out bench: how fast a round's update reaches many dashboard clients, and what
// the clients cost the daemon.
//
// Starts a knotd (rg::test::KnotServer) with one name per endpoint and the real `regionguard run`
// probing it every second, then connects clients to /api/v1/stream from this process (one
// io_context, one thread) and listens for `round` messages. The daemon stamps each message when
// it publishes it (published_unix_ms); a client takes the difference on receipt (same clock), so
// the latency covers serializing once, queueing per client, the kernel and this process.
//
// Reference in the same run: the same measurement with one client first, then with --clients.
// Printed: latency p50/p99/max per phase and their ratio, rounds and messages delivered, clients
// dropped, and the daemon's RSS (before clients, with them, peak) and CPU over each phase.
//
//   build/release/bench/ws_fanout_bench [--clients 1000] [--rounds 10] [--endpoints 21]
//                                       [--regionguard PATH]   (default: ../regionguard next to this binary)
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/daemon_launch.h"
#include "support/child_process.h"
#include "support/free_port.h"
#include "support/knot_server.h"
#include "support/temp_dir.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

double now_unix_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct Sample {
  long round;
  double latency_ms;
  std::size_t bytes;
};

// One dashboard client: connects, then reads every message and records the latency of rounds.
class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(asio::io_context& io, std::vector<Sample>& samples) : ws_(io), samples_(samples) {}

  void start(const tcp::endpoint& endpoint, std::string host) {
    host_ = std::move(host);
    beast::get_lowest_layer(ws_).expires_after(30s);
    beast::get_lowest_layer(ws_).async_connect(endpoint, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->fail();
      beast::get_lowest_layer(self->ws_).expires_never();
      self->ws_.async_handshake(self->host_, "/api/v1/stream", [self](beast::error_code ec2) {
        if (ec2) return self->fail();
        self->connected_ = true;
        self->read();
      });
    });
  }

  bool connected() const { return connected_ && !closed_; }
  bool closed() const { return closed_; }
  long messages() const { return messages_; }
  void close() {
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
  }

 private:
  void fail() { closed_ = true; }

  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->fail();
      const double received = now_unix_ms();
      self->record(beast::buffers_to_string(self->buffer_.data()), received);
      self->buffer_.consume(self->buffer_.size());
      self->read();
    });
  }

  // Two fields, found without parsing the whole message: the bench must cost little itself.
  void record(const std::string& message, double received) {
    ++messages_;
    if (message.find("\"type\":\"round\"") == std::string::npos) return;
    const auto stamp = message.find("\"published_unix_ms\":");
    const auto round = message.find("\"round\":");
    if (stamp == std::string::npos || round == std::string::npos) return;
    const double published = std::strtod(message.c_str() + stamp + 20, nullptr);
    samples_.push_back({std::strtol(message.c_str() + round + 8, nullptr, 10), received - published, message.size()});
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::vector<Sample>& samples_;
  std::string host_;
  bool connected_ = false;
  bool closed_ = false;
  long messages_ = 0;
};

struct ProcessUsage {
  double cpu_seconds = 0;
  double rss_mb = 0;
  double peak_rss_mb = 0;
};

ProcessUsage usage_of(pid_t pid) {
  ProcessUsage usage;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  const auto close = line.rfind(')');
  if (close != std::string::npos) {
    std::istringstream fields(line.substr(close + 2));
    std::vector<std::string> f;
    for (std::string x; fields >> x;) f.push_back(x);
    if (f.size() > 12)
      usage.cpu_seconds = (std::stod(f[11]) + std::stod(f[12])) / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string key; status >> key;) {
    double kb = 0;
    if (key == "VmRSS:" && status >> kb) usage.rss_mb = kb / 1024;
    if (key == "VmHWM:" && status >> kb) usage.peak_rss_mb = kb / 1024;
    status.ignore(1 << 16, '\n');
  }
  return usage;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

struct PhaseResult {
  std::size_t clients = 0;
  std::size_t connected = 0;
  std::size_t dropped = 0;
  std::size_t samples = 0;
  long rounds = 0;
  double min = 0, p50 = 0, p99 = 0, max = 0;
  std::size_t message_bytes = 0;
  double cpu_percent = 0;
  ProcessUsage after;
};

// Connects `count` clients, waits for `rounds` round messages to reach them, and measures.
PhaseResult run_phase(std::uint16_t port, pid_t daemon, std::size_t count, int rounds) {
  asio::io_context io;
  std::vector<Sample> samples;
  std::vector<std::shared_ptr<Client>> clients;
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
  for (std::size_t i = 0; i < count; ++i) {
    clients.push_back(std::make_shared<Client>(io, samples));
    clients.back()->start(endpoint, "127.0.0.1:" + std::to_string(port));
    if (i % 100 == 99) io.run_for(50ms);  // let the handshakes through in batches
  }
  const auto connect_deadline = std::chrono::steady_clock::now() + 60s;
  auto connected = [&] {
    return static_cast<std::size_t>(std::count_if(clients.begin(), clients.end(), [](auto& c) { return c->connected(); }));
  };
  while (connected() + static_cast<std::size_t>(std::count_if(clients.begin(), clients.end(),
                                                               [](auto& c) { return c->closed(); })) <
             count &&
         std::chrono::steady_clock::now() < connect_deadline)
    io.run_for(100ms);

  samples.clear();
  const auto before = usage_of(daemon);
  const auto started = std::chrono::steady_clock::now();
  long first_round = -1;
  const auto deadline = started + std::chrono::seconds(rounds * 3 + 30);
  while (std::chrono::steady_clock::now() < deadline) {
    io.run_for(100ms);
    if (samples.empty()) continue;
    if (first_round < 0) first_round = samples.front().round;
    // Done once `rounds` rounds after the first have been seen by some client (and a moment for
    // the rest of that round to arrive).
    const long last = std::max_element(samples.begin(), samples.end(), [](auto& a, auto& b) { return a.round < b.round; })->round;
    if (last - first_round >= rounds) {
      io.run_for(500ms);
      break;
    }
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  PhaseResult result;
  result.after = usage_of(daemon);
  result.cpu_percent = 100.0 * (result.after.cpu_seconds - before.cpu_seconds) / wall;
  result.clients = count;
  result.connected = connected();
  result.dropped = static_cast<std::size_t>(std::count_if(clients.begin(), clients.end(), [](auto& c) { return c->closed(); }));
  std::vector<double> latencies;
  long max_round = first_round;
  for (const auto& s : samples) {
    latencies.push_back(s.latency_ms);
    max_round = std::max(max_round, s.round);
  }
  result.samples = latencies.size();
  result.rounds = first_round < 0 ? 0 : max_round - first_round + 1;
  result.p50 = percentile(latencies, 0.5);
  result.p99 = percentile(latencies, 0.99);
  result.max = latencies.empty() ? 0 : *std::max_element(latencies.begin(), latencies.end());
  result.min = latencies.empty() ? 0 : *std::min_element(latencies.begin(), latencies.end());
  result.message_bytes = samples.empty() ? 0 : samples.back().bytes;
  for (auto& c : clients) c->close();
  io.run_for(200ms);
  return result;
}

void print(const std::string& label, const PhaseResult& r) {
  std::cout << fmt::format(
      "{:<22} clients {:>5} (connected {:>5}, dropped {:>3})  rounds {:>3}  messages {:>6} of {} B  latency ms min "
      "{:>6.2f}  p50 {:>7.2f}  p99 {:>7.2f}  max {:>7.2f}  daemon CPU {:>5.1f}%  RSS {:>6.1f} MB (peak {:>6.1f})\n",
      label, r.clients, r.connected, r.dropped, r.rounds, r.samples, r.message_bytes, r.min, r.p50, r.p99, r.max,
      r.cpu_percent, r.after.rss_mb, r.after.peak_rss_mb);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"WebSocket fan-out: round delivery latency and daemon cost with many stream clients"};
  std::size_t clients = 1000;
  int rounds = 10;
  rg::bench::DaemonBenchOptions daemon_options;
  app.add_option("--clients", clients, "WebSocket clients")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--rounds", rounds, "rounds measured")->check(CLI::PositiveNumber)->capture_default_str();
  rg::bench::add_daemon_options(app, daemon_options);
  CLI11_PARSE(app, argc, argv);
  if (!rg::bench::prepare_daemon_bench(daemon_options)) return 2;
  const int endpoints = daemon_options.endpoints;
  const auto& regionguard = daemon_options.regionguard;

  const auto records = rg::bench::numbered_records(endpoints);
  rg::test::KnotServer knot({.zone = "bench.test.", .records = records, .update_key = std::nullopt});
  rg::test::TempDir dir("rg-ws-bench-");
  const auto port = rg::test::free_port();
  {
    std::ofstream config(dir.path() / "regionguard.yaml");
    config << "regions: [us-east-1]\ndefaults: { interval: 1s, timeout: 500ms, jitter: 100ms, resolvers: [\"127.0.0.1:"
           << knot.port() << "\"] }\nservices: { s3: {} }\nendpoints:\n";
    for (int i = 0; i < endpoints; ++i)
      config << "  - { hostname: ep" << i << ".bench.test, service: s3, region: us-east-1 }\n";
    config << "store: { path: history.db }\nserver:\n  listen: 127.0.0.1:" << port
           << "\n  max_clients: " << clients + 100 << "\n";
  }
  rg::test::ChildProcess daemon({regionguard.string(), "--log-level", "warn", "run", "-c",
                                 (dir.path() / "regionguard.yaml").string()},
                                dir.path() / "run.log");
  if (!rg::bench::wait_until_ready(port)) {
    std::cerr << "regionguard did not become ready:\n" << rg::test::file_tail(dir.path() / "run.log");
    return 1;
  }

  const auto idle = usage_of(daemon.pid());
  std::cout << fmt::format("ws_fanout_bench: {} endpoints, one round a second; daemon RSS before clients {:.1f} MB\n",
                           endpoints, idle.rss_mb);
  const auto reference = run_phase(port, daemon.pid(), 1, std::min(rounds, 5));
  print("reference (1 client)", reference);
  const auto many = run_phase(port, daemon.pid(), clients, rounds);
  print(fmt::format("{} clients", clients), many);
  std::cout << fmt::format("ratio {} clients / 1 client: latency p50 x{:.2f}, p99 x{:.2f}; RSS +{:.1f} MB ({:.1f} KB per client)\n",
                           clients, reference.p50 > 0 ? many.p50 / reference.p50 : 0.0,
                           reference.p99 > 0 ? many.p99 / reference.p99 : 0.0, many.after.rss_mb - idle.rss_mb,
                           (many.after.rss_mb - idle.rss_mb) * 1024 / static_cast<double>(std::max<std::size_t>(clients, 1)));
  daemon.stop();
  return many.connected == 0 ? 1 : 0;
}
