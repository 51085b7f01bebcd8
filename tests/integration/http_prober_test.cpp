// HTTP, HTTPS and TCP checks against a real local server (tests/support/http_test_server.h) and
// certificates made by openssl in the fixture: every case must come out with the right status,
// failure kind and phase timings.
#include "probe/http_prober.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "analyze/classifier.h"
#include "probe/tcp_prober.h"
#include "support/free_port.h"
#include "support/http_test_server.h"
#include "support/test_certificates.h"

namespace rg {
namespace {

using namespace std::chrono_literals;

// Runs one check on a fresh io_context and returns its result.
ProbeResult check(const EndpointConfig& endpoint) {
  boost::asio::io_context io;
  CurlMulti curl(io);
  HttpProber http(curl);
  TcpProber tcp(curl);
  Prober& prober = endpoint.kind == ProbeKind::tcp ? static_cast<Prober&>(tcp) : http;
  std::optional<ProbeResult> result;
  prober.start(endpoint, [&](ProbeResult r) {
    result = std::move(r);
    io.stop();
  });
  io.run_for(15s);
  if (!result) ADD_FAILURE() << "the prober never reported";
  return result.value_or(ProbeResult{});
}

EndpointConfig http_endpoint(const std::string& url, Millis timeout = 2000ms) {
  EndpointConfig e;
  e.id = url;
  e.hostname = url;
  e.kind = ProbeKind::http;
  e.http.url = url;
  e.timeout = timeout;
  e.interval = 10'000ms;
  return e;
}

EndpointConfig tcp_endpoint(std::uint16_t port, bool tls = false) {
  EndpointConfig e;
  e.id = "tcp";
  e.kind = ProbeKind::tcp;
  e.tcp.host = "127.0.0.1";
  e.tcp.port = port;
  e.tcp.tls = tls;
  e.timeout = 2000ms;
  e.interval = 10'000ms;
  return e;
}

// Wide bands so that a loaded CI machine (tests run in parallel) cannot push a delay across one.
HealthStatus status_of(const ProbeResult& r) { return classify(r, Thresholds{100ms, 1000ms}); }

void expect_ordered_phases(const ProbeResult& r, bool tls) {
  ASSERT_TRUE(r.http);
  const auto& p = r.http->phases;
  EXPECT_GE(p.connect, p.dns);
  EXPECT_GT(p.connect.count(), 0);
  if (tls) {
    EXPECT_GT(p.tls, p.connect);
  } else {
    EXPECT_EQ(p.tls.count(), 0);
  }
  EXPECT_GE(p.total, p.first_byte);
  EXPECT_LE(p.total, r.latency);
}

class HttpProberTest : public testing::Test {
 protected:
  test::HttpTestServer server_;
};

TEST_F(HttpProberTest, AHealthyEndpointAnswers200WithEveryPhaseTimed) {
  const auto r = check(http_endpoint(server_.url("/ok")));
  EXPECT_TRUE(r.success) << r.error;
  EXPECT_EQ(r.failure, FailureKind::none);
  EXPECT_EQ(r.http->status_code, 200);
  EXPECT_EQ(r.http->remote_address, "127.0.0.1");
  expect_ordered_phases(r, false);
  EXPECT_GE(r.http->phases.first_byte, r.http->phases.connect);
  EXPECT_EQ(status_of(r), HealthStatus::healthy);
}

TEST_F(HttpProberTest, A500IsAStatusFailure) {
  const auto r = check(http_endpoint(server_.url("/server-error")));
  EXPECT_FALSE(r.success);
  EXPECT_EQ(r.failure, FailureKind::status);
  EXPECT_EQ(r.error, "HTTP 500, expected 200-399");
  EXPECT_EQ(r.http->status_code, 500);
  EXPECT_EQ(status_of(r), HealthStatus::critical);
}

TEST_F(HttpProberTest, ExpectedStatusesAreConfigurable) {
  auto e = http_endpoint(server_.url("/status/503"));
  e.http.expected_status = {{503, 503}};
  EXPECT_TRUE(check(e).success);
  e.http.url = server_.url("/ok");
  EXPECT_EQ(check(e).failure, FailureKind::status);
}

TEST_F(HttpProberTest, ARedirectIsHealthyUnlessFollowedIntoALoop) {
  const auto not_followed = check(http_endpoint(server_.url("/redirect")));
  EXPECT_TRUE(not_followed.success) << not_followed.error;
  EXPECT_EQ(not_followed.http->status_code, 302);
  EXPECT_EQ(not_followed.http->redirects, 0);

  auto follow = http_endpoint(server_.url("/redirect"));
  follow.http.follow_redirects = true;
  const auto followed = check(follow);
  EXPECT_TRUE(followed.success);
  EXPECT_EQ(followed.http->status_code, 200);
  EXPECT_EQ(followed.http->redirects, 1);

  follow.http.url = server_.url("/redirect-loop");
  const auto loop = check(follow);
  EXPECT_EQ(loop.failure, FailureKind::status);
}

TEST_F(HttpProberTest, ASlowBodyIsTimedAndASlowerOneTimesOut) {
  const auto slow = check(http_endpoint(server_.url("/slow-body?ms=1200"), 3000ms));
  EXPECT_TRUE(slow.success) << slow.error;
  EXPECT_LT(slow.http->phases.first_byte, 900ms);  // the headers come at once
  EXPECT_GE(slow.http->phases.total, 1200ms);
  EXPECT_EQ(status_of(slow), HealthStatus::critical);  // past the 1 s warning band

  const auto late_headers = check(http_endpoint(server_.url("/slow-headers?ms=150")));
  EXPECT_GE(late_headers.http->phases.first_byte, 150ms);
  EXPECT_EQ(status_of(late_headers), HealthStatus::warning);

  const auto timed_out = check(http_endpoint(server_.url("/slow-body?ms=5000"), 300ms));
  EXPECT_EQ(timed_out.failure, FailureKind::timeout);
  EXPECT_GE(timed_out.latency, 300ms);
  EXPECT_LT(timed_out.latency, 3000ms);
}

TEST_F(HttpProberTest, TheMatchStringCountsOnlyInTheFirst5120Bytes) {
  auto e = http_endpoint(server_.url("/match-early"));
  e.http.match = std::string(test::match_string);
  EXPECT_TRUE(check(e).success);
  e.http.url = server_.url("/match-edge");  // ends exactly at byte 5,120
  EXPECT_TRUE(check(e).success);
  for (const char* path : {"/match-late", "/match-straddle", "/no-match"}) {
    e.http.url = server_.url(path);
    const auto r = check(e);
    EXPECT_EQ(r.failure, FailureKind::body_mismatch) << path;
    EXPECT_EQ(r.error, "\"REGIONGUARD-OK\" not in the first 5120 bytes of the body") << path;
    EXPECT_EQ(status_of(r), HealthStatus::critical);
  }
}

TEST_F(HttpProberTest, ARegexMatchesWithinTheSameWindow) {
  auto e = http_endpoint(server_.url("/health"));
  e.http.match_regex = R"("status"\s*:\s*"healthy")";
  EXPECT_TRUE(check(e).success);
  e.http.match_regex = "unhealthy";
  EXPECT_EQ(check(e).failure, FailureKind::body_mismatch);
}

TEST_F(HttpProberTest, AResetConnectionIsNamed) {
  const auto r = check(http_endpoint(server_.url("/reset")));
  EXPECT_EQ(r.failure, FailureKind::connection_reset) << r.error;
  EXPECT_EQ(status_of(r), HealthStatus::critical);
}

TEST_F(HttpProberTest, NothingListeningIsConnectRefused) {
  const auto port = test::free_port();
  const auto r = check(http_endpoint("http://127.0.0.1:" + std::to_string(port) + "/ok"));
  EXPECT_EQ(r.failure, FailureKind::connect_refused) << r.error;
  EXPECT_LT(r.latency, 1500ms);  // refused at once, not after the 2 s timeout
  const auto tcp = check(tcp_endpoint(port));
  EXPECT_EQ(tcp.failure, FailureKind::connect_refused) << tcp.error;
}

TEST_F(HttpProberTest, MethodHeadersAndBodyAreSentAsConfigured) {
  auto e = http_endpoint(server_.url("/echo"));
  e.http.method = "POST";
  e.http.headers = {{"X-Check", "regionguard"}, {"Content-Type", "application/json"}};
  e.http.body = R"({"probe":true})";
  const auto r = check(e);
  EXPECT_TRUE(r.success) << r.error;
  const auto request = server_.last_request();
  ASSERT_TRUE(request);
  EXPECT_EQ(request->method, "POST");
  EXPECT_EQ(request->header("X-Check"), "regionguard");
  EXPECT_EQ(request->body, R"({"probe":true})");
}

TEST_F(HttpProberTest, EveryCheckOpensAFreshConnection) {
  const auto before = server_.connections();
  check(http_endpoint(server_.url("/ok")));
  check(http_endpoint(server_.url("/ok")));
  EXPECT_EQ(server_.connections(), before + 2);
}

TEST_F(HttpProberTest, ATcpCheckConnects) {
  const auto r = check(tcp_endpoint(server_.port()));
  EXPECT_TRUE(r.success) << r.error;
  EXPECT_GT(r.http->phases.connect.count(), 0);
  EXPECT_EQ(r.http->status_code, 0);
}

class HttpsProberTest : public testing::Test {
 protected:
  EndpointConfig https(const test::HttpTestServer& server, std::string_view target = "/ok") {
    auto e = http_endpoint(server.url_for_host("localhost", target));
    e.http.ca_file = pki_.ca_cert().string();
    return e;
  }
  static test::HttpTestServerOptions tls(const test::CertificateFiles& files) { return {true, files.cert, files.key}; }

  test::TestPki pki_;
};

TEST_F(HttpsProberTest, AValidCertificateVerifiesAndReportsItsDaysLeft) {
  test::HttpTestServer server(tls(pki_.valid()));
  const auto r = check(https(server));
  EXPECT_TRUE(r.success) << r.error;
  expect_ordered_phases(r, true);
  EXPECT_TRUE(r.http->tls_verified);
  ASSERT_TRUE(r.http->certificate_days_left);
  EXPECT_GE(*r.http->certificate_days_left, 28);
  EXPECT_LE(*r.http->certificate_days_left, 30);
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_EQ(status_of(r), HealthStatus::healthy);
  EXPECT_EQ(server.last_request()->server_name, "localhost");
}

TEST_F(HttpsProberTest, ACertificateCloseToExpiryIsAWarning) {
  test::HttpTestServer server(tls(pki_.expiring_soon()));
  const auto r = check(https(server));
  EXPECT_TRUE(r.success) << r.error;
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_TRUE(r.warnings[0] == "certificate expires in 4 days" || r.warnings[0] == "certificate expires in 5 days")
      << r.warnings[0];
  EXPECT_EQ(status_of(r), HealthStatus::warning);
}

TEST_F(HttpsProberTest, ExpiredWrongNameAndSelfSignedCertificatesFailVerification) {
  for (const auto* files : {&pki_.expired(), &pki_.wrong_name(), &pki_.self_signed()}) {
    test::HttpTestServer server(tls(*files));
    const auto r = check(https(server));
    EXPECT_EQ(r.failure, FailureKind::tls) << files->cert << ": " << r.error;
    EXPECT_FALSE(r.http->tls_verified);
    EXPECT_EQ(status_of(r), HealthStatus::critical);
  }
}

TEST_F(HttpsProberTest, WithoutVerificationAnExpiredCertificateStillWarns) {
  test::HttpTestServer server(tls(pki_.expired()));
  auto e = https(server);
  e.http.verify_tls = false;
  const auto r = check(e);
  EXPECT_TRUE(r.success) << r.error;
  EXPECT_FALSE(r.http->tls_verified);
  ASSERT_TRUE(r.http->certificate_days_left);
  EXPECT_LT(*r.http->certificate_days_left, -365);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_TRUE(r.warnings[0].starts_with("certificate expired ")) << r.warnings[0];
  EXPECT_EQ(status_of(r), HealthStatus::warning);
}

TEST_F(HttpsProberTest, ConnectToProbesAnAddressKeepingHostAndSni) {
  test::HttpTestServer server(tls(pki_.valid()));
  auto e = http_endpoint("https://localhost:" + std::to_string(server.port()) + "/ok");
  e.http.ca_file = pki_.ca_cert().string();
  e.http.connect_address = "127.0.0.1";
  const auto r = check(e);
  EXPECT_TRUE(r.success) << r.error;
  EXPECT_EQ(r.http->remote_address, "127.0.0.1");
  const auto request = server.last_request();
  ASSERT_TRUE(request);
  EXPECT_EQ(request->server_name, "localhost");
  EXPECT_EQ(request->host(), "localhost:" + std::to_string(server.port()));
}

TEST_F(HttpsProberTest, ATlsTcpCheckHandshakesAndVerifies) {
  test::HttpTestServer good(tls(pki_.valid()));
  auto e = tcp_endpoint(good.port(), true);
  e.tcp.ca_file = pki_.ca_cert().string();
  const auto r = check(e);
  EXPECT_TRUE(r.success) << r.error;
  expect_ordered_phases(r, true);
  EXPECT_TRUE(r.http->certificate_days_left.has_value());

  test::HttpTestServer bad(tls(pki_.self_signed()));
  auto e2 = tcp_endpoint(bad.port(), true);
  e2.tcp.ca_file = pki_.ca_cert().string();
  EXPECT_EQ(check(e2).failure, FailureKind::tls);
}

}  // namespace
}  // namespace rg
