// CloudWatch publishing and `regionguard cloudwatch apply` against moto_server, through the fault
// proxy (tests/support/http_fault_proxy.h), which counts every request and can make CloudWatch fail.
//
// The publisher runs in-process on the test's loop, fed analysed rounds; what it sent is read back
// from moto with GetMetricData. The daemon's /metrics counters and `cloudwatch apply` are run as
// the binary. What moto cannot show: alarms are never evaluated against the data (they stay OK).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/asio/io_context.hpp>
#include <fstream>

#include "aws/cloudwatch_api.h"
#include "present/cloudwatch/cloudwatch_publisher.h"
#include "present/cloudwatch/cloudwatch_resources.h"
#include "config/config_loader.h"
#include "integration/api_client.h"
#include "net/curl_multi.h"
#include "aws/aws_session.h"
#include "support/child_process.h"
#include "support/free_port.h"
#include "support/http_fault_proxy.h"
#include "moto_suite.h"
#include "support/moto_server.h"
#include "support/temp_dir.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
namespace cw = aws::cloudwatch;
using ::testing::HasSubstr;
using ::testing::Not;

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), {}};
}

class CloudWatchTest : public test::MotoSuite {
 protected:
  static void SetUpTestSuite() {
    use_dummy_credentials();
    MotoSuite::SetUpTestSuite();
  }

  // Two regions, DNS endpoints (never probed here: rounds are made up) and the cloudwatch section.
  Config load(const std::string& cloudwatch, const std::string& extra = "") {
    const std::string yaml = "regions: [us-east-1, us-west-2]\n"
                             "services: {dynamodb: {}, app: {}}\n"
                             "endpoints:\n"
                             "  - {hostname: dynamodb.us-east-1.amazonaws.com, service: dynamodb, region: us-east-1}\n"
                             "  - {hostname: dynamodb.us-west-2.amazonaws.com, service: dynamodb, region: us-west-2}\n"
                             "aws: {timeout: 20s}\n" + extra + "cloudwatch:\n" + cloudwatch;
    auto config = load_config_string(yaml, "cloudwatch.yaml");
    if (!config) throw std::runtime_error(to_string(config.error()));
    return std::move(*config);
  }

  // Runs the loop until `done` holds (or a minute has passed).
  template <typename Pred>
  bool run_until(Pred done, std::chrono::seconds limit = 60s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(20ms);
    }
    return done();
  }

  template <typename Result, typename Start>
  std::expected<Result, aws::AwsError> wait(Start start) {
    std::optional<std::expected<Result, aws::AwsError>> out;
    start([&out](std::expected<Result, aws::AwsError> r) { out = std::move(r); });
    run_until([&] { return out.has_value(); }, 120s);
    if (!out) return std::unexpected(aws::make_error(aws::AwsErrorKind::timeout, "the test gave up waiting"));
    return std::move(*out);
  }

  // Straight to moto (not through the proxy): what CloudWatch holds.
  aws::AwsClient& moto_client(const std::string& region = "us-east-1") {
    auto c = session_.client("cloudwatch", region, 60s);
    if (!c) throw std::runtime_error(c.error().to_string());
    return **c;
  }

  // The `stat` of a metric over the last hour, one period.
  std::optional<double> stat_of(const std::string& ns, const std::string& name, std::vector<cw::Dimension> dims,
                                const std::string& stat, const std::string& region = "us-east-1") {
    cw::GetMetricDataRequest request;
    cw::MetricStat ms;
    ms.metric = {ns, name, std::move(dims)};
    ms.period = 3600;
    ms.stat = stat;
    request.queries.push_back({"m", ms, std::nullopt, std::nullopt, true, std::nullopt});
    request.end_time = now_us() + 10min;
    request.start_time = request.end_time - 2h;
    auto data = wait<cw::GetMetricDataResult>([&](auto done) { cw::get_metric_data(moto_client(region), request, done); });
    if (!data) throw std::runtime_error(data.error().to_string());
    const auto* m = data->find("m");
    return m ? m->latest() : std::nullopt;
  }

  // A daemon whose one AWS check (an alarm in moto) needs no DNS, publishing with `cloudwatch`.
  static std::filesystem::path write_daemon_config(const std::filesystem::path& dir, int port, const std::string& cloudwatch) {
    const auto config = dir / "rg.yaml";
    std::ofstream(config) << "regions: [us-east-1]\nservices: {app: {}}\naws: {endpoint_url: \"" << moto_->endpoint()
                          << "\", interval: 2s, timeout: 1500ms}\nstore: {path: rg.db}\nserver: {listen: \"127.0.0.1:"
                          << port << "\"}\nanomaly: {enabled: false}\n"
                             "endpoints:\n  - {id: web-5xx, kind: cloudwatch_alarm, service: app, region: us-east-1, resource: app-5xx}\n"
                             "cloudwatch: " << cloudwatch << "\n";
    return config;
  }

  // An alarm for the daemon's one AWS check, so that it has something to probe without DNS.
  void create_alarm() {
    cw::PutMetricAlarmRequest alarm;
    alarm.alarm_name = "app-5xx";
    alarm.namespace_ = "AWS/ApplicationELB";
    alarm.metric_name = "HTTPCode_Target_5XX_Count";
    alarm.statistic = "Sum";
    alarm.threshold = 10;
    ASSERT_TRUE(wait<void>([&](auto done) { cw::put_metric_alarm(moto_client(), alarm, done); }));
  }

  boost::asio::io_context io_;
  CurlMulti curl_{io_};
  AwsConfig aws_config_{.endpoint_url = moto_->endpoint(), .interval = 60s, .timeout = 50s};
  aws::AwsSession session_{io_, curl_, aws_config_};
  test::HttpFaultProxy proxy_{"127.0.0.1", moto_->port()};
};


EndpointState dns_state(std::string id, std::string service, std::string region) {
  EndpointState s;
  s.endpoint_id = std::move(id);
  s.service = std::move(service);
  s.region = std::move(region);
  s.kind = ProbeKind::dns;
  return s;
}

Observation dns_result(std::string id, bool success, std::chrono::microseconds latency) {
  Observation o;
  o.result.endpoint_id = std::move(id);
  o.result.success = success;
  o.result.latency = latency;
  return o;
}

// us-east-1's DNS check fails every other round; us-west-2's always answers.
AnalyzedRound make_round(int number) {
  AnalyzedRound round;
  round.states = {dns_state("east", "dynamodb", "us-east-1"), dns_state("west", "dynamodb", "us-west-2")};
  round.observations = {dns_result("east", number % 2 == 0, 20ms), dns_result("west", true, 40ms)};
  round.scores = {{"us-east-1", number % 2 == 0 ? 100.0 : 60.0, std::nullopt, std::nullopt, std::nullopt},
                  {"us-west-2", 100, std::nullopt, std::nullopt, std::nullopt}};
  return round;
}

TEST_F(CloudWatchTest, PublisherSendsEachIntervalAsOneBatchOfStatisticValues) {
  const Config config = load("  enabled: true\n  namespace: RG/Test\n  interval: 1h\n  endpoint_url: " +
                             proxy_.endpoint() + "\n");
  CloudWatchPublisher publisher(io_, config, session_);
  for (int i = 0; i < 4; ++i) {
    auto round = make_round(i);
    round.cascade = {{"us-east-1", 40, {}}, {"us-west-2", 0, {}}};
    publisher.on_round(round, {});
  }
  EXPECT_EQ(proxy_.count("monitoring"), 0u) << "nothing is sent before the interval ends";

  publisher.flush();
  ASSERT_TRUE(run_until([&] { return publisher.stats().published > 0; })) << publisher.stats().failed_requests;
  const auto stats = publisher.stats();
  // DNSSuccessRate east, west, overall; OverallDNSHealth; ResponseTime east, west; 2 scores; 2 risks.
  EXPECT_EQ(stats.published, 10u);
  EXPECT_EQ(stats.backlog, 0u);
  EXPECT_EQ(stats.failed_requests, 0u);
  EXPECT_EQ(proxy_.count("monitoring", "us-east-1", "PutMetricData"), 1u);

  // Four rounds: east succeeded twice in four, west four times.
  EXPECT_EQ(stat_of("RG/Test", "DNSSuccessRate", {{"Region", "us-east-1"}}, "Average"), 50.0);
  EXPECT_EQ(stat_of("RG/Test", "DNSSuccessRate", {{"Region", "us-east-1"}}, "SampleCount"), 4.0);
  EXPECT_EQ(stat_of("RG/Test", "DNSSuccessRate", {{"Region", "us-west-2"}}, "Minimum"), 100.0);
  EXPECT_EQ(stat_of("RG/Test", "DNSSuccessRate", {}, "Average"), 75.0);
  EXPECT_EQ(stat_of("RG/Test", "RegionHealthScore", {{"Region", "us-east-1"}}, "Minimum"), 60.0);
  EXPECT_EQ(stat_of("RG/Test", "CascadeRiskScore", {{"Region", "us-east-1"}}, "Maximum"), 40.0);
  EXPECT_EQ(stat_of("RG/Test", "ResponseTime", {{"Service", "dynamodb"}, {"Region", "us-west-2"}}, "Average"), 40.0);

  // An interval without rounds sends nothing.
  publisher.flush();
  io_.restart();
  io_.run_for(200ms);
  EXPECT_EQ(proxy_.count("monitoring", "", "PutMetricData"), 1u);
}

TEST_F(CloudWatchTest, LargeIntervalsSplitIntoRequestsOfAtMostAThousandDatums) {
  const Config config = load("  enabled: true\n  interval: 1h\n  endpoint_url: " + proxy_.endpoint() + "\n");
  CloudWatchPublisher publisher(io_, config, session_);
  AnalyzedRound round;
  for (int i = 0; i < 1500; ++i) {
    const std::string id = "svc-" + std::to_string(i);
    round.states.push_back(dns_state(id, id, "us-east-1"));
    round.observations.push_back(dns_result(id, true, 10ms));
  }
  publisher.on_round(round, {});
  publisher.flush();
  // 1500 ResponseTime series + DNSSuccessRate (region and overall) + OverallDNSHealth.
  ASSERT_TRUE(run_until([&] { return publisher.stats().published == 1503; })) << publisher.stats().published;
  EXPECT_EQ(proxy_.count("monitoring", "us-east-1", "PutMetricData"), 2u);
  EXPECT_EQ(stat_of("RegionGuard", "ResponseTime", {{"Service", "svc-1499"}, {"Region", "us-east-1"}}, "Average"), 10.0);
}

TEST_F(CloudWatchTest, FailuresAreRetriedAndTheBacklogDropsItsOldest) {
  const Config config = load("  enabled: true\n  interval: 1h\n  max_backlog: 6\n  region: us-west-2\n  endpoint_url: " +
                             proxy_.endpoint() + "\n");
  proxy_.add_rule({test::HttpFault::service_unavailable, "monitoring", "us-west-2", "PutMetricData"});
  CloudWatchPublisher publisher(io_, config, session_);
  publisher.on_round(make_round(0), {});
  publisher.flush();  // 8 datums: DNSSuccessRate x3, OverallDNSHealth, ResponseTime x2, RegionHealthScore x2
  auto stats = publisher.stats();
  EXPECT_EQ(stats.dropped, 2u) << "the 8 datums of the interval, the oldest 2 dropped";
  EXPECT_EQ(stats.backlog, 6u);

  ASSERT_TRUE(run_until([&] { return publisher.stats().retried >= 1; }, 30s));
  stats = publisher.stats();
  EXPECT_GE(stats.failed_requests, 1u);
  EXPECT_EQ(stats.published, 0u);
  // Each failed request is the AWS client's three attempts; then the publisher's own backoff.
  EXPECT_GE(proxy_.count("monitoring", "us-west-2", "PutMetricData"), 3u);

  // Another interval (7 datums: us-east-1 fails, so no response time there) while CloudWatch
  // still fails: at most max_backlog wait behind a batch in flight.
  publisher.on_round(make_round(1), {});
  publisher.flush();
  stats = publisher.stats();
  EXPECT_GE(stats.dropped, 3u);
  EXPECT_LE(stats.backlog, 6u + 6u);

  // CloudWatch recovers: the next retry sends what is queued.
  proxy_.clear_rules();
  ASSERT_TRUE(run_until([&] { return publisher.stats().backlog == 0; }, 60s));
  stats = publisher.stats();
  EXPECT_EQ(stats.published + stats.dropped, 8u + 7u) << "every datum either published or counted as dropped";
  EXPECT_GE(stats.published, 6u);
  // The newest interval's data arrived; the first interval's us-east-1 DNS rate (100) was among
  // the oldest dropped, so only the second's 0 is there.
  EXPECT_EQ(stat_of("RegionGuard", "RegionHealthScore", {{"Region", "us-east-1"}}, "Minimum", "us-west-2"), 60.0);
  EXPECT_EQ(stat_of("RegionGuard", "DNSSuccessRate", {{"Region", "us-east-1"}}, "Maximum", "us-west-2"), 0.0);
}

TEST_F(CloudWatchTest, DaemonPublishesAndShowsItsCountersOnMetrics) {
  create_alarm();
  test::TempDir dir;
  const auto port = test::free_port();
  const auto config = write_daemon_config(dir.path(), port, "{enabled: true, namespace: RG/Daemon, interval: 1s}");
  test::ChildProcess daemon({RG_BINARY, "run", "-c", config.string()}, dir.path() / "run.log");
  std::optional<double> published;
  std::string page;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline && published.value_or(0) == 0) {
    std::this_thread::sleep_for(300ms);
    const auto reply = test::http_get(port, "/metrics");
    if (reply.status != 200) continue;
    page = reply.body;
    published = test::metric_value(page, "regionguard_cloudwatch_published_total");
  }
  ASSERT_GT(published.value_or(0), 0) << page << read_text(dir.path() / "run.log");
  EXPECT_EQ(test::metric_value(page, "regionguard_cloudwatch_dropped_total"), 0.0);
  EXPECT_TRUE(test::metric_value(page, "regionguard_cloudwatch_backlog").has_value());
  EXPECT_TRUE(test::metric_value(page, "regionguard_cloudwatch_failed_requests_total").has_value());
  daemon.stop();
  // The alarm is OK: the region scores 100.
  EXPECT_EQ(stat_of("RG/Daemon", "RegionHealthScore", {{"Region", "us-east-1"}}, "Maximum"), 100.0);
}

// An interval of an hour never ends while the daemon runs two rounds: what it aggregated goes out
// when it stops.
TEST_F(CloudWatchTest, TheDaemonSendsItsLastIntervalWhenItStops) {
  create_alarm();
  test::TempDir dir;
  const auto config =
      write_daemon_config(dir.path(), test::free_port(), "{enabled: true, namespace: RG/Last, interval: 1h}");
  EXPECT_EQ(test::run_command({RG_BINARY, "run", "-c", config.string(), "--rounds", "2"}, dir.path() / "run.log"), 0)
      << read_text(dir.path() / "run.log");
  EXPECT_NE(read_text(dir.path() / "run.log").find("sending the last"), std::string::npos)
      << read_text(dir.path() / "run.log");
  EXPECT_EQ(stat_of("RG/Last", "RegionHealthScore", {{"Region", "us-east-1"}}, "Maximum"), 100.0);
}

TEST_F(CloudWatchTest, ApplyCreatesThenChangesNothingAndDryRunSendsNothing) {
  test::TempDir dir;
  const auto write = [&](const std::string& name, const std::string& extra) {
    const auto path = dir.path() / name;
    std::ofstream(path) << "regions: [us-east-1, us-west-2]\nservices: {dynamodb: {}, lambda: {}}\n"
                           "endpoints:\n"
                           "  - {hostname: dynamodb.us-east-1.amazonaws.com, service: dynamodb, region: us-east-1}\n"
                           "  - {hostname: lambda.us-west-2.amazonaws.com, service: lambda, region: us-west-2}\n"
                           "aws: {endpoint_url: \"" << proxy_.endpoint() << "\", timeout: 20s}\n"
                           "cloudwatch:\n  namespace: RG/Apply\n" << extra;
    return path.string();
  };
  const auto config = write("rg.yaml", "  alarm_actions: [\"arn:aws:sns:us-east-1:123456789012:oncall\"]\n");
  const auto run = [&](std::vector<std::string> args, const std::string& name) {
    const auto out = dir.path() / name;
    args.insert(args.begin(), RG_BINARY);
    const int status = test::run_command(args, out);
    return std::pair{status, read_text(out)};
  };

  // Dry run first: the JSON of every request, and not one request sent.
  const auto [dry_status, dry_text] = run({"cloudwatch", "apply", "--dry-run", "-c", config}, "dry.txt");
  EXPECT_EQ(dry_status, 0) << dry_text;
  const auto dry = nlohmann::json::parse(dry_text);
  EXPECT_EQ(dry["region"], "us-east-1");
  EXPECT_EQ(dry["requests"][0]["operation"], "PutDashboard");
  EXPECT_EQ(dry["requests"][0]["input"]["DashboardName"], "RG-Apply");
  const auto alarms_sent = dry["requests"].size() - 1;
  EXPECT_EQ(alarms_sent, 6u);  // DNS x2, score x2, cascade x2
  EXPECT_EQ(dry["requests"][1]["input"]["AlarmActions"][0], "arn:aws:sns:us-east-1:123456789012:oncall");
  EXPECT_EQ(proxy_.requests().size(), 0u);

  // First apply: everything created.
  const auto [first_status, first] = run({"cloudwatch", "apply", "-c", config}, "first.txt");
  EXPECT_EQ(first_status, 0) << first;
  EXPECT_THAT(first, HasSubstr("dashboard RG-Apply: created"));
  EXPECT_THAT(first, HasSubstr("alarm RG-Apply-DNSSuccessRate-us-east-1: created"));
  EXPECT_THAT(first, HasSubstr("7 created, 0 updated, 0 unchanged in us-east-1"));
  EXPECT_EQ(proxy_.count("monitoring", "us-east-1", "PutMetricAlarm"), 6u);
  EXPECT_EQ(proxy_.count("monitoring", "us-east-1", "PutDashboard"), 1u);

  // What CloudWatch holds is what the dry run showed.
  auto dashboard = wait<cw::Dashboard>([&](auto done) { cw::get_dashboard(moto_client(), "RG-Apply", done); });
  ASSERT_TRUE(dashboard) << dashboard.error().to_string();
  EXPECT_TRUE(same_dashboard(dashboard->dashboard_body, dry["requests"][0]["input"]["DashboardBody"]));
  cw::DescribeAlarmsRequest describe;
  describe.alarm_names = {"RG-Apply-DNSSuccessRate-us-east-1"};
  auto described = wait<cw::DescribeAlarmsResult>([&](auto done) { cw::describe_alarms(moto_client(), describe, done); });
  ASSERT_TRUE(described && described->metric_alarms.size() == 1u);
  const auto& dns_alarm = described->metric_alarms[0];
  EXPECT_EQ(dns_alarm.threshold, 90.0);
  EXPECT_EQ(dns_alarm.comparison_operator, "LessThanThreshold");
  EXPECT_THAT(dns_alarm.alarm_actions, ::testing::ElementsAre("arn:aws:sns:us-east-1:123456789012:oncall"));

  // Second apply: nothing differs, nothing is put.
  proxy_.clear_log();
  const auto [second_status, second] = run({"cloudwatch", "apply", "-c", config}, "second.txt");
  EXPECT_EQ(second_status, 0) << second;
  EXPECT_THAT(second, HasSubstr("0 created, 0 updated, 7 unchanged in us-east-1"));
  EXPECT_THAT(second, Not(HasSubstr(": created")));
  EXPECT_EQ(proxy_.count("monitoring", "", "PutMetricAlarm"), 0u);
  EXPECT_EQ(proxy_.count("monitoring", "", "PutDashboard"), 0u);
  EXPECT_EQ(proxy_.count("monitoring", "us-east-1", "GetDashboard"), 1u);

  // A changed setting updates just what changed.
  const auto changed = write("changed.yaml", "  alarm_actions: [\"arn:aws:sns:us-east-1:123456789012:pager\"]\n");
  proxy_.clear_log();
  const auto [third_status, third] = run({"cloudwatch", "apply", "-c", changed}, "third.txt");
  EXPECT_EQ(third_status, 0) << third;
  EXPECT_THAT(third, HasSubstr("alarm RG-Apply-DNSSuccessRate-us-east-1: updated (alarm_actions, ok_actions)"));
  EXPECT_THAT(third, HasSubstr("dashboard RG-Apply: unchanged"));
  EXPECT_THAT(third, HasSubstr("0 created, 6 updated, 1 unchanged"));
  EXPECT_EQ(proxy_.count("monitoring", "", "PutMetricAlarm"), 6u);

  // CloudWatch failing: said, and exit 1.
  proxy_.add_rule({test::HttpFault::html_500, "monitoring", "", "GetDashboard"});
  const auto [fail_status, fail] = run({"cloudwatch", "apply", "-c", config}, "fail.txt");
  EXPECT_EQ(fail_status, 1) << fail;
  EXPECT_THAT(fail, HasSubstr("dashboard RG-Apply: FAILED"));
}

}  // namespace
}  // namespace rg
