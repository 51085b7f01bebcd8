// The seed's summary views from the latest state of every endpoint.
#include "analyze/health_summary.h"

#include <gtest/gtest.h>

#include "analyze/uptime.h"

namespace rg {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

EndpointState state(std::string region, std::string service, HealthStatus status,
                    microseconds latency, bool success = true) {
  EndpointState s;
  s.endpoint_id = service + "." + region + ".amazonaws.com";
  s.hostname = s.endpoint_id;
  s.service = service;
  s.service_display = service == "dynamodb" ? "DYNAMODB" : "";
  s.region = std::move(region);
  s.status = status;
  s.success = success;
  s.failure = success ? FailureKind::none : FailureKind::timeout;
  s.latency = latency;
  return s;
}

EndpointState failed(std::string region, std::string service, microseconds waited) {
  return state(std::move(region), std::move(service), HealthStatus::critical, waited, false);
}

const std::vector<std::string> kRegions{"us-east-1", "us-west-2", "eu-west-1"};

TEST(HealthSummary, CountsEveryEndpointByStatus) {
  const auto summary = summarize({state("us-east-1", "dynamodb", HealthStatus::healthy, milliseconds{20}),
                                  state("us-east-1", "s3", HealthStatus::warning, milliseconds{150}),
                                  failed("us-west-2", "dynamodb", milliseconds{5'000}),
                                  state("us-west-2", "s3", HealthStatus::healthy, milliseconds{40})},
                                 kRegions);
  EXPECT_EQ(summary.total, 4);
  EXPECT_EQ(summary.healthy, 2);
  EXPECT_EQ(summary.warning, 1);
  EXPECT_EQ(summary.critical, 1);
}

TEST(HealthSummary, AveragesIgnoreFailedProbes) {
  // The timeout waited 5 s: counting it would report an average of about 1.3 s for a fleet
  // whose answering endpoints all reply in well under 200 ms.
  const auto summary = summarize({state("us-east-1", "dynamodb", HealthStatus::healthy, milliseconds{20}),
                                  state("us-east-1", "dynamodb", HealthStatus::warning, milliseconds{80}),
                                  state("us-east-1", "s3", HealthStatus::warning, milliseconds{170}),
                                  failed("us-east-1", "s3", milliseconds{5'000})},
                                 kRegions);
  EXPECT_EQ(summary.average_latency, milliseconds{90});  // (20 + 80 + 170) / 3
  ASSERT_EQ(summary.regions.size(), 1u);
  const auto& services = summary.regions[0].services;
  ASSERT_EQ(services.size(), 2u);
  EXPECT_EQ(services[0].average_latency, milliseconds{50});   // dynamodb: (20 + 80) / 2
  EXPECT_EQ(services[1].average_latency, milliseconds{170});  // s3: the failure is left out
}

TEST(HealthSummary, NothingAnsweredMeansAZeroAverage) {
  const auto summary = summarize({failed("us-east-1", "s3", milliseconds{5'000})}, kRegions);
  EXPECT_EQ(summary.average_latency, microseconds{0});
  EXPECT_EQ(summary.regions.at(0).services.at(0).average_latency, microseconds{0});
}

TEST(HealthSummary, AServiceIsAsBadAsItsWorstEndpoint) {
  const auto summary = summarize({state("us-east-1", "dynamodb", HealthStatus::healthy, milliseconds{20}),
                                  state("us-east-1", "dynamodb", HealthStatus::warning, milliseconds{70}),
                                  state("us-east-1", "s3", HealthStatus::healthy, milliseconds{30}),
                                  failed("us-east-1", "lambda", milliseconds{5'000}),
                                  state("us-east-1", "lambda", HealthStatus::healthy, milliseconds{30})},
                                 kRegions);
  ASSERT_EQ(summary.regions.size(), 1u);
  const auto& region = summary.regions[0];
  EXPECT_EQ(region.status, HealthStatus::critical);
  EXPECT_EQ(region.total, 5);
  EXPECT_EQ(region.healthy, 3);

  ASSERT_EQ(region.services.size(), 3u);
  EXPECT_EQ(region.services[0].service, "dynamodb");
  EXPECT_EQ(region.services[0].display_name, "DYNAMODB");
  EXPECT_EQ(region.services[0].status, HealthStatus::warning);
  EXPECT_EQ(region.services[0].endpoints, 2);
  EXPECT_EQ(region.services[0].healthy, 1);
  EXPECT_EQ(region.services[1].service, "s3");
  EXPECT_EQ(region.services[1].display_name, "s3");  // no display name: the name stands in
  EXPECT_EQ(region.services[1].status, HealthStatus::healthy);
  EXPECT_EQ(region.services[2].service, "lambda");
  EXPECT_EQ(region.services[2].status, HealthStatus::critical);
  EXPECT_EQ(region.services[2].healthy, 1);
}

TEST(HealthSummary, RegionsFollowTheConfigAndServicesTheirFirstAppearance) {
  // States arrive in whatever order the probes finished.
  const auto summary = summarize({state("eu-west-1", "s3", HealthStatus::healthy, milliseconds{30}),
                                  state("us-east-1", "lambda", HealthStatus::healthy, milliseconds{30}),
                                  state("eu-west-1", "dynamodb", HealthStatus::healthy, milliseconds{30}),
                                  state("us-east-1", "dynamodb", HealthStatus::healthy, milliseconds{30}),
                                  state("eu-west-1", "s3", HealthStatus::healthy, milliseconds{30})},
                                 kRegions);
  // us-west-2 has no endpoints: left out rather than shown as a healthy 0/0.
  ASSERT_EQ(summary.regions.size(), 2u);
  EXPECT_EQ(summary.regions[0].region, "us-east-1");
  EXPECT_EQ(summary.regions[1].region, "eu-west-1");

  ASSERT_EQ(summary.regions[0].services.size(), 2u);
  EXPECT_EQ(summary.regions[0].services[0].service, "lambda");
  EXPECT_EQ(summary.regions[0].services[1].service, "dynamodb");
  ASSERT_EQ(summary.regions[1].services.size(), 2u);
  EXPECT_EQ(summary.regions[1].services[0].service, "s3");
  EXPECT_EQ(summary.regions[1].services[0].endpoints, 2);
  EXPECT_EQ(summary.regions[1].services[1].service, "dynamodb");
}

TEST(HealthSummary, ARegionMissingFromTheConfigStillAppearsLast) {
  const auto summary = summarize({state("ap-south-1", "s3", HealthStatus::healthy, milliseconds{30}),
                                  state("us-west-2", "s3", HealthStatus::healthy, milliseconds{30})},
                                 kRegions);
  ASSERT_EQ(summary.regions.size(), 2u);
  EXPECT_EQ(summary.regions[0].region, "us-west-2");
  EXPECT_EQ(summary.regions[1].region, "ap-south-1");
}

TEST(HealthSummary, NoStatesGiveAnEmptySummary) {
  const auto summary = summarize({}, kRegions);
  EXPECT_EQ(summary.total, 0);
  EXPECT_TRUE(summary.regions.empty());
  EXPECT_EQ(summary.uptime_percent, std::nullopt);
}

TEST(HealthSummary, OverallUptimeWeightsEndpointsByTheirChecks) {
  auto busy = state("us-east-1", "dynamodb", HealthStatus::healthy, milliseconds{20});
  busy.uptime = UptimeStats{.total = 99, .successes = 0, .critical = 99};
  auto quiet = state("us-east-1", "s3", HealthStatus::healthy, milliseconds{20});
  quiet.uptime = UptimeStats{.total = 1, .successes = 1, .healthy = 1};
  auto fresh = state("us-west-2", "s3", HealthStatus::healthy, milliseconds{20});  // no history yet

  EXPECT_EQ(busy.uptime_percent(), 0.0);
  EXPECT_EQ(quiet.uptime_percent(), 100.0);
  EXPECT_EQ(fresh.uptime_percent(), std::nullopt);

  // Averaging the percentages would say 50%; one success in a hundred checks is 1%.
  const auto summary = summarize({busy, quiet, fresh}, kRegions);
  ASSERT_TRUE(summary.uptime_percent.has_value());
  EXPECT_DOUBLE_EQ(*summary.uptime_percent, 1.0);
}

TEST(Uptime, CombineAddsTheCounts) {
  const auto sum =
      combine(UptimeStats{.total = 10, .successes = 9, .healthy = 7, .warning = 2, .critical = 1},
              UptimeStats{.total = 30, .successes = 15, .healthy = 15, .warning = 0, .critical = 15});
  EXPECT_EQ(sum.total, 40);
  EXPECT_EQ(sum.successes, 24);
  EXPECT_EQ(sum.healthy, 22);
  EXPECT_EQ(sum.warning, 2);
  EXPECT_EQ(sum.critical, 16);
  EXPECT_DOUBLE_EQ(*sum.uptime_percent(), 60.0);
  EXPECT_EQ(combine(UptimeStats{}, UptimeStats{}).uptime_percent(), std::nullopt);
}

TEST(EndpointState, IsBuiltFromTheConfigAndTheLatestResult) {
  EndpointConfig endpoint;
  endpoint.id = "dynamodb.us-east-1.amazonaws.com";
  endpoint.hostname = "dynamodb.us-east-1.amazonaws.com";
  endpoint.service = "dynamodb";
  endpoint.region = "us-east-1";
  ServiceConfig service;
  service.name = "dynamodb";
  service.display_name = "DYNAMODB";

  ProbeResult latest;
  latest.endpoint_id = endpoint.id;
  latest.started_at = from_unix_us(1'764'000'000'000'000);
  latest.success = true;
  latest.latency = milliseconds{42};
  // A CNAME first: the "IP" column shows the address it leads to.
  latest.answers = {{"CNAME", "ddb.example.", 60}, {"A", "192.0.2.7", 5}, {"A", "192.0.2.8", 5}};

  const UptimeStats uptime{.total = 4, .successes = 3};
  const auto s = make_endpoint_state(endpoint, &service, latest, HealthStatus::healthy, uptime);
  EXPECT_EQ(s.endpoint_id, endpoint.id);
  EXPECT_EQ(s.hostname, endpoint.hostname);
  EXPECT_EQ(s.service, "dynamodb");
  EXPECT_EQ(s.service_display, "DYNAMODB");
  EXPECT_EQ(s.region, "us-east-1");
  EXPECT_EQ(s.status, HealthStatus::healthy);
  EXPECT_TRUE(s.success);
  EXPECT_EQ(s.failure, FailureKind::none);
  EXPECT_EQ(s.latency, milliseconds{42});
  EXPECT_EQ(s.first_address, "192.0.2.7");
  EXPECT_EQ(s.last_check, latest.started_at);
  EXPECT_EQ(s.uptime_percent(), 75.0);

  // A failed probe has no answer; an unknown service falls back to its name.
  ProbeResult timed_out = latest;
  timed_out.success = false;
  timed_out.failure = FailureKind::timeout;
  timed_out.answers.clear();
  const auto f = make_endpoint_state(endpoint, nullptr, timed_out, HealthStatus::critical, {});
  EXPECT_EQ(f.first_address, "");
  EXPECT_EQ(f.service_display, "dynamodb");
  EXPECT_EQ(f.failure, FailureKind::timeout);
  EXPECT_EQ(f.uptime_percent(), std::nullopt);
}

}  // namespace
}  // namespace rg
