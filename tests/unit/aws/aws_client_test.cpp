// The AwsClient's call loop with a scripted transport and a hand-driven clock: signing for the
// right scope, retries and backoff, the deadline, the quota, credentials that fail or expire.
#include <gtest/gtest.h>

#include <deque>
#include <optional>

#include "aws/aws_client.h"
#include "aws/route53_api.h"
#include "aws/ssm_api.h"
#include "unit/aws/aws_test_util.h"

namespace rg::aws {
namespace {

using std::chrono::milliseconds;
using namespace std::chrono_literals;

// Time moves only when the test says so; backoff timers fire in order as it passes.
class FakeScheduler final : public AwsScheduler {
 public:
  TimePoint wall_now() override { return wall_; }
  std::chrono::steady_clock::time_point steady_now() override { return steady_; }
  void after(milliseconds delay, std::function<void()> fn) override {
    timers_.push_back({steady_ + delay, std::move(fn)});
    delays.push_back(delay);
  }
  void advance(milliseconds d) {
    const auto until = steady_ + d;
    for (;;) {
      auto next = std::min_element(timers_.begin(), timers_.end(), [](auto& a, auto& b) { return a.first < b.first; });
      if (next == timers_.end() || next->first > until) break;
      const auto step = next->first - steady_;
      steady_ = next->first;
      wall_ += std::chrono::duration_cast<std::chrono::microseconds>(step);
      auto fn = std::move(next->second);
      timers_.erase(next);
      fn();
    }
    wall_ += std::chrono::duration_cast<std::chrono::microseconds>(until - steady_);
    steady_ = until;
  }
  std::size_t pending_timers() const { return timers_.size(); }
  std::vector<milliseconds> delays;

 private:
  TimePoint wall_ = test::at("2026-11-21T07:50:25Z");
  std::chrono::steady_clock::time_point steady_{};
  std::vector<std::pair<std::chrono::steady_clock::time_point, std::function<void()>>> timers_;
};

// Requests wait here until the test answers them.
class FakeTransport final : public AwsTransport {
 public:
  struct Sent {
    HttpRequest request;
    milliseconds timeout;
    TransportCallback done;
  };
  void send(HttpRequest request, milliseconds timeout, TransportCallback done) override {
    log.push_back(request);
    timeouts.push_back(timeout);
    pending.push_back({std::move(request), timeout, std::move(done)});
  }
  void answer(TransportResult result) {
    ASSERT_FALSE(pending.empty()) << "nothing was sent";
    auto sent = std::move(pending.front());
    pending.pop_front();
    sent.done(std::move(result));
  }
  std::deque<Sent> pending;
  std::vector<HttpRequest> log;
  std::vector<milliseconds> timeouts;
};

// Credentials that are handed out, or an error, and count invalidations.
class ScriptedCredentials final : public ClientCredentials {
 public:
  void get(TimePoint, CredentialsCallback done) override {
    ++gets;
    if (error) done(std::unexpected(*error));
    else done(AwsCredentials{"AKIDEXAMPLE", "secret", std::nullopt, std::nullopt, std::nullopt});
  }
  void invalidate() override { ++invalidations; }
  std::string describe() const override { return "scripted"; }
  std::optional<AwsError> error;
  int gets = 0;
  int invalidations = 0;
};

HttpResponse reply(int status, std::string body, HttpHeaders headers = {}) {
  return HttpResponse{status, std::move(headers), std::move(body)};
}

const char* kJsonThrottle = R"({"__type":"ThrottlingException","message":"Rate exceeded"})";
const char* kParameter =
    R"({"Parameter":{"Name":"/rg/active","Type":"String","Value":"us-west-2","Version":3,"LastModifiedDate":1795252058.102,"ARN":"arn:aws:ssm:us-east-1:123456789012:parameter/rg/active"}})";

struct Harness {
  FakeTransport transport;
  FakeScheduler scheduler;
  std::shared_ptr<ScriptedCredentials> credentials = std::make_shared<ScriptedCredentials>();
  std::shared_ptr<RetryQuota> quota = std::make_shared<RetryQuota>(500);
  std::unique_ptr<AwsClient> client;

  explicit Harness(std::string service = "ssm", std::string region = "eu-west-1", double random = 0.5,
                   EndpointSettings endpoints = {}) {
    AwsClientConfig config;
    config.service = std::move(service);
    config.region = std::move(region);
    config.endpoints = std::move(endpoints);
    config.call_timeout = 10s;
    config.attempt_timeout = 3s;
    auto created = AwsClient::create(std::move(config), AwsClientDeps{transport, credentials, scheduler, quota,
                                                                      [random] { return random; }});
    EXPECT_TRUE(created.has_value()) << created.error().to_string();
    client = std::move(*created);
  }
};

std::optional<std::expected<ssm::Parameter, AwsError>> outcome;

void get_active(Harness& h) {
  outcome.reset();
  ssm::get_parameter(*h.client, {"/rg/active", false}, [](std::expected<ssm::Parameter, AwsError> r) { outcome = std::move(r); });
}

TEST(AwsClient, SignsForTheServicesSigningNameAndRegionAndSendsToItsEndpoint) {
  Harness h("cloudwatch", "eu-west-1");
  std::optional<AwsResponse> got;
  h.client->call(AwsRequest{"DescribeAlarms", "POST", "/", {}, {{"Content-Type", "application/x-amz-json-1.0"}}, "{}", ""},
                 [&](AwsResponse r) { got = std::move(r); });
  ASSERT_EQ(h.transport.log.size(), 1u);
  const HttpRequest& sent = h.transport.log[0];
  EXPECT_EQ(sent.url, "https://monitoring.eu-west-1.amazonaws.com/");
  const auto auth = find_header(sent.headers, "Authorization");
  ASSERT_TRUE(auth);
  EXPECT_NE(auth->find("Credential=AKIDEXAMPLE/20261121/eu-west-1/monitoring/aws4_request"), std::string_view::npos) << *auth;
  EXPECT_EQ(find_header(sent.headers, "X-Amz-Date"), "20261121T075025Z");
  EXPECT_EQ(h.transport.timeouts[0], 3s);
  h.transport.answer(reply(200, "{}"));
  ASSERT_TRUE(got && got->has_value());
  EXPECT_EQ(h.quota->available(), 500);
}

TEST(AwsClient, GlobalServicesSignForUsEast1WhateverTheClientsRegion) {
  Harness h("route53", "eu-central-1");
  route53::get_change(*h.client, "/change/C2682N5HXP0BZ4", [](auto) {});
  ASSERT_EQ(h.transport.log.size(), 1u);
  EXPECT_EQ(h.transport.log[0].url, "https://route53.amazonaws.com/2013-04-01/change/C2682N5HXP0BZ4");
  EXPECT_NE(find_header(h.transport.log[0].headers, "Authorization")->find("/us-east-1/route53/aws4_request"),
            std::string_view::npos);
}

std::string record_page(std::string_view records, std::optional<std::string_view> next_name) {
  std::string out = R"(<ListResourceRecordSetsResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ResourceRecordSets>)";
  out += records;
  out += "</ResourceRecordSets>";
  if (next_name) {
    out += "<IsTruncated>true</IsTruncated><NextRecordName>" + std::string(*next_name) +
           "</NextRecordName><NextRecordType>A</NextRecordType>";
  } else {
    out += "<IsTruncated>false</IsTruncated>";
  }
  return out + "</ListResourceRecordSetsResponse>";
}

TEST(Route53Paging, FollowsNextRecordNameToTheLastPage) {
  Harness h("route53", "us-east-1");
  std::optional<std::expected<std::vector<route53::ResourceRecordSet>, AwsError>> all;
  route53::list_all_resource_record_sets(*h.client, "Z1", [&](auto r) { all = std::move(r); }, 1);
  h.transport.answer(reply(200, record_page("<ResourceRecordSet><Name>a.example.com.</Name><Type>A</Type></ResourceRecordSet>", "b.example.com.")));
  ASSERT_EQ(h.transport.log.size(), 2u);
  EXPECT_NE(h.transport.log[1].url.find("name=b.example.com.&type=A&maxitems=1"), std::string::npos) << h.transport.log[1].url;
  h.transport.answer(reply(200, record_page("<ResourceRecordSet><Name>b.example.com.</Name><Type>A</Type></ResourceRecordSet>", std::nullopt)));
  ASSERT_TRUE(all && all->has_value());
  ASSERT_EQ((*all)->size(), 2u);
  EXPECT_EQ((**all)[1].name, "b.example.com.");
}

TEST(Route53Paging, StopsWhenAPageDoesNotAdvance) {
  // moto's bug: a failover pair shares name and type, and NextRecordIdentifier never comes.
  Harness h("route53", "us-east-1");
  std::optional<std::expected<std::vector<route53::ResourceRecordSet>, AwsError>> all;
  route53::list_all_resource_record_sets(*h.client, "Z1", [&](auto r) { all = std::move(r); }, 1);
  const std::string page = record_page("<ResourceRecordSet><Name>app.example.com.</Name><Type>A</Type></ResourceRecordSet>", "app.example.com.");
  h.transport.answer(reply(200, page));
  h.transport.answer(reply(200, page));
  ASSERT_TRUE(all && !all->has_value());
  EXPECT_EQ(all->error().kind, AwsErrorKind::bad_response);
  EXPECT_EQ(all->error().message, "ListResourceRecordSets: page 2 does not advance (next record app.example.com. A)");
  EXPECT_EQ(h.transport.log.size(), 2u);
}

TEST(AwsClient, ThrottledTwiceThenSucceedsOnTheThirdAttempt) {
  Harness h;
  get_active(h);
  h.transport.answer(reply(400, kJsonThrottle));
  EXPECT_FALSE(outcome) << "the first throttle is retried";
  EXPECT_EQ(h.scheduler.delays.back(), 250ms);  // 0.5 * 500 ms
  EXPECT_EQ(h.transport.pending.size(), 0u) << "nothing is sent during the backoff";
  h.scheduler.advance(249ms);
  EXPECT_EQ(h.transport.pending.size(), 0u);
  h.scheduler.advance(1ms);
  ASSERT_EQ(h.transport.pending.size(), 1u);

  h.scheduler.advance(1s);  // the second attempt takes a second to be throttled
  h.transport.answer(reply(400, kJsonThrottle));
  EXPECT_EQ(h.scheduler.delays.back(), 500ms);  // 0.5 * 1000 ms
  h.scheduler.advance(500ms);
  h.transport.answer(reply(200, kParameter));

  ASSERT_TRUE(outcome && outcome->has_value()) << (outcome ? outcome->error().to_string() : "no outcome");
  EXPECT_EQ((*outcome)->value, "us-west-2");
  EXPECT_EQ(h.transport.log.size(), 3u);
  // Each attempt is signed afresh, at its own time: 25 s + 0.25 + 1 + 0.5.
  EXPECT_EQ(find_header(h.transport.log[0].headers, "X-Amz-Date"), "20261121T075025Z");
  EXPECT_EQ(find_header(h.transport.log[2].headers, "X-Amz-Date"), "20261121T075026Z");
  // Two retries took 10 tokens; the success gave back the last retry's 5.
  EXPECT_EQ(h.quota->available(), 495);
}

TEST(AwsClient, GivesUpAfterThreeAttemptsWithTheLastError) {
  Harness h;
  get_active(h);
  for (int attempt = 1; attempt <= 3; ++attempt) {
    h.transport.answer(reply(503, R"({"__type":"ServiceUnavailableException","message":"down"})"));
    h.scheduler.advance(1s);
  }
  ASSERT_TRUE(outcome && !outcome->has_value());
  const AwsError& e = outcome->error();
  EXPECT_EQ(e.kind, AwsErrorKind::service_error);
  EXPECT_EQ(e.code, "ServiceUnavailableException");
  EXPECT_EQ(e.http_status, 503);
  EXPECT_EQ(e.attempts, 3);
  EXPECT_NE(e.message.find("not retried: max attempts (3) reached"), std::string::npos) << e.message;
  EXPECT_EQ(h.transport.log.size(), 3u);
  EXPECT_EQ(h.quota->available(), 490) << "no refund without a success";
}

TEST(AwsClient, AValidationErrorEndsTheCallAtOnce) {
  Harness h;
  get_active(h);
  h.transport.answer(reply(400, R"({"__type":"ValidationException","message":"1 validation error detected"})"));
  ASSERT_TRUE(outcome && !outcome->has_value());
  EXPECT_EQ(outcome->error().code, "ValidationException");
  EXPECT_EQ(outcome->error().attempts, 1);
  EXPECT_EQ(h.scheduler.pending_timers(), 0u);
  EXPECT_EQ(h.transport.log.size(), 1u);
}

TEST(AwsClient, AnHtml500IsAClearErrorAndNotRetried) {
  Harness h;
  get_active(h);
  h.transport.answer(reply(500, "<!doctype html>\n<html><title>500 Internal Server Error</title></html>",
                           {{"Content-Type", "text/html; charset=utf-8"}}));
  ASSERT_TRUE(outcome && !outcome->has_value());
  const AwsError& e = outcome->error();
  EXPECT_EQ(e.kind, AwsErrorKind::service_error);
  EXPECT_EQ(e.http_status, 500);
  EXPECT_EQ(e.message, "an HTML page instead of an AWS error document (\"500 Internal Server Error\")");
  EXPECT_EQ(e.attempts, 1);
}

TEST(AwsClient, AGarbledSuccessBodyIsABadResponseNotACrash) {
  Harness h;
  get_active(h);
  h.transport.answer(reply(200, R"({"Parameter":{"Name":"/rg/act)"));
  ASSERT_TRUE(outcome && !outcome->has_value());
  EXPECT_EQ(outcome->error().kind, AwsErrorKind::bad_response);
  EXPECT_EQ(outcome->error().message, "GetParameter: the answer is not valid JSON (29 bytes)");
}

TEST(AwsClient, TimeoutsAreRetriedAndCostTenTokens) {
  Harness h;
  get_active(h);
  h.transport.answer(std::unexpected(make_error(AwsErrorKind::timeout, "no complete answer within 3000 ms")));
  EXPECT_EQ(h.quota->available(), 490);
  EXPECT_EQ(h.scheduler.delays.back(), 50ms);  // 0.5 * 100 ms
  h.scheduler.advance(50ms);
  h.transport.answer(reply(200, kParameter));
  ASSERT_TRUE(outcome && outcome->has_value());
  EXPECT_EQ(h.quota->available(), 500);
}

TEST(AwsClient, TheDeadlineCutsTheLastAttemptShortAndEndsTheCall) {
  Harness h;
  outcome.reset();
  h.client->call(ssm::build_get_parameter({"/rg/active", false}),
                 [](AwsResponse r) { outcome = r ? std::expected<ssm::Parameter, AwsError>(ssm::parse_get_parameter(*r))
                                                 : std::unexpected(r.error()); },
                 CallOptions{milliseconds(7000), std::nullopt});
  // Attempt 1 gets its full 3 s and times out; backoff 0.5 * 100 ms.
  h.scheduler.advance(3s);
  h.transport.answer(std::unexpected(make_error(AwsErrorKind::timeout, "no complete answer within 3000 ms")));
  h.scheduler.advance(50ms);
  // Attempt 2 likewise; backoff 0.5 * 200 ms.
  h.scheduler.advance(3s);
  h.transport.answer(std::unexpected(make_error(AwsErrorKind::timeout, "no complete answer within 3000 ms")));
  h.scheduler.advance(100ms);
  // Attempt 3 starts at 6.15 s and gets only the 850 ms left of the 7 s.
  ASSERT_EQ(h.transport.pending.size(), 1u);
  EXPECT_EQ(h.transport.timeouts, (std::vector<milliseconds>{3000ms, 3000ms, 850ms}));
  EXPECT_FALSE(outcome);
  h.scheduler.advance(850ms);
  h.transport.answer(std::unexpected(make_error(AwsErrorKind::timeout, "no complete answer within 850 ms")));
  ASSERT_TRUE(outcome && !outcome->has_value());
  EXPECT_EQ(outcome->error().kind, AwsErrorKind::timeout);
  EXPECT_EQ(outcome->error().attempts, 3);
  EXPECT_NE(outcome->error().message.find("the call's deadline of 7 s passed (attempt 3)"), std::string::npos)
      << outcome->error().message;
}

TEST(AwsClient, AShortCallTimeoutBoundsTheAttemptAndReportsTheDeadline) {
  Harness h;
  outcome.reset();
  h.client->call(ssm::build_get_parameter({"/rg/active", false}),
                 [](AwsResponse r) { outcome = r ? std::expected<ssm::Parameter, AwsError>(ssm::parse_get_parameter(*r))
                                                 : std::unexpected(r.error()); },
                 CallOptions{milliseconds(1200), std::nullopt});
  ASSERT_EQ(h.transport.pending.size(), 1u);
  EXPECT_EQ(h.transport.timeouts[0], 1200ms) << "the attempt gets what is left of the call, not its own 3 s";
  h.scheduler.advance(1200ms);
  h.transport.answer(std::unexpected(make_error(AwsErrorKind::timeout, "no complete answer within 1200 ms")));
  ASSERT_TRUE(outcome && !outcome->has_value());
  const AwsError& e = outcome->error();
  EXPECT_EQ(e.kind, AwsErrorKind::timeout);
  EXPECT_EQ(e.attempts, 1);
  EXPECT_NE(e.message.find("the call's deadline of 1200 ms passed"), std::string::npos) << e.message;
  EXPECT_EQ(h.scheduler.pending_timers(), 0u);
}

TEST(AwsClient, NoRetryWhenTheBackoffWouldOutliveTheDeadline) {
  Harness h("ssm", "eu-west-1", 0.9);
  outcome.reset();
  h.client->call(ssm::build_get_parameter({"/rg/active", false}),
                 [](AwsResponse r) { outcome = r ? std::expected<ssm::Parameter, AwsError>(ssm::parse_get_parameter(*r))
                                                 : std::unexpected(r.error()); },
                 CallOptions{milliseconds(1000), std::nullopt});
  h.scheduler.advance(700ms);
  h.transport.answer(reply(400, kJsonThrottle));  // backoff 0.9 * 500 = 450 ms > 300 ms left
  ASSERT_TRUE(outcome && !outcome->has_value());
  EXPECT_EQ(outcome->error().code, "ThrottlingException");
  EXPECT_NE(outcome->error().message.find("deadline leaves no time"), std::string::npos);
}

TEST(AwsClient, TransportErrorsAreRetried) {
  Harness h;
  get_active(h);
  h.transport.answer(std::unexpected(make_error(AwsErrorKind::transport, "Connection refused")));
  h.scheduler.advance(50ms);
  h.transport.answer(reply(200, kParameter));
  ASSERT_TRUE(outcome && outcome->has_value());
}

TEST(AwsClient, WithoutCredentialsNothingIsSent) {
  Harness h;
  h.credentials->error = make_error(AwsErrorKind::no_credentials, "no AWS credentials");
  get_active(h);
  ASSERT_TRUE(outcome && !outcome->has_value());
  EXPECT_EQ(outcome->error().kind, AwsErrorKind::no_credentials);
  EXPECT_EQ(outcome->error().message, "GetParameter: no credentials to sign with: no AWS credentials");
  EXPECT_TRUE(h.transport.log.empty());
}

TEST(AwsClient, AnExpiredTokenDropsTheCachedCredentials) {
  Harness h;
  get_active(h);
  h.transport.answer(reply(400, R"(<ErrorResponse><Error><Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error></ErrorResponse>)"));
  ASSERT_TRUE(outcome && !outcome->has_value());
  EXPECT_EQ(outcome->error().code, "ExpiredToken");
  EXPECT_EQ(h.credentials->invalidations, 1);
}

TEST(AwsClient, ACallForAnotherServiceIsRefusedBeforeSending) {
  Harness h("cloudwatch", "us-east-1");
  get_active(h);  // an SSM call on a CloudWatch client would land in the wrong moto backend
  ASSERT_TRUE(outcome && !outcome->has_value());
  EXPECT_EQ(outcome->error().kind, AwsErrorKind::invalid_argument);
  EXPECT_EQ(outcome->error().message, "GetParameter is a ssm call, but the client is for cloudwatch");
  EXPECT_TRUE(h.transport.log.empty());
}

TEST(AwsClient, UsesAConfiguredEndpointAndKeepsTheSigningScope) {
  const AwsEnvironment env = test::fake_env({{"AWS_ENDPOINT_URL_SSM", "http://127.0.0.1:4566/"}}, "/nonexistent");
  EndpointSettings settings;
  settings.env = &env;
  Harness h("ssm", "ap-south-1", 0.5, settings);
  EXPECT_EQ(h.client->endpoint().source, EndpointSource::env_service);
  get_active(h);
  ASSERT_EQ(h.transport.log.size(), 1u);
  EXPECT_EQ(h.transport.log[0].url, "http://127.0.0.1:4566/");
  EXPECT_NE(find_header(h.transport.log[0].headers, "Authorization")->find("/ap-south-1/ssm/aws4_request"),
            std::string_view::npos);
}

TEST(AwsClient, AbandonsCallsWhenDestroyed) {
  Harness h;
  bool called = false;
  h.client->call(ssm::build_get_parameter({"/x", false}), [&](AwsResponse) { called = true; });
  h.client.reset();
  h.transport.answer(reply(200, kParameter));
  EXPECT_FALSE(called);
}

TEST(AwsClient, RefusesUnknownServicesAndBadRegions) {
  FakeTransport transport;
  FakeScheduler scheduler;
  auto creds = std::make_shared<ScriptedCredentials>();
  AwsClientConfig config;
  config.service = "lambda";
  config.region = "us-east-1";
  auto unknown = AwsClient::create(config, AwsClientDeps{transport, creds, scheduler, nullptr, nullptr});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, "unknown AWS service 'lambda'");
  config.service = "ssm";
  config.region = "us-east-1/../x";
  EXPECT_FALSE(AwsClient::create(config, AwsClientDeps{transport, creds, scheduler, nullptr, nullptr}));
}

}  // namespace
}  // namespace rg::aws
