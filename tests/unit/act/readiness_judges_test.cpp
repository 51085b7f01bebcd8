// The judgements of the data readiness checks, fed answers in the shapes AWS documents. moto
// cannot produce a global table replica (UpdateTable ReplicaUpdates is accepted and ignored,
// /work/shared/notes/moto.md), so the ACTIVE and CREATING replica cases are only here; the
// integration test covers what moto can show (no replica, replication rules, versioning).
#include <gtest/gtest.h>

#include "act/failover/readiness_checks.h"

namespace rg::act {
namespace {

aws::dynamodb::TableDescription table(std::string_view body) {
  return aws::dynamodb::parse_describe_table({200, {}, std::string(body)}).value();
}

TEST(DynamoDbReplicaJudge, AGlobalTableWithAnActiveReplicaIsReady) {
  // DescribeTable in us-west-2 of a 2019.11.21 global table (API reference shape).
  const auto described = table(R"({"Table": {"TableName": "orders", "TableStatus": "ACTIVE",
      "TableArn": "arn:aws:dynamodb:us-west-2:123456789012:table/orders", "GlobalTableVersion": "2019.11.21",
      "Replicas": [{"RegionName": "us-east-1", "ReplicaStatus": "ACTIVE"},
                   {"RegionName": "us-west-2", "ReplicaStatus": "ACTIVE"}]}})");
  EXPECT_EQ(judge_dynamodb_replica(described, "us-west-2").value(), "replicas us-east-1 ACTIVE, us-west-2 ACTIVE");
}

TEST(DynamoDbReplicaJudge, AReplicaStillCreatingOrALocalTableIsNot) {
  const auto creating = table(R"({"Table": {"TableName": "orders", "TableStatus": "ACTIVE",
      "GlobalTableVersion": "2019.11.21",
      "Replicas": [{"RegionName": "us-west-2", "ReplicaStatus": "CREATING", "ReplicaStatusDescription": "seeding"}]}})");
  EXPECT_EQ(judge_dynamodb_replica(creating, "us-west-2").error(), "orders in us-west-2: replica is CREATING (seeding)");
  const auto local = table(R"({"Table": {"TableName": "orders", "TableStatus": "ACTIVE"}})");
  EXPECT_EQ(judge_dynamodb_replica(local, "us-west-2").error(),
            "orders in us-west-2 is not a replica of a global table (DescribeTable lists no Replicas)");
  const auto updating = table(R"({"Table": {"TableName": "orders", "TableStatus": "UPDATING"}})");
  EXPECT_EQ(judge_dynamodb_replica(updating, "us-west-2").error(), "orders in us-west-2 is UPDATING, not ACTIVE");
}

TEST(S3ReplicationJudge, NeedsAnEnabledRuleToTheTargetBucket) {
  aws::s3::ReplicationConfiguration configuration;
  configuration.role = "arn:aws:iam::123456789012:role/replication";
  aws::s3::ReplicationRule rule;
  rule.id = "to-west";
  rule.status = "Enabled";
  rule.destination_bucket = "arn:aws:s3:::assets-west";
  configuration.rules.push_back(rule);
  EXPECT_EQ(judge_s3_replication(configuration, "assets-west").value(), "rule to-west to arn:aws:s3:::assets-west");
  EXPECT_EQ(judge_s3_replication(configuration, "assets-eu").error(),
            "no replication rule to arn:aws:s3:::assets-eu (rules go to arn:aws:s3:::assets-west)");
  configuration.rules[0].status = "Disabled";
  EXPECT_EQ(judge_s3_replication(configuration, "assets-west").error(),
            "the rule replicating to arn:aws:s3:::assets-west is Disabled");
}

}  // namespace
}  // namespace rg::act
