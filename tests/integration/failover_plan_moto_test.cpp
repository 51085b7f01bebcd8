// A failover plan of `shop` from us-east-1 to us-west-2 against moto_server: the fixture creates
// the Auto Scaling group, the RDS primary and its cross-region replica, the SSM parameter and the
// Route 53 record; the plan runs through PlanExecutor with a real journal; each effect is checked
// in moto. Then a failing Route 53 step (the fault proxy refuses the change) must leave every
// resource as it was. Waits and timeouts moto cannot show are in tests/unit/act/wait_until_test.cpp.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <cstdlib>
#include <fstream>
#include <map>

#include "act/aws/autoscaling_api.h"
#include "act/aws/aws_client.h"
#include "act/aws/aws_xml.h"
#include "act/aws/protocol_query.h"
#include "act/aws/protocol_rest_xml.h"
#include "act/aws/rds_api.h"
#include "act/aws/route53_api.h"
#include "act/aws/ssm_api.h"
#include "act/failover/failover_plan_builder.h"
#include "act/failover/plan_executor.h"
#include "net/curl_multi.h"
#include "support/child_process.h"
#include "support/http_fault_proxy.h"
#include "moto_suite.h"
#include "support/moto_server.h"
#include "support/temp_dir.h"

namespace rg::act {
namespace {

using namespace std::chrono_literals;
using namespace rg::aws;
using test::FaultRule;
using test::HttpFault;
using test::HttpFaultProxy;
using test::MotoServer;
using test::run_command;

class FailoverPlanMotoTest : public test::MotoSuite {
 protected:
  void SetUp() override {
    MotoSuite::SetUp();
    proxy_ = std::make_unique<HttpFaultProxy>("127.0.0.1", moto_->port());
    create_resources();
  }

  AwsClient& client(std::string_view service, const std::string& region) {
    const std::string key = std::string(service) + "/" + region;
    auto& slot = clients_[key];
    if (!slot) {
      AwsClientConfig config;
      config.service = std::string(service);
      config.region = region;
      config.endpoints.overrides[std::string(service)] = proxy_->endpoint();  // every call through the proxy
      config.call_timeout = 120s;
      config.attempt_timeout = 90s;  // first calls load moto's backends: slow on a busy machine
      auto created = AwsClient::create(std::move(config), {transport_, credentials_, scheduler_, nullptr, nullptr});
      if (!created) throw std::runtime_error(created.error().to_string());
      slot = std::move(*created);
    }
    return *slot;
  }

  template <typename Result, typename Start>
  Result wait(Start start) {
    std::optional<std::expected<Result, AwsError>> out;
    start([&out](std::expected<Result, AwsError> r) { out = std::move(r); });
    run_until([&] { return out.has_value(); });
    if (!out) throw std::runtime_error("no answer");
    if (!*out) throw std::runtime_error(out->error().to_string());
    if constexpr (!std::is_void_v<Result>) return std::move(**out);
  }

  template <typename Done>
  void run_until(Done done) {
    const auto deadline = std::chrono::steady_clock::now() + 180s;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(20ms);
    }
  }

  HttpResponse raw(AwsClient& c, AwsRequest request) {
    return wait<HttpResponse>([&](auto done) { c.call(std::move(request), std::move(done)); });
  }

  void create_resources() {
    auto& asg = client("autoscaling", "us-west-2");
    raw(asg, query_request("CreateLaunchConfiguration", autoscaling::kVersion,
                           {{"LaunchConfigurationName", "web-lc"}, {"ImageId", "ami-12345678"},
                            {"InstanceType", "t3.micro"}}));
    raw(asg, query_request("CreateAutoScalingGroup", autoscaling::kVersion,
                           {{"AutoScalingGroupName", "web-west"}, {"LaunchConfigurationName", "web-lc"},
                            {"MinSize", "0"}, {"MaxSize", "4"}, {"DesiredCapacity", "0"},
                            {"AvailabilityZones.member.1", "us-west-2a"}}));
    auto source = raw(client("rds", "us-east-1"),
                      query_request("CreateDBInstance", rds::kVersion,
                                    {{"DBInstanceIdentifier", "db-east"}, {"DBInstanceClass", "db.t3.micro"},
                                     {"Engine", "mysql"}, {"AllocatedStorage", "20"}, {"MasterUsername", "admin"},
                                     {"MasterUserPassword", "correct-horse"}}));
    auto doc = parse_xml_document(source.body, "CreateDBInstance").value();
    const auto arn = xml_text(xml_path(doc->document_element(), {"CreateDBInstanceResult", "DBInstance"}), "DBInstanceArn");
    raw(client("rds", "us-west-2"), query_request("CreateDBInstanceReadReplica", rds::kVersion,
                                                  {{"DBInstanceIdentifier", "db-west"},
                                                   {"SourceDBInstanceIdentifier", arn},
                                                   {"DBInstanceClass", "db.t3.micro"}}));
    wait<ssm::PutParameterResult>([&](auto done) {
      ssm::put_parameter(client("ssm", "us-west-2"),
                         {"/app/rds-endpoint", "db-east.example", "String", false, std::nullopt, std::nullopt}, done);
    });
    auto zone = raw(client("route53", "us-east-1"),
                    rest_xml_request("CreateHostedZone", "POST", "/2013-04-01/hostedzone", {},
                                     "<CreateHostedZoneRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
                                     "<Name>example.com</Name><CallerReference>rg-zone</CallerReference>"
                                     "</CreateHostedZoneRequest>"));
    auto zone_doc = parse_xml_document(zone.body, "CreateHostedZone").value();
    zone_id_ = xml_text(xml_child(zone_doc->document_element(), "HostedZone"), "Id");
    zone_id_ = zone_id_.substr(zone_id_.rfind('/') + 1);
    set_record("east.example.com");
  }

  void set_record(const std::string& value) {
    route53::ResourceRecordSet record;
    record.name = "app.example.com.";
    record.type = "CNAME";
    record.ttl = 60;
    record.values = {value};
    wait<route53::ChangeInfo>([&](auto done) {
      route53::change_resource_record_sets(client("route53", "us-east-1"),
                                           {zone_id_, std::nullopt, {{route53::ChangeAction::upsert, record}}}, done);
    });
  }

  // What the plan touches, as moto has it now.
  struct World {
    std::int64_t desired = 0;
    std::int64_t in_service = 0;
    std::string parameter;
    std::vector<std::string> record;
    friend bool operator==(const World&, const World&) = default;
  };
  World world() {
    World w;
    auto groups = wait<autoscaling::DescribeAutoScalingGroupsResult>([&](auto done) {
      autoscaling::describe_auto_scaling_groups(client("autoscaling", "us-west-2"), {{"web-west"}, std::nullopt, std::nullopt},
                                                done);
    });
    w.desired = groups.groups.at(0).desired_capacity;
    w.in_service = groups.groups.at(0).in_service_count();
    w.parameter = wait<ssm::Parameter>([&](auto done) {
                    ssm::get_parameter(client("ssm", "us-west-2"), {"/app/rds-endpoint", false}, done);
                  }).value;
    auto records = wait<route53::ListResourceRecordSetsResult>([&](auto done) {
      route53::list_resource_record_sets(client("route53", "us-east-1"),
                                         {zone_id_, "app.example.com.", "CNAME", std::nullopt, 1}, done);
    });
    for (const auto& r : records.record_sets)
      if (r.name == "app.example.com." && r.type == "CNAME") w.record = r.values;
    return w;
  }

  ApplicationConfig shop() const {
    ApplicationConfig app;
    app.name = "shop";
    app.primary = "us-east-1";
    app.secondaries = {"us-west-2"};
    app.plan.autoscaling_groups = {{"us-west-2", "web-west"}};
    app.plan.desired_capacity = 2;
    app.plan.rds_replicas = {{"us-west-2", "db-west"}};
    app.plan.ssm_parameters = {{"/app/rds-endpoint", {{"us-east-1", "db-east.example"}, {"us-west-2", "db-west.example"}}}};
    app.plan.route53 = Route53TargetConfig{zone_id_, "app.example.com", "CNAME", 60,
                                           {{"us-east-1", "east.example.com"}, {"us-west-2", "west.example.com"}}};
    return app;
  }

  PlanReport run_plan() {
    PlanContext context{[this](std::string_view s, const std::string& r) -> AwsClient& { return client(s, r); },
                        scheduler_, WaitOptions{200ms, 60s}, std::nullopt, true, 2.0};
    auto plan = build_failover_plan(shop(), "us-east-1", "us-west-2", context);
    std::optional<PlanReport> report;
    const auto generation = journal_->next_generation("shop").value();
    executor_.run(std::move(plan), generation, [&](PlanReport r) { report = std::move(r); });
    run_until([&] { return report.has_value(); });
    if (!report) throw std::runtime_error("the plan did not finish");
    return *report;
  }

  std::unique_ptr<HttpFaultProxy> proxy_;
  boost::asio::io_context io_;
  CurlMulti curl_{io_};
  CurlTransport transport_{curl_};
  AsioScheduler scheduler_{io_};
  std::shared_ptr<ClientCredentials> credentials_ =
      std::make_shared<FixedCredentials>(AwsCredentials{"testing", "testing", std::nullopt, std::nullopt, std::nullopt});
  std::map<std::string, std::unique_ptr<AwsClient>> clients_;
  std::string zone_id_;
  test::TempDir dir_;
  std::unique_ptr<FailoverJournal> journal_ = FailoverJournal::open((dir_.path() / "rg.db").string()).value();
  PlanExecutor executor_{io_.get_executor(), *journal_, [] { return now_us(); }};
};


TEST_F(FailoverPlanMotoTest, EveryStepTakesEffectAndIsJournaled) {
  ASSERT_EQ(world(), (World{0, 0, "db-east.example", {"east.example.com"}}));
  const auto report = run_plan();
  ASSERT_EQ(report.outcome, PlanOutcome::completed) << report.reason;
  EXPECT_EQ(world(), (World{2, 2, "db-west.example", {"west.example.com"}}));
  // The replica was asked to promote (moto keeps it a replica: promotion is a no-op there).
  EXPECT_EQ(proxy_->count("rds", "us-west-2", "PromoteReadReplica"), 1u);
  const auto journaled = journal_->latest("shop").value();
  ASSERT_TRUE(journaled);
  EXPECT_EQ(journaled->state, PlanState::completed);
  EXPECT_EQ(journaled->steps.size(), 8u);  // 4 steps, started and done
}

TEST_F(FailoverPlanMotoTest, AFailingStepRollsEverythingBack) {
  const World before = world();
  // Route 53 refuses the record change (and the retries): the last step fails.
  proxy_->add_rule(FaultRule{HttpFault::service_unavailable, "route53", "",
                             "POST /2013-04-01/hostedzone/" + zone_id_ + "/rrset/", -1});
  const auto report = run_plan();
  EXPECT_EQ(report.outcome, PlanOutcome::rolled_back) << report.reason;
  EXPECT_NE(report.reason.find("step 4"), std::string::npos) << report.reason;
  proxy_->clear_rules();
  const World after = world();
  EXPECT_EQ(after.desired, before.desired);
  EXPECT_EQ(after.parameter, before.parameter);
  EXPECT_EQ(after.record, before.record);
  EXPECT_EQ(journal_->latest("shop").value()->state, PlanState::rolled_back);
}

TEST_F(FailoverPlanMotoTest, AReadinessFailureChangesNothing) {
  const World before = world();
  // web-west cannot reach 2 instances once its max is 1.
  wait<void>([&](auto done) {
    autoscaling::update_auto_scaling_group(client("autoscaling", "us-west-2"), {"web-west", std::nullopt, 1, std::nullopt},
                                           done);
  });
  proxy_->clear_log();
  const auto report = run_plan();
  EXPECT_EQ(report.outcome, PlanOutcome::not_ready);
  EXPECT_NE(report.reason.find("max size 1 < desired 2"), std::string::npos) << report.reason;
  EXPECT_EQ(world(), before);
  EXPECT_EQ(proxy_->count("ssm", "", "PutParameter"), 0u);
  EXPECT_EQ(proxy_->count("autoscaling", "", "UpdateAutoScalingGroup"), 0u);
}


// The same move through the command line: `failover plan` changes nothing, `failover execute`
// moves shop, `failover status` shows it, and `failover rollback` puts back what can be put back.
TEST_F(FailoverPlanMotoTest, TheCommandLinePlansExecutesShowsAndRollsBack) {
  const auto config = dir_.path() / "rg.yaml";
  std::ofstream(config) << "regions: [us-east-1, us-west-2]\n"
                           "services: { dynamodb: {} }\n"
                           "endpoints:\n"
                           "  - { hostname: dynamodb.us-east-1.amazonaws.com, service: dynamodb, region: us-east-1 }\n"
                           "  - { hostname: dynamodb.us-west-2.amazonaws.com, service: dynamodb, region: us-west-2 }\n"
                           "store: { path: cli.db }\n"
                           "aws: { endpoint_url: \"" << proxy_->endpoint() << "\" }\n"
                           "applications:\n"
                           "  shop:\n"
                           "    primary: us-east-1\n"
                           "    secondaries: [us-west-2]\n"
                           "    checks:\n"
                           "      us-east-1: [dynamodb.us-east-1.amazonaws.com]\n"
                           "      us-west-2: [dynamodb.us-west-2.amazonaws.com]\n"
                           "    plan:\n"
                           "      autoscaling_groups: { us-west-2: web-west }\n"
                           "      desired_capacity: 2\n"
                           "      ssm_parameters:\n"
                           "        /app/rds-endpoint: { us-east-1: db-east.example, us-west-2: db-west.example }\n"
                           "      route53:\n"
                           "        zone_id: " << zone_id_ << "\n"
                           "        name: app.example.com\n"
                           "        values: { us-east-1: east.example.com, us-west-2: west.example.com }\n";
  ::setenv("AWS_ACCESS_KEY_ID", "testing", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "testing", 1);
  const auto output = dir_.path() / "out.txt";
  const auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {RG_BINARY, "failover", "-c", config.string()});
    return run_command(args, output);
  };
  const auto printed = [&] {
    std::ifstream in(output);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const World before = world();

  ASSERT_EQ(run({"plan", "shop"}), 0) << printed();
  EXPECT_NE(printed().find("would scale web-west to 2"), std::string::npos) << printed();
  EXPECT_EQ(world(), before);  // plan calls nothing that changes state

  ASSERT_EQ(run({"execute", "shop"}), 0) << printed();
  EXPECT_EQ(world(), (World{2, 2, "db-west.example", {"west.example.com"}}));

  ASSERT_EQ(run({"status", "shop"}), 0) << printed();
  EXPECT_NE(printed().find("shop: active region us-west-2"), std::string::npos) << printed();
  EXPECT_NE(printed().find("#1 failover us-east-1 -> us-west-2  completed"), std::string::npos) << printed();

  // Rolling back a completed move is a new plan back to us-east-1 (generation 2): the record
  // follows, and the parameter is written in the target region, us-east-1 (SSM is regional).
  ASSERT_EQ(run({"rollback", "shop"}), 0) << printed();
  EXPECT_EQ(world().record, before.record);
  EXPECT_EQ(wait<ssm::Parameter>([&](auto done) {
              ssm::get_parameter(client("ssm", "us-east-1"), {"/app/rds-endpoint", false}, done);
            }).value,
            "db-east.example");
  ASSERT_EQ(run({"status", "shop"}), 0);
  EXPECT_NE(printed().find("shop: active region us-east-1"), std::string::npos) << printed();
  EXPECT_NE(printed().find("#2 failback us-west-2 -> us-east-1  completed"), std::string::npos) << printed();

  EXPECT_EQ(run({"execute", "nope"}), 3);
}

}  // namespace
}  // namespace rg::act
