#pragma once
// Readiness of the data a region depends on, checked before a plan changes anything: the
// DynamoDB tables are global tables with a replica in the target region, and each S3 bucket the
// application uses replicates into the target region's bucket. Read-only.
#include <expected>
#include <string>
#include <string_view>

#include "aws/aws_client.h"
#include "aws/dynamodb_api.h"
#include "aws/s3_api.h"
#include "act/failover/plan.h"

namespace rg::act {

// DescribeTable in the target region (`client` is of that region), so the check works while the
// region being left is down: the table there is ACTIVE and is a replica of a global table
// (version 2019.11.21: Replicas listed); if the target itself is listed, its replica is ACTIVE.
ReadinessCheck dynamodb_replica_check(aws::AwsClient& client, std::string table, std::string region);
// The judgement of one DescribeTable answer (ok: the replicas seen).
std::expected<std::string, std::string> judge_dynamodb_replica(const aws::dynamodb::TableDescription& table,
                                                                std::string_view region);

struct S3ReplicationPair {
  std::string source_bucket;  // in the region being left
  std::string source_region;
  std::string target_bucket;  // in the target region
  std::string target_region;
};
// GetBucketReplication on the source bucket (`source` client, its region): an Enabled rule whose
// destination is the target bucket; and GetBucketVersioning on the target bucket (`target`
// client): Enabled, which replication needs (S3 accepts a rule naming a bucket that cannot take it).
ReadinessCheck s3_replication_check(aws::AwsClient& source, aws::AwsClient& target, S3ReplicationPair pair);
// The judgement of one replication configuration (ok: the rule that replicates into `target_bucket`).
std::expected<std::string, std::string> judge_s3_replication(const aws::s3::ReplicationConfiguration& configuration,
                                                             std::string_view target_bucket);

}  // namespace rg::act
