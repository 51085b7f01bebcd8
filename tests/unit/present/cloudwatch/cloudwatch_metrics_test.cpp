// The metrics the daemon publishes to CloudWatch: what one round contributes, how an interval
// folds into StatisticValues, and how the backlog splits into PutMetricData requests.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "present/cloudwatch/cloudwatch_metrics.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
namespace cw = aws::cloudwatch;
using ::testing::Contains;
using ::testing::Not;

EndpointState state(std::string id, std::string service, std::string region, ProbeKind kind,
                    HealthStatus status = HealthStatus::healthy) {
  EndpointState s;
  s.endpoint_id = std::move(id);
  s.service = std::move(service);
  s.region = std::move(region);
  s.kind = kind;
  s.status = status;
  return s;
}

Observation observation(std::string id, bool success, std::chrono::microseconds latency) {
  Observation o;
  o.result.endpoint_id = std::move(id);
  o.result.success = success;
  o.result.latency = latency;
  o.status = success ? HealthStatus::healthy : HealthStatus::critical;
  return o;
}

// us-east-1: two DNS checks (one failing) and an HTTP check; us-west-2: one DNS check.
AnalyzedRound sample_round() {
  AnalyzedRound round;
  round.states = {state("ddb-east", "dynamodb", "us-east-1", ProbeKind::dns),
                  state("s3-east", "s3", "us-east-1", ProbeKind::dns, HealthStatus::critical),
                  state("web-east", "app", "us-east-1", ProbeKind::http),
                  state("ddb-west", "dynamodb", "us-west-2", ProbeKind::dns, HealthStatus::warning),
                  state("alarm-west", "app", "us-west-2", ProbeKind::cloudwatch_alarm)};
  round.observations = {observation("ddb-east", true, 12'500us), observation("s3-east", false, 5'000'000us),
                        observation("web-east", true, 80'000us), observation("ddb-west", true, 150'000us),
                        observation("alarm-west", true, 40'000us)};
  round.scores = {{"us-east-1", 60, 50, 100, std::nullopt}, {"us-west-2", 85, 70, std::nullopt, 100}};
  return round;
}

std::vector<MetricSample> named(const std::vector<MetricSample>& samples, std::string_view name) {
  std::vector<MetricSample> out;
  for (const auto& s : samples)
    if (s.metric_name == name) out.push_back(s);
  return out;
}

TEST(CloudWatchMetrics, DnsSuccessRateCountsEachDnsCheckPerRegionAndOverall) {
  const auto samples = round_samples(sample_round(), {}, {}, {});
  const auto dns = named(samples, "DNSSuccessRate");
  // Three DNS checks, each counted once under its region and once overall; HTTP and AWS checks not.
  ASSERT_EQ(dns.size(), 6u);
  EXPECT_THAT(dns, Contains(MetricSample{"DNSSuccessRate", {{"Region", "us-east-1"}}, "Percent", 100}));
  EXPECT_THAT(dns, Contains(MetricSample{"DNSSuccessRate", {{"Region", "us-east-1"}}, "Percent", 0}));
  EXPECT_THAT(dns, Contains(MetricSample{"DNSSuccessRate", {{"Region", "us-west-2"}}, "Percent", 100}));
  EXPECT_EQ(std::ranges::count_if(dns, [](const auto& s) { return s.dimensions.empty(); }), 3);
}

TEST(CloudWatchMetrics, OverallDnsHealthIsTheShareOfHealthyDnsEndpoints) {
  const auto health = named(round_samples(sample_round(), {}, {}, {}), "OverallDNSHealth");
  ASSERT_EQ(health.size(), 1u);
  // ddb-east healthy; s3-east critical and ddb-west warning are not.
  EXPECT_NEAR(health[0].value, 100.0 / 3.0, 1e-9);
  EXPECT_EQ(health[0].unit, "Percent");
}

TEST(CloudWatchMetrics, ResponseTimeIsPerServiceAndRegionInMillisecondsForSuccessesOnly) {
  const auto times = named(round_samples(sample_round(), {}, {}, {}), "ResponseTime");
  ASSERT_EQ(times.size(), 3u);  // not the failed s3 probe, not the AWS alarm check
  EXPECT_THAT(times, Contains(MetricSample{"ResponseTime", {{"Service", "dynamodb"}, {"Region", "us-east-1"}},
                                           "Milliseconds", 12.5}));
  EXPECT_THAT(times, Contains(MetricSample{"ResponseTime", {{"Service", "app"}, {"Region", "us-east-1"}},
                                           "Milliseconds", 80}));
  EXPECT_THAT(times, Not(Contains(::testing::Field(&MetricSample::dimensions,
                                                   Contains(cw::Dimension{"Service", "s3"})))));
}

TEST(CloudWatchMetrics, ScoresCascadeRiskAndFailoverState) {
  const std::vector<RegionCascadeRisk> cascade{{"us-east-1", 75, {}}, {"us-west-2", 0, {}}};
  ApplicationConfig shop;
  shop.name = "shop";
  shop.primary = "us-east-1";
  shop.secondaries = {"us-west-2", "eu-west-1"};
  const auto samples = round_samples(sample_round(), cascade, {{"shop", "us-west-2"}}, {shop});

  EXPECT_THAT(samples, Contains(MetricSample{"CascadeRiskScore", {{"Region", "us-east-1"}}, "None", 75}));
  EXPECT_THAT(samples, Contains(MetricSample{"CascadeRiskScore", {{"Region", "us-west-2"}}, "None", 0}));
  EXPECT_THAT(samples, Contains(MetricSample{"RegionHealthScore", {{"Region", "us-east-1"}}, "None", 60}));
  EXPECT_THAT(samples, Contains(MetricSample{"RegionHealthScore", {{"Region", "us-west-2"}}, "None", 85}));
  EXPECT_THAT(samples, Contains(MetricSample{"FailoverActive", {{"Application", "shop"}}, "None", 1}));
  const auto active = named(samples, "ActiveRegion");
  ASSERT_EQ(active.size(), 3u);
  EXPECT_THAT(active, Contains(MetricSample{"ActiveRegion", {{"Application", "shop"}, {"Region", "us-west-2"}}, "None", 1}));
  EXPECT_THAT(active, Contains(MetricSample{"ActiveRegion", {{"Application", "shop"}, {"Region", "us-east-1"}}, "None", 0}));

  // Back on the primary: no failover.
  const auto home = round_samples(sample_round(), cascade, {{"shop", "us-east-1"}}, {shop});
  EXPECT_THAT(home, Contains(MetricSample{"FailoverActive", {{"Application", "shop"}}, "None", 0}));
}

TEST(CloudWatchMetrics, AnIntervalFoldsIntoOneDatumPerSeriesWithExactStatistics) {
  MetricAggregator aggregator;
  const auto round = sample_round();
  aggregator.add(round_samples(round, {}, {}, {}));
  aggregator.add(round_samples(round, {}, {}, {}));
  const TimePoint at = TimePoint{} + 1'700'000'000s;
  const auto datums = aggregator.take(at);
  EXPECT_TRUE(aggregator.empty());

  const auto find = [&](std::string_view name, std::vector<cw::Dimension> dims) -> const cw::MetricDatum& {
    for (const auto& d : datums)
      if (d.metric_name == name && d.dimensions == dims) return d;
    throw std::runtime_error("no datum " + std::string(name));
  };
  // us-east-1 over two rounds: 100, 0, 100, 0 -> Average 50.
  const auto& east = find("DNSSuccessRate", {{"Region", "us-east-1"}});
  ASSERT_TRUE(east.statistic_values);
  EXPECT_EQ(east.statistic_values->sample_count, 4);
  EXPECT_EQ(east.statistic_values->sum, 200);
  EXPECT_EQ(east.statistic_values->minimum, 0);
  EXPECT_EQ(east.statistic_values->maximum, 100);
  EXPECT_EQ(east.timestamp, at);
  EXPECT_EQ(east.unit, "Percent");
  EXPECT_FALSE(east.value);
  // Overall: 3 checks per round, 2 succeeding.
  const auto& overall = find("DNSSuccessRate", {});
  EXPECT_NEAR(overall.statistic_values->sum / overall.statistic_values->sample_count, 200.0 / 3.0, 1e-9);
  // Each series once: 2 regional + 1 overall DNS, 1 health, 3 response times, 2 scores.
  EXPECT_EQ(datums.size(), 9u);
}

std::deque<cw::MetricDatum> datums(std::size_t n) {
  std::deque<cw::MetricDatum> out;
  for (std::size_t i = 0; i < n; ++i) {
    cw::MetricDatum d;
    d.metric_name = "ResponseTime";
    d.dimensions = {{"Service", "service-" + std::to_string(i)}, {"Region", "us-east-1"}};
    d.statistic_values = cw::StatisticSet{3, 30, 5, 15};
    d.unit = "Milliseconds";
    d.timestamp = TimePoint{} + 1'700'000'000s;
    out.push_back(std::move(d));
  }
  return out;
}

TEST(CloudWatchMetrics, BatchesStayWithinPutMetricDataLimits) {
  EXPECT_EQ(batch_length(datums(2500), "RegionGuard"), 1000u);
  EXPECT_EQ(batch_length(datums(7), "RegionGuard"), 7u);
  EXPECT_EQ(batch_length({}, "RegionGuard"), 0u);

  // By bytes: the request body must not pass the limit, and a batch is never empty.
  const auto pending = datums(50);
  const std::size_t one = cw::build_put_metric_data({"RegionGuard", {pending[0]}}).body.size();
  const std::size_t n = batch_length(pending, "RegionGuard", 1000, 3 * one);
  EXPECT_GE(n, 2u);
  EXPECT_LT(n, 4u);
  const auto body = cw::build_put_metric_data({"RegionGuard", {pending.begin(), pending.begin() + static_cast<long>(n)}}).body;
  EXPECT_LE(body.size(), 3 * one);
  EXPECT_EQ(batch_length(pending, "RegionGuard", 1000, 10), 1u);
}

}  // namespace
}  // namespace rg
