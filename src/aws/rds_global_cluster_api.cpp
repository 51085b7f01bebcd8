#include "aws/rds_global_cluster_api.h"

#include "aws/protocol_query.h"
#include "aws/rds_api.h"

namespace rg::aws::rds {
namespace {

GlobalCluster read_global_cluster(pugi::xml_node n) {
  GlobalCluster out;
  out.identifier = xml_text(n, "GlobalClusterIdentifier");
  out.arn = xml_text(n, "GlobalClusterArn");
  out.status = xml_text(n, "Status");
  out.engine = xml_text(n, "Engine");
  for (pugi::xml_node m : xml_list(n, "GlobalClusterMembers")) {
    GlobalClusterMember member;
    member.cluster_arn = xml_text(m, "DBClusterArn");
    member.is_writer = xml_bool(m, "IsWriter").value_or(false);
    for (pugi::xml_node r : xml_list(m, "Readers")) member.readers.emplace_back(r.text().get());
    member.synchronization_status = xml_opt_text(m, "SynchronizationStatus");
    out.members.push_back(std::move(member));
  }
  if (pugi::xml_node state = xml_child(n, "FailoverState")) {
    out.failover_state = GlobalClusterFailoverState{xml_text(state, "Status"), xml_text(state, "FromDbClusterArn"),
                                                    xml_text(state, "ToDbClusterArn"),
                                                    xml_bool(state, "IsDataLossAllowed").value_or(false)};
  }
  return out;
}

// The <GlobalCluster> of a Switchover/Failover answer.
std::expected<GlobalCluster, AwsError> parse_moved(const HttpResponse& response, std::string_view op) {
  auto xml = parse_query_response(response, op);
  if (!xml) return std::unexpected(xml.error());
  pugi::xml_node cluster = xml_child(xml->result, "GlobalCluster");
  if (!cluster) return std::unexpected(missing_element(op, "GlobalCluster"));
  return read_global_cluster(cluster);
}

QueryParams move_params(const GlobalClusterMoveRequest& r) {
  return {{"GlobalClusterIdentifier", r.global_cluster}, {"TargetDbClusterIdentifier", r.target_cluster_arn}};
}

}  // namespace

const GlobalClusterMember* GlobalCluster::member(std::string_view cluster_arn) const {
  for (const auto& m : members)
    if (m.cluster_arn == cluster_arn) return &m;
  return nullptr;
}

const GlobalClusterMember* GlobalCluster::writer() const {
  for (const auto& m : members)
    if (m.is_writer) return &m;
  return nullptr;
}

AwsRequest build_describe_global_clusters(const std::optional<std::string>& identifier) {
  QueryParams params;
  if (identifier) params.emplace_back("GlobalClusterIdentifier", *identifier);
  return query_request("DescribeGlobalClusters", kVersion, params);
}

std::expected<DescribeGlobalClustersResult, AwsError> parse_describe_global_clusters(const HttpResponse& response) {
  constexpr std::string_view op = "DescribeGlobalClusters";
  auto xml = parse_query_response(response, op);
  if (!xml) return std::unexpected(xml.error());
  if (!xml_child(xml->result, "GlobalClusters")) return std::unexpected(missing_element(op, "GlobalClusters"));
  DescribeGlobalClustersResult out;
  for (pugi::xml_node n : xml_list(xml->result, "GlobalClusters")) out.clusters.push_back(read_global_cluster(n));
  return out;
}

void describe_global_clusters(AwsClient& client, const std::optional<std::string>& identifier,
                              ResultCallback<DescribeGlobalClustersResult> done) {
  call_and_parse<DescribeGlobalClustersResult>(client, kService, build_describe_global_clusters(identifier),
                                             parse_describe_global_clusters, std::move(done));
}

AwsRequest build_switchover_global_cluster(const GlobalClusterMoveRequest& r) {
  return query_request("SwitchoverGlobalCluster", kVersion, move_params(r));
}

AwsRequest build_failover_global_cluster(const GlobalClusterMoveRequest& r) {
  auto params = move_params(r);
  if (r.allow_data_loss) params.emplace_back("AllowDataLoss", "true");
  return query_request("FailoverGlobalCluster", kVersion, params);
}

std::expected<GlobalCluster, AwsError> parse_switchover_global_cluster(const HttpResponse& response) {
  return parse_moved(response, "SwitchoverGlobalCluster");
}

std::expected<GlobalCluster, AwsError> parse_failover_global_cluster(const HttpResponse& response) {
  return parse_moved(response, "FailoverGlobalCluster");
}

void switchover_global_cluster(AwsClient& client, const GlobalClusterMoveRequest& r, ResultCallback<GlobalCluster> done) {
  call_and_parse<GlobalCluster>(client, kService, build_switchover_global_cluster(r), parse_switchover_global_cluster,
                                std::move(done));
}

void failover_global_cluster(AwsClient& client, const GlobalClusterMoveRequest& r, ResultCallback<GlobalCluster> done) {
  call_and_parse<GlobalCluster>(client, kService, build_failover_global_cluster(r), parse_failover_global_cluster,
                                std::move(done));
}

AwsRequest build_remove_from_global_cluster(const std::string& global_cluster, const std::string& cluster_arn) {
  return query_request("RemoveFromGlobalCluster", kVersion,
                       {{"GlobalClusterIdentifier", global_cluster}, {"DbClusterIdentifier", cluster_arn}});
}

void remove_from_global_cluster(AwsClient& client, const std::string& global_cluster, const std::string& cluster_arn,
                                ResultCallback<void> done) {
  call_and_parse<void>(client, kService, build_remove_from_global_cluster(global_cluster, cluster_arn),
                       query_no_result("RemoveFromGlobalCluster"), std::move(done));
}

AwsRequest build_describe_db_clusters(const std::string& identifier) {
  return query_request("DescribeDBClusters", kVersion, {{"DBClusterIdentifier", identifier}});
}

std::expected<DescribeDbClustersResult, AwsError> parse_describe_db_clusters(const HttpResponse& response) {
  constexpr std::string_view op = "DescribeDBClusters";
  auto xml = parse_query_response(response, op);
  if (!xml) return std::unexpected(xml.error());
  if (!xml_child(xml->result, "DBClusters")) return std::unexpected(missing_element(op, "DBClusters"));
  DescribeDbClustersResult out;
  for (pugi::xml_node n : xml_list(xml->result, "DBClusters")) {
    DbCluster cluster{xml_text(n, "DBClusterIdentifier"), xml_text(n, "DBClusterArn"), xml_text(n, "Status"),
                      xml_opt_text(n, "GlobalClusterIdentifier")};
    out.clusters.push_back(std::move(cluster));
  }
  return out;
}

void describe_db_clusters(AwsClient& client, const std::string& identifier, ResultCallback<DescribeDbClustersResult> done) {
  call_and_parse<DescribeDbClustersResult>(client, kService, build_describe_db_clusters(identifier),
                                         parse_describe_db_clusters, std::move(done));
}

}  // namespace rg::aws::rds
