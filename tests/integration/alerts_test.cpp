// Alerting end to end: the daemon probes a real knotd through the DNS fault proxy, the proxy
// turns dynamodb.us-east-1 into an empty answer (NODATA, as in October 2025), and what arrives at
// a webhook sink on loopback is checked: one critical root-cause notification for DynamoDB in
// us-east-1 with the predicted impact — not a storm — then its resolution when the answer is back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "integration/api_client.h"
#include "support/dns_fault_proxy.h"
#include "support/http_test_server.h"
#include "support/knot_server.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::Contains;
using ::testing::IsEmpty;

constexpr const char* kDynamo = "dynamodb.us-east-1.example.test";

class AlertsTest : public testing::Test {
 protected:
  AlertsTest()
      : knot_({.zone = "example.test.",
               .records = {{"dynamodb.us-east-1", "A", "192.0.2.10", 60},
                           {"lambda.us-east-1", "A", "192.0.2.11", 60},
                           {"ec2.us-east-1", "A", "192.0.2.12", 60},
                           {"s3.us-east-1", "A", "192.0.2.20", 60},
                           {"dynamodb.eu-west-1", "A", "192.0.2.30", 60}},
               .update_key = std::nullopt}),
        proxy_(knot_.address(), knot_.port()) {}

  test::DaemonOptions options() const {
    test::DaemonOptions options;
    options.resolver = "127.0.0.1:" + std::to_string(proxy_.port());
    options.services = {"dynamodb", "lambda", "ec2", "s3"};
    options.endpoints = {{kDynamo, "dynamodb", "us-east-1"},
                         {"lambda.us-east-1.example.test", "lambda", "us-east-1"},
                         {"ec2.us-east-1.example.test", "ec2", "us-east-1"},
                         {"s3.us-east-1.example.test", "s3", "us-east-1"},
                         {"dynamodb.eu-west-1.example.test", "dynamodb", "eu-west-1"}};
    // Top-level sections after server:. The third failure (at about 3 s with 1 s rounds) takes the
    // endpoint down, which raises both endpoint-down and cascade-risk; group_wait sends them as one.
    options.extra_server_yaml = "alerts:\n  group_wait: 5s\n"
                                "runbooks:\n  dynamodb: Shift DynamoDB traffic to eu-west-1.\n"
                                "notifiers:\n  - { name: sink, type: webhook, url: \"" + sink_.url("/echo") +
                                "\", backoff: 100ms }\n";
    return options;
  }

  std::vector<json> deliveries() const {
    std::vector<json> out;
    for (const auto& request : sink_.recorded("/echo")) out.push_back(json::parse(request.body));
    return out;
  }

  test::KnotServer knot_;
  test::DnsFaultProxy proxy_;
  test::HttpTestServer sink_;
};

TEST_F(AlertsTest, AnEmptyDynamoDbAnswerSendsOneCriticalRootCauseAlertThenItsResolution) {
  test::Daemon daemon(options());
  // Healthy rounds first: nothing is sent and nothing is listed.
  daemon.wait_for("/api/v1/summary", [](const test::HttpReply& r) { return r.json()["round"].get<int>() >= 3; });
  EXPECT_THAT(deliveries(), IsEmpty());
  EXPECT_EQ(daemon.get("/api/v1/alerts").body, "[]");

  proxy_.set_fault_for(kDynamo, test::DnsFault::nodata);
  ASSERT_TRUE(sink_.wait_for_requests("/echo", 1, 30s)) << test::file_tail(daemon.log(), 40);
  // Let several more rounds pass: a storm would show up now.
  std::this_thread::sleep_for(5s);
  const auto sent = deliveries();
  ASSERT_EQ(sent.size(), 1u) << "expected one notification, got:\n" << json(sent).dump(2);
  const json& n = sent[0];
  EXPECT_EQ(n["status"], "firing");
  EXPECT_EQ(n["severity"], "critical");
  EXPECT_EQ(n["group"], "dynamodb/us-east-1");
  EXPECT_EQ(n["root_cause"]["service"], "dynamodb");
  EXPECT_EQ(n["root_cause"]["region"], "us-east-1");
  // The predicted impact of the October 2025 map: Lambda and EC2 need DynamoDB, ELB needs EC2.
  EXPECT_THAT(n["impact"]["services"], Contains("lambda"));
  EXPECT_THAT(n["impact"]["services"], Contains("ec2"));
  EXPECT_THAT(n["impact"]["services"], Contains("elbv2"));
  EXPECT_GE(n["impact"]["cascade_risk"].get<int>(), 50);
  EXPECT_EQ(n["runbook"], "Shift DynamoDB traffic to eu-west-1.");
  std::set<std::string> rules;
  for (const auto& alert : n["alerts"]) {
    rules.insert(alert["rule"].get<std::string>());
    EXPECT_EQ(alert["labels"]["region"], "us-east-1") << alert;
    EXPECT_EQ(alert["labels"]["service"], "dynamodb") << alert;
  }
  EXPECT_EQ(rules, (std::set<std::string>{"endpoint-down", "cascade-risk"}));

  // The API lists the same alerts firing (and endpoint-degraded pending: its `for` is 2 minutes),
  // all in the one group; /metrics counts them and the delivery.
  const auto listed = daemon.get("/api/v1/alerts").json();
  std::set<std::string> firing;
  for (const auto& alert : listed) {
    EXPECT_EQ(alert["group"], "dynamodb/us-east-1") << alert;
    if (alert["state"] == "firing") firing.insert(alert["id"].get<std::string>());
    else EXPECT_EQ(alert["id"], std::string("endpoint-degraded|") + kDynamo) << alert;
  }
  EXPECT_EQ(firing, (std::set<std::string>{std::string("endpoint-down|") + kDynamo, "cascade-risk|dynamodb/us-east-1"}));
  const auto metrics = daemon.get("/metrics").body;
  EXPECT_THAT(metrics, ::testing::HasSubstr("regionguard_alerts{state=\"firing\",severity=\"critical\"} 1\n"));
  EXPECT_THAT(metrics, ::testing::HasSubstr("regionguard_alerts{state=\"firing\",severity=\"high\"} 1\n"));
  EXPECT_THAT(metrics, ::testing::HasSubstr("regionguard_notifier_sent_total{notifier=\"sink\",type=\"webhook\"} 1\n"));
  EXPECT_THAT(metrics, ::testing::HasSubstr("regionguard_notifier_failed_total{notifier=\"sink\",type=\"webhook\"} 0\n"));

  // The answer comes back: one resolution for the same group.
  proxy_.clear();
  ASSERT_TRUE(sink_.wait_for_requests("/echo", 2, 30s)) << test::file_tail(daemon.log(), 40);
  std::this_thread::sleep_for(2s);
  const auto after = deliveries();
  ASSERT_EQ(after.size(), 2u) << json(after).dump(2);
  EXPECT_EQ(after[1]["status"], "resolved");
  EXPECT_EQ(after[1]["group"], "dynamodb/us-east-1");
  EXPECT_EQ(after[1]["alerts"].size(), 2u) << after[1].dump(2);
  const auto resolved = daemon.get("/api/v1/alerts").json();
  for (const auto& alert : resolved) EXPECT_EQ(alert["state"], "resolved") << alert;
}

TEST_F(AlertsTest, ASilenceNeedsTheTokenAndMutesTheGroup) {
  test::Daemon daemon(options());
  const std::string silence = R"({"matchers": {"service": "dynamodb"}, "duration": "1h", "comment": "drill"})";
  const auto denied = test::http_request(daemon.port(), boost::beast::http::verb::post, "/api/v1/alerts/silences", {}, silence);
  EXPECT_EQ(denied.status, 401u);
  const auto bad = test::http_request(daemon.port(), boost::beast::http::verb::post, "/api/v1/alerts/silences",
                                      {{"Authorization", "Bearer test-token-0123456789abcdef"}}, R"({"matchers": {}})");
  EXPECT_EQ(bad.status, 400u) << bad.body;
  const auto created = test::http_request(daemon.port(), boost::beast::http::verb::post, "/api/v1/alerts/silences",
                                          {{"Authorization", "Bearer test-token-0123456789abcdef"}}, silence);
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_EQ(created.json()["matchers"]["service"], "dynamodb");

  proxy_.set_fault_for(kDynamo, test::DnsFault::nodata);
  // The alerts fire (listed, silenced) but nothing is sent.
  const auto listed = daemon.wait_for("/api/v1/alerts", [](const test::HttpReply& r) {
    const auto alerts = r.json();
    return std::ranges::any_of(alerts, [](const json& a) { return a["rule"] == "endpoint-down" && a["state"] == "firing"; });
  });
  for (const auto& alert : listed.json()) EXPECT_TRUE(alert["silenced"].get<bool>()) << alert;
  std::this_thread::sleep_for(6s);  // past group_wait
  EXPECT_THAT(deliveries(), IsEmpty());
}

}  // namespace
}  // namespace rg
