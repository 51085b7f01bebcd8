#pragma once
// For the tests of `regionguard run`'s HTTP server (api_test.cpp, metrics_lint_test.cpp): the
// daemon itself as a child process with a generated configuration, and small Beast clients for
// HTTP and WebSocket. Header-only: used by those two files only.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "support/child_process.h"
#include "support/free_port.h"
#include "support/temp_dir.h"

namespace rg::test {

namespace api_client {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
}  // namespace api_client

struct HttpReply {
  unsigned status = 0;
  std::string body;
  boost::beast::http::fields headers;
  std::string error;  // set when the exchange itself failed

  nlohmann::json json() const {
    auto parsed = nlohmann::json::parse(body, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << "not JSON: " << body.substr(0, 300);
    return parsed;
  }
  std::string header(std::string_view name) const { return std::string(headers[name]); }
};

// One request on a new connection.
inline HttpReply http_request(std::uint16_t port, boost::beast::http::verb method, const std::string& target,
                              const std::vector<std::pair<std::string, std::string>>& headers = {},
                              const std::string& body = {}) {
  using namespace api_client;
  HttpReply reply;
  asio::io_context io;
  tcp::socket socket(io);
  beast::error_code ec;
  socket.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) {
    reply.error = "connect: " + ec.message();
    return reply;
  }
  http::request<http::string_body> request{method, target, 11};
  request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  request.set(http::field::connection, "close");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  if (!body.empty() || method == http::verb::post) request.prepare_payload();
  http::write(socket, request, ec);
  if (ec) {
    reply.error = "write: " + ec.message();  // a refused body may cut the write short; read on
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (method == http::verb::head) parser.skip(true);
  http::read(socket, buffer, parser, ec);
  if (ec) {
    reply.error += " read: " + ec.message();
    return reply;
  }
  reply.error.clear();
  auto response = parser.release();
  reply.status = response.result_int();
  reply.body = response.body();
  reply.headers = response.base();
  return reply;
}

inline HttpReply http_get(std::uint16_t port, const std::string& target,
                          const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  return http_request(port, boost::beast::http::verb::get, target, headers);
}

// A WebSocket client of /api/v1/stream whose reads time out (async reads, run for a while).
class StreamClient {
 public:
  explicit StreamClient(std::uint16_t port, std::string origin = "") : ws_(io_) {
    using namespace api_client;
    auto& socket = beast::get_lowest_layer(ws_);
    socket.connect({asio::ip::make_address("127.0.0.1"), port}, error_);
    if (error_) return;
    ws_.set_option(websocket::stream_base::decorator([origin](websocket::request_type& request) {
      if (!origin.empty()) request.set(http::field::origin, origin);
    }));
    ws_.handshake(handshake_response_, "127.0.0.1:" + std::to_string(port), "/api/v1/stream", error_);
  }

  bool connected() const { return !error_; }
  const boost::beast::error_code& error() const { return error_; }
  unsigned handshake_status() const { return handshake_response_.result_int(); }

  // The next message, or nullopt after `timeout`, a close or an error (see error(), close_code()).
  std::optional<nlohmann::json> next(std::chrono::milliseconds timeout) {
    using namespace api_client;
    beast::flat_buffer buffer;
    std::optional<beast::error_code> done;
    ws_.async_read(buffer, [&](beast::error_code ec, std::size_t) { done = ec; });
    io_.restart();
    io_.run_for(timeout);
    if (!done) {
      beast::get_lowest_layer(ws_).cancel();
      io_.restart();
      io_.run();
      error_ = asio::error::timed_out;
      return std::nullopt;
    }
    if (*done) {
      error_ = *done;
      return std::nullopt;
    }
    return nlohmann::json::parse(beast::buffers_to_string(buffer.data()));
  }

  std::uint16_t close_code() const { return static_cast<std::uint16_t>(ws_.reason().code); }

 private:
  boost::asio::io_context io_;
  boost::beast::websocket::stream<api_client::tcp::socket> ws_;
  boost::beast::websocket::response_type handshake_response_;
  boost::beast::error_code error_;
};

// A WebSocket client of /api/v1/stream with a 4 KiB receive buffer that, after its handshake,
// never reads again: the slow client a server must drop.
class NeverReadingClient {
 public:
  explicit NeverReadingClient(std::uint16_t port) : ws_(io_) {
    using namespace api_client;
    ws_.next_layer().open(tcp::v4());
    ws_.next_layer().set_option(asio::socket_base::receive_buffer_size(4096));
    ws_.next_layer().connect({asio::ip::make_address("127.0.0.1"), port});
    ws_.handshake("127.0.0.1:" + std::to_string(port), "/api/v1/stream");
  }
  boost::asio::ip::tcp::socket& socket() { return ws_.next_layer(); }

 private:
  boost::asio::io_context io_;
  boost::beast::websocket::stream<api_client::tcp::socket> ws_;
};

struct DaemonOptions {
  std::string resolver;  // IP:PORT of the DNS server the endpoints are asked through
  // (hostname, service, region) of each endpoint
  std::vector<std::tuple<std::string, std::string, std::string>> endpoints;
  std::vector<std::string> regions = {"us-east-1", "eu-west-1"};
  std::vector<std::string> services = {"dynamodb", "s3"};
  std::string interval = "1s";
  std::string jitter = "100ms";
  std::string token = "test-token-0123456789abcdef";
  std::string extra_endpoints_yaml;  // appended to the endpoint list as is
  std::string extra_server_yaml;     // appended to the server section as is
  std::filesystem::path web_root;    // empty: a directory without a dashboard
};

// The daemon these tests run: the one built beside them, or RG_TEST_BINARY (another build or an
// installed package, e.g. to see a scenario fail on an older version).
inline std::string daemon_binary() {
  const char* other = std::getenv("RG_TEST_BINARY");
  return other && *other ? other : RG_BINARY;
}

// `regionguard run` on a free port with its own configuration, store and log in a temporary
// directory. The constructor waits until /readyz says ready.
class Daemon {
 public:
  explicit Daemon(const DaemonOptions& options) : port_(free_port()) {
    write_config(options);
    start();
  }

  // Writes the configuration file for `options` (listening on this daemon's port unless
  // extra_server_yaml says otherwise): before start(), or to be reloaded.
  void write_config(const DaemonOptions& options) const { write_config(options, port_); }
  void write_config(const DaemonOptions& options, std::uint16_t listen_port) const {
    std::ofstream out(config_path());
    out << "regions: [";
    for (std::size_t i = 0; i < options.regions.size(); ++i) out << (i ? ", " : "") << options.regions[i];
    out << "]\ndefaults:\n  interval: " << options.interval << "\n  timeout: 500ms\n  jitter: " << options.jitter
        << "\n  resolvers: [\"" << options.resolver << "\"]\nservices:\n";
    for (const auto& service : options.services) out << "  " << service << ": {}\n";
    out << "endpoints:\n";
    for (const auto& [hostname, service, region] : options.endpoints)
      out << "  - { hostname: " << hostname << ", service: " << service << ", region: " << region << " }\n";
    out << options.extra_endpoints_yaml;
    out << "store:\n  path: history.db\n  flush_interval: 100ms\n";
    out << "server:\n  listen: 127.0.0.1:" << listen_port << "\n";
    if (!options.token.empty()) out << "  token: " << options.token << "\n";
    out << "  web_root: " << (options.web_root.empty() ? (dir_.path() / "no-dashboard").string()
                                                         : options.web_root.string())
        << "\n";
    out << options.extra_server_yaml;
  }

  std::filesystem::path config_path() const { return dir_.path() / "regionguard.yaml"; }

  // Starts (again, after kill()) `regionguard run` on the same configuration and store, and
  // waits until /readyz says ready.
  void start() {
    const auto config = dir_.path() / "regionguard.yaml";
    process_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{daemon_binary(), "--log-level", "debug", "run", "-c", config.string()}, log());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      if (!process_->running()) break;
      if (http_get(port_, "/readyz").status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "regionguard did not become ready on port " << port_ << "; log:\n" << file_tail(log(), 40);
  }

  std::uint16_t port() const { return port_; }
  std::filesystem::path log() const { return dir_.path() / "run.log"; }
  const TempDir& dir() const { return dir_; }
  ChildProcess& process() { return *process_; }
  // SIGKILL: no shutdown code runs, as in a crash or an OOM kill.
  void kill() {
    ::kill(process_->pid(), SIGKILL);
    process_->wait();
  }

  HttpReply get(const std::string& target, const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return http_get(port_, target, headers);
  }
  HttpReply post(const std::string& target, const std::vector<std::pair<std::string, std::string>>& headers = {},
                 const std::string& body = {}) {
    return http_request(port_, boost::beast::http::verb::post, target, headers, body);
  }

  // Polls `target` until `accept(reply)` or `timeout`; the last reply either way.
  template <typename Accept>
  HttpReply wait_for(const std::string& target, Accept accept, std::chrono::seconds timeout = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    HttpReply reply;
    do {
      reply = get(target);
      if (reply.status == 200 && accept(reply)) return reply;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    } while (std::chrono::steady_clock::now() < deadline);
    return reply;
  }

 private:
  TempDir dir_{"rg-api-test-"};
  std::uint16_t port_;
  std::unique_ptr<ChildProcess> process_;
};

// The value of an unlabelled sample ("regionguard_ws_clients 2") in a /metrics page.
inline std::optional<double> metric_value(const std::string& page, const std::string& name) {
  const std::string prefix = "\n" + name + " ";
  const auto at = page.find(prefix);
  if (at == std::string::npos) return std::nullopt;
  return std::stod(page.substr(at + prefix.size()));
}

}  // namespace rg::test
