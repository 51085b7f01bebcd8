// The Aurora global database step (issue 20, plan.aurora_global). moto cannot show it: it answers
// FailoverGlobalCluster and SwitchoverGlobalCluster with HTTP 500, never changes a writer, and its
// RemoveFromGlobalCluster leaves a cross-region member in place (/work/shared/notes/moto.md,
// tests/integration/aurora_global_moto_test.cpp). So the answers here are in the shapes of the RDS
// API reference — DescribeGlobalClusters (GlobalClusters/GlobalClusterMember with
// GlobalClusterMembers, IsWriter, FailoverState), SwitchoverGlobalCluster and FailoverGlobalCluster
// (a GlobalCluster), RemoveFromGlobalCluster, DescribeDBClusters (DBClusters/DBCluster/Status),
// the error InvalidGlobalClusterStateFault — and of CloudWatch GetMetricData (JSON 1.0,
// MetricDataResults) for AuroraGlobalDBRPOLag, scripted through real AwsClients.
#include <gtest/gtest.h>

#include "act/failover/aurora_global_step.h"
#include "act/failover/plan_executor.h"
#include "scripted_aws.h"

namespace rg::act {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kEast = "arn:aws:rds:us-east-1:123456789012:cluster:orders-east";
constexpr std::string_view kWest = "arn:aws:rds:us-west-2:123456789012:cluster:orders-west";
constexpr std::string_view kXmlns = " xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"";

struct Member {
  std::string_view arn;
  bool writer = false;
};

// One <GlobalClusterMember> of GlobalClusters (the API reference's element name for the list item).
std::string global_xml(std::vector<Member> members, std::string_view status = "available",
                       std::string_view failover_state = "") {
  std::string xml = "<GlobalClusterIdentifier>orders-global</GlobalClusterIdentifier>"
                    "<GlobalClusterArn>arn:aws:rds::123456789012:global-cluster:orders-global</GlobalClusterArn>"
                    "<Status>" + std::string(status) + "</Status><Engine>aurora-postgresql</Engine><GlobalClusterMembers>";
  for (const auto& m : members)
    xml += "<GlobalClusterMember><DBClusterArn>" + std::string(m.arn) + "</DBClusterArn><Readers/><IsWriter>" +
           (m.writer ? "true" : "false") + "</IsWriter>" +
           (m.writer ? "" : "<SynchronizationStatus>connected</SynchronizationStatus>") + "</GlobalClusterMember>";
  xml += "</GlobalClusterMembers>";
  if (!failover_state.empty())
    xml += "<FailoverState><Status>" + std::string(failover_state) + "</Status><FromDbClusterArn>" + std::string(kEast) +
           "</FromDbClusterArn><ToDbClusterArn>" + std::string(kWest) +
           "</ToDbClusterArn><IsDataLossAllowed>false</IsDataLossAllowed></FailoverState>";
  return xml;
}

std::string describe_global(std::vector<Member> members, std::string_view status = "available",
                            std::string_view failover_state = "") {
  return "<DescribeGlobalClustersResponse" + std::string(kXmlns) +
         "><DescribeGlobalClustersResult><GlobalClusters><GlobalClusterMember>" +
         global_xml(std::move(members), status, failover_state) +
         "</GlobalClusterMember></GlobalClusters></DescribeGlobalClustersResult>"
         "<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></DescribeGlobalClustersResponse>";
}

std::string east_writer() { return describe_global({{kEast, true}, {kWest, false}}); }
std::string west_writer() { return describe_global({{kEast, false}, {kWest, true}}); }

std::string moved(std::string_view action) {
  return "<" + std::string(action) + "Response" + std::string(kXmlns) + "><" + std::string(action) +
         "Result><GlobalCluster>" + global_xml({{kEast, true}, {kWest, false}}, "failing-over", "pending") +
         "</GlobalCluster></" + std::string(action) + "Result><ResponseMetadata><RequestId>r-2</RequestId>"
         "</ResponseMetadata></" + std::string(action) + "Response>";
}

std::string removed() {
  return "<RemoveFromGlobalClusterResponse" + std::string(kXmlns) + "><RemoveFromGlobalClusterResult><GlobalCluster>" +
         global_xml({{kEast, true}}) + "</GlobalCluster></RemoveFromGlobalClusterResult>"
         "<ResponseMetadata><RequestId>r-3</RequestId></ResponseMetadata></RemoveFromGlobalClusterResponse>";
}

std::string db_cluster(std::string_view status) {
  return "<DescribeDBClustersResponse" + std::string(kXmlns) + "><DescribeDBClustersResult><DBClusters><DBCluster>"
         "<DBClusterIdentifier>orders-east</DBClusterIdentifier><DBClusterArn>" + std::string(kEast) +
         "</DBClusterArn><Status>" + std::string(status) + "</Status><GlobalClusterIdentifier>orders-global"
         "</GlobalClusterIdentifier></DBCluster></DBClusters></DescribeDBClustersResult></DescribeDBClustersResponse>";
}

std::string error_xml(std::string_view code, std::string_view message) {
  return "<ErrorResponse" + std::string(kXmlns) + "><Error><Type>Sender</Type><Code>" + std::string(code) +
         "</Code><Message>" + std::string(message) + "</Message></Error><RequestId>r-4</RequestId></ErrorResponse>";
}

// CloudWatch GetMetricData (JSON 1.0): AuroraGlobalDBRPOLag in milliseconds, or no datapoint.
std::string lag_json(std::optional<double> milliseconds) {
  if (!milliseconds) return R"({"MetricDataResults":[{"Id":"rpolag","Label":"AuroraGlobalDBRPOLag","Timestamps":[],"Values":[],"StatusCode":"Complete"}]})";
  return R"({"MetricDataResults":[{"Id":"rpolag","Label":"AuroraGlobalDBRPOLag","Timestamps":[1799999940.0],"Values":[)" +
         std::to_string(*milliseconds) + R"(],"StatusCode":"Complete"}]})";
}

// Three real clients (RDS in the target and the source region, CloudWatch in the target) over
// scripted transports on one fake clock.
class AuroraGlobal : public ::testing::Test {
 protected:
  std::unique_ptr<aws::AwsClient> make(std::string service, std::string region, test::ScriptedTransport& transport) {
    aws::AwsClientConfig config;
    config.service = std::move(service);
    config.region = std::move(region);
    auto created = aws::AwsClient::create(std::move(config), {transport, credentials_, scheduler_, nullptr, [] { return 0.0; }});
    if (!created) throw std::runtime_error(created.error().to_string());
    return std::move(*created);
  }

  AuroraGlobalMove build(std::optional<bool> source_healthy, bool allow_unknown = false, bool detach = false) {
    AuroraGlobalTarget target{"orders-global", std::string(kWest), std::string(kEast), source_healthy, 60s,
                              allow_unknown, detach};
    return aurora_global_move({*west_rds_, *east_rds_, *west_cw_}, scheduler_, target, {1s, 60s});
  }

  StepResult run(const StepFunction& function) {
    std::optional<StepResult> out;
    function([&out](StepResult r) { out = std::move(r); });
    scheduler_.run();
    return out.value_or(std::unexpected("the function never called back"));
  }

  std::size_t sent(test::ScriptedTransport& transport, std::string_view action) const {
    std::size_t n = 0;
    for (const auto& request : transport.sent) n += request.body.find("Action=" + std::string(action)) != std::string::npos;
    return n;
  }
  std::string last_body(test::ScriptedTransport& transport, std::string_view action) const {
    for (auto it = transport.sent.rbegin(); it != transport.sent.rend(); ++it)
      if (it->body.find("Action=" + std::string(action)) != std::string::npos) return it->body;
    return "";
  }

  test::ScriptedScheduler scheduler_;
  test::ScriptedTransport west_{scheduler_}, east_{scheduler_}, cw_{scheduler_};
  std::shared_ptr<aws::ClientCredentials> credentials_ = std::make_shared<aws::FixedCredentials>(
      aws::AwsCredentials{"testing", "testing", std::nullopt, std::nullopt, std::nullopt});
  std::unique_ptr<aws::AwsClient> west_rds_ = make("rds", "us-west-2", west_);
  std::unique_ptr<aws::AwsClient> east_rds_ = make("rds", "us-east-1", east_);
  std::unique_ptr<aws::AwsClient> west_cw_ = make("cloudwatch", "us-west-2", cw_);
};

TEST_F(AuroraGlobal, AHealthySourceWriterIsSwitchedOverWithoutDataLoss) {
  auto move = build(std::nullopt);
  west_.answer(200, east_writer());
  east_.answer(200, db_cluster("available"));
  const auto ready = run(move.readiness.check);
  ASSERT_TRUE(ready) << ready.error();
  EXPECT_EQ(*ready, "orders-west is a secondary of orders-global; orders-east is the writer and available: switchover "
                    "(no data loss)");
  EXPECT_TRUE(cw_.sent.empty());  // no lag needed: a switchover waits for the secondary to catch up

  west_.answer(200, east_writer());
  west_.answer(200, moved("SwitchoverGlobalCluster"));
  const auto acted = run(move.step.action);
  ASSERT_TRUE(acted) << acted.error();
  EXPECT_EQ(*acted, "switchover to orders-west started, failing-over");
  const auto body = last_body(west_, "SwitchoverGlobalCluster");
  EXPECT_NE(body.find("GlobalClusterIdentifier=orders-global"), std::string::npos) << body;
  EXPECT_NE(body.find("TargetDbClusterIdentifier=arn%3Aaws%3Ards%3Aus-west-2%3A123456789012%3Acluster%3Aorders-west"),
            std::string::npos) << body;
  EXPECT_EQ(sent(west_, "FailoverGlobalCluster"), 0u);
  ASSERT_TRUE(move.step.memory->state());  // journaled before the call
  EXPECT_EQ(move.step.memory->state()->at("move"), "switchover");
  EXPECT_EQ(move.step.memory->state()->at("source"), kEast);
}

TEST_F(AuroraGlobal, AnUnreachableSourceIsFailedOverWithDataLossWithinTheRpo) {
  auto move = build(std::nullopt);
  west_.answer(200, east_writer());
  for (int i = 0; i < 3; ++i) east_.no_answer();  // the client's three attempts
  cw_.answer(200, lag_json(3'000));
  const auto ready = run(move.readiness.check);
  ASSERT_TRUE(ready) << ready.error();
  EXPECT_NE(ready->find("failover with data loss (orders-east does not answer in its region"), std::string::npos) << *ready;
  EXPECT_NE(ready->find("lag 3s within the RPO of 60s"), std::string::npos) << *ready;
  const auto query = cw_.sent.at(0).body;
  EXPECT_NE(query.find("AuroraGlobalDBRPOLag"), std::string::npos) << query;
  EXPECT_NE(query.find(R"("Value":"orders-west")"), std::string::npos) << query;

  west_.answer(200, east_writer());
  west_.answer(200, moved("FailoverGlobalCluster"));
  const auto acted = run(move.step.action);
  ASSERT_TRUE(acted) << acted.error();
  EXPECT_EQ(*acted, "failover (data loss allowed) to orders-west started, failing-over");
  EXPECT_NE(last_body(west_, "FailoverGlobalCluster").find("AllowDataLoss=true"), std::string::npos);
  EXPECT_EQ(sent(west_, "SwitchoverGlobalCluster"), 0u);
  EXPECT_EQ(move.step.memory->state()->at("move"), "failover");
}

TEST_F(AuroraGlobal, ASourceThatIsNotAvailableIsNotHealthyEither) {
  auto move = build(false);
  west_.answer(200, east_writer());
  east_.answer(200, db_cluster("inaccessible-encryption-credentials"));
  cw_.answer(200, lag_json(1'000));
  const auto ready = run(move.readiness.check);
  ASSERT_TRUE(ready) << ready.error();
  EXPECT_NE(ready->find("failover with data loss (orders-east is inaccessible-encryption-credentials, not available)"),
            std::string::npos) << *ready;
}

TEST_F(AuroraGlobal, ALagOverTheRpoIsNotReady) {
  auto move = build(std::nullopt);
  west_.answer(200, east_writer());
  east_.answer(200, db_cluster("failing-over"));
  cw_.answer(200, lag_json(95'000));
  const auto ready = run(move.readiness.check);
  ASSERT_FALSE(ready);
  EXPECT_NE(ready.error().find("orders-west's lag 95s (AuroraGlobalDBRPOLag) is over the RPO of 60s"), std::string::npos)
      << ready.error();
}

TEST_F(AuroraGlobal, AnUnknownLagIsNotReadyUnlessThePlanAllowsIt) {
  {
    auto move = build(std::nullopt, false);
    west_.answer(200, east_writer());
    east_.answer(200, db_cluster("failing-over"));
    cw_.answer(200, lag_json(std::nullopt));
    const auto denied = run(move.readiness.check);
    ASSERT_FALSE(denied);
    EXPECT_NE(denied.error().find("lag is unknown (no AuroraGlobalDBRPOLag in the last 10 minutes)"), std::string::npos)
        << denied.error();
    EXPECT_NE(denied.error().find("set plan.rpo_unknown: allow"), std::string::npos) << denied.error();
  }
  auto move = build(std::nullopt, true);
  west_.answer(200, east_writer());
  east_.answer(200, db_cluster("failing-over"));
  cw_.answer(200, lag_json(std::nullopt));
  const auto allowed = run(move.readiness.check);
  ASSERT_TRUE(allowed) << allowed.error();
  EXPECT_NE(allowed->find("allowed by plan.rpo_unknown"), std::string::npos) << *allowed;
}

TEST_F(AuroraGlobal, ASourceJudgedHealthyIsOnlySwitchedOver) {
  auto move = build(true);
  west_.answer(200, east_writer());
  east_.answer(200, db_cluster("backing-up"));
  const auto ready = run(move.readiness.check);
  ASSERT_FALSE(ready);
  EXPECT_NE(ready.error().find("the policy judges the source healthy and orders-east is backing-up"), std::string::npos)
      << ready.error();
  EXPECT_TRUE(cw_.sent.empty());
}

TEST_F(AuroraGlobal, TheTargetMustBeASecondaryUnlessThisPlanMovedIt) {
  auto move = build(std::nullopt);
  west_.answer(200, west_writer());
  const auto ready = run(move.readiness.check);
  ASSERT_FALSE(ready);
  EXPECT_NE(ready.error().find("orders-west is already the writer of orders-global, by no move of this plan"),
            std::string::npos) << ready.error();

  west_.answer(200, describe_global({{kEast, true}}));
  const auto missing = run(move.readiness.check);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("orders-west is not a member of orders-global (members: orders-east (writer))"),
            std::string::npos) << missing.error();

  west_.answer(200, describe_global({{kEast, true}, {kWest, false}}, "failing-over", "failing-over"));
  const auto busy = run(move.readiness.check);
  ASSERT_FALSE(busy);
  EXPECT_NE(busy.error().find("a move of orders-global to orders-west is under way (failing-over)"), std::string::npos)
      << busy.error();
}

TEST_F(AuroraGlobal, OnResumeATargetThatIsTheWriterAlreadyIsThisPlansOwnMove) {
  auto move = build(std::nullopt);
  move.step.memory->restore({{"move", "failover"}, {"source", kEast}, {"target", kWest}});  // as the executor does
  west_.answer(200, west_writer());
  const auto ready = run(move.readiness.check);
  ASSERT_TRUE(ready) << ready.error();
  EXPECT_EQ(*ready, "orders-west is the writer: this plan's own move, resumed");
  west_.answer(200, west_writer());
  const auto acted = run(move.step.action);
  ASSERT_TRUE(acted) << acted.error();
  EXPECT_EQ(sent(west_, "FailoverGlobalCluster") + sent(west_, "SwitchoverGlobalCluster"), 0u);
}

TEST_F(AuroraGlobal, TheVerificationWaitsUntilTheTargetIsTheWriterThroughThrottling) {
  auto move = build(std::nullopt);
  west_.answer(200, describe_global({{kEast, true}, {kWest, false}}, "failing-over", "failing-over"));
  for (int i = 0; i < 3; ++i) west_.answer(400, error_xml("Throttling", "Rate exceeded"));
  west_.answer(200, west_writer());
  const auto verified = run(move.step.verify);
  ASSERT_TRUE(verified) << verified.error();
  EXPECT_EQ(*verified, "orders-west is the writer");
}

TEST_F(AuroraGlobal, TheVerificationTimesOutSayingWhatItSaw) {
  auto move = build(std::nullopt);
  for (int i = 0; i < 200; ++i) west_.answer(200, east_writer());
  const auto verified = run(move.step.verify);
  ASSERT_FALSE(verified);
  EXPECT_NE(verified.error().find("orders-west the writer of orders-global: timed out"), std::string::npos)
      << verified.error();
  EXPECT_NE(verified.error().find("members orders-east (writer), orders-west"), std::string::npos) << verified.error();
}

TEST_F(AuroraGlobal, ASwitchoverIsUndoneBySwitchingBackToTheSource) {
  auto move = build(true);
  ASSERT_TRUE(move.step.undo);
  move.step.memory->restore({{"move", "switchover"}, {"source", kEast}, {"target", kWest}});
  west_.answer(200, west_writer());
  west_.answer(200, moved("SwitchoverGlobalCluster"));
  west_.answer(200, west_writer());
  west_.answer(200, east_writer());
  const auto undone = run(move.step.undo);
  ASSERT_TRUE(undone) << undone.error();
  EXPECT_EQ(*undone, "orders-east is the writer");
  EXPECT_NE(last_body(west_, "SwitchoverGlobalCluster").find("cluster%3Aorders-east"), std::string::npos);
}

TEST_F(AuroraGlobal, AStepThatMayFailOverHasNoUndoAndAnUntakenSwitchoverNothingToUndo) {
  EXPECT_FALSE(build(std::nullopt).step.undo);  // the builder marks it irreversible
  EXPECT_FALSE(build(false).step.undo);
  auto move = build(true);
  const auto undone = run(move.step.undo);  // the action never ran: no kept state
  ASSERT_TRUE(undone) << undone.error();
  EXPECT_EQ(*undone, "nothing to switch back: this plan did not switch over");
  EXPECT_TRUE(west_.sent.empty());
}

TEST_F(AuroraGlobal, ARefusedFailoverFallsBackToDetachingTheTarget) {
  auto move = build(false, false, true);
  west_.answer(200, east_writer());
  east_.answer(200, db_cluster("failing-over"));
  cw_.answer(200, lag_json(2'000));
  ASSERT_TRUE(run(move.readiness.check));
  west_.answer(200, east_writer());
  west_.answer(400, error_xml("InvalidGlobalClusterStateFault", "The global cluster is not in a valid state."));
  west_.answer(200, removed());
  const auto acted = run(move.step.action);
  ASSERT_TRUE(acted) << acted.error();
  EXPECT_NE(acted->find("FailoverGlobalCluster to orders-west refused"), std::string::npos) << *acted;
  EXPECT_NE(acted->find("detached orders-west from orders-global (RemoveFromGlobalCluster): a standalone writer"),
            std::string::npos) << *acted;
  const auto body = last_body(west_, "RemoveFromGlobalCluster");
  EXPECT_NE(body.find("DbClusterIdentifier=arn%3Aaws%3Ards%3Aus-west-2"), std::string::npos) << body;
  // The verification takes a target that left the global cluster as the detach's writer.
  west_.answer(200, describe_global({{kEast, true}}));
  const auto verified = run(move.step.verify);
  ASSERT_TRUE(verified) << verified.error();
  EXPECT_EQ(*verified, "orders-west left orders-global: a standalone writer");
}

TEST_F(AuroraGlobal, WithoutTheFallbackARefusedFailoverSaysWhatToDo) {
  auto move = build(false);
  west_.answer(200, east_writer());
  east_.answer(200, db_cluster("failing-over"));
  cw_.answer(200, lag_json(2'000));
  ASSERT_TRUE(run(move.readiness.check));
  west_.answer(200, east_writer());
  west_.answer(400, error_xml("InvalidGlobalClusterStateFault", "The global cluster is not in a valid state."));
  const auto acted = run(move.step.action);
  ASSERT_FALSE(acted);
  EXPECT_NE(acted.error().find("InvalidGlobalClusterStateFault"), std::string::npos) << acted.error();
  EXPECT_NE(acted.error().find("nothing changed. Set plan.aurora_global.fallback: detach"), std::string::npos)
      << acted.error();
  EXPECT_EQ(sent(west_, "RemoveFromGlobalCluster"), 0u);
}

TEST_F(AuroraGlobal, AnUnknownGlobalClusterIsNotReady) {
  auto move = build(std::nullopt);
  west_.answer(404, error_xml("GlobalClusterNotFoundFault", "orders-global not found"));
  const auto ready = run(move.readiness.check);
  ASSERT_FALSE(ready);
  EXPECT_NE(ready.error().find("GlobalClusterNotFoundFault"), std::string::npos) << ready.error();
}

}  // namespace
}  // namespace rg::act
