// The alert engine, narrated round by round with a fake clock: each rule's `for`, firing and
// resolution; deduplication; root-cause grouping (one notification for DynamoDB and what depends
// on it); group_wait, escalation and repeat; silences with expiry; and a restart.
#include "analyze/alert_engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "alerting_fixture.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using test::endpoint_state;

const TimePoint t0 = from_unix_us(1'800'000'000'000'000);

// Drives an engine one round at a time; `now` moves only when the test says so.
class Narrator {
 public:
  explicit Narrator(Config config) : config_(std::move(config)), graph_(config_.dependencies), engine_(config_) {
    for (const auto* service : {"dynamodb", "lambda", "ec2", "elbv2", "s3"})
      states_.push_back(endpoint_state(service, "us-east-1"));
  }

  void set(const std::string& service, HealthStatus status, FailureKind failure = FailureKind::none) {
    for (auto& s : states_)
      if (s.service == service) s = endpoint_state(service, "us-east-1", status, failure);
  }

  // A round `after` the previous one: every endpoint probed once, in its current state.
  AlertUpdate round(std::chrono::seconds after = 10s, std::vector<EndpointEvent> events = {},
                    std::vector<AnomalySignal> anomalies = {}, std::vector<FailoverSignal> failovers = {}) {
    now_ += after;
    std::vector<Observation> observations;
    for (const auto& s : states_) {
      Observation o;
      o.result.endpoint_id = s.endpoint_id;
      o.result.success = s.success;
      o.result.failure = s.failure;
      o.status = s.status;
      observations.push_back(o);
    }
    cascade_ = assess_cascade_risk(config_, graph_, summarize(states_, config_.regions));
    return engine_.evaluate({now_, states_, observations, events, cascade_, anomalies, failovers, advice});
  }

  // What the failover policy concluded at each round, as the controller hands it to alerting.
  std::vector<FailoverAdvice> advice;

  AlertEngine& engine() { return engine_; }
  TimePoint now() const { return now_; }

 private:
  Config config_;
  DependencyGraph graph_;
  AlertEngine engine_;
  std::vector<EndpointState> states_;
  std::vector<RegionCascadeRisk> cascade_;
  TimePoint now_ = t0;
};

// A configuration with only the rules named, so each test watches one thing.
Config only(std::initializer_list<std::string_view> names) {
  Config config = test::alerting_config();
  std::erase_if(config.alerts.rules, [&](const AlertRuleConfig& rule) {
    return std::ranges::find(names, std::string_view(rule.name)) == names.end();
  });
  return config;
}

TEST(AlertEngine, ConsecutiveFailuresFireOnTheThirdAndResolveWithANotification) {
  Config config = only({"endpoint-down"});
  config.alerts.group_wait = 0s;
  Narrator n(config);
  n.set("s3", HealthStatus::critical, FailureKind::servfail);
  // Two failures: nothing yet.
  EXPECT_THAT(n.round().history, IsEmpty());
  EXPECT_THAT(n.round().history, IsEmpty());
  // The third: pending and firing at once (for: 0), and notified as its own group.
  auto update = n.round();
  ASSERT_EQ(update.history.size(), 2u);
  EXPECT_EQ(update.history[1].state, AlertState::firing);
  EXPECT_EQ(update.history[1].alert_id, "endpoint-down|s3.us-east-1");
  ASSERT_EQ(update.notifications.size(), 1u);
  EXPECT_EQ(update.notifications[0].group, "s3/us-east-1");
  EXPECT_EQ(update.notifications[0].severity, AlertSeverity::critical);
  EXPECT_EQ(update.notifications[0].alerts[0].summary, "s3.us-east-1 failed 3 times in a row (servfail)");
  // Still failing: deduplicated, no new notification.
  update = n.round();
  EXPECT_THAT(update.notifications, IsEmpty());
  EXPECT_EQ(n.engine().alerts().size(), 1u);
  // Back: resolved, and the resolution is sent.
  n.set("s3", HealthStatus::healthy);
  update = n.round();
  ASSERT_EQ(update.notifications.size(), 1u);
  EXPECT_TRUE(update.notifications[0].resolved);
  EXPECT_EQ(update.notifications[0].alerts[0].state, AlertState::resolved);
  EXPECT_EQ(n.engine().alerts()[0].state, AlertState::resolved);
  EXPECT_EQ(n.engine().alerts()[0].resolved_at, n.now());
}

TEST(AlertEngine, AStatusRuleWaitsForItsForDuration) {
  Config config = only({"endpoint-degraded"});  // warning or worse for 2 minutes
  config.alerts.group_wait = 0s;
  Narrator n(config);
  n.set("lambda", HealthStatus::warning);
  auto update = n.round();
  ASSERT_EQ(update.history.size(), 1u);
  EXPECT_EQ(update.history[0].state, AlertState::pending);
  update = n.round(60s);
  EXPECT_THAT(update.history, IsEmpty());  // one minute in: still pending
  update = n.round(60s);
  ASSERT_EQ(update.history.size(), 1u);  // two minutes: firing
  EXPECT_EQ(update.history[0].state, AlertState::firing);
  EXPECT_EQ(update.notifications.size(), 1u);
}

TEST(AlertEngine, APendingAlertThatClearsIsNeverNotified) {
  Config config = only({"endpoint-degraded"});
  Narrator n(config);
  n.set("lambda", HealthStatus::warning);
  n.round();
  n.set("lambda", HealthStatus::healthy);
  const auto update = n.round(30s);
  EXPECT_THAT(update.notifications, IsEmpty());
  ASSERT_EQ(update.history.size(), 1u);
  EXPECT_EQ(update.history[0].state, AlertState::resolved);
  EXPECT_THAT(n.engine().alerts(), IsEmpty());
}

// shop under failover control, judged in us-east-1 by DynamoDB and Lambda.
Config with_shop(Config config) {
  config.regions.push_back("eu-west-1");
  for (const auto* region : {"us-east-1", "us-west-2", "eu-west-1"})
    for (const auto* service : {"dynamodb", "lambda"}) {
      EndpointConfig endpoint;
      endpoint.id = std::string(service) + "." + region;
      endpoint.hostname = endpoint.id;
      endpoint.service = service;
      endpoint.region = region;
      config.endpoints.push_back(endpoint);
    }
  ApplicationConfig shop;
  shop.name = "shop";
  shop.primary = "us-east-1";
  shop.secondaries = {"us-west-2", "eu-west-1"};
  for (const auto* region : {"us-east-1", "us-west-2", "eu-west-1"})
    shop.checks[region] = {std::string("dynamodb.") + region, std::string("lambda.") + region};
  config.applications.push_back(shop);
  return config;
}

// The first notification of an incident, for the runbook it carries.
Notification first_notification(Narrator& n) {
  for (int i = 0; i < 6; ++i)
    if (auto update = n.round(5s); !update.notifications.empty()) return update.notifications.front();
  ADD_FAILURE() << "no notification in six rounds";
  return {};
}

TEST(AlertEngine, TheRunbookDoesNotSayFailOverWhenThePolicyJudgesTheRegionHealthy) {
  // The drill of issue 15: a DynamoDB check of us-east-1 failed, and the alert's runbook said
  // "Fail shop over to us-west-2" while the failover policy, on the same round, said us-east-1 was
  // healthy for shop. The operator reads the policy's assessment, not a guess from the configuration.
  Narrator n(with_shop(test::alerting_config()));
  n.set("dynamodb", HealthStatus::critical, FailureKind::nodata);
  n.advice = {{"shop", "us-east-1", false, "", false, "us-east-1 is failing but not down"}};
  const auto sent = first_notification(n);
  ASSERT_TRUE(sent.root);
  EXPECT_THAT(sent.root->impacted_applications, ::testing::Contains("shop"));
  EXPECT_EQ(sent.root->runbook.find("Fail shop over"), std::string::npos) << sent.root->runbook;
  EXPECT_NE(sent.root->runbook.find("No failover for shop: us-east-1 is failing but not down"), std::string::npos)
      << sent.root->runbook;
}

TEST(AlertEngine, TheRunbookNamesThePolicysTargetNotTheFirstSecondary) {
  // The policy chose eu-west-1 (us-west-2 scores worse this round) and proposes the move: the
  // runbook says eu-west-1, with the policy's reason.
  Narrator n(with_shop(test::alerting_config()));
  n.set("dynamodb", HealthStatus::critical, FailureKind::nodata);
  n.advice = {{"shop", "us-east-1", true, "eu-west-1", false, "us-east-1 is down (3 failing rounds, score 43)"}};
  auto sent = first_notification(n);
  ASSERT_TRUE(sent.root);
  EXPECT_NE(sent.root->runbook.find("Fail shop over to eu-west-1: regionguard failover plan shop --to eu-west-1 "
                                    "(us-east-1 is down (3 failing rounds, score 43))"),
            std::string::npos)
      << sent.root->runbook;
  EXPECT_EQ(sent.root->runbook.find("us-west-2: regionguard"), std::string::npos) << sent.root->runbook;
}

TEST(AlertEngine, WithoutThePolicysWordTheRunbookRecommendsNoFailover) {
  // No failover controller reported on shop this round (a CLI-only setup, or before its first
  // round): the configuration alone cannot say whether to move, so the runbook does not.
  Narrator n(with_shop(test::alerting_config()));
  n.set("dynamodb", HealthStatus::critical, FailureKind::nodata);
  const auto sent = first_notification(n);
  ASSERT_TRUE(sent.root);
  EXPECT_EQ(sent.root->runbook, "Shift writes to us-west-2; pause batch jobs.");
}

TEST(AlertEngine, DynamoDbAndItsFailingDependentsAreOneGroupNotifiedOnceAfterGroupWait) {
  Narrator n(test::alerting_config());  // every default rule, group_wait 10 s
  n.set("dynamodb", HealthStatus::critical, FailureKind::nodata);
  n.set("lambda", HealthStatus::critical, FailureKind::timeout);
  n.set("ec2", HealthStatus::critical, FailureKind::timeout);
  // Round 1: cascade risk fires at once, but the group waits for the rest of the incident.
  auto update = n.round(5s);
  EXPECT_THAT(update.notifications, IsEmpty());
  update = n.round(5s);
  EXPECT_THAT(update.notifications, IsEmpty());
  // Round 3: three failures in a row for each endpoint, and group_wait has passed: one
  // notification, for DynamoDB, carrying the dependents' alerts and the predicted impact.
  update = n.round(5s);
  ASSERT_EQ(update.notifications.size(), 1u);
  const Notification& sent = update.notifications[0];
  EXPECT_EQ(sent.group, "dynamodb/us-east-1");
  EXPECT_EQ(sent.severity, AlertSeverity::critical);
  EXPECT_EQ(sent.title, "[CRITICAL] dynamodb us-east-1: root cause, 4 alerts");
  ASSERT_TRUE(sent.root);
  EXPECT_THAT(sent.root->failing_dependents, ::testing::UnorderedElementsAre("lambda", "ec2"));
  EXPECT_THAT(sent.root->impacted_applications, ElementsAre("checkout"));
  EXPECT_EQ(sent.root->runbook, "Shift writes to us-west-2; pause batch jobs.");
  std::vector<std::string> ids;
  for (const auto& alert : sent.alerts) ids.push_back(alert.id);
  EXPECT_THAT(ids, ::testing::UnorderedElementsAre("endpoint-down|dynamodb.us-east-1", "endpoint-down|lambda.us-east-1",
                                                   "endpoint-down|ec2.us-east-1", "cascade-risk|dynamodb/us-east-1"));
  for (const auto& alert : sent.alerts) EXPECT_EQ(alert.group, "dynamodb/us-east-1") << alert.id;
  // The incident goes on: no storm, nothing until the repeat interval.
  for (int i = 0; i < 10; ++i) EXPECT_THAT(n.round().notifications, IsEmpty());
  update = n.round(1h);
  ASSERT_EQ(update.notifications.size(), 1u);
  EXPECT_EQ(update.notifications[0].group, "dynamodb/us-east-1");
}

TEST(AlertEngine, AGroupThatGetsWorseIsNotifiedAgain) {
  Config config = only({"endpoint-degraded", "endpoint-down"});
  std::ranges::find(config.alerts.rules, "endpoint-degraded", &AlertRuleConfig::name)->for_duration = 0s;
  config.alerts.group_wait = 0s;
  Narrator n(config);
  n.set("s3", HealthStatus::warning);
  auto update = n.round();
  ASSERT_EQ(update.notifications.size(), 1u);
  EXPECT_EQ(update.notifications[0].severity, AlertSeverity::warning);
  n.set("s3", HealthStatus::critical, FailureKind::timeout);
  EXPECT_THAT(n.round().notifications, IsEmpty());  // same severity (warning rule), one failure
  EXPECT_THAT(n.round().notifications, IsEmpty());
  update = n.round();  // the third failure: endpoint-down (critical) joins the group
  ASSERT_EQ(update.notifications.size(), 1u);
  EXPECT_EQ(update.notifications[0].severity, AlertSeverity::critical);
  EXPECT_EQ(update.notifications[0].alerts.size(), 2u);
}

TEST(AlertEngine, CascadeRiskBelowTheThresholdRaisesNothing) {
  Config config = only({"cascade-risk"});  // threshold 50
  config.alerts.group_wait = 0s;
  Narrator n(config);
  n.set("s3", HealthStatus::critical, FailureKind::nxdomain);  // score 6
  EXPECT_THAT(n.round().history, IsEmpty());
  n.set("dynamodb", HealthStatus::critical, FailureKind::nodata);  // score 100ish
  const auto update = n.round();
  ASSERT_EQ(update.notifications.size(), 1u);
  EXPECT_EQ(update.notifications[0].severity, AlertSeverity::high);
  EXPECT_THAT(update.notifications[0].alerts[0].summary, ::testing::StartsWith("cascade risk "));
  EXPECT_THAT(update.notifications[0].alerts[0].summary, ::testing::HasSubstr("dynamodb is critical; at risk: "));
}

TEST(AlertEngine, AnAnomalySignalRaisesTheAnomalyRule) {
  Config config = only({"anomaly"});
  config.alerts.group_wait = 0s;
  Narrator n(config);
  AnomalySignal signal;
  signal.kind = AnomalyKind::forest_round;
  signal.score = 23;
  signal.message = "23% of the round's points anomalous";
  auto update = n.round(10s, {}, {signal});
  ASSERT_EQ(update.notifications.size(), 1u);
  EXPECT_EQ(update.notifications[0].severity, AlertSeverity::high);
  EXPECT_EQ(update.notifications[0].group, "anomaly/fleet");
  EXPECT_EQ(update.notifications[0].alerts[0].summary, signal.message);
  // Level-triggered: a round without the signal resolves it.
  update = n.round();
  ASSERT_EQ(update.notifications.size(), 1u);
  EXPECT_TRUE(update.notifications[0].resolved);
}

TEST(AlertEngine, AnAnswerChangeIsHeldForFiveMinutesThenResolved) {
  Config config = only({"answer-changed"});
  config.alerts.group_wait = 0s;
  Narrator n(config);
  EndpointEvent event{EndpointEvent::Kind::answer_changed, "s3.us-east-1", {}, "s3.us-east-1: answer changed"};
  auto update = n.round(10s, {event});
  ASSERT_EQ(update.notifications.size(), 1u);
  EXPECT_EQ(update.notifications[0].severity, AlertSeverity::info);
  EXPECT_THAT(n.round(4min).notifications, IsEmpty());  // an event is not over when the next round lacks it
  update = n.round(2min);
  ASSERT_EQ(update.notifications.size(), 1u);
  EXPECT_TRUE(update.notifications[0].resolved);
}

TEST(AlertEngine, AFailoverEventIsGroupedByApplication) {
  Config config = only({"failover"});
  config.alerts.group_wait = 0s;
  Narrator n(config);
  const auto update = n.round(10s, {}, {}, {{"checkout", "us-east-1", "checkout failed over to us-west-2"}});
  ASSERT_EQ(update.notifications.size(), 1u);
  EXPECT_EQ(update.notifications[0].group, "failover/checkout");
  EXPECT_EQ(update.notifications[0].alerts[0].labels.at("region"), "us-east-1");
}

TEST(AlertEngine, ASilenceMutesUntilItExpires) {
  Config config = only({"endpoint-down"});
  config.alerts.group_wait = 0s;
  Narrator n(config);
  n.engine().add_silence({1, {{"service", "s3"}}, t0, t0 + 45s, "maintenance"});
  n.set("s3", HealthStatus::critical, FailureKind::servfail);
  n.round();
  n.round();
  auto update = n.round();  // t0+30s: firing, but silenced
  EXPECT_THAT(update.notifications, IsEmpty());
  ASSERT_EQ(n.engine().alerts().size(), 1u);
  EXPECT_TRUE(n.engine().alerts()[0].silenced);
  EXPECT_EQ(n.engine().silences(n.now()).size(), 1u);
  update = n.round(20s);  // t0+50s: the silence has expired
  ASSERT_EQ(update.notifications.size(), 1u);
  EXPECT_FALSE(n.engine().alerts()[0].silenced);
  EXPECT_THAT(n.engine().silences(n.now()), IsEmpty());
}

TEST(AlertEngine, ARestoredFiringGroupIsNotNotifiedAgain) {
  Config config = only({"endpoint-down"});
  config.alerts.group_wait = 0s;
  Narrator before(config);
  before.set("s3", HealthStatus::critical, FailureKind::servfail);
  before.round();
  before.round();
  const auto fired = before.round();
  ASSERT_EQ(fired.notifications.size(), 1u);
  ASSERT_EQ(fired.changed.size(), 1u);
  EXPECT_EQ(fired.changed[0].last_notified, before.now());

  // A restart: the store hands back what was saved; the endpoint keeps failing.
  Narrator after(config);
  after.engine().restore(fired.changed, {});
  after.set("s3", HealthStatus::critical, FailureKind::servfail);
  for (int i = 0; i < 4; ++i) EXPECT_THAT(after.round().notifications, IsEmpty()) << "round " << i;
  // It recovers: the restored alert resolves with a notification.
  after.set("s3", HealthStatus::healthy);
  const auto resolved = after.round();
  ASSERT_EQ(resolved.notifications.size(), 1u);
  EXPECT_TRUE(resolved.notifications[0].resolved);
}

}  // namespace
}  // namespace rg
