// The AWS resource checks against moto_server: resources are created with the project's own AWS
// calls (or raw protocol calls through the same client where regionguard never creates them),
// broken the ways moto can show — an instance stopped, a target deregistered, an alarm set to
// ALARM, desired counts changed, replica lag published — and each round's health and region score
// checked through the same RoundAnalyzer the daemon uses. `regionguard doctor` is run as a binary.
//
// What moto cannot show (an ELB target "unhealthy", RDS "modifying", impaired status checks) is
// in tests/unit/probe/aws_resource_judge_test.cpp.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/asio/io_context.hpp>
#include <fstream>
#include <sstream>

#include "aws/autoscaling_api.h"
#include "aws/aws_xml.h"
#include "aws/cloudwatch_api.h"
#include "aws/ec2_api.h"
#include "aws/ecs_api.h"
#include "aws/elbv2_api.h"
#include "aws/protocol_json.h"
#include "aws/protocol_query.h"
#include "aws/rds_api.h"
#include "analyze/round_analyzer.h"
#include "config/config_loader.h"
#include "net/curl_multi.h"
#include "probe/aws_resource_prober.h"
#include "store/sqlite_store.h"
#include "support/child_process.h"
#include "support/free_port.h"
#include "moto_suite.h"
#include "support/moto_server.h"
#include "support/temp_dir.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
namespace aws = rg::aws;

class AwsChecksTest : public test::MotoSuite {
 protected:
  // The credential chain of the checks (and of the doctor binary) needs them.
  static void SetUpTestSuite() {
    use_dummy_credentials();
    MotoSuite::SetUpTestSuite();
  }

  // A configuration of AWS checks only (regions us-east-1 and us-west-2), pointed at moto.
  Config load(const std::string& endpoints) {
    const std::string yaml = "regions: [us-east-1, us-west-2]\n"
                             "services: {app: {}}\n"
                             "aws:\n  endpoint_url: " + moto_->endpoint() + "\n  timeout: 50s\n"
                             "endpoints:\n" + endpoints;
    auto config = load_config_string(yaml, "aws_checks.yaml");
    if (!config) throw std::runtime_error(to_string(config.error()));
    return std::move(*config);
  }

  // Runs the loop until `start`'s callback has run (the first call of each moto backend is slow).
  template <typename Result, typename Start>
  std::expected<Result, aws::AwsError> wait(Start start) {
    std::optional<std::expected<Result, aws::AwsError>> out;
    start([&out](std::expected<Result, aws::AwsError> r) { out = std::move(r); });
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    while (!out && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(20ms);
    }
    if (!out) return std::unexpected(aws::make_error(aws::AwsErrorKind::timeout, "the test gave up waiting"));
    return std::move(*out);
  }

  aws::AwsClient& client(const std::string& service, const std::string& region) {
    auto c = session_.client(service, region, 60s);
    if (!c) throw std::runtime_error(c.error().to_string());
    return **c;
  }

  // A call the product does not make (creating what it reads); it must succeed.
  std::unique_ptr<pugi::xml_document> raw_xml(aws::AwsClient& c, aws::AwsRequest request) {
    const std::string operation = request.operation;
    auto answer = wait<aws::HttpResponse>([&](auto done) { c.call(std::move(request), std::move(done)); });
    if (!answer) throw std::runtime_error(operation + ": " + answer.error().to_string());
    auto doc = aws::parse_xml_document(answer->body, operation);
    if (!doc) throw std::runtime_error(doc.error().to_string());
    return std::move(*doc);
  }
  void raw_json(aws::AwsClient& c, std::string operation, const nlohmann::json& body) {
    auto request = aws::json_request(aws::ecs::kTargetPrefix, std::move(operation), aws::JsonVersion::v1_1, body);
    auto answer = wait<aws::HttpResponse>([&](auto done) { c.call(std::move(request), std::move(done)); });
    if (!answer) throw std::runtime_error(answer.error().to_string());
  }

  std::string run_instance(const std::string& region) {
    auto doc = raw_xml(client("ec2", region), aws::query_request("RunInstances", aws::ec2::kVersion,
                                                                 {{"ImageId", "ami-12345678"}, {"MinCount", "1"},
                                                                  {"MaxCount", "1"}, {"InstanceType", "t3.micro"}}));
    return aws::xml_text(aws::xml_path(doc->document_element(), {"instancesSet", "item"}), "instanceId");
  }

  // One round of every AWS check of `config`, analysed.
  AnalyzedRound round(const Config& config, RoundAnalyzer& analyzer) {
    std::vector<ProbeResult> results;
    for (const auto& endpoint : config.endpoints)
      prober_.start(endpoint, [&results](ProbeResult r) { results.push_back(std::move(r)); });
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    while (results.size() < config.endpoints.size() && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(20ms);
    }
    EXPECT_EQ(results.size(), config.endpoints.size()) << "checks still running";
    return analyzer.analyze(results);
  }

  static const EndpointState& state_of(const AnalyzedRound& round, std::string_view id) {
    for (const auto& s : round.states)
      if (s.endpoint_id == id) return s;
    throw std::runtime_error("no state for " + std::string(id));
  }
  static const ProbeResult& result_of(const AnalyzedRound& round, std::string_view id) {
    for (const auto& o : round.observations)
      if (o.result.endpoint_id == id) return o.result;
    throw std::runtime_error("no result for " + std::string(id));
  }

  boost::asio::io_context io_;
  CurlMulti curl_{io_};
  AwsConfig aws_config_{.endpoint_url = moto_->endpoint(), .interval = 60s, .timeout = 50s};
  aws::AwsSession session_{io_, curl_, aws_config_};
  AwsResourceProber prober_{session_};
};


TEST_F(AwsChecksTest, BreakingResourcesShowsInTheirHealthAndTheRegionScore) {
  const std::string a = run_instance("us-east-1");
  const std::string b = run_instance("us-east-1");
  auto& ec2 = client("ec2", "us-east-1");
  auto& elb = client("elbv2", "us-east-1");
  auto& asg = client("autoscaling", "us-east-1");
  auto& ecs = client("ecs", "us-east-1");
  auto& cw = client("cloudwatch", "us-east-1");
  auto vpcs = raw_xml(ec2, aws::query_request("DescribeVpcs", aws::ec2::kVersion,
                                              {{"Filter.1.Name", "isDefault"}, {"Filter.1.Value.1", "true"}}));
  const std::string vpc = aws::xml_text(aws::xml_path(vpcs->document_element(), {"vpcSet", "item"}), "vpcId");
  auto group = raw_xml(elb, aws::query_request("CreateTargetGroup", aws::elbv2::kVersion,
                                               {{"Name", "app"}, {"Protocol", "HTTP"}, {"Port", "80"}, {"VpcId", vpc},
                                                {"TargetType", "instance"}}));
  const std::string group_arn = aws::xml_text(
      aws::xml_path(group->document_element(), {"CreateTargetGroupResult", "TargetGroups", "member"}), "TargetGroupArn");
  raw_xml(elb, aws::query_request("RegisterTargets", aws::elbv2::kVersion,
                                  {{"TargetGroupArn", group_arn}, {"Targets.member.1.Id", a}, {"Targets.member.1.Port", "80"},
                                   {"Targets.member.2.Id", b}, {"Targets.member.2.Port", "80"}}));
  raw_xml(asg, aws::query_request("CreateLaunchConfiguration", aws::autoscaling::kVersion,
                                  {{"LaunchConfigurationName", "app-lc"}, {"ImageId", "ami-12345678"},
                                   {"InstanceType", "t3.micro"}}));
  raw_xml(asg, aws::query_request("CreateAutoScalingGroup", aws::autoscaling::kVersion,
                                  {{"AutoScalingGroupName", "app-asg"}, {"LaunchConfigurationName", "app-lc"},
                                   {"MinSize", "0"}, {"MaxSize", "4"}, {"DesiredCapacity", "2"},
                                   {"AvailabilityZones.member.1", "us-east-1a"}}));
  raw_json(ecs, "CreateCluster", {{"clusterName", "app"}});
  raw_json(ecs, "RegisterTaskDefinition",
           {{"family", "web"}, {"containerDefinitions", {{{"name", "web"}, {"image", "nginx"}, {"memory", 128}}}}});
  raw_json(ecs, "CreateService", {{"cluster", "app"}, {"serviceName", "web"}, {"taskDefinition", "web"}, {"desiredCount", 1}});
  // moto starts a service with no task running; an update jumps running to desired.
  ASSERT_TRUE(wait<aws::ecs::Service>([&](auto done) { aws::ecs::update_service(ecs, {"app", "web", 2, std::nullopt, std::nullopt}, done); }));
  aws::cloudwatch::PutMetricAlarmRequest alarm;
  alarm.alarm_name = "app-5xx";
  alarm.namespace_ = "AWS/ApplicationELB";
  alarm.metric_name = "HTTPCode_Target_5XX_Count";
  alarm.statistic = "Sum";
  alarm.threshold = 10;
  ASSERT_TRUE(wait<void>([&](auto done) { aws::cloudwatch::put_metric_alarm(cw, alarm, done); }));

  const Config config = load(
      "  - {id: web-a, kind: ec2, service: app, region: us-east-1, resource: " + a + "}\n"
      "  - {id: web-tg, kind: elb_target_group, service: app, region: us-east-1, resource: app, min_healthy_percent: 50}\n"
      "  - {id: web-asg, kind: autoscaling_group, service: app, region: us-east-1, resource: app-asg}\n"
      "  - {id: web-ecs, kind: ecs_service, service: app, region: us-east-1, resource: web, cluster: app}\n"
      "  - {id: web-5xx, kind: cloudwatch_alarm, service: app, region: us-east-1, resource: app-5xx}\n");
  RoundAnalyzer analyzer(config);

  const auto healthy = round(config, analyzer);
  for (const auto& s : healthy.states)
    EXPECT_EQ(s.status, HealthStatus::healthy) << s.endpoint_id << ": " << result_of(healthy, s.endpoint_id).error;
  ASSERT_EQ(healthy.scores.size(), 1u);
  EXPECT_DOUBLE_EQ(healthy.scores[0].score, 100);
  EXPECT_EQ(result_of(healthy, "web-tg").resource->expected, 2);
  EXPECT_EQ(result_of(healthy, "web-asg").resource->headroom, 2);

  // Break things: stop instance a, fire the alarm, take the group's headroom away.
  raw_xml(ec2, aws::query_request("StopInstances", aws::ec2::kVersion, {{"InstanceId.1", a}}));
  ASSERT_TRUE(wait<void>([&](auto done) {
    aws::cloudwatch::set_alarm_state(cw, {"app-5xx", aws::cloudwatch::AlarmState::alarm, "Threshold Crossed", std::nullopt}, done);
  }));
  ASSERT_TRUE(wait<void>([&](auto done) {
    aws::autoscaling::update_auto_scaling_group(asg, {"app-asg", std::nullopt, 2, 2}, done);
  }));

  const auto broken = round(config, analyzer);
  EXPECT_EQ(state_of(broken, "web-a").status, HealthStatus::critical);
  EXPECT_EQ(result_of(broken, "web-a").failure, FailureKind::resource_state);
  EXPECT_EQ(result_of(broken, "web-a").error, "instance is stopped");
  // The stopped instance is a target moto calls "unused": 1 of 2 healthy, at the 50% allowed.
  EXPECT_EQ(state_of(broken, "web-tg").status, HealthStatus::warning);
  EXPECT_THAT(result_of(broken, "web-tg").warnings, testing::ElementsAre(testing::StartsWith("1 of 2 targets healthy")));
  EXPECT_EQ(result_of(broken, "web-5xx").failure, FailureKind::alarm);
  EXPECT_EQ(result_of(broken, "web-5xx").error, "in ALARM: Threshold Crossed");
  EXPECT_EQ(state_of(broken, "web-asg").status, HealthStatus::warning);
  EXPECT_EQ(result_of(broken, "web-asg").resource->headroom, 0);
  EXPECT_EQ(state_of(broken, "web-ecs").status, HealthStatus::healthy);
  // Resources only: (0 + min(70, 50) + 70 + 100 + 0) / 5.
  ASSERT_EQ(broken.scores.size(), 1u);
  EXPECT_NEAR(broken.scores[0].score, 44.0, 1e-9);
  ASSERT_EQ(broken.summary.regions.size(), 1u);
  EXPECT_EQ(broken.summary.regions[0].health_score, broken.scores[0].score);

  // Drain the last healthy target and cut the service's desired count to more than moto runs.
  raw_xml(elb, aws::query_request("DeregisterTargets", aws::elbv2::kVersion,
                                  {{"TargetGroupArn", group_arn}, {"Targets.member.1.Id", b}}));
  const auto drained = round(config, analyzer);
  EXPECT_EQ(state_of(drained, "web-tg").status, HealthStatus::critical);
  EXPECT_EQ(result_of(drained, "web-tg").failure, FailureKind::capacity);
  EXPECT_LT(drained.scores[0].score, broken.scores[0].score);
}

TEST_F(AwsChecksTest, RdsAvailabilityAndReplicaLagFromCloudWatch) {
  auto& east = client("rds", "us-east-1");
  auto& west = client("rds", "us-west-2");
  auto source = raw_xml(east, aws::query_request("CreateDBInstance", aws::rds::kVersion,
                                                 {{"DBInstanceIdentifier", "app-east"}, {"DBInstanceClass", "db.t3.micro"},
                                                  {"Engine", "mysql"}, {"AllocatedStorage", "20"},
                                                  {"MasterUsername", "admin"}, {"MasterUserPassword", "correct-horse"}}));
  const std::string source_arn =
      aws::xml_text(aws::xml_path(source->document_element(), {"CreateDBInstanceResult", "DBInstance"}), "DBInstanceArn");
  raw_xml(west, aws::query_request("CreateDBInstanceReadReplica", aws::rds::kVersion,
                                   {{"DBInstanceIdentifier", "app-west"}, {"SourceDBInstanceIdentifier", source_arn},
                                    {"DBInstanceClass", "db.t3.micro"}}));
  // What RDS publishes for a lagging replica.
  aws::cloudwatch::PutMetricDataRequest lag{"AWS/RDS", {{"ReplicaLag", {{"DBInstanceIdentifier", "app-west"}}, 120.0,
                                                         std::nullopt, now_us() - 30s, "Seconds", std::nullopt}}};
  ASSERT_TRUE(wait<void>([&](auto done) { aws::cloudwatch::put_metric_data(client("cloudwatch", "us-west-2"), lag, done); }));

  const Config config = load(
      "  - {id: db-east, kind: rds, service: app, region: us-east-1, resource: app-east}\n"
      "  - {id: db-west, kind: rds, service: app, region: us-west-2, resource: app-west, max_replica_lag: 60s}\n"
      "  - {id: db-gone, kind: rds, service: app, region: us-west-2, resource: app-gone}\n");
  RoundAnalyzer analyzer(config);
  const auto checked = round(config, analyzer);
  EXPECT_EQ(state_of(checked, "db-east").status, HealthStatus::healthy);
  EXPECT_EQ(result_of(checked, "db-west").failure, FailureKind::replica_lag);
  EXPECT_EQ(result_of(checked, "db-west").resource->replica_lag_seconds, 120.0);
  EXPECT_EQ(result_of(checked, "db-gone").failure, FailureKind::not_found);
  ASSERT_EQ(checked.scores.size(), 2u);
  EXPECT_DOUBLE_EQ(checked.scores[0].score, 100);  // us-east-1
  EXPECT_DOUBLE_EQ(checked.scores[1].score, 0);    // us-west-2: both checks critical
}

// --- regionguard doctor, as an operator runs it ------------------------------------------------------

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_F(AwsChecksTest, DoctorNamesWhatCannotRunAndPassesWhenAllCan) {
  const std::string instance = run_instance("us-east-1");
  test::TempDir dir;
  auto write = [&](const std::string& name, const std::string& endpoints) {
    const auto path = dir.path() / name;
    std::ofstream(path) << "regions: [us-east-1]\nservices: {app: {}}\naws: {endpoint_url: \"" << moto_->endpoint()
                        << "\", timeout: 50s}\nendpoints:\n" << endpoints;
    return path.string();
  };
  const auto good = write("good.yaml", "  - {id: web-a, kind: ec2, service: app, region: us-east-1, resource: " + instance + "}\n");
  const auto bad = write("bad.yaml", "  - {id: web-a, kind: ec2, service: app, region: us-east-1, resource: " + instance + "}\n"
                                     "  - {id: gone, kind: cloudwatch_alarm, service: app, region: us-east-1, resource: no-such-alarm}\n");
  auto out = dir.path() / "doctor-good.txt";
  EXPECT_EQ(test::run_command({RG_BINARY, "doctor", "-c", good}, out), 0) << read_text(out);
  const std::string ok_text = read_text(out);
  EXPECT_THAT(ok_text, testing::HasSubstr("credentials: ok, "));
  EXPECT_THAT(ok_text, testing::HasSubstr("(account 123456789012)"));
  EXPECT_THAT(ok_text, testing::HasSubstr("endpoint ec2 us-east-1: ok, " + moto_->endpoint()));
  EXPECT_THAT(ok_text, testing::HasSubstr("check web-a: ok, runs; the resource is healthy now"));
  EXPECT_THAT(ok_text, testing::HasSubstr("no problems found"));

  out = dir.path() / "doctor-bad.txt";
  EXPECT_EQ(test::run_command({RG_BINARY, "doctor", "-c", bad}, out), 1) << read_text(out);
  const std::string bad_text = read_text(out);
  EXPECT_THAT(bad_text, testing::HasSubstr("check gone: PROBLEM: no-such-alarm does not exist in us-east-1"));
  EXPECT_THAT(bad_text, testing::HasSubstr("1 problem found"));

  // No credentials anywhere: said in plain words, and nothing can run.
  out = dir.path() / "doctor-no-credentials.txt";
  EXPECT_EQ(test::run_command({"/usr/bin/env", "-i", "HOME=" + dir.path().string(), "AWS_EC2_METADATA_DISABLED=true",
                               RG_BINARY, "doctor", "-c", good},
                              out),
            1);
  EXPECT_THAT(read_text(out), testing::HasSubstr("credentials: PROBLEM: no AWS credentials found"));

  // Nothing listens: the endpoint is named as unreachable.
  const auto unreachable = dir.path() / "unreachable.yaml";
  std::ofstream(unreachable) << "regions: [us-east-1]\nservices: {app: {}}\naws: {endpoint_url: \"http://127.0.0.1:9\", timeout: 5s}\n"
                                "endpoints:\n  - {id: web-a, kind: ec2, service: app, region: us-east-1, resource: i-1}\n";
  out = dir.path() / "doctor-unreachable.txt";
  EXPECT_EQ(test::run_command({RG_BINARY, "doctor", "-c", unreachable.string()}, out), 1) << read_text(out);
  EXPECT_THAT(read_text(out), testing::HasSubstr("endpoint ec2 us-east-1: PROBLEM: cannot reach http://127.0.0.1:9"));
}

// `probe` shows a firing alarm and the region's score; `run` stores the score of every round.
TEST_F(AwsChecksTest, ProbeShowsTheScoreAndRunStoresIt) {
  aws::cloudwatch::PutMetricAlarmRequest alarm;
  alarm.alarm_name = "app-5xx";
  alarm.namespace_ = "AWS/ApplicationELB";
  alarm.metric_name = "HTTPCode_Target_5XX_Count";
  alarm.statistic = "Sum";
  alarm.threshold = 10;
  auto& cw = client("cloudwatch", "us-east-1");
  ASSERT_TRUE(wait<void>([&](auto done) { aws::cloudwatch::put_metric_alarm(cw, alarm, done); }));
  ASSERT_TRUE(wait<void>([&](auto done) {
    aws::cloudwatch::set_alarm_state(cw, {"app-5xx", aws::cloudwatch::AlarmState::alarm, "Threshold Crossed", std::nullopt}, done);
  }));

  test::TempDir dir;
  const auto config = dir.path() / "rg.yaml";
  std::ofstream(config) << "regions: [us-east-1]\nservices: {app: {}}\naws: {endpoint_url: \"" << moto_->endpoint()
                        << "\", timeout: 50s}\nstore: {path: rg.db}\nserver: {listen: \"127.0.0.1:" << test::free_port()
                        << "\"}\nendpoints:\n  - {id: web-5xx, kind: cloudwatch_alarm, service: app, region: us-east-1, "
                           "resource: app-5xx}\n";

  const auto probe_out = dir.path() / "probe.json";
  EXPECT_EQ(test::run_command({RG_BINARY, "probe", "--json", "-c", config.string()}, probe_out), 2) << read_text(probe_out);
  const auto json = nlohmann::json::parse(read_text(probe_out));
  EXPECT_EQ(json["endpoints"][0]["failure"], "alarm");
  EXPECT_EQ(json["endpoints"][0]["kind"], "cloudwatch_alarm");
  EXPECT_EQ(json["regions"][0]["health_score"], 0.0);

  const auto run_log = dir.path() / "run.log";
  EXPECT_EQ(test::run_command({RG_BINARY, "run", "-c", config.string(), "--rounds", "1"}, run_log), 0) << read_text(run_log);
  auto store = SqliteStore::open_read_only((dir.path() / "rg.db").string());
  ASSERT_TRUE(store) << store.error().message;
  const auto scores = (*store)->region_scores("us-east-1", TimePoint{}, now_us() + 1h);
  ASSERT_TRUE(scores) << scores.error().message;
  ASSERT_EQ(scores->size(), 1u);
  EXPECT_EQ((*scores)[0].score, 0.0);
  EXPECT_EQ((*scores)[0].resources, 0.0);
  EXPECT_FALSE((*scores)[0].dns);
}

}  // namespace
}  // namespace rg
