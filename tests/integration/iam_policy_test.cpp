// `regionguard iam-policy` against moto's IAM: the policy the binary prints for a configuration
// that uses every kind of AWS call is accepted by CreatePolicy, which validates the document's
// grammar (a malformed one is refused, as the control shows). moto 5.2.1 cannot evaluate it:
// SimulateCustomPolicy and SimulatePrincipalPolicy answer HTTP 500 (not implemented), and its
// opt-in request authorization checks every call against resource "*", so ARN-scoped
// statements cannot be tried there; tests/unit/app/iam_policy_test.cpp checks the statements.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/asio/io_context.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "aws/aws_xml.h"
#include "aws/protocol_query.h"
#include "net/curl_multi.h"
#include "aws/aws_session.h"
#include "support/child_process.h"
#include "moto_suite.h"
#include "support/moto_server.h"
#include "support/temp_dir.h"

namespace rg {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kIamVersion = "2010-05-08";

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Every AWS call regionguard can make: checks of each kind, a failover plan, an SNS notifier,
// CloudWatch publishing and apply.
constexpr std::string_view kEverything = R"(regions: [us-east-1, us-west-2]
services: {dynamodb: {}, app: {}}
endpoints:
  - {hostname: dynamodb.us-east-1.amazonaws.com, service: dynamodb, region: us-east-1}
  - {id: web, kind: ec2, service: app, region: us-east-1, resource: i-0abc}
  - {id: tg, kind: elb_target_group, service: app, region: us-east-1, resource: app-tg}
  - {id: db, kind: rds, service: app, region: us-west-2, resource: app-west}
  - {id: svc, kind: ecs_service, service: app, region: us-west-2, resource: web, cluster: dr}
  - {id: asg, kind: autoscaling_group, service: app, region: us-west-2, resource: app-dr}
  - {id: alarm, kind: cloudwatch_alarm, service: app, region: us-east-1, resource: app-5xx}
notifiers:
  - {name: topic, type: sns, topic_arn: "arn:aws:sns:us-east-1:123456789012:alerts"}
applications:
  shop:
    primary: us-east-1
    secondaries: [us-west-2]
    checks: {us-east-1: [web], us-west-2: [db]}
    plan:
      autoscaling_groups: {us-west-2: app-dr}
      ecs_services: {us-west-2: {cluster: dr, service: api}}
      rds_replicas: {us-west-2: app-west}
      ssm_parameters:
        /app/rds-endpoint: {us-east-1: db-east.example, us-west-2: db-west.example}
      route53:
        zone_id: Z123
        name: app.example.com
        values: {us-east-1: east.example.com, us-west-2: west.example.com}
      global_accelerator:
        endpoint_groups:
          us-east-1: "arn:aws:globalaccelerator::123456789012:accelerator/1234abcd/listener/0123vxyz/endpoint-group/east"
          us-west-2: "arn:aws:globalaccelerator::123456789012:accelerator/1234abcd/listener/0123vxyz/endpoint-group/west"
      aurora_global:
        global_cluster: orders-global
        clusters:
          us-east-1: arn:aws:rds:us-east-1:123456789012:cluster:orders-east
          us-west-2: arn:aws:rds:us-west-2:123456789012:cluster:orders-west
cloudwatch: {enabled: true, namespace: RegionGuard/Prod, alarm_actions: ["arn:aws:sns:us-east-1:123456789012:oncall"]}
)";

class IamPolicyTest : public test::MotoSuite {
 protected:
  static void SetUpTestSuite() {
    use_dummy_credentials();
    MotoSuite::SetUpTestSuite();
  }

  // One IAM Query call; the answer or the error.
  std::expected<aws::HttpResponse, aws::AwsError> iam(std::string action, aws::QueryParams params) {
    auto client = session_.client("iam", "us-east-1", 60s);
    if (!client) throw std::runtime_error(client.error().to_string());
    std::optional<std::expected<aws::HttpResponse, aws::AwsError>> out;
    (*client)->call(aws::query_request(std::move(action), kIamVersion, params), [&out](auto r) { out = std::move(r); });
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    while (!out && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(20ms);
    }
    if (!out) throw std::runtime_error("IAM did not answer");
    return std::move(*out);
  }

  // The binary's output for kEverything.
  std::string policy_text() {
    const auto config = dir_.path() / "rg.yaml";
    std::ofstream(config) << kEverything;
    const auto out = dir_.path() / "policy.json";
    const auto err = dir_.path() / "policy.err";
    // stdout only: notes go to stderr.
    const int status = test::run_command({"/bin/sh", "-c", std::string("\"$0\" iam-policy -c \"$1\" 2>\"$2\""), RG_BINARY,
                                          config.string(), err.string()},
                                         out);
    EXPECT_EQ(status, 0) << read_text(out) << read_text(err);
    return read_text(out);
  }

  test::TempDir dir_;
  boost::asio::io_context io_;
  CurlMulti curl_{io_};
  AwsConfig aws_config_{.endpoint_url = moto_->endpoint(), .interval = 60s, .timeout = 50s};
  aws::AwsSession session_{io_, curl_, aws_config_};
};


TEST_F(IamPolicyTest, TheBinarysPolicyIsAValidIamDocument) {
  const std::string text = policy_text();
  const auto policy = nlohmann::json::parse(text);
  EXPECT_EQ(policy["Version"], "2012-10-17");
  std::set<std::string> actions;
  for (const auto& statement : policy["Statement"])
    for (const auto& action : statement["Action"]) actions.insert(action.get<std::string>());
  for (const char* expected :
       {"ec2:DescribeInstances", "elasticloadbalancing:DescribeTargetHealth", "rds:DescribeDBInstances",
        "ecs:DescribeServices", "autoscaling:DescribeAutoScalingGroups", "cloudwatch:DescribeAlarms",
        "cloudwatch:GetMetricData", "autoscaling:UpdateAutoScalingGroup", "rds:PromoteReadReplica", "ssm:PutParameter",
        "ssm:GetParameter", "route53:ChangeResourceRecordSets", "route53:GetChange", "route53:ListResourceRecordSets",
        "sns:Publish", "cloudwatch:PutMetricData", "cloudwatch:PutDashboard", "cloudwatch:PutMetricAlarm",
        "globalaccelerator:UpdateEndpointGroup", "rds:FailoverGlobalCluster", "rds:SwitchoverGlobalCluster"})
    EXPECT_TRUE(actions.contains(expected)) << expected;

  auto created = iam("CreatePolicy", {{"PolicyName", "regionguard"}, {"PolicyDocument", text}});
  ASSERT_TRUE(created) << created.error().to_string();
  auto doc = aws::parse_xml_document(created->body, "CreatePolicy");
  ASSERT_TRUE(doc);
  const auto arn = aws::xml_text(aws::xml_path((*doc)->document_element(), {"CreatePolicyResult", "Policy"}), "Arn");
  EXPECT_EQ(arn, "arn:aws:iam::123456789012:policy/regionguard");

  // The control: CreatePolicy does check the grammar.
  std::string broken = text;
  broken.replace(broken.find("\"Allow\""), 7, "\"Permit\"");
  auto refused = iam("CreatePolicy", {{"PolicyName", "broken"}, {"PolicyDocument", broken}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "MalformedPolicyDocument");
}

}  // namespace
}  // namespace rg
