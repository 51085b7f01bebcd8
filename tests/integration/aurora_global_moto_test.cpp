// plan.aurora_global against moto_server (issue 20): a real global cluster (CreateGlobalCluster, a
// writer cluster in us-east-1 and a secondary in us-west-2), read by the plan's readiness check
// through DescribeGlobalClusters and DescribeDBClusters, and the lag through CloudWatch. What moto
// cannot do is shown as it is: it answers SwitchoverGlobalCluster and FailoverGlobalCluster with an
// HTTP 500 page (not implemented), and its RemoveFromGlobalCluster answers 200 but leaves a member
// of another region in place (it looks the cluster up in the calling region only and swallows the
// miss). The moves themselves, and the writer changing, are in tests/unit/act/aurora_global_step_test.cpp
// with answers shaped after the RDS API reference.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "act/failover/failover_plan_builder.h"
#include "act/failover/plan_executor.h"
#include "aws/cloudwatch_api.h"
#include "aws/protocol_query.h"
#include "aws/rds_api.h"
#include "aws/rds_global_cluster_api.h"
#include "aws_test_clients.h"
#include "moto_suite.h"
#include "support/http_fault_proxy.h"
#include "support/owned_journal.h"
#include "support/temp_dir.h"

namespace rg::act {
namespace {

using namespace std::chrono_literals;
using namespace rg::aws;

constexpr std::string_view kEast = "arn:aws:rds:us-east-1:123456789012:cluster:orders-east";
constexpr std::string_view kWest = "arn:aws:rds:us-west-2:123456789012:cluster:orders-west";

class AuroraGlobalMotoTest : public test::MotoSuite {
 protected:
  void SetUp() override {
    MotoSuite::SetUp();
    proxy_ = std::make_unique<test::HttpFaultProxy>("127.0.0.1", moto_->port());
    aws_.raw(client("rds", "us-east-1"), query_request("CreateGlobalCluster", rds::kVersion,
                                                       {{"GlobalClusterIdentifier", "orders-global"},
                                                        {"Engine", "aurora-postgresql"}}));
    aws_.raw(client("rds", "us-east-1"),
             query_request("CreateDBCluster", rds::kVersion,
                           {{"DBClusterIdentifier", "orders-east"}, {"Engine", "aurora-postgresql"},
                            {"GlobalClusterIdentifier", "orders-global"}, {"MasterUsername", "admin"},
                            {"MasterUserPassword", "correct-horse"}}));
    aws_.raw(client("rds", "us-west-2"),
             query_request("CreateDBCluster", rds::kVersion,
                           {{"DBClusterIdentifier", "orders-west"}, {"Engine", "aurora-postgresql"},
                            {"GlobalClusterIdentifier", "orders-global"}}));
  }

  AwsClient& client(std::string_view service, std::string_view region) { return aws_.client(service, region); }

  ApplicationConfig shop(bool detach = false) const {
    ApplicationConfig app;
    app.name = "shop";
    app.primary = "us-east-1";
    app.secondaries = {"us-west-2"};
    app.plan.aurora_global =
        AuroraGlobalConfig{"orders-global", {{"us-east-1", std::string(kEast)}, {"us-west-2", std::string(kWest)}}, detach};
    return app;
  }

  Plan build(const ApplicationConfig& app, std::optional<bool> source_healthy) {
    const auto lookup = [this](std::string_view s, const std::string& r) -> std::expected<AwsClient*, std::string> {
      return &client(s, r);
    };
    PlanContext context{lookup, aws_.scheduler(), WaitOptions{200ms, 3s}, std::nullopt, true, std::nullopt};
    context.source_healthy = source_healthy;
    return build_failover_plan(app, "us-east-1", "us-west-2", context).value();
  }

  StepResult run(const StepFunction& function) {
    std::optional<StepResult> out;
    function([&out](StepResult r) { out = std::move(r); });
    if (!aws_.run_until([&] { return out.has_value(); })) return std::unexpected("the test gave up waiting");
    return *out;
  }

  // The members of orders-global as moto has them: "orders-east (writer)", "orders-west".
  std::vector<std::string> members() {
    auto found = aws_.ok<rds::DescribeGlobalClustersResult>(
        [&](auto done) { rds::describe_global_clusters(client("rds", "us-west-2"), "orders-global", done); });
    std::vector<std::string> out;
    for (const auto& m : found.clusters.at(0).members)
      out.push_back(m.cluster_arn.substr(m.cluster_arn.rfind(':') + 1) + (m.is_writer ? " (writer)" : ""));
    return out;
  }

  void put_lag(double milliseconds) {
    cloudwatch::MetricDatum datum;
    datum.metric_name = "AuroraGlobalDBRPOLag";
    datum.dimensions = {{"DBClusterIdentifier", "orders-west"}};
    datum.value = milliseconds;
    datum.unit = "Milliseconds";
    // A minute back: a datapoint stamped "now" can fall after the query's end time.
    datum.timestamp = now_us() - std::chrono::seconds(60);
    aws_.ok<void>([&](auto done) { cloudwatch::put_metric_data(client("cloudwatch", "us-west-2"), {"AWS/RDS", {datum}}, done); });
  }

  // The source region's RDS does not answer (503 to every DescribeDBClusters in us-east-1).
  void source_region_down() {
    proxy_->add_rule(test::FaultRule{test::HttpFault::service_unavailable, "rds", "us-east-1", "DescribeDBClusters", -1});
  }

  static const ReadinessCheck& aurora_check(const Plan& plan) {
    for (const auto& check : plan.readiness)
      if (check.name.starts_with("Aurora ")) return check;
    throw std::runtime_error("the plan has no Aurora readiness check");
  }
  static const PlanStep& aurora_step(const Plan& plan) {
    for (const auto& step : plan.steps)
      if (step.name.starts_with("Aurora ")) return step;
    throw std::runtime_error("the plan has no Aurora step");
  }

  std::unique_ptr<test::HttpFaultProxy> proxy_;
  boost::asio::io_context io_;
  test::AwsTestClients aws_{io_, [this] { return proxy_->endpoint(); }};
  test::TempDir dir_;
  std::unique_ptr<FailoverJournal> journal_ = test::open_owned_journal((dir_.path() / "rg.db").string());
};

TEST_F(AuroraGlobalMotoTest, ReadinessReadsTheRealMembersAndChoosesASwitchoverForAHealthySource) {
  ASSERT_EQ(members(), (std::vector<std::string>{"orders-east (writer)", "orders-west"}));
  const auto described = proxy_->count("rds", "us-west-2", "DescribeGlobalClusters");
  const auto plan = build(shop(), std::nullopt);
  const auto& step = aurora_step(plan);
  EXPECT_TRUE(step.irreversible);  // nobody judged the source: a failover was possible
  const auto ready = run(aurora_check(plan).check);
  ASSERT_TRUE(ready) << ready.error();
  EXPECT_EQ(*ready, "orders-west is a secondary of orders-global; orders-east is the writer and available: switchover "
                    "(no data loss)");
  EXPECT_EQ(proxy_->count("rds", "us-west-2", "DescribeGlobalClusters"), described + 1);  // asked in the target region
  EXPECT_EQ(proxy_->count("rds", "us-east-1", "DescribeDBClusters"), 1u);
}

TEST_F(AuroraGlobalMotoTest, AnUnreachableSourceMeansAFailoverWithinTheRpoOfTheRealLag) {
  source_region_down();
  put_lag(4'000);
  const auto plan = build(shop(), false);
  const auto ready = run(aurora_check(plan).check);
  ASSERT_TRUE(ready) << ready.error();
  EXPECT_NE(ready->find("failover with data loss (orders-east does not answer in its region"), std::string::npos) << *ready;
  EXPECT_NE(ready->find("lag 4s within the RPO of 60s"), std::string::npos) << *ready;
}

TEST_F(AuroraGlobalMotoTest, ARefusedSwitchoverRollsThePlanBackAndChangesNothing) {
  // Judged healthy, the source is switched over from (reversible); moto answers 500.
  const auto plan = build(shop(), true);
  EXPECT_FALSE(aurora_step(plan).irreversible);
  PlanExecutor executor{io_.get_executor(), *journal_, [] { return now_us(); },
                        ExecutorSettings{this_process_holder().owner}};
  std::optional<PlanReport> report;
  executor.run(plan, journal_->next_generation("shop").value(), [&](PlanReport r) { report = std::move(r); });
  ASSERT_TRUE(aws_.run_until([&] { return report.has_value(); }));
  EXPECT_EQ(report->outcome, PlanOutcome::rolled_back) << report->reason;
  EXPECT_NE(report->reason.find("SwitchoverGlobalCluster to orders-west refused"), std::string::npos) << report->reason;
  EXPECT_NE(report->reason.find("500"), std::string::npos) << report->reason;
  EXPECT_GE(proxy_->count("rds", "us-west-2", "SwitchoverGlobalCluster"), 1u);
  EXPECT_EQ(members(), (std::vector<std::string>{"orders-east (writer)", "orders-west"}));
}

TEST_F(AuroraGlobalMotoTest, ARefusedFailoverWithoutFallbackSaysWhatToDoAndChangesNothing) {
  source_region_down();
  put_lag(1'000);
  const auto plan = build(shop(), false);
  const auto ready = run(aurora_check(plan).check);
  ASSERT_TRUE(ready) << ready.error();
  const auto acted = run(aurora_step(plan).action);
  ASSERT_FALSE(acted);
  EXPECT_NE(acted.error().find("FailoverGlobalCluster to orders-west refused"), std::string::npos) << acted.error();
  EXPECT_NE(acted.error().find("nothing changed. Set plan.aurora_global.fallback: detach"), std::string::npos)
      << acted.error();
  EXPECT_GE(proxy_->count("rds", "us-west-2", "FailoverGlobalCluster"), 1u);
  EXPECT_EQ(proxy_->count("rds", "", "RemoveFromGlobalCluster"), 0u);
  EXPECT_EQ(members(), (std::vector<std::string>{"orders-east (writer)", "orders-west"}));
}

TEST_F(AuroraGlobalMotoTest, TheDetachFallbackIsCalledAndItsVerificationDoesNotTrustThe200) {
  source_region_down();
  put_lag(1'000);
  const auto plan = build(shop(true), false);
  const auto ready = run(aurora_check(plan).check);
  ASSERT_TRUE(ready) << ready.error();
  const auto acted = run(aurora_step(plan).action);
  ASSERT_TRUE(acted) << acted.error();
  EXPECT_NE(acted->find("detached orders-west from orders-global (RemoveFromGlobalCluster)"), std::string::npos) << *acted;
  EXPECT_EQ(proxy_->count("rds", "us-west-2", "RemoveFromGlobalCluster"), 1u);
  // moto left orders-west in the global cluster: the verification sees that and fails, saying so.
  const auto verified = run(aurora_step(plan).verify);
  ASSERT_FALSE(verified);
  EXPECT_NE(verified.error().find("orders-west the writer of orders-global: timed out"), std::string::npos)
      << verified.error();
  EXPECT_NE(verified.error().find("members orders-east (writer), orders-west"), std::string::npos) << verified.error();
}

}  // namespace
}  // namespace rg::act
