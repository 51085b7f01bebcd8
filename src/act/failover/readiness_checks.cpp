#include "act/failover/readiness_checks.h"

namespace rg::act {

std::expected<std::string, std::string> judge_dynamodb_replica(const aws::dynamodb::TableDescription& table,
                                                                std::string_view region) {
  const std::string where = table.name + " in " + std::string(region);
  if (!table.active()) return std::unexpected(where + " is " + table.status + ", not ACTIVE");
  if (table.replicas.empty())
    return std::unexpected(where + " is not a replica of a global table (DescribeTable lists no Replicas)");
  std::string seen;
  for (const auto& replica : table.replicas) {
    if (replica.region_name == region && replica.status != "ACTIVE")
      return std::unexpected(where + ": replica is " + replica.status +
                             (replica.status_description ? " (" + *replica.status_description + ")" : ""));
    seen += (seen.empty() ? "" : ", ") + replica.region_name + " " + replica.status;
  }
  return "replicas " + seen;
}

ReadinessCheck dynamodb_replica_check(aws::AwsClient& client, std::string table, std::string region) {
  return {"DynamoDB " + table + " has a replica in " + region, [&client, table, region](StepCallback done) {
            aws::dynamodb::describe_table(client, table, [table, region, done](auto described) {
              if (!described && described.error().code == "ResourceNotFoundException")
                return done(std::unexpected("no table " + table + " in " + region));
              if (!described) return done(std::unexpected(described.error().to_string()));
              auto judged = judge_dynamodb_replica(*described, region);
              if (!judged) return done(std::unexpected(judged.error()));
              done(*judged);
            });
          }};
}

std::expected<std::string, std::string> judge_s3_replication(const aws::s3::ReplicationConfiguration& configuration,
                                                             std::string_view target_bucket) {
  const std::string arn = "arn:aws:s3:::" + std::string(target_bucket);
  std::string others;
  for (const auto& rule : configuration.rules) {
    if (rule.destination_bucket == arn || rule.destination_bucket == target_bucket) {
      if (rule.status == "Enabled") return "rule " + (rule.id.empty() ? std::string("(no id)") : rule.id) + " to " + arn;
      return std::unexpected("the rule replicating to " + arn + " is " + rule.status);
    }
    others += (others.empty() ? "" : ", ") + rule.destination_bucket;
  }
  return std::unexpected("no replication rule to " + arn + (others.empty() ? "" : " (rules go to " + others + ")"));
}

ReadinessCheck s3_replication_check(aws::AwsClient& source, aws::AwsClient& target, S3ReplicationPair pair) {
  return {"S3 " + pair.source_bucket + " replicates to " + pair.target_bucket,
          [&source, &target, pair](StepCallback done) {
            aws::s3::get_bucket_replication(source, pair.source_bucket, [&target, pair, done](auto configuration) {
              if (!configuration && configuration.error().code == "ReplicationConfigurationNotFoundError")
                return done(std::unexpected(pair.source_bucket + " (" + pair.source_region +
                                            ") has no replication configuration"));
              if (!configuration)
                return done(std::unexpected("GetBucketReplication " + pair.source_bucket + " in " + pair.source_region +
                                            ": " + configuration.error().to_string()));
              auto judged = judge_s3_replication(*configuration, pair.target_bucket);
              if (!judged) return done(std::unexpected(pair.source_bucket + ": " + judged.error()));
              aws::s3::get_bucket_versioning(target, pair.target_bucket, [pair, rule = *judged, done](auto versioning) {
                if (!versioning)
                  return done(std::unexpected("GetBucketVersioning " + pair.target_bucket + " in " + pair.target_region +
                                              ": " + versioning.error().to_string()));
                if (versioning->status != aws::s3::VersioningStatus::enabled)
                  return done(std::unexpected(pair.target_bucket + " (" + pair.target_region + ") has versioning " +
                                              std::string(aws::s3::to_string(versioning->status)) +
                                              ": it cannot receive replicas"));
                done(rule);
              });
            });
          }};
}

}  // namespace rg::act
