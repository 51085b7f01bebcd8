// Each notifier against a real receiver on loopback: the generic webhook and Slack against an
// HTTP server, e-mail against an SMTP sink, SNS against moto_server. Then the dispatcher: a
// notifier that is down is retried with backoff and reported as failed, while another delivers
// at once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "aws/aws_client.h"
#include "aws/sns_api.h"
#include "net/curl_multi.h"
#include "notify/notification_dispatcher.h"
#include "notify/notifier.h"
#include "support/free_port.h"
#include "support/http_test_server.h"
#include "support/moto_server.h"
#include "support/smtp_sink.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

const TimePoint t0 = from_unix_us(1'800'000'000'000'000);

Notification dynamodb_down() {
  Notification n;
  n.group = "dynamodb/us-east-1";
  n.severity = AlertSeverity::critical;
  n.title = "[CRITICAL] dynamodb us-east-1: root cause, 1 alert";
  n.at = t0;
  CascadeRoot root;
  root.service = "dynamodb";
  root.region = "us-east-1";
  root.impacted_services = {"lambda", "ec2", "elbv2"};
  root.impacted_applications = {"checkout"};
  root.runbook = "Shift writes to us-west-2.";
  n.root = root;
  n.cascade_score = 94;
  Alert alert;
  alert.id = "endpoint-down|dynamodb.us-east-1.amazonaws.com";
  alert.rule = "endpoint-down";
  alert.severity = AlertSeverity::critical;
  alert.state = AlertState::firing;
  alert.summary = "dynamodb.us-east-1.amazonaws.com failed 3 times in a row (nodata)";
  alert.fired_at = t0;
  alert.labels = {{"service", "dynamodb"}, {"region", "us-east-1"}};
  n.alerts = {alert};
  return n;
}

NotifierConfig notifier(std::string name, NotifierConfig::Kind kind, std::string url) {
  NotifierConfig config;
  config.name = std::move(name);
  config.kind = kind;
  config.url = std::move(url);
  config.timeout = 5s;
  config.attempts = 1;
  config.backoff = 50ms;
  return config;
}

// Runs the loop until `done()` or the deadline.
template <typename Done>
bool run_until(boost::asio::io_context& io, Done done, std::chrono::seconds limit = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(10ms);
  }
  return done();
}

class NotifierTest : public testing::Test {
 protected:
  std::string send(Notifier& n, const Notification& notification = dynamodb_down()) {
    std::optional<std::string> outcome;
    n.send(notification, [&](std::string error) { outcome = std::move(error); });
    EXPECT_TRUE(run_until(io_, [&] { return outcome.has_value(); })) << "no outcome";
    return outcome.value_or("no outcome");
  }
  boost::asio::io_context io_;
  CurlMulti curl_{io_};
};

TEST_F(NotifierTest, WebhookPostsTheDocumentedJson) {
  test::HttpTestServer sink;
  auto hook = make_http_notifier(curl_, notifier("hook", NotifierConfig::Kind::webhook, sink.url("/echo")));
  EXPECT_EQ(send(*hook), "");
  const auto received = sink.recorded("/echo");
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].method, "POST");
  EXPECT_EQ(received[0].header("Content-Type"), "application/json");
  const auto body = nlohmann::json::parse(received[0].body);
  EXPECT_EQ(body["status"], "firing");
  EXPECT_EQ(body["group"], "dynamodb/us-east-1");
  EXPECT_EQ(body["severity"], "critical");
  EXPECT_EQ(body["root_cause"]["service"], "dynamodb");
  EXPECT_EQ(body["impact"]["services"], (nlohmann::json{"lambda", "ec2", "elbv2"}));
  EXPECT_EQ(body["impact"]["applications"], (nlohmann::json{"checkout"}));
  EXPECT_EQ(body["impact"]["cascade_risk"], 94);
  EXPECT_EQ(body["runbook"], "Shift writes to us-west-2.");
  ASSERT_EQ(body["alerts"].size(), 1u);
  EXPECT_EQ(body["alerts"][0]["rule"], "endpoint-down");
  EXPECT_EQ(body["alerts"][0]["labels"]["service"], "dynamodb");
  EXPECT_EQ(body["sent_at"], format_iso8601(t0));
}

TEST_F(NotifierTest, SlackGetsTextAndBlocks) {
  test::HttpTestServer sink;
  auto slack = make_http_notifier(curl_, notifier("chat", NotifierConfig::Kind::slack, sink.url("/echo")));
  EXPECT_EQ(send(*slack), "");
  const auto body = nlohmann::json::parse(sink.recorded("/echo").at(0).body);
  EXPECT_EQ(body["text"], "[CRITICAL] dynamodb us-east-1: root cause, 1 alert");
  EXPECT_THAT(body["blocks"][0]["text"]["text"].get<std::string>(),
              HasSubstr("Predicted impact: services lambda, ec2, elbv2; applications checkout"));
}

TEST_F(NotifierTest, AWebhookAnsweringAnErrorStatusIsAFailure) {
  test::HttpTestServer sink;
  // The routes other than /echo refuse POST with 405.
  auto hook = make_http_notifier(curl_, notifier("hook", NotifierConfig::Kind::webhook, sink.url("/ok")));
  EXPECT_EQ(send(*hook), "HTTP 405");
}

TEST_F(NotifierTest, EmailReachesTheSmtpSink) {
  test::SmtpSink smtp;
  auto config = notifier("mail", NotifierConfig::Kind::email, smtp.url());
  config.from = "regionguard@example.test";
  config.to = {"sre@example.test", "oncall@example.test"};
  auto mail = make_email_notifier(curl_, config);
  EXPECT_EQ(send(*mail), "");
  ASSERT_TRUE(smtp.wait_for(1, 5s));
  const auto received = smtp.mails().at(0);
  EXPECT_EQ(received.from, "regionguard@example.test");
  EXPECT_THAT(received.to, ::testing::ElementsAre("sre@example.test", "oncall@example.test"));
  EXPECT_THAT(received.data, HasSubstr("Subject: [CRITICAL] dynamodb us-east-1: root cause, 1 alert\r\n"));
  EXPECT_THAT(received.data, HasSubstr("Recommended actions: Shift writes to us-west-2.\r\n"));
}

TEST_F(NotifierTest, SnsPublishesToMoto) {
  test::MotoServer moto;
  aws::CurlTransport transport(curl_);
  aws::AsioScheduler scheduler(io_);
  auto credentials = std::make_shared<aws::FixedCredentials>(
      aws::AwsCredentials{"testing", "testing", std::nullopt, std::nullopt, std::nullopt});
  aws::AwsClientConfig client_config;
  client_config.service = "sns";
  client_config.region = "us-east-1";
  client_config.endpoints.overrides["sns"] = moto.endpoint();
  client_config.call_timeout = 120s;
  client_config.attempt_timeout = 90s;
  auto client = aws::AwsClient::create(client_config, {transport, credentials, scheduler, nullptr, nullptr});
  ASSERT_TRUE(client) << client.error().to_string();
  std::optional<std::expected<std::string, aws::AwsError>> topic;
  aws::sns::create_topic(**client, {"regionguard-alerts", {}}, [&](auto arn) { topic = std::move(arn); });
  ASSERT_TRUE(run_until(io_, [&] { return topic.has_value(); }, 120s));
  ASSERT_TRUE(*topic) << topic->error().to_string();

  auto config = notifier("topic", NotifierConfig::Kind::sns, "");
  config.topic_arn = **topic;
  config.region = "us-east-1";
  auto sns = make_sns_notifier(config, [&](const NotifierConfig&) {
    return std::expected<aws::AwsClient*, aws::AwsError>(client->get());
  });
  EXPECT_EQ(send(*sns), "");
  // moto keeps what was published: its backend API lists the messages per topic.
  const auto published = moto.request("GET", "/moto-api/data.json");
  ASSERT_EQ(published.status, 200);
  EXPECT_THAT(published.body, HasSubstr("failed 3 times in a row (nodata)"));

  // A topic that does not exist is an error from SNS, reported as such.
  config.topic_arn = "arn:aws:sns:us-east-1:123456789012:missing";
  auto missing = make_sns_notifier(config, [&](const NotifierConfig&) {
    return std::expected<aws::AwsClient*, aws::AwsError>(client->get());
  });
  EXPECT_THAT(send(*missing), HasSubstr("NotFound"));
}

TEST_F(NotifierTest, ADownNotifierIsRetriedThenCountedFailedWhileAnotherDeliversAtOnce) {
  test::HttpTestServer sink;
  auto down = notifier("down", NotifierConfig::Kind::webhook, "http://127.0.0.1:" + std::to_string(test::free_port()) + "/hook");
  down.attempts = 3;
  down.backoff = 200ms;  // 200 + 400 ms of backoff before it gives up
  std::vector<std::unique_ptr<Notifier>> notifiers;
  notifiers.push_back(make_http_notifier(curl_, down));
  notifiers.push_back(make_http_notifier(curl_, notifier("up", NotifierConfig::Kind::webhook, sink.url("/echo"))));
  NotificationDispatcher dispatcher(io_, std::move(notifiers));

  const auto started = std::chrono::steady_clock::now();
  dispatcher.dispatch(dynamodb_down());
  ASSERT_TRUE(run_until(io_, [&] { return sink.recorded("/echo").size() == 1; }));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 500ms) << "the healthy notifier waited for the down one";
  EXPECT_FALSE(dispatcher.idle());

  ASSERT_TRUE(run_until(io_, [&] { return dispatcher.idle(); }));
  EXPECT_GE(std::chrono::steady_clock::now() - started, 600ms);  // the backoff was honoured
  const auto stats = dispatcher.stats();
  EXPECT_EQ(stats[0].name, "down");
  EXPECT_EQ(stats[0].sent, 0u);
  EXPECT_EQ(stats[0].retries, 2u);
  EXPECT_EQ(stats[0].failed, 1u);
  EXPECT_EQ(stats[1].sent, 1u);
  EXPECT_EQ(stats[1].failed, 0u);
}

TEST_F(NotifierTest, ResolvedGoesOnlyWhereTheFiringWentAndMinSeverityFilters) {
  test::HttpTestServer sink;
  auto pager = notifier("pager", NotifierConfig::Kind::webhook, sink.url("/echo"));
  pager.min_severity = AlertSeverity::critical;
  std::vector<std::unique_ptr<Notifier>> notifiers;
  notifiers.push_back(make_http_notifier(curl_, pager));
  NotificationDispatcher dispatcher(io_, std::move(notifiers));

  Notification warning = dynamodb_down();
  warning.group = "s3/us-east-1";
  warning.severity = AlertSeverity::warning;
  dispatcher.dispatch(warning);  // below the pager's threshold
  Notification resolved_warning = warning;
  resolved_warning.resolved = true;
  dispatcher.dispatch(resolved_warning);  // its firing never went out: nor does its resolution
  dispatcher.dispatch(dynamodb_down());
  Notification resolved = dynamodb_down();
  resolved.resolved = true;
  resolved.severity = AlertSeverity::info;
  dispatcher.dispatch(resolved);
  ASSERT_TRUE(run_until(io_, [&] { return dispatcher.idle(); }));
  const auto received = sink.recorded("/echo");
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(received[0].body)["status"], "firing");
  EXPECT_EQ(nlohmann::json::parse(received[1].body)["status"], "resolved");
  EXPECT_EQ(nlohmann::json::parse(received[1].body)["group"], "dynamodb/us-east-1");
}

}  // namespace
}  // namespace rg
