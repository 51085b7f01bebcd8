// Gate bench: how fast GET /gate/{app}/{region} answers Route 53's checker while the server is
// under attack, on this machine.
//
// Starts a knotd (rg::test::KnotServer) and the real `regionguard run` with one application
// whose plan is the data-plane gate, then measures the gate as a checker does (a new connection
// each time, 20 a second from 127.0.0.1, connect to last byte) in phases:
//   reference        nothing else going on;
//   1,000 idle       1,000 connections from 100 other addresses that never send a byte;
//   5,000 slowloris  5,000 connections from 250 addresses sending a header byte every 3 s,
//                    reconnecting when cut (beyond server.max_clients: the reserve answers the gate);
//   /metrics flood   200 clients from 200 addresses fetching /metrics as fast as they can;
//   gate listener    5,000 slowloris on the main listener, the gate asked on server.gate_listen.
// Printed per phase: gate p50/p99/max and errors, and the ratio of p99 to the reference.
// The goal: p99 under 100 ms in every phase.
//
//   build/release/bench/gate_bench [--seconds 10] [--endpoints 21] [--regionguard PATH]
#include <fmt/format.h>
#include <sys/resource.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/daemon_launch.h"
#include "common/summary.h"
#include "support/child_process.h"
#include "support/free_port.h"
#include "support/knot_server.h"
#include "support/temp_dir.h"

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// One request on a new connection from 127.0.0.1; the milliseconds it took, or a negative number
// on an error or a status other than `expected`.
double timed_get(std::uint16_t port, const std::string& target, unsigned expected) {
  const auto started = std::chrono::steady_clock::now();
  try {
    asio::io_context io;
    tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    const std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    asio::write(socket, asio::buffer(request));
    std::string answer;
    boost::system::error_code ec;
    asio::read(socket, asio::dynamic_buffer(answer), ec);
    if (answer.size() < 12 || std::stoul(answer.substr(9, 3)) != expected) return -1;
  } catch (const std::exception&) {
    return -1;
  }
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
}

// Hostile clients on their own thread: `count` connections spread over `addresses` loopback
// addresses from `first_address`; each sends `request` once connected (empty: nothing), then a
// byte every 3 s when `trickle`, and reconnects when the server cuts it. `loop_request`: send the
// request again after each answer (a scraper), on a new connection.
class Attackers {
 public:
  struct Options {
    std::uint16_t port = 0;
    std::size_t count = 0;
    std::size_t addresses = 1;
    std::string first_octets = "127.0.1.";  // addresses 127.0.1.1, 127.0.1.2, ...
    std::string request;
    bool trickle = false;
    bool loop_request = false;
  };

  explicit Attackers(Options options) : options_(std::move(options)) {
    for (std::size_t i = 0; i < options_.count; ++i) clients_.push_back(std::make_shared<Client>(io_));
    for (std::size_t i = 0; i < clients_.size(); ++i) start(clients_[i], i);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Attackers() {
    io_.stop();
    thread_.join();
  }
  std::size_t connected() const { return connected_; }
  // Until `count` are connected at once, or `timeout` passes: the phases are about holding them.
  void wait_connected(std::size_t count, std::chrono::seconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (connected_ < count && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  }

 private:
  struct Client {
    explicit Client(asio::io_context& io) : socket(io), timer(io) {}
    tcp::socket socket;
    asio::steady_timer timer;
    std::array<char, 16384> buffer{};
  };

  std::string source(std::size_t index) const {
    const std::size_t a = index % options_.addresses;
    return options_.first_octets + std::to_string(a % 250 + 1);
  }

  void start(const std::shared_ptr<Client>& client, std::size_t index) {
    boost::system::error_code ec;
    client->socket.close(ec);
    client->socket.open(tcp::v4(), ec);
    client->socket.bind({asio::ip::make_address(source(index)), 0}, ec);
    client->socket.async_connect({asio::ip::make_address("127.0.0.1"), options_.port},
                                 [this, client, index](boost::system::error_code connect_ec) {
                                   if (connect_ec) return retry(client, index);
                                   ++connected_;
                                   if (!options_.request.empty())
                                     asio::async_write(client->socket, asio::buffer(options_.request),
                                                       [](boost::system::error_code, std::size_t) {});
                                   read(client, index);
                                   if (options_.trickle) trickle(client);
                                 });
  }

  void read(const std::shared_ptr<Client>& client, std::size_t index) {
    client->socket.async_read_some(asio::buffer(client->buffer), [this, client, index](boost::system::error_code ec,
                                                                                      std::size_t) {
      if (!ec) return read(client, index);
      --connected_;
      client->timer.cancel();
      retry(client, index);
    });
  }

  void retry(const std::shared_ptr<Client>& client, std::size_t index) {
    client->timer.expires_after(options_.loop_request ? 0ms : 100ms);
    client->timer.async_wait([this, client, index](boost::system::error_code ec) {
      if (!ec || options_.loop_request) start(client, index);
    });
  }

  void trickle(const std::shared_ptr<Client>& client) {
    client->timer.expires_after(3s);
    client->timer.async_wait([this, client](boost::system::error_code ec) {
      if (ec) return;
      asio::async_write(client->socket, asio::buffer("X", 1), [](boost::system::error_code, std::size_t) {});
      trickle(client);
    });
  }

  Options options_;
  asio::io_context io_;
  std::vector<std::shared_ptr<Client>> clients_;
  std::atomic<std::size_t> connected_{0};
  std::thread thread_;
};

Attackers::Options attack(std::uint16_t port, std::size_t count, std::size_t addresses, std::string first_octets) {
  Attackers::Options options;
  options.port = port;
  options.count = count;
  options.addresses = addresses;
  options.first_octets = std::move(first_octets);
  return options;
}

struct Phase {
  std::string name;
  double p50 = 0, p99 = 0, max = 0;
  std::size_t samples = 0, errors = 0;
  std::size_t attackers_connected = 0;
};

Phase measure(const std::string& name, std::uint16_t port, int seconds, std::size_t attackers_connected = 0) {
  Phase phase{name};
  std::vector<double> latencies;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  auto next = std::chrono::steady_clock::now();
  while (next < end) {
    const double ms = timed_get(port, "/gate/web/us-east-1", 200);
    if (ms < 0) ++phase.errors;
    else latencies.push_back(ms);
    next += 50ms;
    std::this_thread::sleep_until(next);
  }
  phase.samples = latencies.size() + phase.errors;
  phase.p50 = rg::bench::percentile(latencies, 50);
  phase.p99 = rg::bench::percentile(latencies, 99);
  phase.max = rg::bench::percentile(latencies, 100);
  phase.attackers_connected = attackers_connected;
  return phase;
}

void print(const Phase& phase, const Phase& reference) {
  std::cout << fmt::format("{:<34} {:>8.2f} {:>8.2f} {:>8.2f} {:>7} {:>7} {:>10}   x{:.2f}\n", phase.name, phase.p50,
                           phase.p99, phase.max, phase.samples, phase.errors, phase.attackers_connected,
                           reference.p99 > 0 ? phase.p99 / reference.p99 : 0.0);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Gate and /healthz latency while hostile clients hold connections to the daemon"};
  int seconds = 10;
  rg::bench::DaemonBenchOptions daemon_options;
  app.add_option("--seconds", seconds, "length of each phase")->check(CLI::PositiveNumber)->capture_default_str();
  rg::bench::add_daemon_options(app, daemon_options);
  CLI11_PARSE(app, argc, argv);
  if (!rg::bench::prepare_daemon_bench(daemon_options)) return 2;
  const int endpoints = daemon_options.endpoints;
  const auto& regionguard = daemon_options.regionguard;

  const auto records = rg::bench::numbered_records(endpoints);
  rg::test::KnotServer knot({.zone = "bench.test.", .records = records, .update_key = std::nullopt});
  rg::test::TempDir dir("rg-gate-bench-");
  const auto port = rg::test::free_port();
  const auto gate_port = rg::test::free_port();
  {
    std::ofstream config(dir.path() / "regionguard.yaml");
    config << "regions: [us-east-1, us-west-2]\ndefaults: { interval: 1s, timeout: 500ms, jitter: 100ms, resolvers: "
              "[\"127.0.0.1:"
           << knot.port() << "\"] }\nservices: { s3: {} }\nendpoints:\n";
    for (int i = 0; i < endpoints; ++i)
      config << "  - { hostname: ep" << i << ".bench.test, service: s3, region: " << (i % 2 ? "us-west-2" : "us-east-1")
             << " }\n";
    config << "store: { path: history.db }\nserver:\n  listen: 127.0.0.1:" << port << "\n  gate_listen: 127.0.0.1:"
           << gate_port << "\n"
           << "applications:\n  web:\n    primary: us-east-1\n    secondaries: [us-west-2]\n"
              "    checks: { us-east-1: [ep0.bench.test, ep2.bench.test], us-west-2: [ep1.bench.test, ep3.bench.test] }\n"
              "    policy: { mode: dry-run }\n    plan: { gate: true }\n";
  }
  rg::test::ChildProcess daemon(
      {regionguard.string(), "--log-level", "warn", "run", "-c", (dir.path() / "regionguard.yaml").string()},
      dir.path() / "run.log");
  if (!rg::bench::wait_until_ready(port)) {
    std::cerr << "regionguard did not become ready:\n" << rg::test::file_tail(dir.path() / "run.log");
    return 1;
  }

  std::cout << fmt::format("gate_bench: GET /gate/web/us-east-1 on a new connection 20 times a second for {} s per "
                           "phase; {} endpoints probed every second\n",
                           seconds, endpoints);
  std::cout << fmt::format("{:<34} {:>8} {:>8} {:>8} {:>7} {:>7} {:>10}   {}\n", "phase", "p50 ms", "p99 ms", "max ms",
                           "tries", "errors", "attackers", "p99 / reference");
  const Phase reference = measure("reference (nothing else)", port, seconds);
  print(reference, reference);
  {
    Attackers idle(attack(port, 1000, 100, "127.0.1."));
    idle.wait_connected(1000, 10s);
    print(measure("1,000 idle connections", port, seconds, idle.connected()), reference);
  }
  {
    auto options = attack(port, 5000, 250, "127.0.2.");
    options.request = "GET /api/v1/summary HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    options.trickle = true;
    Attackers slowloris(options);
    slowloris.wait_connected(1000, 10s);  // most of the rest are refused and reconnect
    print(measure("5,000 slowloris connections", port, seconds, slowloris.connected()), reference);
    print(measure("  the same, gate on gate_listen", gate_port, seconds, slowloris.connected()), reference);
  }
  {
    auto options = attack(port, 200, 200, "127.0.3.");
    options.request = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    options.loop_request = true;
    Attackers scrapers(options);
    scrapers.wait_connected(100, 10s);
    print(measure("200 clients fetching /metrics", port, seconds, scrapers.connected()), reference);
  }
  std::cout << "goal: p99 < 100 ms in every phase\n";
  return 0;
}
