// RoundAnalyzer narrated round by round, time passed in: hysteresis events, Route 53's
// failure_threshold, inverted and calculated checks, answer changes and uptime counts.
#include "analyze/round_analyzer.h"

#include <gtest/gtest.h>

namespace rg {
namespace {

using namespace std::chrono_literals;

const TimePoint kStart = from_unix_us(1'767'225'600'000'000);  // 2026-01-01T00:00:00Z

EndpointConfig endpoint(std::string id, ProbeKind kind = ProbeKind::dns) {
  EndpointConfig e;
  e.id = id;
  e.hostname = id;
  e.service = "app";
  e.region = "us-east-1";
  e.kind = kind;
  return e;
}

ProbeResult result(const std::string& id, int round, bool success, std::vector<DnsAnswer> answers = {}) {
  ProbeResult r;
  r.endpoint_id = id;
  r.started_at = kStart + std::chrono::seconds(10 * round);
  r.success = success;
  r.failure = success ? FailureKind::none : FailureKind::status;
  r.error = success ? "" : "HTTP 500, expected 200-399";
  r.latency = 5ms;
  r.answers = std::move(answers);
  return r;
}

Config config_of(std::vector<EndpointConfig> endpoints) {
  Config config;
  config.regions = {"us-east-1"};
  config.services = {ServiceConfig{"app", "APP", Priority::high, std::nullopt, {}}};
  config.endpoints = std::move(endpoints);
  return config;
}

std::vector<EndpointEvent::Kind> kinds(const AnalyzedRound& round) {
  std::vector<EndpointEvent::Kind> out;
  for (const auto& e : round.events) out.push_back(e.kind);
  return out;
}

TEST(RoundAnalyzer, ADnsEndpointGoesDownOnTheThirdFailureAndUpOnTheSecondSuccess) {
  const auto config = config_of({endpoint("dynamodb")});
  RoundAnalyzer analyzer(config);
  EXPECT_TRUE(analyzer.analyze({result("dynamodb", 0, true)}).events.empty());
  // The first failure changes the status (healthy → critical) but not up/down.
  EXPECT_EQ(kinds(analyzer.analyze({result("dynamodb", 1, false)})),
            std::vector{EndpointEvent::Kind::status_changed});
  EXPECT_TRUE(analyzer.analyze({result("dynamodb", 2, false)}).events.empty());
  const auto third = analyzer.analyze({result("dynamodb", 3, false)});
  ASSERT_EQ(kinds(third), std::vector{EndpointEvent::Kind::went_down});
  EXPECT_EQ(third.events[0].message, "dynamodb is down: 3 consecutive failures, last status: HTTP 500, expected 200-399");
  EXPECT_EQ(third.events[0].at, kStart + 30s);
  EXPECT_EQ(kinds(analyzer.analyze({result("dynamodb", 4, true)})),
            std::vector{EndpointEvent::Kind::status_changed});
  EXPECT_EQ(kinds(analyzer.analyze({result("dynamodb", 5, true)})), std::vector{EndpointEvent::Kind::came_up});
}

TEST(RoundAnalyzer, CascadeRiskComesAndGoesWithEndpointDownNotWithOneFailedProbe) {
  // The drill of issue 15: with 5% random failures the cascade-risk alert fired 18 times in three
  // minutes, once per failed probe, each "firing" for one round. Cascade risk now comes and goes
  // with the endpoint-down alert: from the failure that takes the endpoint down (its `fall`) to
  // its first success.
  const auto config = config_of({endpoint("dynamodb")});
  RoundAnalyzer analyzer(config);
  const auto roots = [](const AnalyzedRound& round) {
    return round.cascade.empty() ? std::size_t{0} : round.cascade.front().roots.size();
  };
  ASSERT_EQ(analyzer.analyze({result("dynamodb", 0, true)}).cascade.size(), 1u);
  const auto one_failure = analyzer.analyze({result("dynamodb", 1, false)});
  EXPECT_EQ(one_failure.states.front().status, HealthStatus::critical) << "the probe itself failed";
  EXPECT_EQ(roots(one_failure), 0u);
  EXPECT_EQ(one_failure.cascade.front().score, 0);
  EXPECT_EQ(roots(analyzer.analyze({result("dynamodb", 2, false)})), 0u);
  const auto down = analyzer.analyze({result("dynamodb", 3, false)});
  ASSERT_EQ(roots(down), 1u);
  EXPECT_EQ(down.cascade.front().roots.front().service, "app");
  EXPECT_GT(down.cascade.front().score, 0);
  EXPECT_EQ(roots(analyzer.analyze({result("dynamodb", 4, false)})), 1u);
  // The first success ends it, as it resolves endpoint-down.
  EXPECT_EQ(roots(analyzer.analyze({result("dynamodb", 5, true)})), 0u);
}

TEST(RoundAnalyzer, FailureThresholdSetsBothWaysAsRoute53Does) {
  auto e = endpoint("app/health", ProbeKind::http);
  e.failure_threshold = 1;
  const auto config = config_of({e});
  RoundAnalyzer analyzer(config);
  analyzer.analyze({result("app/health", 0, true)});
  EXPECT_EQ(kinds(analyzer.analyze({result("app/health", 1, false)})),
            (std::vector{EndpointEvent::Kind::went_down, EndpointEvent::Kind::status_changed}));
  EXPECT_EQ(kinds(analyzer.analyze({result("app/health", 2, true)})),
            (std::vector{EndpointEvent::Kind::came_up, EndpointEvent::Kind::status_changed}));
}

TEST(RoundAnalyzer, HttpChecksDefaultToThreeBothWays) {
  const auto config = config_of({endpoint("app/health", ProbeKind::http)});
  RoundAnalyzer analyzer(config);
  for (int round = 0; round < 2; ++round) analyzer.analyze({result("app/health", round, false)});
  EXPECT_EQ(kinds(analyzer.analyze({result("app/health", 2, false)})), std::vector{EndpointEvent::Kind::went_down});
  analyzer.analyze({result("app/health", 3, true)});
  analyzer.analyze({result("app/health", 4, true)});  // two successes: not yet (rise is 3 too)
  EXPECT_EQ(kinds(analyzer.analyze({result("app/health", 5, true)})), std::vector{EndpointEvent::Kind::came_up});
}

TEST(RoundAnalyzer, AnInvertedCheckIsHealthyWhenItsTargetFails) {
  auto e = endpoint("maintenance-page", ProbeKind::http);
  e.inverted = true;
  const auto config = config_of({e});
  RoundAnalyzer analyzer(config);
  const auto failing_target = analyzer.analyze({result("maintenance-page", 0, false)});
  ASSERT_EQ(failing_target.observations.size(), 1u);
  EXPECT_TRUE(failing_target.observations[0].result.success);
  EXPECT_EQ(failing_target.observations[0].status, HealthStatus::healthy);
  const auto answering_target = analyzer.analyze({result("maintenance-page", 1, true)});
  EXPECT_EQ(answering_target.observations[0].result.failure, FailureKind::inverted);
  EXPECT_EQ(answering_target.observations[0].status, HealthStatus::critical);
}

TEST(RoundAnalyzer, ACalculatedCheckFollowsItsChildrensUpDownState) {
  auto a = endpoint("a", ProbeKind::http);
  auto b = endpoint("b", ProbeKind::http);
  a.failure_threshold = 1;
  b.failure_threshold = 1;
  auto both = endpoint("both-up", ProbeKind::calculated);
  both.calculated = CalculatedOptions{{"a", "b"}, 2};
  both.failure_threshold = 1;
  const auto config = config_of({a, b, both});
  RoundAnalyzer analyzer(config);

  auto round = analyzer.analyze({result("a", 0, true), result("b", 0, true)});
  ASSERT_EQ(round.observations.size(), 3u);
  EXPECT_EQ(round.observations[2].result.endpoint_id, "both-up");
  EXPECT_TRUE(round.observations[2].result.success);
  EXPECT_EQ(round.observations[2].result.started_at, kStart);

  round = analyzer.analyze({result("a", 1, true), result("b", 1, false)});
  EXPECT_FALSE(round.observations[2].result.success);
  EXPECT_EQ(round.observations[2].result.failure, FailureKind::children);
  EXPECT_EQ(round.observations[2].result.error, "1 of 2 child checks healthy, 2 needed");
  EXPECT_EQ(round.summary.critical, 2);  // b and the calculated check
}

TEST(RoundAnalyzer, AnAnswerChangeIsReportedOnceAndFailuresInBetweenDoNotHideIt) {
  const auto config = config_of({endpoint("s3")});
  RoundAnalyzer analyzer(config);
  analyzer.analyze({result("s3", 0, true, {{"A", "192.0.2.1", 60}})});
  analyzer.analyze({result("s3", 1, false)});
  const auto changed = analyzer.analyze({result("s3", 2, true, {{"A", "192.0.2.2", 60}})});
  ASSERT_EQ(changed.events.size(), 2u);
  EXPECT_EQ(changed.events[0].kind, EndpointEvent::Kind::status_changed);
  EXPECT_EQ(changed.events[1].kind, EndpointEvent::Kind::answer_changed);
  EXPECT_EQ(changed.events[1].message, "s3 answer set changed: +192.0.2.2 -192.0.2.1");
}

TEST(RoundAnalyzer, UptimeAddsTheseRoundsToTheStoredCounts) {
  const auto config = config_of({endpoint("ec2")});
  RoundAnalyzer analyzer(config);
  analyzer.set_stored_uptime("ec2", UptimeStats{98, 97, 97, 0, 1});
  analyzer.analyze({result("ec2", 0, true)});
  const auto round = analyzer.analyze({result("ec2", 1, false)});
  ASSERT_EQ(round.states.size(), 1u);
  EXPECT_EQ(round.states[0].uptime.total, 100);
  EXPECT_EQ(round.states[0].uptime.successes, 98);
  EXPECT_DOUBLE_EQ(*round.summary.uptime_percent, 98.0);
}

TEST(RoundAnalyzer, ResultsOfUnknownEndpointsAreIgnored) {
  const auto config = config_of({endpoint("ec2")});
  RoundAnalyzer analyzer(config);
  const auto round = analyzer.analyze({result("not-configured", 0, false)});
  EXPECT_TRUE(round.observations.empty());
  EXPECT_TRUE(round.states.empty());
}

}  // namespace
}  // namespace rg

namespace rg {
namespace {

// A reload (config/config_diff.h) hands the new analyzer what the old one knew of the unchanged
// endpoints; added endpoints start afresh.
TEST(RoundAnalyzerReload, AnUnchangedEndpointStaysDownAndKeepsItsStreakAndUptime) {
  const auto before = config_of({endpoint("dynamodb"), endpoint("s3")});
  RoundAnalyzer old(before);
  for (int round = 0; round < 4; ++round) old.analyze({result("dynamodb", round, false), result("s3", round, true)});

  const auto after = config_of({endpoint("dynamodb"), endpoint("lambda")});
  RoundAnalyzer next(after);
  next.carry_over(old, {"dynamodb"});

  // dynamodb is still down: one success is not `rise` (2), so no came_up yet, and no second
  // went_down either; the new endpoint starts up without an event.
  const auto first = next.analyze({result("dynamodb", 4, true), result("lambda", 4, true)});
  EXPECT_EQ(kinds(first), std::vector{EndpointEvent::Kind::status_changed});
  EXPECT_EQ(kinds(next.analyze({result("dynamodb", 5, true), result("lambda", 5, true)})),
            std::vector{EndpointEvent::Kind::came_up});
  const auto states = next.analyze({result("dynamodb", 6, true), result("lambda", 6, true)}).states;
  ASSERT_EQ(states.size(), 2u);  // s3 is gone
  EXPECT_EQ(states[0].endpoint_id, "dynamodb");
  EXPECT_EQ(states[0].uptime.total, 7u);  // four rounds before the reload, three after
  EXPECT_EQ(states[1].endpoint_id, "lambda");
  EXPECT_EQ(states[1].uptime.total, 3u);
}

TEST(RoundAnalyzerReload, WithoutCarryOverTheSameEndpointWouldStartUp) {
  // The control for the test above: a fresh analyzer does not know dynamodb was down.
  const auto after = config_of({endpoint("dynamodb")});
  RoundAnalyzer fresh(after);
  EXPECT_TRUE(fresh.analyze({result("dynamodb", 4, true)}).events.empty());
}

}  // namespace
}  // namespace rg
