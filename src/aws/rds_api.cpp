#include "aws/rds_api.h"

#include "aws/protocol_query.h"

namespace rg::aws::rds {
namespace {

DbInstance read_instance(pugi::xml_node n) {
  DbInstance out;
  out.identifier = xml_text(n, "DBInstanceIdentifier");
  out.arn = xml_text(n, "DBInstanceArn");
  out.instance_class = xml_text(n, "DBInstanceClass");
  out.engine = xml_text(n, "Engine");
  out.status = xml_text(n, "DBInstanceStatus");
  if (pugi::xml_node endpoint = xml_child(n, "Endpoint")) {
    out.endpoint_address = xml_opt_text(endpoint, "Address");
    out.endpoint_port = xml_int(endpoint, "Port");
  }
  out.multi_az = xml_bool(n, "MultiAZ").value_or(false);
  out.availability_zone = xml_opt_text(n, "AvailabilityZone");
  out.read_replica_source = xml_opt_text(n, "ReadReplicaSourceDBInstanceIdentifier");
  if (out.read_replica_source && out.read_replica_source->empty()) out.read_replica_source.reset();
  for (pugi::xml_node r : xml_list(n, "ReadReplicaDBInstanceIdentifiers")) {
    out.read_replica_identifiers.emplace_back(r.text().get());
  }
  for (pugi::xml_node s : xml_list(n, "StatusInfos")) {
    StatusInfo info;
    info.status_type = xml_text(s, "StatusType");
    info.status = xml_text(s, "Status");
    info.normal = xml_bool(s, "Normal").value_or(true);
    info.message = xml_opt_text(s, "Message");
    out.status_infos.push_back(std::move(info));
  }
  return out;
}

}  // namespace

AwsRequest build_describe_db_instances(const DescribeDbInstancesRequest& r) {
  QueryParams params;
  if (r.identifier) params.emplace_back("DBInstanceIdentifier", *r.identifier);
  if (r.max_records) params.emplace_back("MaxRecords", std::to_string(*r.max_records));
  if (r.marker) params.emplace_back("Marker", *r.marker);
  return query_request("DescribeDBInstances", kVersion, params);
}

std::expected<DescribeDbInstancesResult, AwsError> parse_describe_db_instances(const HttpResponse& response) {
  constexpr std::string_view op = "DescribeDBInstances";
  auto xml = parse_query_response(response, op);
  if (!xml) return std::unexpected(xml.error());
  if (!xml_child(xml->result, "DBInstances")) return std::unexpected(missing_element(op, "DBInstances"));
  DescribeDbInstancesResult out;
  for (pugi::xml_node n : xml_list(xml->result, "DBInstances")) out.instances.push_back(read_instance(n));
  out.marker = xml_opt_text(xml->result, "Marker");
  return out;
}

void describe_db_instances(AwsClient& client, const DescribeDbInstancesRequest& r,
                           ResultCallback<DescribeDbInstancesResult> done) {
  call_and_parse<DescribeDbInstancesResult>(client, kService, build_describe_db_instances(r), parse_describe_db_instances,
                                            std::move(done));
}

AwsRequest build_promote_read_replica(const PromoteReadReplicaRequest& r) {
  QueryParams params{{"DBInstanceIdentifier", r.identifier}};
  if (r.backup_retention_period) params.emplace_back("BackupRetentionPeriod", std::to_string(*r.backup_retention_period));
  if (r.preferred_backup_window) params.emplace_back("PreferredBackupWindow", *r.preferred_backup_window);
  return query_request("PromoteReadReplica", kVersion, params);
}

std::expected<DbInstance, AwsError> parse_promote_read_replica(const HttpResponse& response) {
  constexpr std::string_view op = "PromoteReadReplica";
  auto xml = parse_query_response(response, op);
  if (!xml) return std::unexpected(xml.error());
  pugi::xml_node instance = xml_child(xml->result, "DBInstance");
  if (!instance) return std::unexpected(missing_element(op, "DBInstance"));
  return read_instance(instance);
}

void promote_read_replica(AwsClient& client, const PromoteReadReplicaRequest& r, ResultCallback<DbInstance> done) {
  call_and_parse<DbInstance>(client, kService, build_promote_read_replica(r), parse_promote_read_replica, std::move(done));
}

}  // namespace rg::aws::rds
