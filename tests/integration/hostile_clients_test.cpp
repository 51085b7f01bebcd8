// `regionguard run`'s server against clients that mean harm, each scenario of issue 16 as an
// attacker on the network tried it: idle and slow-header connections that filled the one
// connection limit (so /healthz and the gate answered "503 too many clients"), a request
// smuggled in a body, a page rebound to 127.0.0.1, WebSocket frame floods and clients that never
// read, token guessing, and the exposure of dotfiles, versions and 100 Continue. Other loopback
// addresses (127.0.0.2, ...) stand for other clients.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <fstream>
#include <thread>

#include "integration/api_client.h"
#include "integration/example_zone.h"
#include "support/dns_fault_proxy.h"
#include "support/knot_server.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
namespace asio = boost::asio;
using asio::ip::tcp;

constexpr const char* kToken = "test-token-0123456789abcdef";

// A plain TCP client from `source` (a loopback address), with reads that give up after `timeout`.
class RawClient {
 public:
  RawClient(const std::string& source, std::uint16_t port, std::chrono::milliseconds timeout = 5s) : socket_(io_) {
    boost::system::error_code ec;
    socket_.open(tcp::v4(), ec);
    if (!ec) socket_.bind({asio::ip::make_address(source), 0}, ec);
    if (!ec) socket_.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
    error_ = ec;
    set_timeout(timeout);
  }

  bool connected() const { return !error_; }
  void set_timeout(std::chrono::milliseconds timeout) {
    timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }
  bool send(std::string_view data) {
    boost::system::error_code ec;
    asio::write(socket_, asio::buffer(data), ec);
    return !ec;
  }
  // Whatever arrives until the server closes, or the read timeout passes with nothing new.
  std::string read_all() {
    std::string out;
    std::array<char, 8192> buffer{};
    boost::system::error_code ec;
    while (!ec) {
      const auto n = socket_.read_some(asio::buffer(buffer), ec);
      out.append(buffer.data(), n);
    }
    closed_ = ec == asio::error::eof || ec == asio::error::connection_reset;
    return out;
  }
  // Some bytes, or "" after the read timeout.
  std::string read_some() {
    std::array<char, 8192> buffer{};
    boost::system::error_code ec;
    const auto n = socket_.read_some(asio::buffer(buffer), ec);
    closed_ = ec == asio::error::eof || ec == asio::error::connection_reset;
    return std::string(buffer.data(), n);
  }
  bool closed() const { return closed_; }
  tcp::socket& socket() { return socket_; }

 private:
  asio::io_context io_;
  tcp::socket socket_;
  boost::system::error_code error_;
  bool closed_ = false;
};

// One request on a new connection from `source`; the raw answer.
std::string exchange(const std::string& source, std::uint16_t port, const std::string& target,
                     const std::string& host = "127.0.0.1", const std::string& extra_headers = "") {
  RawClient client(source, port);
  if (!client.connected()) return "";
  client.send("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n" + extra_headers + "\r\n");
  return client.read_all();
}

unsigned status_of(const std::string& answer) {
  if (!answer.starts_with("HTTP/1.1 ") || answer.size() < 12) return 0;
  return static_cast<unsigned>(std::stoi(answer.substr(9, 3)));
}

std::size_t count_of(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// regionguard_http_refusals_total{reason="REASON"} on a /metrics page.
double refusals(const std::string& page, std::string_view reason) {
  const std::string prefix = "regionguard_http_refusals_total{reason=\"" + std::string(reason) + "\"} ";
  const auto at = page.find(prefix);
  return at == std::string::npos ? -1 : std::stod(page.substr(at + prefix.size()));
}

class HostileClientsTest : public testing::Test {
 protected:
  HostileClientsTest() : knot_(test::example_zone()), proxy_(knot_.address(), knot_.port()) {}

  // The example zone's three endpoints, and an application "web" whose only traffic step is the
  // data-plane gate (dry-run: it never moves), so that /gate/web/{region} answers.
  test::DaemonOptions options(const std::string& server_yaml = "") const {
    test::DaemonOptions options;
    options.resolver = "127.0.0.1:" + std::to_string(proxy_.port());
    options.endpoints = {{"dynamodb.us-east-1.example.test", "dynamodb", "us-east-1"},
                         {"s3.us-east-1.example.test", "s3", "us-east-1"},
                         {"dynamodb.eu-west-1.example.test", "dynamodb", "eu-west-1"}};
    options.extra_server_yaml =
        server_yaml +
        "applications:\n  web:\n    primary: us-east-1\n    secondaries: [eu-west-1]\n"
        "    checks:\n      us-east-1: [dynamodb.us-east-1.example.test, s3.us-east-1.example.test]\n"
        "      eu-west-1: [dynamodb.eu-west-1.example.test]\n"
        "    policy: { mode: dry-run }\n    plan: { gate: true }\n";
    return options;
  }

  // /metrics as another client sees it (the scrape limit is per source).
  static std::string metrics(test::Daemon& daemon) { return exchange("127.0.0.9", daemon.port(), "/metrics"); }

  test::KnotServer knot_;
  test::DnsFaultProxy proxy_;
};

// 1,024 idle connections from anyone used to fill server.max_clients: /healthz and the gate then
// answered "503 too many clients", and Route 53, seeing every region unhealthy, sends traffic to
// the PRIMARY — back to the failed region during a failover.
TEST_F(HostileClientsTest, IdleConnectionsCannotTakeHealthzOrTheGateAway) {
  test::Daemon daemon(options("  max_clients: 200\n"));
  const auto port = daemon.port();
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 300; ++i) idle.push_back(std::make_unique<RawClient>("127.0.0.2", port));
  // One source holds at most max_clients_per_address (64) plus a few reserve places; the rest are
  // refused with 429 at once.
  EXPECT_EQ(status_of(idle.back()->read_some()), 429u);

  EXPECT_EQ(status_of(exchange("127.0.0.1", port, "/healthz")), 200u);
  EXPECT_EQ(status_of(exchange("127.0.0.1", port, "/gate/web/us-east-1")), 200u);
  EXPECT_EQ(status_of(exchange("127.0.0.1", port, "/api/v1/summary")), 200u);

  // Many sources together fill every place: the reserve still answers the health probes.
  for (int source = 3; source <= 6; ++source)
    for (int i = 0; i < 64; ++i)
      idle.push_back(std::make_unique<RawClient>("127.0.0." + std::to_string(source), port));
  EXPECT_EQ(status_of(exchange("127.0.0.1", port, "/healthz")), 200u);
  EXPECT_EQ(status_of(exchange("127.0.0.1", port, "/readyz")), 200u);
  EXPECT_EQ(status_of(exchange("127.0.0.1", port, "/gate/web/us-east-1")), 200u);
  EXPECT_EQ(status_of(exchange("127.0.0.1", port, "/gate/web/eu-west-1")), 503u);  // closed, not overloaded
  const auto busy = exchange("127.0.0.1", port, "/api/v1/summary");
  EXPECT_EQ(status_of(busy), 429u) << busy;
  // Attackers from yet more addresses take every open place of the reserve too; its other half
  // is kept for sources whose probes were answered before (127.0.0.1 asked /readyz at start).
  for (int source = 10; source < 30; ++source)
    for (int i = 0; i < 4; ++i) idle.push_back(std::make_unique<RawClient>("127.0.0." + std::to_string(source), port));
  EXPECT_EQ(status_of(exchange("127.0.0.1", port, "/gate/web/us-east-1")), 200u);
  EXPECT_EQ(status_of(exchange("127.0.0.1", port, "/healthz")), 200u);

  idle.clear();
  const auto page = daemon.wait_for("/api/v1/summary", [](const test::HttpReply&) { return true; });
  EXPECT_EQ(page.status, 200u);
  const auto counted = metrics(daemon);
  EXPECT_GE(refusals(counted, "per_address_limit"), 1) << counted.substr(0, 300);
  EXPECT_GE(refusals(counted, "too_many_clients"), 1);
  // Logged once per source a minute, not once per connection.
  const auto log = test::file_tail(daemon.log(), 5000);
  EXPECT_EQ(count_of(log, "refused per_address_limit from 127.0.0.2"), 1u) << log;
}

// 2,000 clients sending a header byte every 3 s held their connections for as long as they liked.
TEST_F(HostileClientsTest, AHeaderThatTricklesInIsAnswered408) {
  test::Daemon daemon(options("  header_timeout: 1s\n"));
  RawClient slow("127.0.0.2", daemon.port(), 300ms);
  slow.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  std::string answer;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!slow.closed() && std::chrono::steady_clock::now() < deadline) {
    slow.send("X");  // a byte of a header line that never ends
    answer += slow.read_some();
  }
  EXPECT_TRUE(slow.closed());
  EXPECT_EQ(status_of(answer), 408u) << answer;
  EXPECT_THAT(answer, testing::HasSubstr("request_timeout"));
  EXPECT_GE(refusals(metrics(daemon), "header_timeout"), 1);
  // An idle keep-alive connection is not the same thing: it may wait longer than the header timeout.
  RawClient keep("127.0.0.3", daemon.port(), 3s);
  keep.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(status_of(keep.read_some()), 200u);
  std::this_thread::sleep_for(1500ms);  // idle past header_timeout on purpose: what is tested is the wait
  keep.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(keep.read_all()), 200u);
}

// POST with Transfer-Encoding: gzip and a body "GET /gate/..." got 401 and then, for the body, a
// second answer: 200 with the gate.
TEST_F(HostileClientsTest, ARequestSmuggledInABodyIsRefusedNotAnswered) {
  test::Daemon daemon(options());
  for (const std::string encoding : {"gzip", "identity", "chunked, gzip"}) {
    RawClient client("127.0.0.2", daemon.port());
    client.send("POST /api/v1/probe HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: " + encoding +
                "\r\n\r\nGET /gate/web/us-east-1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const auto answer = client.read_all();
    EXPECT_EQ(status_of(answer), 400u) << encoding << ": " << answer;
    EXPECT_EQ(count_of(answer, "HTTP/1.1 "), 1u) << encoding << ": " << answer;
    EXPECT_TRUE(client.closed()) << encoding;
  }
  EXPECT_GE(refusals(metrics(daemon), "bad_framing"), 3);
}

// A page on evil.example, its name rebound to 127.0.0.1, read every open route and the stream.
TEST_F(HostileClientsTest, APageRebindToLoopbackReadsNothing) {
  test::Daemon daemon(options("  allowed_hosts: [dash.example.com]\n"));
  const auto port = daemon.port();
  const std::string evil = "evil.example:" + std::to_string(port);
  const auto refused = exchange("127.0.0.1", port, "/api/v1/summary", evil);
  EXPECT_EQ(status_of(refused), 421u) << refused;
  EXPECT_EQ(status_of(exchange("127.0.0.1", port, "/", evil)), 421u);
  EXPECT_EQ(status_of(exchange("127.0.0.1", port, "/api/v1/stream", evil,
                               "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n")),
            421u);
  EXPECT_EQ(status_of(exchange("127.0.0.1", port, "/api/v1/summary", "dash.example.com:" + std::to_string(port))), 200u);
  EXPECT_EQ(status_of(exchange("127.0.0.1", port, "/healthz", evil)), 200u);  // open, and says nothing

  // The Origin of a WebSocket handshake must be this server, scheme included.
  test::StreamClient wrong_scheme(port, "https://127.0.0.1:" + std::to_string(port));
  EXPECT_FALSE(wrong_scheme.connected());
  EXPECT_EQ(wrong_scheme.handshake_status(), 403u);
  test::StreamClient same(port, "http://127.0.0.1:" + std::to_string(port));
  EXPECT_TRUE(same.connected());

  EXPECT_GE(refusals(metrics(daemon), "unknown_host"), 3);
  EXPECT_NE(test::file_tail(daemon.log(), 500).find("Host evil.example"), std::string::npos)
      << "the log names the Host, so that an operator can add it";
}

// The server's frames to a client: the close code once a close frame (opcode 8) arrives, reading
// past the messages before it.
class FrameReader {
 public:
  void feed(const std::string& bytes) { data_ += bytes; }
  std::optional<unsigned> close_code() {
    while (data_.size() >= 2) {
      const unsigned opcode = static_cast<unsigned char>(data_[0]) & 0x0f;
      std::size_t length = static_cast<unsigned char>(data_[1]) & 0x7f;
      std::size_t header = 2;
      if (length == 126) {
        if (data_.size() < 4) return std::nullopt;
        length = (static_cast<unsigned char>(data_[2]) << 8) | static_cast<unsigned char>(data_[3]);
        header = 4;
      } else if (length == 127) {
        if (data_.size() < 10) return std::nullopt;
        length = 0;
        for (int i = 2; i < 10; ++i) length = (length << 8) | static_cast<unsigned char>(data_[i]);
        header = 10;
      }
      if (data_.size() < header + length) return std::nullopt;
      if (opcode == 8 && length >= 2)
        return (static_cast<unsigned char>(data_[header]) << 8) | static_cast<unsigned char>(data_[header + 1]);
      data_.erase(0, header + length);
    }
    return std::nullopt;
  }

 private:
  std::string data_;
};

// 1.3 M one-byte frames a second, or an endless message of empty continuation frames, pinned
// the loop at 95% CPU for as long as the client liked.
TEST_F(HostileClientsTest, AWebSocketFrameFloodIsClosedWith1008) {
  test::Daemon daemon(options());
  for (const bool empty_continuations : {true, false}) {
    RawClient client("127.0.0.2", daemon.port(), 200ms);
    client.send("GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
    std::string handshake;
    while (handshake.find("\r\n\r\n") == std::string::npos && !client.closed()) handshake += client.read_some();
    ASSERT_EQ(status_of(handshake), 101u) << handshake;
    FrameReader frames;
    frames.feed(handshake.substr(handshake.find("\r\n\r\n") + 4));
    // Masked client frames: a message start, then empty continuations; or one-byte messages.
    std::string flood = empty_continuations ? std::string("\x01\x80\0\0\0\0", 6) : std::string();
    for (int i = 0; i < 20'000; ++i)
      flood += empty_continuations ? std::string("\x00\x80\0\0\0\0", 6) : std::string("\x81\x81\0\0\0\0x", 7);
    std::atomic<bool> stop{false};
    std::thread writer([&] {
      while (!stop && client.send(flood)) {
      }
    });
    std::optional<unsigned> code;
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!code && !client.closed() && std::chrono::steady_clock::now() < deadline) {
      frames.feed(client.read_some());
      code = frames.close_code();
    }
    stop = true;
    ::shutdown(client.socket().native_handle(), SHUT_RDWR);
    writer.join();
    EXPECT_EQ(code, 1008u) << (empty_continuations ? "empty continuation frames" : "one-byte messages");
  }
  EXPECT_GE(refusals(metrics(daemon), "websocket_flood"), 2);
  EXPECT_EQ(status_of(exchange("127.0.0.1", daemon.port(), "/healthz")), 200u);
}

// A client that never reads was dropped only once the kernel's buffers had filled, minutes
// later; before that the ping timeout cut it without a 1008 or a count. At a 1 s interval and
// tens of kilobytes a round it is now dropped within seconds of its first unsent message.
TEST(HostileWebSocket, AClientThatNeverReadsIsDroppedAndCountedWithinSeconds) {
  const auto numbered = test::numbered_zone(40);
  test::KnotServer knot(numbered.zone);
  test::DaemonOptions options;
  options.regions = {"us-east-1"};
  options.services = {"s3"};
  options.endpoints = numbered.endpoints;
  options.resolver = "127.0.0.1:" + std::to_string(knot.port());
  test::Daemon daemon(options);
  test::NeverReadingClient slow(daemon.port());

  // No rounds forced: only the daemon's own, one a second.
  const auto reply = daemon.wait_for(
      "/metrics",
      [](const test::HttpReply& r) { return test::metric_value(r.body, "regionguard_ws_dropped_total") >= 1.0; }, 45s);
  EXPECT_EQ(test::metric_value(reply.body, "regionguard_ws_dropped_total"), 1.0) << test::file_tail(daemon.log(), 20);
  EXPECT_GE(refusals(reply.body, "websocket_too_slow"), 1);
  EXPECT_EQ(test::metric_value(reply.body, "regionguard_ws_clients"), 0.0);
}

// 65,000 wrong-token guesses a second on one connection, and 401s logged only at debug level.
TEST_F(HostileClientsTest, TokenGuessingIsLimitedAndLoggedWithoutTheGuess) {
  test::Daemon daemon(options());
  std::vector<unsigned> statuses;
  for (int i = 0; i < 14; ++i) {
    RawClient client("127.0.0.2", daemon.port());
    client.send("POST /api/v1/probe HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer guess-" + std::to_string(i) +
                "-0123456789abcdef\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    statuses.push_back(status_of(client.read_all()));
  }
  EXPECT_THAT(std::vector(statuses.begin(), statuses.begin() + 10), testing::Each(401u));
  EXPECT_THAT(std::vector(statuses.begin() + 10, statuses.end()), testing::Each(429u));
  // The right token from another address still works.
  RawClient other("127.0.0.3", daemon.port());
  other.send(std::string("POST /api/v1/probe HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ") + kToken +
             "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(other.read_all()), 202u);

  const auto log = test::file_tail(daemon.log(), 500);
  EXPECT_THAT(log, testing::HasSubstr("[warning] HTTP server refused auth_failed from 127.0.0.2"));
  EXPECT_EQ(log.find("guess-"), std::string::npos) << "a token, even a wrong one, is never logged";
  const auto page = metrics(daemon);
  EXPECT_EQ(refusals(page, "auth_failed"), 10);
  EXPECT_EQ(refusals(page, "auth_rate_limited"), 4);
}

TEST_F(HostileClientsTest, NothingIsExposedThatNeedNotBe) {
  test::TempDir web("rg-web-");
  std::ofstream(web.path() / "index.html") << "<!doctype html>";
  std::filesystem::create_directories(web.path() / ".git");
  std::ofstream(web.path() / ".git" / "config") << "[remote \"origin\"]";
  std::ofstream(web.path() / ".env") << "AWS_SECRET_ACCESS_KEY=x";
  auto opts = options();
  opts.web_root = web.path();
  test::Daemon daemon(opts);
  const auto port = daemon.port();

  EXPECT_EQ(status_of(exchange("127.0.0.1", port, "/.git/config")), 404u);
  EXPECT_EQ(status_of(exchange("127.0.0.1", port, "/.env")), 404u);
  const auto index = exchange("127.0.0.1", port, "/");
  EXPECT_EQ(status_of(index), 200u);
  EXPECT_THAT(index, testing::HasSubstr("\r\nServer: regionguard\r\n"));  // no version

  // 100 Continue invites a body: not before the token is known to be right.
  RawClient expect("127.0.0.1", port);
  expect.send("POST /api/v1/probe HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer wrong-0123456789abcdef\r\n"
              "Content-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  const auto refused = expect.read_some();
  EXPECT_EQ(status_of(refused), 401u) << refused;
  RawClient invited("127.0.0.1", port);
  invited.send(std::string("POST /api/v1/probe HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ") + kToken +
               "\r\nContent-Length: 2\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(invited.read_some()), 100u);
  invited.send("{}");
  EXPECT_THAT(invited.read_all(), testing::HasSubstr("HTTP/1.1 202"));

  // RFC 9112 3.2.2: the absolute form is accepted.
  const auto absolute = exchange("127.0.0.1", port, "http://127.0.0.1:" + std::to_string(port) + "/api/v1/summary");
  EXPECT_EQ(status_of(absolute), 200u) << absolute;
  EXPECT_THAT(absolute, testing::HasSubstr("\"total\":3"));
}

// The gate on its own listener: its own budget, only /gate, and only the allowed sources (Route
// 53's checker ranges in production).
TEST_F(HostileClientsTest, TheGateListenerAnswersItsSourcesWhateverHappensOnTheMainOne) {
  const auto gate_port = test::free_port();
  test::Daemon daemon(options("  max_clients: 100\n  max_clients_per_address: 100\n  gate_listen: 127.0.0.1:" +
                              std::to_string(gate_port) + "\n  gate_allow: [127.0.0.1/32]\n"));
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 140; ++i) idle.push_back(std::make_unique<RawClient>("127.0.0.2", daemon.port()));
  EXPECT_EQ(status_of(exchange("127.0.0.1", daemon.port(), "/api/v1/summary")), 429u);

  const auto open = exchange("127.0.0.1", gate_port, "/gate/web/us-east-1", "gate.shop.example");
  EXPECT_EQ(status_of(open), 200u) << open;
  EXPECT_EQ(status_of(exchange("127.0.0.1", gate_port, "/gate/web/eu-west-1", "gate.shop.example")), 503u);
  EXPECT_EQ(status_of(exchange("127.0.0.1", gate_port, "/api/v1/summary")), 404u);
  // A source outside gate_allow is closed unanswered.
  RawClient stranger("127.0.0.2", gate_port, 2s);
  stranger.send("GET /gate/web/us-east-1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(stranger.read_all(), "");
  EXPECT_TRUE(stranger.closed());
  idle.clear();
  daemon.wait_for("/healthz", [](const test::HttpReply&) { return true; });
  EXPECT_GE(refusals(metrics(daemon), "source_not_allowed"), 1);
}

}  // namespace
}  // namespace rg
