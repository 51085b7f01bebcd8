#pragma once
// Amazon RDS (Query protocol, API 2014-10-31). Per-region. A cross-region read replica lives in
// the destination region and names its source by ARN. Replica lag is not here: it is the
// CloudWatch metric AWS/RDS ReplicaLag (cloudwatch_api.h, GetMetricData).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aws/aws_client.h"

namespace rg::aws::rds {

inline constexpr std::string_view kService = "rds";
inline constexpr std::string_view kVersion = "2014-10-31";

// DBInstance/StatusInfos: for a read replica, StatusType "read replication" with Status
// replicating | replication degraded | error | stopped | terminated.
struct StatusInfo {
  std::string status_type;
  std::string status;
  bool normal = true;
  std::optional<std::string> message;
};

struct DbInstance {
  std::string identifier;
  std::string arn;
  std::string instance_class;
  std::string engine;
  std::string status;  // available, creating, modifying, backing-up, rebooting, ... (DBInstanceStatus)
  std::optional<std::string> endpoint_address;
  std::optional<std::int64_t> endpoint_port;
  bool multi_az = false;
  std::optional<std::string> availability_zone;
  std::optional<std::string> read_replica_source;          // ReadReplicaSourceDBInstanceIdentifier (an ARN cross-region)
  std::vector<std::string> read_replica_identifiers;       // the replicas of this instance
  std::vector<StatusInfo> status_infos;
  bool is_replica() const { return read_replica_source.has_value() && !read_replica_source->empty(); }
  bool available() const { return status == "available"; }
};

struct DescribeDbInstancesRequest {
  std::optional<std::string> identifier;  // name or ARN; none: all
  std::optional<int> max_records;
  std::optional<std::string> marker;
};

struct DescribeDbInstancesResult {
  std::vector<DbInstance> instances;
  std::optional<std::string> marker;
};

AwsRequest build_describe_db_instances(const DescribeDbInstancesRequest& request);
std::expected<DescribeDbInstancesResult, AwsError> parse_describe_db_instances(const HttpResponse& response);
void describe_db_instances(AwsClient& client, const DescribeDbInstancesRequest& request,
                           ResultCallback<DescribeDbInstancesResult> done);

struct PromoteReadReplicaRequest {
  std::string identifier;  // the replica, in this client's region
  std::optional<int> backup_retention_period;
  std::optional<std::string> preferred_backup_window;
};

AwsRequest build_promote_read_replica(const PromoteReadReplicaRequest& request);
std::expected<DbInstance, AwsError> parse_promote_read_replica(const HttpResponse& response);
void promote_read_replica(AwsClient& client, const PromoteReadReplicaRequest& request, ResultCallback<DbInstance> done);

}  // namespace rg::aws::rds
