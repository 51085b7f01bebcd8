#pragma once

// An HTTP/1.1 server on 127.0.0.1, plain or TLS, with fixed routes that behave the way a
// healthy, failing, slow or broken web endpoint does, for the HTTP prober's tests. It runs in
// process (Boost.Beast, its own io_context on its own thread) and records what it was sent.
//
// Routes (GET; HEAD on any of them answers as GET without the body; other methods get 405,
// except on /echo and /reset, which take any method, and /slow-headers, which takes POST too):
//
//   /ok                   200 "OK"
//   /health               200 {"status":"healthy"} (application/json)
//   /status/<code>        <code> (200..599) with the body "status <code>\n"; none for 204, 304
//   /server-error         500 "Internal Server Error\n"
//   /slow-headers?ms=N    waits N ms, then sends the whole response (time to first byte N ms)
//   /slow-body?ms=N       sends the headers at once and the body N ms later (Content-Length
//                         known up front). Both slow routes answer 200 with slow_body and take
//                         0 <= N <= 600000 (default 1000); anything else is 400.
//   /redirect             302 to /ok
//   /redirect-loop        302 to /redirect-loop
//   /match-early          8,192 bytes with match_string at byte 100
//   /match-late           8,192 bytes with match_string at byte 6,000, past Route 53's 5,120
//   /match-edge           8,192 bytes with match_string ending exactly at byte 5,120 (inside)
//   /match-straddle       8,192 bytes with match_string starting at 5,110 (crosses the window)
//   /no-match             8,192 bytes without match_string
//   /reset                reads the request, then closes with a TCP RST (SO_LINGER 0) and no
//                         response; over TLS, after the handshake
//   /echo                 200, application/json: {"method":…,"target":…,"version":"1.1",
//                         "headers":{lower-case name: value, repeated fields joined by ", "},
//                         "body": the request body as text}
//   anything else         404
//
// Connections are kept alive unless the client asks otherwise (HTTP/1.0, Connection: close);
// `Expect: 100-continue` is answered. Every request counts once, when it has been read, before
// any delay, so a test can wait for a slow request to arrive.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace boost::asio::ssl {
class context;
}

namespace rg::test {

// The string the /match-* bodies hold, and where.
inline constexpr std::string_view match_string = "REGIONGUARD-OK";
inline constexpr std::size_t route53_match_window = 5120;  // Route 53 searches the first 5,120 bytes
inline constexpr std::size_t match_body_size = 8192;
inline constexpr std::size_t match_early_offset = 100;
inline constexpr std::size_t match_late_offset = 6000;
inline constexpr std::size_t match_edge_offset = route53_match_window - match_string.size();  // 5,106
inline constexpr std::size_t match_straddle_offset = 5110;

// The body of the two slow routes (it holds match_string, so a content check passes if it
// waits long enough).
inline constexpr std::string_view slow_body = "slow REGIONGUARD-OK\n";

// `size` bytes of printable filler with match_string at `match_offset`, or nowhere: the body
// of the /match-* and /no-match routes.
std::string filler_body(std::size_t size, std::optional<std::size_t> match_offset);

struct HttpTestServerOptions {
  bool tls = false;
  // PEM files, used when tls is set (TestPki makes them); `cert` may hold a chain.
  std::filesystem::path cert{};
  std::filesystem::path key{};
};

// One request as the server read it.
struct RecordedRequest {
  std::string method{};
  std::string target{};  // as sent: "/slow-body?ms=300"
  std::string path{};    // the target up to '?': "/slow-body"
  unsigned version = 11;  // 10 for HTTP/1.0, 11 for HTTP/1.1
  std::vector<std::pair<std::string, std::string>> headers{};  // as received, in order
  std::string body{};
  // The TLS server name (SNI) the client sent; empty over plain HTTP and when it sent none
  // (clients send none for an IP address).
  std::string server_name{};

  // The first field with this name (case-insensitive).
  std::optional<std::string> header(std::string_view name) const;
  std::string host() const { return header("Host").value_or(""); }
};

class HttpTestServer {
 public:
  // Listens on 127.0.0.1 and a port the kernel picks, and serves until destroyed. Throws
  // std::runtime_error when TLS is asked for and the certificate or key cannot be loaded.
  explicit HttpTestServer(HttpTestServerOptions options = {});
  // Stops at once, also with requests waiting on a slow route: their connections are closed.
  ~HttpTestServer();

  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1"; }
  bool tls() const { return options_.tls; }

  // "http://127.0.0.1:PORT/ok" or "https://127.0.0.1:PORT/ok" for `target` "/ok" (TestPki's
  // certificates for localhost name 127.0.0.1 too, so this verifies).
  std::string url(std::string_view target) const;
  // The same with a host name instead of the address (for TLS name checks and SNI), e.g.
  // "https://localhost:PORT/ok"; the client must resolve `host` to 127.0.0.1.
  std::string url_for_host(std::string_view host, std::string_view target) const;

  // Requests read so far for this path (without the query string: "/slow-body"), and in all.
  std::size_t requests(std::string_view path) const;
  std::size_t total_requests() const;
  // TCP connections accepted so far (keep-alive reuses one for several requests).
  std::size_t connections() const { return connections_.load(); }
  // TLS handshakes that failed: the client rejected the certificate (and said so with an
  // alert), or connected and went away without one. Counted on the server's thread, a moment
  // after the client has returned.
  std::size_t tls_handshake_failures() const { return tls_handshake_failures_.load(); }
  // The most recent request read, if any.
  std::optional<RecordedRequest> last_request() const;
  // Every request read for this path, in order (a webhook sink's deliveries).
  std::vector<RecordedRequest> recorded(std::string_view path) const;
  // Waits until requests(path) >= count; false if `timeout` passed first.
  bool wait_for_requests(std::string_view path, std::size_t count, std::chrono::milliseconds timeout) const;

 private:
  class Session;

  void record(RecordedRequest request);

  HttpTestServerOptions options_;
  std::unique_ptr<boost::asio::ssl::context> ssl_context_;

  mutable std::mutex mutex_;  // guards the members up to the atomics
  mutable std::condition_variable request_recorded_;
  std::map<std::string, std::size_t, std::less<>> requests_by_path_;
  std::size_t total_requests_ = 0;
  std::optional<RecordedRequest> last_request_;
  std::vector<RecordedRequest> recorded_;

  std::atomic<std::size_t> connections_{0};
  std::atomic<std::size_t> tls_handshake_failures_{0};

  // After everything a session uses: the sessions still pending when the server stops are
  // destroyed with io_, before those members.
  boost::asio::io_context io_{1};
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;

  std::thread thread_;  // last member: starts when everything it uses exists
};

}  // namespace rg::test
