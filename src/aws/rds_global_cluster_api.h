#pragma once
// Aurora global databases (RDS Query protocol, API 2014-10-31): one writer cluster in one region,
// read-only secondary clusters in others. The calls about the global cluster are sent to the
// *target* region's endpoint by the failover step (the source region may be the one that is
// down); DescribeDBClusters is per-region. Replication lag is not here: it is the CloudWatch metric
// AWS/RDS AuroraGlobalDBRPOLag of the secondary cluster (cloudwatch_api.h).
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/aws_client.h"

namespace rg::aws::rds {

// GlobalClusterMember: one Aurora cluster of the global database.
struct GlobalClusterMember {
  std::string cluster_arn;           // DBClusterArn
  bool is_writer = false;            // IsWriter: the primary cluster
  std::vector<std::string> readers;  // the secondaries' ARNs (listed on the writer)
  std::optional<std::string> synchronization_status;  // SynchronizationStatus: connected | pending-resync
};

// FailoverState: a switchover or failover in progress (absent when none is).
struct GlobalClusterFailoverState {
  std::string status;  // pending | failing-over | cancelling
  std::string from_cluster_arn;
  std::string to_cluster_arn;
  bool data_loss_allowed = false;  // IsDataLossAllowed: a failover, not a switchover
};

struct GlobalCluster {
  std::string identifier;  // GlobalClusterIdentifier
  std::string arn;         // arn:aws:rds::ACCOUNT:global-cluster:ID
  std::string status;      // available, failing-over, modifying, ...
  std::string engine;
  std::vector<GlobalClusterMember> members;
  std::optional<GlobalClusterFailoverState> failover_state;

  const GlobalClusterMember* member(std::string_view cluster_arn) const;
  const GlobalClusterMember* writer() const;
};

struct DescribeGlobalClustersResult {
  std::vector<GlobalCluster> clusters;
};

// The clusters listed (a named one that does not exist gives GlobalClusterNotFoundFault; moto
// answers every cluster instead, so callers pick theirs by identifier).
AwsRequest build_describe_global_clusters(const std::optional<std::string>& identifier);
std::expected<DescribeGlobalClustersResult, AwsError> parse_describe_global_clusters(const HttpResponse& response);
void describe_global_clusters(AwsClient& client, const std::optional<std::string>& identifier,
                              ResultCallback<DescribeGlobalClustersResult> done);

// SwitchoverGlobalCluster (planned, no data loss: the writer must be healthy) and
// FailoverGlobalCluster (AllowDataLoss: the writer may be unreachable); the target by ARN.
struct GlobalClusterMoveRequest {
  std::string global_cluster;
  std::string target_cluster_arn;
  bool allow_data_loss = false;  // FailoverGlobalCluster only
};
AwsRequest build_switchover_global_cluster(const GlobalClusterMoveRequest& request);
AwsRequest build_failover_global_cluster(const GlobalClusterMoveRequest& request);
std::expected<GlobalCluster, AwsError> parse_switchover_global_cluster(const HttpResponse& response);
std::expected<GlobalCluster, AwsError> parse_failover_global_cluster(const HttpResponse& response);
void switchover_global_cluster(AwsClient& client, const GlobalClusterMoveRequest& request,
                               ResultCallback<GlobalCluster> done);
void failover_global_cluster(AwsClient& client, const GlobalClusterMoveRequest& request,
                             ResultCallback<GlobalCluster> done);

// RemoveFromGlobalCluster: the cluster leaves the global database and, a secondary, becomes a
// standalone writer. The answer's GlobalCluster is optional (moto answers an empty result).
AwsRequest build_remove_from_global_cluster(const std::string& global_cluster, const std::string& cluster_arn);
void remove_from_global_cluster(AwsClient& client, const std::string& global_cluster, const std::string& cluster_arn,
                                ResultCallback<void> done);

// DescribeDBClusters of one cluster (name or ARN) in this client's region.
struct DbCluster {
  std::string identifier;
  std::string arn;
  std::string status;  // available, failing-over, inaccessible-encryption-credentials, ...
  std::optional<std::string> global_cluster;  // GlobalClusterIdentifier
};
struct DescribeDbClustersResult {
  std::vector<DbCluster> clusters;
};
AwsRequest build_describe_db_clusters(const std::string& identifier);
std::expected<DescribeDbClustersResult, AwsError> parse_describe_db_clusters(const HttpResponse& response);
void describe_db_clusters(AwsClient& client, const std::string& identifier, ResultCallback<DescribeDbClustersResult> done);

}  // namespace rg::aws::rds
