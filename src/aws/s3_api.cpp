#include "aws/s3_api.h"

#include "aws/protocol_rest_xml.h"

namespace rg::aws::s3 {
namespace {

AwsRequest bucket_request(std::string operation, std::string_view bucket, std::string_view subresource, bool virtual_hosted) {
  AwsRequest r = rest_xml_request(std::move(operation), "GET", virtual_hosted ? "/" : "/" + path_segment(bucket),
                                  {{std::string(subresource), ""}});
  if (virtual_hosted) r.host_prefix = std::string(bucket) + ".";
  return r;
}

}  // namespace

bool is_dns_compatible_bucket(std::string_view bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  if (bucket.front() == '-' || bucket.back() == '-') return false;
  for (char c : bucket) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

bool use_virtual_hosting(const Endpoint& endpoint, std::string_view bucket) {
  return endpoint.source == EndpointSource::builtin && is_dns_compatible_bucket(bucket);
}

std::string_view to_string(VersioningStatus status) {
  switch (status) {
    case VersioningStatus::never_enabled: return "never enabled";
    case VersioningStatus::enabled: return "Enabled";
    case VersioningStatus::suspended: return "Suspended";
  }
  return "never enabled";
}

AwsRequest build_get_bucket_versioning(std::string_view bucket, bool virtual_hosted) {
  return bucket_request("GetBucketVersioning", bucket, "versioning", virtual_hosted);
}

std::expected<BucketVersioning, AwsError> parse_get_bucket_versioning(const HttpResponse& response) {
  constexpr std::string_view op = "GetBucketVersioning";
  auto xml = parse_rest_xml_response(response, op, "");
  if (!xml) return std::unexpected(xml.error());
  // S3 answers <VersioningConfiguration/>; moto answers a bucket that never had versioning with
  // an empty <GetBucketVersioningResponse/>, which means the same.
  const std::string_view root = xml_local_name(xml->result);
  if (root != "VersioningConfiguration" && root != "GetBucketVersioningResponse") {
    return std::unexpected(make_error(AwsErrorKind::bad_response, std::string(op) + ": expected <VersioningConfiguration>, the answer is <" +
                                                                      std::string(root) + ">"));
  }
  BucketVersioning out;
  const std::string status = xml_text(xml->result, "Status");
  if (status == "Enabled") out.status = VersioningStatus::enabled;
  else if (status == "Suspended") out.status = VersioningStatus::suspended;
  out.mfa_delete = xml_opt_text(xml->result, "MfaDelete");
  return out;
}

void get_bucket_versioning(AwsClient& client, std::string_view bucket, ResultCallback<BucketVersioning> done) {
  call_and_parse<BucketVersioning>(client, kService,
                                   build_get_bucket_versioning(bucket, use_virtual_hosting(client.endpoint(), bucket)),
                                   parse_get_bucket_versioning, std::move(done));
}

AwsRequest build_get_bucket_replication(std::string_view bucket, bool virtual_hosted) {
  return bucket_request("GetBucketReplication", bucket, "replication", virtual_hosted);
}

std::expected<ReplicationConfiguration, AwsError> parse_get_bucket_replication(const HttpResponse& response) {
  constexpr std::string_view op = "GetBucketReplication";
  auto xml = parse_rest_xml_response(response, op, "ReplicationConfiguration");
  if (!xml) return std::unexpected(xml.error());
  ReplicationConfiguration out;
  out.role = xml_text(xml->result, "Role");
  for (pugi::xml_node n : xml_children(xml->result, "Rule")) {
    ReplicationRule rule;
    rule.id = xml_text(n, "ID");
    rule.priority = xml_int(n, "Priority");
    rule.status = xml_text(n, "Status");
    pugi::xml_node filter = xml_child(n, "Filter");
    rule.prefix = xml_opt_text(filter, "Prefix");
    if (!rule.prefix) rule.prefix = xml_opt_text(xml_child(filter, "And"), "Prefix");
    if (!rule.prefix) rule.prefix = xml_opt_text(n, "Prefix");
    pugi::xml_node destination = xml_child(n, "Destination");
    rule.destination_bucket = xml_text(destination, "Bucket");
    rule.destination_account = xml_opt_text(destination, "Account");
    rule.storage_class = xml_opt_text(destination, "StorageClass");
    pugi::xml_node rtc = xml_child(destination, "ReplicationTime");
    rule.replication_time_control = xml_text(rtc, "Status") == "Enabled";
    rule.replication_time_minutes = xml_int(xml_child(rtc, "Time"), "Minutes");
    rule.metrics_enabled = xml_text(xml_child(destination, "Metrics"), "Status") == "Enabled";
    rule.delete_marker_replication = xml_opt_text(xml_child(n, "DeleteMarkerReplication"), "Status");
    if (rule.destination_bucket.empty()) return std::unexpected(missing_element(op, "Rule/Destination/Bucket"));
    out.rules.push_back(std::move(rule));
  }
  return out;
}

void get_bucket_replication(AwsClient& client, std::string_view bucket, ResultCallback<ReplicationConfiguration> done) {
  call_and_parse<ReplicationConfiguration>(client, kService,
                                           build_get_bucket_replication(bucket, use_virtual_hosting(client.endpoint(), bucket)),
                                           parse_get_bucket_replication, std::move(done));
}

}  // namespace rg::aws::s3
