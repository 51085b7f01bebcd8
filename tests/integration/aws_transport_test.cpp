// What the AWS transport puts on the wire and how it reports what comes back, against the local
// HTTP test server's /echo (which answers with the request it read) and its slow routes.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include <optional>

#include "aws/aws_transport.h"
#include "net/curl_multi.h"
#include "support/free_port.h"
#include "support/http_test_server.h"

namespace rg::aws {
namespace {

using namespace std::chrono_literals;

class AwsTransportTest : public ::testing::Test {
 protected:
  TransportResult send(HttpRequest request, std::chrono::milliseconds timeout = 10s, TransportOptions options = {}) {
    CurlTransport transport(curl_, std::move(options));
    std::optional<TransportResult> out;
    transport.send(std::move(request), timeout, [&](TransportResult r) { out = std::move(r); });
    EXPECT_FALSE(out) << "the callback never runs inside send()";
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (!out && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(10ms);
    }
    if (!out) return std::unexpected(make_error(AwsErrorKind::timeout, "test gave up"));
    return std::move(*out);
  }

  // The request as the server read it.
  static nlohmann::json echoed(const TransportResult& r) {
    EXPECT_TRUE(r) << r.error().to_string();
    if (!r) return {};
    EXPECT_EQ(r->status, 200);
    return nlohmann::json::parse(r->body);
  }

  test::HttpTestServer server_;
  boost::asio::io_context io_;
  CurlMulti curl_{io_};
};

TEST_F(AwsTransportTest, SendsTheSignedHeadersAndOnlyUnsignedOnesOfItsOwn) {
  HttpRequest request{"POST", server_.url("/echo"),
                      {{"Content-Type", "application/x-amz-json-1.1"}, {"X-Amz-Target", "AmazonSSM.GetParameter"},
                       {"X-Amz-Date", "20261121T075025Z"}, {"Authorization", "AWS4-HMAC-SHA256 Credential=AK/20261121/us-east-1/ssm/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=00"}},
                      R"({"Name":"/rg/x"})"};
  const auto echo = echoed(send(request));
  EXPECT_EQ(echo["method"], "POST");
  EXPECT_EQ(echo["body"], R"({"Name":"/rg/x"})");
  const auto& h = echo["headers"];
  EXPECT_EQ(h["host"], "127.0.0.1:" + std::to_string(server_.port())) << "what host_header_value() signs";
  EXPECT_EQ(h["content-type"], "application/x-amz-json-1.1");
  EXPECT_EQ(h["x-amz-target"], "AmazonSSM.GetParameter");
  EXPECT_EQ(h["content-length"], "16");
  EXPECT_EQ(h["user-agent"], std::string(kUserAgent));
  EXPECT_FALSE(h.contains("accept"));
  EXPECT_FALSE(h.contains("expect"));
}

TEST_F(AwsTransportTest, NoContentTypeUnlessTheRequestHasOne) {
  // REST-XML bodies go without a Content-Type, as botocore sends them; curl would add a form one.
  const std::string big(4096, 'x');  // large enough that curl would otherwise send Expect: 100-continue
  const auto echo = echoed(send(HttpRequest{"POST", server_.url("/echo"), {}, "<a>" + big + "</a>"}));
  EXPECT_FALSE(echo["headers"].contains("content-type"));
  EXPECT_FALSE(echo["headers"].contains("expect"));
  EXPECT_EQ(echo["body"].get<std::string>().size(), big.size() + 7);
}

TEST_F(AwsTransportTest, MethodsWithAndWithoutBodies) {
  auto put = echoed(send(HttpRequest{"PUT", server_.url("/echo?versioning"), {}, "<VersioningConfiguration/>"}));
  EXPECT_EQ(put["method"], "PUT");
  EXPECT_EQ(put["target"], "/echo?versioning");
  EXPECT_EQ(put["body"], "<VersioningConfiguration/>");
  auto empty_put = echoed(send(HttpRequest{"PUT", server_.url("/echo"), {}, ""}));
  EXPECT_EQ(empty_put["headers"]["content-length"], "0");
  auto del = echoed(send(HttpRequest{"DELETE", server_.url("/echo"), {}, ""}));
  EXPECT_EQ(del["method"], "DELETE");
  auto get = echoed(send(HttpRequest{"GET", server_.url("/echo?maxitems=300&name=app.example.com."), {}, ""}));
  EXPECT_EQ(get["method"], "GET");
  EXPECT_EQ(get["target"], "/echo?maxitems=300&name=app.example.com.");
  auto empty_header = echoed(send(HttpRequest{"GET", server_.url("/echo"), {{"X-Amz-Empty", ""}}, ""}));
  EXPECT_EQ(empty_header["headers"]["x-amz-empty"], "");
}

TEST_F(AwsTransportTest, EveryStatusIsAnAnswerWithItsHeaders) {
  const auto r = send(HttpRequest{"GET", server_.url("/status/503"), {}, ""});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->body, "status 503\n");
  EXPECT_EQ(find_header(r->headers, "content-type"), "text/plain");
}

TEST_F(AwsTransportTest, NoCompleteAnswerInTimeIsATimeout) {
  const auto r = send(HttpRequest{"GET", server_.url("/slow-headers?ms=5000"), {}, ""}, 400ms);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, AwsErrorKind::timeout);
  EXPECT_TRUE(r.error().message.starts_with("no complete answer from 127.0.0.1:" + std::to_string(server_.port()) +
                                            " within 400 ms"))
      << r.error().message;
}

TEST_F(AwsTransportTest, ARefusedConnectionIsATransportError) {
  const auto r = send(HttpRequest{"GET", "http://127.0.0.1:" + std::to_string(test::free_port()) + "/", {}, ""}, 5s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, AwsErrorKind::transport);
}

TEST_F(AwsTransportTest, RefusesARegionInTheUserAgentAndBadHeaders) {
  TransportOptions options;
  options.user_agent = "aws-cli/1.45 region/ap-south-1";
  const auto r = send(HttpRequest{"GET", server_.url("/ok"), {}, ""}, 5s, options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, AwsErrorKind::invalid_argument);
  const auto injected = send(HttpRequest{"GET", server_.url("/ok"), {{"X-A", "1\r\nX-B: 2"}}, ""});
  ASSERT_FALSE(injected);
  EXPECT_EQ(injected.error().kind, AwsErrorKind::invalid_argument);
  EXPECT_EQ(server_.total_requests(), 0u);
}

TEST_F(AwsTransportTest, AnAnswerOverTheLimitIsABadResponse) {
  TransportOptions options;
  options.max_response_bytes = 1000;
  const auto r = send(HttpRequest{"GET", server_.url("/match-early"), {}, ""}, 5s, options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, AwsErrorKind::bad_response);
}

TEST_F(AwsTransportTest, TheBlockingSendBehavesTheSame) {
  HttpSend send_fn = blocking_http_send(5s);
  auto r = send_fn(HttpRequest{"POST", server_.url("/echo"), {{"X-Amz-Target", "T.Op"}}, "{}"});
  const auto echo = echoed(r);
  EXPECT_EQ(echo["headers"]["x-amz-target"], "T.Op");
  EXPECT_FALSE(echo["headers"].contains("content-type"));
  EXPECT_EQ(echo["headers"]["user-agent"], std::string(kUserAgent));
  auto slow = send_blocking(HttpRequest{"GET", server_.url("/slow-headers?ms=5000"), {}, ""}, 300ms);
  ASSERT_FALSE(slow);
  EXPECT_EQ(slow.error().kind, AwsErrorKind::timeout);
}

}  // namespace
}  // namespace rg::aws
