// The Global Accelerator traffic step in a plan built from configuration and run by PlanExecutor
// with its journal (issue 20). moto has no Global Accelerator, so the AWS client is pointed at
// tests/support/global_accelerator_server.h, an in-memory control plane that answers in the
// shapes of the Global Accelerator API reference and refuses requests not signed for us-west-2.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "act/failover/failover_plan_builder.h"
#include "act/failover/plan_executor.h"
#include "aws_test_clients.h"
#include "support/global_accelerator_server.h"
#include "support/owned_journal.h"
#include "support/temp_dir.h"

namespace rg::act {
namespace {

using namespace std::chrono_literals;

const std::string kListener =
    "arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh/listener/0123vxyz";
const std::string kEast = kListener + "/endpoint-group/east1234";
const std::string kWest = kListener + "/endpoint-group/west5678";

class GlobalAcceleratorPlanTest : public ::testing::Test {
 protected:
  GlobalAcceleratorPlanTest() {
    put(kEast, "us-east-1", 100, "HEALTHY");
    put(kWest, "us-west-2", 0, "HEALTHY");
  }

  void put(const std::string& arn, const std::string& region, double dial, std::string health) {
    server_.put({arn, region, dial, {{"arn:aws:elasticloadbalancing:" + region + ":123456789012:loadbalancer/app/web/1", 128,
                                      std::move(health), true}}});
  }
  double dial(const std::string& arn) const { return server_.group(arn).value().dial; }

  static ApplicationConfig shop() {
    ApplicationConfig app;
    app.name = "shop";
    app.primary = "us-east-1";
    app.secondaries = {"us-west-2"};
    GlobalAcceleratorConfig accelerator;
    accelerator.endpoint_groups = {{"us-east-1", kEast}, {"us-west-2", kWest}};
    app.plan.global_accelerator = accelerator;
    return app;
  }

  // Builds the failover to us-west-2 and runs it to its end; the steps' names and descriptions kept.
  PlanReport run_plan(const ApplicationConfig& app, std::vector<PlanStep> later_steps = {}) {
    const auto lookup = [this](std::string_view s, const std::string& r) -> std::expected<aws::AwsClient*, std::string> {
      regions_asked_.push_back(std::string(s) + "/" + r);
      return &clients_.client(s, r);
    };
    PlanContext context{lookup, clients_.scheduler(), WaitOptions{100ms, 10s}, std::nullopt, true, std::nullopt,
                        io_.get_executor(), std::move(later_steps)};
    auto plan = build_failover_plan(app, "us-east-1", "us-west-2", context).value();
    steps_.clear();
    for (const auto& step : plan.steps) steps_.push_back({step.name, step.description});
    std::optional<PlanReport> report;
    executor_.run(std::move(plan), journal_->next_generation("shop").value(), [&](PlanReport r) { report = std::move(r); });
    if (!clients_.run_until([&] { return report.has_value(); })) throw std::runtime_error("the plan did not finish");
    return *report;
  }

  test::GlobalAcceleratorServer server_;
  boost::asio::io_context io_;
  test::AwsTestClients clients_{io_, [this] { return server_.endpoint(); }};
  test::TempDir dir_;
  std::unique_ptr<FailoverJournal> journal_ = test::open_owned_journal((dir_.path() / "rg.db").string());
  PlanExecutor executor_{io_.get_executor(), *journal_, [] { return now_us(); }, ExecutorSettings{this_process_holder().owner}};
  std::vector<std::pair<std::string, std::string>> steps_;
  std::vector<std::string> regions_asked_;
};

TEST_F(GlobalAcceleratorPlanTest, APlanMovesTheDialsAndReadsThemBack) {
  const auto report = run_plan(shop());
  ASSERT_EQ(report.outcome, PlanOutcome::completed) << report.reason;
  EXPECT_EQ(dial(kWest), 100);
  EXPECT_EQ(dial(kEast), 0);
  EXPECT_EQ(server_.mutations(), 2u);
  // The control plane in us-west-2 (the server refuses any other signing region), and said so.
  EXPECT_EQ(regions_asked_, (std::vector<std::string>{"globalaccelerator/us-west-2"}));
  ASSERT_EQ(steps_.size(), 1u);
  EXPECT_EQ(steps_[0].first, "move Global Accelerator dials to endpoint group west5678");
  EXPECT_NE(steps_[0].second.find("calls Global Accelerator in us-west-2 (its control plane)"), std::string::npos)
      << steps_[0].second;
  // Verification read both groups back.
  EXPECT_GE(server_.requests("DescribeEndpointGroup"), 6u);  // readiness 2, action 2, verify 2
}

// `regionguard failover plan` (the dry run): readiness read from the control plane, the step and
// where it calls, and nothing written.
TEST_F(GlobalAcceleratorPlanTest, TheDryRunChecksReadinessAndSaysWhereItWouldCall) {
  const auto lookup = [this](std::string_view s, const std::string& r) -> std::expected<aws::AwsClient*, std::string> {
    return &clients_.client(s, r);
  };
  PlanContext context{lookup, clients_.scheduler(), WaitOptions{100ms, 10s}, std::nullopt, true, std::nullopt,
                      io_.get_executor()};
  std::optional<PlanReport> report;
  executor_.dry_run(build_failover_plan(shop(), "us-east-1", "us-west-2", context).value(),
                    [&](PlanReport r) { report = std::move(r); });
  ASSERT_TRUE(clients_.run_until([&] { return report.has_value(); }));
  std::string log;
  for (const auto& line : report->log) log += line + "\n";
  EXPECT_NE(log.find("Global Accelerator: endpoint group west5678 has a healthy endpoint"), std::string::npos) << log;
  EXPECT_NE(log.find("would move Global Accelerator dials to endpoint group west5678: UpdateEndpointGroup " + kWest +
                     " TrafficDialPercentage=100, then " + kEast +
                     " TrafficDialPercentage=0 (dials only), read back; calls Global Accelerator in us-west-2 (its "
                     "control plane)"),
            std::string::npos)
      << log;
  EXPECT_EQ(server_.mutations(), 0u);
  EXPECT_EQ(dial(kWest), 0);
}

TEST_F(GlobalAcceleratorPlanTest, ALaterFailingStepRollsTheDialsBackToWhatTheyWere) {
  put(kEast, "us-east-1", 70, "HEALTHY");
  put(kWest, "us-west-2", 30, "HEALTHY");
  PlanStep failing;
  failing.name = "a later traffic step that fails";
  failing.action = [](StepCallback done) { done(std::unexpected("refused on purpose")); };
  const auto report = run_plan(shop(), {failing});
  ASSERT_EQ(report.outcome, PlanOutcome::rolled_back) << report.reason;
  EXPECT_NE(report.reason.find("refused on purpose"), std::string::npos) << report.reason;
  EXPECT_EQ(dial(kEast), 70);
  EXPECT_EQ(dial(kWest), 30);
  EXPECT_EQ(server_.mutations(), 4u);  // 100 and 0, then 70 and 30
}

TEST_F(GlobalAcceleratorPlanTest, AMalformedAnswerFailsTheStepClearlyAndChangesNothingElse) {
  server_.answer_next("UpdateEndpointGroup", "<html><body>502 Bad Gateway</body></html>");
  const auto report = run_plan(shop());
  ASSERT_EQ(report.outcome, PlanOutcome::rolled_back) << report.reason;
  EXPECT_NE(report.reason.find("endpoint group west5678: UpdateEndpointGroup: bad_response"), std::string::npos)
      << report.reason;
  EXPECT_EQ(server_.mutations(), 0u);
  EXPECT_EQ(dial(kEast), 100);
  EXPECT_EQ(dial(kWest), 0);
}

TEST_F(GlobalAcceleratorPlanTest, WithoutAHealthyEndpointInTheTargetThePlanIsNotReady) {
  put(kWest, "us-west-2", 0, "UNHEALTHY");
  const auto report = run_plan(shop());
  ASSERT_EQ(report.outcome, PlanOutcome::not_ready) << report.reason;
  EXPECT_NE(report.reason.find("no healthy endpoint in the target group (arn:aws:elasticloadbalancing:us-west-2:"
                               "123456789012:loadbalancer/app/web/1 UNHEALTHY)"),
            std::string::npos)
      << report.reason;
  EXPECT_EQ(server_.mutations(), 0u);
}

TEST_F(GlobalAcceleratorPlanTest, AMissingEndpointGroupIsNamedBeforeAnythingChanges) {
  auto app = shop();
  app.plan.global_accelerator->endpoint_groups["us-west-2"] = kListener + "/endpoint-group/gone";
  const auto report = run_plan(app);
  ASSERT_EQ(report.outcome, PlanOutcome::not_ready) << report.reason;
  EXPECT_NE(report.reason.find("endpoint group gone: service_error: EndpointGroupNotFoundException"), std::string::npos)
      << report.reason;
  EXPECT_EQ(server_.mutations(), 0u);
}

}  // namespace
}  // namespace rg::act
