// The `dependencies:`, `runbooks:`, `alerts:` and `notifiers:` sections: the defaults when they
// are left out, every key read, and bad values reported with file:line:col and their path.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/alerts_reader.h"
#include "config/config_loader.h"
#include "unit/config/config_errors.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;

const std::string base = R"(regions: [us-east-1]
services:
  dynamodb:
endpoints:
  - { hostname: dynamodb.us-east-1.amazonaws.com, service: dynamodb, region: us-east-1 }
)";

using test::errors_of;

TEST(AlertsSection, LeftOutEverythingHasTheDefaults) {
  const auto config = load_config_string(base, "a.yaml");
  ASSERT_TRUE(config);
  EXPECT_THAT(config->dependencies.services.at("lambda"), ElementsAre("dynamodb"));
  EXPECT_THAT(config->dependencies.services.at("elbv2"), ElementsAre("ec2"));
  std::vector<std::string> rules;
  for (const auto& rule : config->alerts.rules) rules.push_back(rule.name);
  EXPECT_THAT(rules, ElementsAre("endpoint-down", "endpoint-degraded", "cascade-risk", "anomaly", "answer-changed",
                                 "failover"));
  EXPECT_EQ(config->alerts.rules[0].count, 3);  // the hysteresis' fall
  EXPECT_EQ(config->alerts.group_wait, 10s);
  EXPECT_EQ(config->alerts.repeat_interval, 4h);
  EXPECT_TRUE(config->notifiers.empty());
}

TEST(AlertsSection, EveryKeyIsRead) {
  const auto config = load_config_string(base + R"(dependencies:
  services: { lambda: [dynamodb], api: [lambda] }
  applications: { checkout: [api] }
runbooks:
  dynamodb: Fail over writes.
alerts:
  group_wait: 0s
  repeat_interval: 1h
  rules:
    - { name: ddb, type: consecutive_failures, count: 2, severity: critical, for: 5s, service: dynamodb,
        region: us-east-1, labels: { team: data } }
    - { name: risk, type: cascade_risk, threshold: 30 }
    - { name: slow, type: status, status: critical }
notifiers:
  - { name: hook, type: webhook, url: "http://127.0.0.1:9/hook", min_severity: high, attempts: 2, backoff: 100ms,
      timeout: 2s }
  - { name: chat, type: slack, url: "https://hooks.example.test/x" }
  - { name: topic, type: sns, topic_arn: "arn:aws:sns:eu-west-1:123456789012:alerts" }
  - { name: mail, type: email, url: "smtp://127.0.0.1:25", from: rg@example.test, to: [sre@example.test] }
)",
                                           "a.yaml");
  ASSERT_TRUE(config) << errors_of(base).size();
  EXPECT_THAT(config->dependencies.services.at("api"), ElementsAre("lambda"));
  EXPECT_FALSE(config->dependencies.services.contains("ec2"));  // a section replaces the defaults
  EXPECT_THAT(config->dependencies.applications.at("checkout"), ElementsAre("api"));
  EXPECT_EQ(config->dependencies.runbooks.at("dynamodb"), "Fail over writes.");
  EXPECT_EQ(config->alerts.group_wait, 0s);
  ASSERT_EQ(config->alerts.rules.size(), 3u);
  const auto& ddb = config->alerts.rules[0];
  EXPECT_EQ(ddb.type, AlertRuleType::consecutive_failures);
  EXPECT_EQ(ddb.count, 2);
  EXPECT_EQ(ddb.severity, AlertSeverity::critical);
  EXPECT_EQ(ddb.for_duration, 5s);
  EXPECT_EQ(ddb.labels.at("team"), "data");
  EXPECT_EQ(config->alerts.rules[1].threshold, 30);
  EXPECT_EQ(config->alerts.rules[2].status, 2);
  ASSERT_EQ(config->notifiers.size(), 4u);
  EXPECT_EQ(config->notifiers[0].min_severity, AlertSeverity::high);
  EXPECT_EQ(config->notifiers[0].attempts, 2);
  EXPECT_EQ(config->notifiers[0].backoff, 100ms);
  EXPECT_EQ(config->notifiers[1].kind, NotifierConfig::Kind::slack);
  EXPECT_EQ(config->notifiers[2].region, "eu-west-1");  // read from the ARN
  EXPECT_THAT(config->notifiers[3].to, ElementsAre("sre@example.test"));
}

TEST(AlertsSection, BadValuesAreReportedWithTheirPath) {
  EXPECT_THAT(errors_of(base + R"(alerts:
  rules:
    - { name: a, type: statuss }
    - { name: a, type: status, count: 2, severity: page }
notifiers:
  - { name: hook, type: webhook, url: "ftp://x" }
  - { name: mail, type: email, url: "smtp://127.0.0.1" }
)"),
              ElementsAre("a.yaml:8:24: alerts.rules[0].type: must be one of: status, consecutive_failures, anomaly, "
                          "cascade_risk, answer_change, failover; did you mean `status`?",
                          "a.yaml:9:7: alerts.rules[1]: duplicate rule name `a`",
                          "a.yaml:9:39: alerts.rules[1].count: applies only to rules of type consecutive_failures",
                          "a.yaml:9:52: alerts.rules[1].severity: must be one of: info, warning, high, critical",
                          "a.yaml:11:39: notifiers[0].url: must be an http:// or https:// URL",
                          "a.yaml:12:5: notifiers[1]: `from` is required for type email",
                          "a.yaml:12:5: notifiers[1]: `to` is required for type email"));
}

}  // namespace
}  // namespace rg
