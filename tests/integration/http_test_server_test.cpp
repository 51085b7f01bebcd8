// The HTTP side of the test rig: HttpTestServer (plain and TLS) and the certificates TestPki
// makes with openssl. Every route is checked with real clients before the HTTP prober relies
// on them: the curl command (whose libcurl is the prober's HTTP stack) for status, bodies,
// timings and certificate verification, and a raw Beast client where the connection itself
// matters (keep-alive, RST).

#include "support/child_process.h"
#include "support/http_test_server.h"
#include "support/temp_dir.h"
#include "support/test_certificates.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace rg::test {
namespace {

using namespace std::chrono_literals;
using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using Strings = std::vector<std::string>;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// curl exit codes the tests expect (curl(1), "EXIT CODES").
constexpr int curl_ok = 0;
constexpr int curl_partial_file = 18;
constexpr int curl_timed_out = 28;
constexpr int curl_too_many_redirects = 47;
constexpr int curl_empty_reply = 52;
constexpr int curl_recv_error = 56;
constexpr int curl_peer_failed_verification = 60;

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::filesystem::path require_program(std::string_view name) {
  if (auto path = find_executable(name)) {
    return *path;
  }
  throw std::runtime_error(fmt::format("{} not found: install Debian package `{}` (apt-get install {})", name, name,
                                       name));
}

// Polls `condition` until it holds or `timeout` passes: for what the server notices on its
// own thread after the client has already returned (a handshake the client aborted).
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// What one curl run produced.
struct CurlResult {
  int exit_code = -1;
  long status = 0;           // %{http_code}; 0 when there was no response
  double first_byte_s = 0;   // %{time_starttransfer}
  double total_s = 0;        // %{time_total}
  std::string headers{};     // every response's header block (-D)
  std::string body{};        // the last response's body
  std::string log{};         // curl's error messages
};

constexpr std::string_view write_out_marker = "RG-CURL-RESULT";

// Runs curl with `args` after options that keep it predictable: no ~/.curlrc, no proxy from
// the environment, an overall time limit, and the results in files.
CurlResult curl(const Strings& args) {
  static const auto program = require_program("curl");
  const TempDir dir("rg-curl-");
  const auto body = dir.path() / "body";
  const auto headers = dir.path() / "headers";
  const auto log = dir.path() / "log";
  Strings argv{program.string(), "-q", "-sS", "--noproxy", "*", "--max-time", "30", "-o", body.string(), "-D",
               headers.string(), "-w",
               fmt::format("\n{} %{{http_code}} %{{time_starttransfer}} %{{time_total}}\n", write_out_marker)};
  argv.insert(argv.end(), args.begin(), args.end());

  CurlResult result;
  result.exit_code = run_command(argv, log);
  result.body = read_file(body);
  result.headers = read_file(headers);
  // curl writes its errors (stderr) and the -w line (stdout) into the same file.
  std::istringstream lines(read_file(log));
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(write_out_marker)) {
      std::istringstream fields(line.substr(write_out_marker.size()));
      fields >> result.status >> result.first_byte_s >> result.total_s;
    } else if (!line.empty()) {
      result.log += line + '\n';
    }
  }
  return result;
}

std::string describe(const CurlResult& result) {
  return fmt::format("curl exit {}, HTTP {}, log:\n{}", result.exit_code, result.status, result.log);
}

// A blocking HTTP/1.1 client on one TCP connection, for what curl hides: which connection a
// request went over, and how the server ended it.
class RawClient {
 public:
  explicit RawClient(std::uint16_t port) : socket_(io_) {
    socket_.connect({asio::ip::address_v4::loopback(), port});
  }

  http::response<http::string_body> send(http::verb method, std::string target, unsigned version = 11,
                                         bool keep_alive = true, std::string body = {}) {
    http::request<http::string_body> request{method, target, version};
    request.set(http::field::host, fmt::format("127.0.0.1:{}", socket_.remote_endpoint().port()));
    request.keep_alive(keep_alive);
    if (!body.empty()) {
      request.body() = std::move(body);
      request.prepare_payload();
    }
    http::write(socket_, request);
    http::response_parser<http::string_body> parser;
    parser.skip(method == http::verb::head);  // a HEAD response has a Content-Length but no body
    http::read(socket_, buffer_, parser);
    return parser.release();
  }

  // Writes a request and reads until the server ends the connection: the error says how.
  beast::error_code send_and_read_until_closed(std::string_view raw_request) {
    asio::write(socket_, asio::buffer(raw_request));
    return read_until_closed();
  }

  beast::error_code read_until_closed() {
    std::array<char, 4096> chunk{};
    beast::error_code ec;
    while (!ec) {
      socket_.read_some(asio::buffer(chunk), ec);
    }
    return ec;
  }

 private:
  asio::io_context io_;
  asio::ip::tcp::socket socket_;
  beast::flat_buffer buffer_;
};

// ---------------------------------------------------------------------------------------------
// Plain HTTP.

class HttpTestServerTest : public ::testing::Test {
 protected:
  HttpTestServer server_;
};

TEST_F(HttpTestServerTest, OkAndHealthAnswer200) {
  const auto ok = curl({server_.url("/ok")});
  ASSERT_EQ(ok.exit_code, curl_ok) << describe(ok);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "OK");

  const auto health = curl({server_.url("/health")});
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"status":"healthy"})");
  EXPECT_THAT(health.headers, HasSubstr("Content-Type: application/json"));

  EXPECT_EQ(server_.requests("/ok"), 1u);
  EXPECT_EQ(server_.requests("/health"), 1u);
  EXPECT_EQ(server_.total_requests(), 2u);
  EXPECT_EQ(server_.address(), "127.0.0.1");
  EXPECT_FALSE(server_.tls());
  EXPECT_EQ(server_.url("/ok"), fmt::format("http://127.0.0.1:{}/ok", server_.port()));
}

TEST_F(HttpTestServerTest, StatusRoutesAnswerTheCodeTheyName) {
  for (const long code : {200L, 201L, 301L, 403L, 404L, 429L, 500L, 502L, 503L, 504L, 599L}) {
    const auto result = curl({server_.url(fmt::format("/status/{}", code))});
    EXPECT_EQ(result.exit_code, curl_ok) << describe(result);
    EXPECT_EQ(result.status, code);
    EXPECT_EQ(result.body, fmt::format("status {}\n", code));
  }
  const auto no_content = curl({server_.url("/status/204")});
  EXPECT_EQ(no_content.status, 204);
  EXPECT_EQ(no_content.body, "");

  const auto server_error = curl({server_.url("/server-error")});
  EXPECT_EQ(server_error.status, 500);
  EXPECT_EQ(server_error.body, "Internal Server Error\n");

  for (const char* bad : {"/status/99", "/status/600", "/status/abc", "/status/"}) {
    EXPECT_EQ(curl({server_.url(bad)}).status, 400) << bad;
  }
  EXPECT_EQ(server_.requests("/status/503"), 1u);
}

TEST_F(HttpTestServerTest, UnknownPathsAre404AndOtherMethods405) {
  EXPECT_EQ(curl({server_.url("/nothing-here")}).status, 404);
  const auto post = curl({"-X", "POST", "--data", "x", server_.url("/ok")});
  EXPECT_EQ(post.status, 405);
  EXPECT_THAT(post.headers, HasSubstr("Allow: GET, HEAD"));
  EXPECT_EQ(server_.requests("/nothing-here"), 1u);
}

TEST_F(HttpTestServerTest, RedirectGoesToOk) {
  const auto plain = curl({server_.url("/redirect")});
  EXPECT_EQ(plain.status, 302);
  EXPECT_THAT(plain.headers, HasSubstr("Location: /ok"));

  const auto followed = curl({"-L", server_.url("/redirect")});
  ASSERT_EQ(followed.exit_code, curl_ok) << describe(followed);
  EXPECT_EQ(followed.status, 200);
  EXPECT_EQ(followed.body, "OK");
  EXPECT_EQ(server_.requests("/redirect"), 2u);
  EXPECT_EQ(server_.requests("/ok"), 1u);
}

TEST_F(HttpTestServerTest, RedirectLoopNeverEnds) {
  const auto result = curl({"-L", "--max-redirs", "3", server_.url("/redirect-loop")});
  EXPECT_EQ(result.exit_code, curl_too_many_redirects) << describe(result);
  EXPECT_EQ(result.status, 302);
  EXPECT_EQ(server_.requests("/redirect-loop"), 4u);  // the first request and three redirects
}

TEST_F(HttpTestServerTest, MatchBodiesPutTheStringInsideOrOutsideTheFirst5120Bytes) {
  struct Case {
    const char* path;
    std::size_t offset;  // npos: absent
    bool inside_window;
  };
  const Case cases[] = {
      {"/match-early", 100, true},
      {"/match-edge", 5106, true},  // its last byte is byte 5,120
      {"/match-straddle", 5110, false},
      {"/match-late", 6000, false},
      {"/no-match", std::string::npos, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path);
    const auto result = curl({server_.url(c.path)});
    ASSERT_EQ(result.exit_code, curl_ok) << describe(result);
    EXPECT_EQ(result.status, 200);
    ASSERT_EQ(result.body.size(), match_body_size);
    EXPECT_EQ(result.body.find(match_string), c.offset);
    EXPECT_EQ(result.body.rfind(match_string), c.offset);  // exactly once, or never
    const std::string_view window = std::string_view(result.body).substr(0, route53_match_window);
    EXPECT_EQ(window.find(match_string) != std::string_view::npos, c.inside_window);
  }
  EXPECT_EQ(filler_body(match_body_size, match_late_offset),
            curl({server_.url("/match-late")}).body);
}

TEST_F(HttpTestServerTest, SlowHeadersDelayTheFirstByte) {
  const auto result = curl({server_.url("/slow-headers?ms=400")});
  ASSERT_EQ(result.exit_code, curl_ok) << describe(result);
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, slow_body);
  EXPECT_GE(result.first_byte_s, 0.4);
  EXPECT_EQ(server_.requests("/slow-headers"), 1u);
}

TEST_F(HttpTestServerTest, SlowBodySendsTheHeadersFirstAndTheBodyLater) {
  const auto result = curl({server_.url("/slow-body?ms=400")});
  ASSERT_EQ(result.exit_code, curl_ok) << describe(result);
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, slow_body);
  EXPECT_GE(result.total_s, 0.4);
  EXPECT_THAT(result.headers, HasSubstr(fmt::format("Content-Length: {}", slow_body.size())));

  // A client that gives up in the pause has the headers and none of the body. (Comparing
  // curl's time to first byte with its total time instead would fail on a loaded machine,
  // where curl may read the headers late.)
  const auto cut = curl({"--max-time", "1", server_.url("/slow-body?ms=20000")});
  EXPECT_EQ(cut.exit_code, curl_timed_out) << describe(cut);
  EXPECT_EQ(cut.status, 200);
  EXPECT_THAT(cut.headers, HasSubstr("HTTP/1.1 200 OK"));
  EXPECT_EQ(cut.body, "");
}

TEST_F(HttpTestServerTest, SlowRoutesRejectABadDelay) {
  for (const char* target : {"/slow-headers?ms=abc", "/slow-body?ms=-5", "/slow-body?ms=600001"}) {
    EXPECT_EQ(curl({server_.url(target)}).status, 400) << target;
  }
  const auto zero = curl({server_.url("/slow-headers?ms=0")});
  EXPECT_EQ(zero.status, 200);
}

TEST_F(HttpTestServerTest, ResetClosesWithRstAndNoResponse) {
  const auto result = curl({server_.url("/reset")});
  EXPECT_EQ(result.exit_code, curl_recv_error) << describe(result);
  EXPECT_EQ(result.status, 0);
  EXPECT_THAT(result.log, HasSubstr("Connection reset by peer"));

  RawClient client(server_.port());
  const auto ec = client.send_and_read_until_closed("GET /reset HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(ec, asio::error::connection_reset) << ec.message();
  EXPECT_EQ(server_.requests("/reset"), 2u);
}

TEST_F(HttpTestServerTest, EchoReturnsMethodHeadersAndBodyAsJson) {
  const auto result = curl({"-X", "POST", "-H", "X-Probe: regionguard", "-H", "Content-Type: text/plain",
                            "--data-binary", "hello \"body\"\n", server_.url("/echo?x=1")});
  ASSERT_EQ(result.exit_code, curl_ok) << describe(result);
  EXPECT_EQ(result.status, 200);
  const auto echo = nlohmann::json::parse(result.body);
  EXPECT_EQ(echo["method"], "POST");
  EXPECT_EQ(echo["target"], "/echo?x=1");
  EXPECT_EQ(echo["version"], "1.1");
  EXPECT_EQ(echo["headers"]["x-probe"], "regionguard");
  EXPECT_EQ(echo["headers"]["content-type"], "text/plain");
  EXPECT_EQ(echo["headers"]["host"], fmt::format("127.0.0.1:{}", server_.port()));
  EXPECT_EQ(echo["body"], "hello \"body\"\n");

  const auto last = server_.last_request();
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->method, "POST");
  EXPECT_EQ(last->path, "/echo");
  EXPECT_EQ(last->target, "/echo?x=1");
  EXPECT_EQ(last->body, "hello \"body\"\n");
  EXPECT_EQ(last->header("x-PROBE"), "regionguard");
  EXPECT_EQ(last->host(), fmt::format("127.0.0.1:{}", server_.port()));
  EXPECT_EQ(last->server_name, "");
  EXPECT_EQ(server_.requests("/echo"), 1u);

  // Any method; repeated fields are joined.
  const auto put = curl({"-X", "PUT", "-H", "X-Twice: a", "-H", "X-Twice: b", server_.url("/echo")});
  const auto put_echo = nlohmann::json::parse(put.body);
  EXPECT_EQ(put_echo["method"], "PUT");
  EXPECT_EQ(put_echo["headers"]["x-twice"], "a, b");
  EXPECT_EQ(put_echo["body"], "");
}

TEST_F(HttpTestServerTest, EchoAnswersExpect100Continue) {
  const std::string body(4000, 'b');
  const auto result = curl({"-H", "Expect: 100-continue", "--expect100-timeout", "10", "--data-binary", body,
                            server_.url("/echo")});
  ASSERT_EQ(result.exit_code, curl_ok) << describe(result);
  EXPECT_THAT(result.headers, HasSubstr("HTTP/1.1 100 Continue"));
  EXPECT_LT(result.total_s, 10);  // it did not wait out the expect timeout
  EXPECT_EQ(nlohmann::json::parse(result.body)["body"], body);
}

TEST_F(HttpTestServerTest, HeadAnswersAsGetWithoutTheBody) {
  const auto head = curl({"-I", server_.url("/match-early")});
  ASSERT_EQ(head.exit_code, curl_ok) << describe(head);
  EXPECT_EQ(head.status, 200);
  EXPECT_THAT(head.headers, HasSubstr(fmt::format("Content-Length: {}", match_body_size)));
  EXPECT_EQ(head.body, head.headers);  // with -I, curl's output is the header block and nothing else
  ASSERT_TRUE(server_.last_request().has_value());
  EXPECT_EQ(server_.last_request()->method, "HEAD");

  // HEAD on a slow body does not wait for the body it does not send.
  const auto slow = curl({"-I", server_.url("/slow-body?ms=20000")});
  EXPECT_EQ(slow.exit_code, curl_ok) << describe(slow);
  EXPECT_LT(slow.total_s, 20);

  RawClient client(server_.port());
  const auto redirect = client.send(http::verb::head, "/redirect");
  EXPECT_EQ(redirect.result_int(), 302u);
  EXPECT_EQ(redirect[http::field::location], "/ok");
  EXPECT_EQ(redirect.body(), "");
  EXPECT_EQ(client.send(http::verb::get, "/ok").body(), "OK");  // the connection is still in step
}

TEST_F(HttpTestServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  RawClient client(server_.port());
  EXPECT_EQ(client.send(http::verb::get, "/ok").body(), "OK");
  EXPECT_EQ(client.send(http::verb::get, "/health").result_int(), 200u);
  EXPECT_EQ(client.send(http::verb::get, "/status/503").result_int(), 503u);
  EXPECT_EQ(client.send(http::verb::post, "/echo", 11, true, "abc").result_int(), 200u);
  EXPECT_EQ(server_.connections(), 1u);
  EXPECT_EQ(server_.total_requests(), 4u);

  // Connection: close is honoured: the answer comes, then the server closes (FIN, not RST).
  const auto last = client.send(http::verb::get, "/ok", 11, false);
  EXPECT_EQ(last.body(), "OK");
  EXPECT_FALSE(last.keep_alive());
  EXPECT_EQ(client.read_until_closed(), asio::error::eof);
}

TEST_F(HttpTestServerTest, Http10ClientsGetOneResponseAndAClose) {
  RawClient client(server_.port());
  const auto response = client.send(http::verb::get, "/ok", 10, false);
  EXPECT_EQ(response.version(), 10u);
  EXPECT_EQ(response.body(), "OK");
  EXPECT_EQ(client.read_until_closed(), asio::error::eof);

  const auto result = curl({"--http1.0", server_.url("/health")});
  EXPECT_EQ(result.status, 200);
  const auto last = server_.last_request();
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->version, 10u);
}

TEST_F(HttpTestServerTest, RecordsTheHostHeaderTheClientSent) {
  const auto result = curl({"--resolve", fmt::format("app.example.test:{}:127.0.0.1", server_.port()),
                            server_.url_for_host("app.example.test", "/ok")});
  ASSERT_EQ(result.exit_code, curl_ok) << describe(result);
  ASSERT_TRUE(server_.last_request().has_value());
  EXPECT_EQ(server_.last_request()->host(), fmt::format("app.example.test:{}", server_.port()));

  curl({"-H", "Host: override.example", server_.url("/ok")});
  EXPECT_EQ(server_.last_request()->host(), "override.example");
}

TEST_F(HttpTestServerTest, CountsConcurrentRequests) {
  Strings args{"--parallel", "--parallel-max", "8"};
  for (int i = 0; i < 8; ++i) {
    args.push_back(server_.url(i % 2 == 0 ? "/ok" : "/slow-body?ms=200"));
  }
  const auto result = curl(args);
  EXPECT_EQ(result.exit_code, curl_ok) << describe(result);
  EXPECT_EQ(server_.requests("/ok"), 4u);
  EXPECT_EQ(server_.requests("/slow-body"), 4u);
  EXPECT_EQ(server_.total_requests(), 8u);
  EXPECT_TRUE(server_.wait_for_requests("/ok", 4, 0ms));
  EXPECT_FALSE(server_.wait_for_requests("/ok", 5, 50ms));
}

TEST(HttpTestServerShutdownTest, StopsAtOnceWithRequestsWaitingOnSlowRoutes) {
  // curl runs as a child process so the test thread is free to destroy the server meanwhile.
  const auto program = require_program("curl");
  const TempDir dir("rg-curl-");
  auto server = std::make_unique<HttpTestServer>();
  ChildProcess slow_headers({program.string(), "-q", "-sS", "--noproxy", "*", "--max-time", "60",
                             server->url("/slow-headers?ms=60000")},
                            dir.path() / "headers.log");
  ChildProcess slow_body({program.string(), "-q", "-sS", "--noproxy", "*", "--max-time", "60",
                          server->url("/slow-body?ms=60000")},
                         dir.path() / "body.log");
  // Counted as soon as read, before the delay.
  ASSERT_TRUE(server->wait_for_requests("/slow-headers", 1, 10s));
  ASSERT_TRUE(server->wait_for_requests("/slow-body", 1, 10s));
  EXPECT_TRUE(slow_headers.running());

  const auto before = std::chrono::steady_clock::now();
  server.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 5s);

  // Their connections closed with the server: both clients fail now, not after 60 s. The
  // slow body's headers may or may not have gone out before the server stopped.
  EXPECT_EQ(slow_headers.wait(), curl_empty_reply) << file_tail(dir.path() / "headers.log");
  EXPECT_THAT(slow_body.wait(), AnyOf(curl_partial_file, curl_empty_reply)) << file_tail(dir.path() / "body.log");
}

TEST(HttpTestServerShutdownTest, StopsWithIdleKeptAliveConnectionsOpen) {
  auto server = std::make_unique<HttpTestServer>();
  RawClient client(server->port());
  EXPECT_EQ(client.send(http::verb::get, "/ok").body(), "OK");
  server.reset();
  const auto ec = client.read_until_closed();
  EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset) << ec.message();
}

// ---------------------------------------------------------------------------------------------
// Certificates and TLS.

class HttpTestServerTlsTest : public ::testing::Test {
 protected:
  // One PKI for the suite, made by the first test rather than in SetUpTestSuite: there a
  // failure would mark the tests skipped, and a missing openssl must fail them.
  void SetUp() override {
    if (!pki_) {
      pki_ = std::make_unique<TestPki>();
    }
  }
  static void TearDownTestSuite() { pki_.reset(); }

  static HttpTestServerOptions tls_with(const CertificateFiles& files) {
    return {.tls = true, .cert = files.cert, .key = files.key};
  }

  // curl against `server` trusting the test CA, with `host` resolved to 127.0.0.1.
  static CurlResult curl_https(const HttpTestServer& server, std::string_view host, std::string_view target,
                               Strings extra = {}) {
    Strings args{"--cacert", pki_->ca_cert().string(), "--resolve",
                 fmt::format("{}:{}:127.0.0.1", host, server.port())};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(server.url_for_host(host, target));
    return curl(args);
  }

  static int openssl(const Strings& args) {
    const TempDir dir("rg-openssl-");
    Strings argv{require_program("openssl").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, dir.path() / "log");
  }

  static std::unique_ptr<TestPki> pki_;
};

std::unique_ptr<TestPki> HttpTestServerTlsTest::pki_;

TEST_F(HttpTestServerTlsTest, PkiMakesCertificatesWithTheIntendedValidity) {
  const std::string ca = pki_->ca_cert().string();
  for (const auto* files : {&pki_->valid(), &pki_->expiring_soon(), &pki_->expired(), &pki_->wrong_name(),
                            &pki_->self_signed()}) {
    EXPECT_TRUE(std::filesystem::exists(files->cert)) << files->cert;
    EXPECT_TRUE(std::filesystem::exists(files->key)) << files->key;
  }
  EXPECT_EQ(openssl({"verify", "-CAfile", ca, pki_->valid().cert.string()}), 0);
  EXPECT_EQ(openssl({"verify", "-CAfile", ca, pki_->expiring_soon().cert.string()}), 0);
  EXPECT_EQ(openssl({"verify", "-CAfile", ca, pki_->wrong_name().cert.string()}), 0);  // only the name is wrong
  EXPECT_NE(openssl({"verify", "-CAfile", ca, pki_->expired().cert.string()}), 0);
  EXPECT_NE(openssl({"verify", "-CAfile", ca, pki_->self_signed().cert.string()}), 0);

  // -checkend N: exit 0 if the certificate is still valid N seconds from now.
  const auto valid_in = [](const CertificateFiles& files, std::chrono::hours from_now) {
    return openssl({"x509", "-in", files.cert.string(), "-noout", "-checkend",
                    std::to_string(std::chrono::seconds(from_now).count())}) == 0;
  };
  EXPECT_TRUE(valid_in(pki_->valid(), std::chrono::days(29)));
  EXPECT_FALSE(valid_in(pki_->valid(), std::chrono::days(31)));
  EXPECT_TRUE(valid_in(pki_->expiring_soon(), std::chrono::days(4)));
  EXPECT_FALSE(valid_in(pki_->expiring_soon(), std::chrono::days(6)));
  EXPECT_FALSE(valid_in(pki_->expired(), std::chrono::hours(0)));
}

TEST_F(HttpTestServerTlsTest, ValidCertificateVerifiesForLocalhostAndTheAddress) {
  HttpTestServer server(tls_with(pki_->valid()));
  EXPECT_TRUE(server.tls());
  EXPECT_EQ(server.url("/ok"), fmt::format("https://127.0.0.1:{}/ok", server.port()));

  const auto by_name = curl_https(server, "localhost", "/ok");
  ASSERT_EQ(by_name.exit_code, curl_ok) << describe(by_name);
  EXPECT_EQ(by_name.status, 200);
  EXPECT_EQ(by_name.body, "OK");
  ASSERT_TRUE(server.last_request().has_value());
  EXPECT_EQ(server.last_request()->server_name, "localhost");  // SNI
  EXPECT_EQ(server.last_request()->host(), fmt::format("localhost:{}", server.port()));

  const auto by_address = curl({"--cacert", pki_->ca_cert().string(), server.url("/health")});
  ASSERT_EQ(by_address.exit_code, curl_ok) << describe(by_address);
  EXPECT_EQ(by_address.status, 200);
  EXPECT_EQ(server.last_request()->server_name, "");  // no SNI for an IP address
  EXPECT_EQ(server.tls_handshake_failures(), 0u);
}

TEST_F(HttpTestServerTlsTest, ExpiringSoonStillVerifies) {
  HttpTestServer server(tls_with(pki_->expiring_soon()));
  const auto result = curl_https(server, "localhost", "/ok");
  ASSERT_EQ(result.exit_code, curl_ok) << describe(result);
  EXPECT_EQ(result.status, 200);
}

TEST_F(HttpTestServerTlsTest, ExpiredFailsVerification) {
  HttpTestServer server(tls_with(pki_->expired()));
  const auto result = curl_https(server, "localhost", "/ok");
  EXPECT_EQ(result.exit_code, curl_peer_failed_verification) << describe(result);
  EXPECT_THAT(result.log, HasSubstr("certificate has expired"));
  EXPECT_EQ(result.status, 0);
  EXPECT_TRUE(eventually([&] { return server.tls_handshake_failures() == 1; }));
  EXPECT_EQ(server.total_requests(), 0u);

  // Without verification the same server answers: only the certificate is wrong.
  const auto insecure = curl_https(server, "localhost", "/ok", {"--insecure"});
  EXPECT_EQ(insecure.exit_code, curl_ok) << describe(insecure);
  EXPECT_EQ(insecure.status, 200);
}

TEST_F(HttpTestServerTlsTest, WrongNameFailsVerification) {
  HttpTestServer server(tls_with(pki_->wrong_name()));
  for (const char* host : {"localhost", "127.0.0.1"}) {
    SCOPED_TRACE(host);
    const auto result = curl_https(server, host, "/ok");
    EXPECT_EQ(result.exit_code, curl_peer_failed_verification) << describe(result);
    EXPECT_THAT(result.log, HasSubstr("subject name"));
  }
  // For the name it was made for, it verifies.
  const auto right_name = curl_https(server, "other.example", "/ok");
  EXPECT_EQ(right_name.exit_code, curl_ok) << describe(right_name);
  EXPECT_EQ(right_name.status, 200);
  EXPECT_EQ(server.last_request()->server_name, "other.example");
}

TEST_F(HttpTestServerTlsTest, SelfSignedFailsVerification) {
  HttpTestServer server(tls_with(pki_->self_signed()));
  const auto result = curl_https(server, "localhost", "/ok");
  EXPECT_EQ(result.exit_code, curl_peer_failed_verification) << describe(result);
  EXPECT_THAT(result.log, MatchesRegex("(.|\n)*self.signed certificate(.|\n)*"));
  EXPECT_TRUE(eventually([&] { return server.tls_handshake_failures() == 1; }));

  const auto insecure = curl_https(server, "localhost", "/ok", {"--insecure"});
  EXPECT_EQ(insecure.exit_code, curl_ok) << describe(insecure);
}

TEST_F(HttpTestServerTlsTest, RoutesBehaveTheSameOverTls) {
  HttpTestServer server(tls_with(pki_->valid()));
  EXPECT_EQ(curl_https(server, "localhost", "/status/503").status, 503);

  const auto slow = curl_https(server, "localhost", "/slow-body?ms=300");
  ASSERT_EQ(slow.exit_code, curl_ok) << describe(slow);
  EXPECT_EQ(slow.body, slow_body);
  EXPECT_GE(slow.total_s, 0.3);
  const auto cut = curl_https(server, "localhost", "/slow-body?ms=20000", {"--max-time", "1"});
  EXPECT_EQ(cut.exit_code, curl_timed_out) << describe(cut);
  EXPECT_EQ(cut.status, 200);

  const auto late = curl_https(server, "localhost", "/match-late");
  EXPECT_EQ(late.body.find(match_string), match_late_offset);

  const auto echo = curl_https(server, "localhost", "/echo", {"--data-binary", "over tls"});
  EXPECT_EQ(nlohmann::json::parse(echo.body)["body"], "over tls");

  const auto reset = curl_https(server, "localhost", "/reset");
  EXPECT_EQ(reset.exit_code, curl_recv_error) << describe(reset);
  EXPECT_THAT(reset.log, HasSubstr("reset by peer"));

  // Two requests in one curl run go over one kept-alive TLS connection.
  const auto before = server.connections();
  const auto twice = curl({"--cacert", pki_->ca_cert().string(), server.url("/ok"), server.url("/ok")});
  EXPECT_EQ(twice.exit_code, curl_ok) << describe(twice);
  EXPECT_EQ(server.connections(), before + 1);
}

TEST_F(HttpTestServerTlsTest, MissingOrMismatchedKeyIsAClearError) {
  EXPECT_THROW(HttpTestServer({.tls = true}), std::invalid_argument);
  try {
    HttpTestServer server({.tls = true, .cert = pki_->valid().cert, .key = pki_->directory() / "missing.key"});
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& error) {
    EXPECT_THAT(error.what(), HasSubstr("missing.key"));
  }
  // A key that does not belong to the certificate.
  EXPECT_THROW(HttpTestServer({.tls = true, .cert = pki_->valid().cert, .key = pki_->expired().key}),
               std::runtime_error);
}

}  // namespace
}  // namespace rg::test
