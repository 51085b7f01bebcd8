#pragma once
// Route 53 (REST-XML, API 2013-04-01; global: signed for us-east-1 in the aws partition).
//
// Every call has three parts, so the wire format is testable without a server:
//   build_x(request) -> AwsRequest, parse_x(2xx answer) -> Result or bad_response, and
//   x(client, request, done) which sends it with an AwsClient for "route53".
// IDs are accepted with or without their prefix ("/hostedzone/Z1" or "Z1", "/change/C1" or "C1");
// results carry them without.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aws/aws_client.h"

namespace rg::aws::route53 {

inline constexpr std::string_view kService = "route53";
inline constexpr std::string_view kXmlns = "https://route53.amazonaws.com/doc/2013-04-01/";

struct AliasTarget {
  std::string hosted_zone_id;
  std::string dns_name;
  bool evaluate_target_health = false;
  friend bool operator==(const AliasTarget&, const AliasTarget&) = default;
};

struct ResourceRecordSet {
  std::string name;  // as Route 53 writes it: absolute, "app.example.com."
  std::string type;  // "A", "CNAME", ...
  std::optional<std::string> set_identifier;
  std::optional<std::int64_t> weight;
  std::optional<std::string> region;    // latency routing
  std::optional<std::string> failover;  // "PRIMARY" | "SECONDARY"
  std::optional<std::int64_t> ttl;      // absent for alias records (moto reports 0 for them)
  std::vector<std::string> values;      // ResourceRecords
  std::optional<AliasTarget> alias_target;
  std::optional<std::string> health_check_id;
  friend bool operator==(const ResourceRecordSet&, const ResourceRecordSet&) = default;
};

// --- ListResourceRecordSets -------------------------------------------------------------------------

struct ListResourceRecordSetsRequest {
  std::string hosted_zone_id;
  std::optional<std::string> start_name;
  std::optional<std::string> start_type;
  std::optional<std::string> start_identifier;
  std::optional<int> max_items;  // 1..300 (Route 53's default 300)
};

struct ListResourceRecordSetsResult {
  std::vector<ResourceRecordSet> record_sets;
  bool is_truncated = false;
  std::optional<std::string> next_name;
  std::optional<std::string> next_type;
  std::optional<std::string> next_identifier;
};

AwsRequest build_list_resource_record_sets(const ListResourceRecordSetsRequest& request);
std::expected<ListResourceRecordSetsResult, AwsError> parse_list_resource_record_sets(const HttpResponse& response);
void list_resource_record_sets(AwsClient& client, const ListResourceRecordSetsRequest& request,
                               ResultCallback<ListResourceRecordSetsResult> done);

// Every record set of the zone, page after page (page_size record sets each). A page whose
// successor would start where it started is a bad_response, never an endless loop: moto never
// returns NextRecordIdentifier for record sets sharing a name and type (a failover pair), so small
// pages there repeat forever. At most max_pages pages.
void list_all_resource_record_sets(AwsClient& client, std::string hosted_zone_id,
                                   ResultCallback<std::vector<ResourceRecordSet>> done, int page_size = 300,
                                   int max_pages = 100);

// --- ChangeResourceRecordSets -----------------------------------------------------------------------

enum class ChangeAction { create, delete_, upsert };
std::string_view to_string(ChangeAction action);  // "CREATE", "DELETE", "UPSERT"

struct Change {
  ChangeAction action = ChangeAction::upsert;
  ResourceRecordSet record_set;
};

struct ChangeResourceRecordSetsRequest {
  std::string hosted_zone_id;
  std::optional<std::string> comment;
  std::vector<Change> changes;
};

enum class ChangeStatus { pending, insync, unknown };
std::string_view to_string(ChangeStatus status);

struct ChangeInfo {
  std::string id;  // without "/change/"
  ChangeStatus status = ChangeStatus::unknown;
  std::string status_text;  // as sent: "PENDING", "INSYNC"
  std::optional<TimePoint> submitted_at;
  std::optional<std::string> comment;
};

AwsRequest build_change_resource_record_sets(const ChangeResourceRecordSetsRequest& request);
std::expected<ChangeInfo, AwsError> parse_change_resource_record_sets(const HttpResponse& response);
void change_resource_record_sets(AwsClient& client, const ChangeResourceRecordSetsRequest& request,
                                 ResultCallback<ChangeInfo> done);

// --- GetChange --------------------------------------------------------------------------------------

AwsRequest build_get_change(std::string_view change_id);
std::expected<ChangeInfo, AwsError> parse_get_change(const HttpResponse& response);
void get_change(AwsClient& client, std::string_view change_id, ResultCallback<ChangeInfo> done);

// --- CreateHealthCheck ------------------------------------------------------------------------------

struct AlarmIdentifier {
  std::string region;
  std::string name;
};

struct HealthCheckConfig {
  std::string type;  // HTTP, HTTPS, HTTP_STR_MATCH, HTTPS_STR_MATCH, TCP, CALCULATED, CLOUDWATCH_METRIC
  std::optional<std::string> ip_address;
  std::optional<std::int64_t> port;
  std::optional<std::string> resource_path;
  std::optional<std::string> fully_qualified_domain_name;
  std::optional<std::string> search_string;
  std::optional<std::int64_t> request_interval;   // 10 or 30
  std::optional<std::int64_t> failure_threshold;  // 1..10
  std::optional<bool> measure_latency;
  std::optional<bool> inverted;
  std::optional<bool> disabled;
  std::optional<std::int64_t> health_threshold;   // CALCULATED
  std::vector<std::string> child_health_checks;   // CALCULATED
  std::optional<bool> enable_sni;
  std::vector<std::string> regions;               // checker regions; empty: Route 53's default set
  std::optional<AlarmIdentifier> alarm_identifier;  // CLOUDWATCH_METRIC
  std::optional<std::string> insufficient_data_health_status;  // Healthy | Unhealthy | LastKnownStatus
};

struct CreateHealthCheckRequest {
  std::string caller_reference;  // idempotency token, unique per health check
  HealthCheckConfig config;
};

struct HealthCheck {
  std::string id;
  std::string caller_reference;
  std::string type;
  std::optional<std::int64_t> version;
  std::optional<std::string> location;  // the Location header of the 201
};

AwsRequest build_create_health_check(const CreateHealthCheckRequest& request);
std::expected<HealthCheck, AwsError> parse_create_health_check(const HttpResponse& response);
void create_health_check(AwsClient& client, const CreateHealthCheckRequest& request, ResultCallback<HealthCheck> done);

// --- GetHealthCheckStatus ---------------------------------------------------------------------------

struct HealthCheckObservation {
  std::string region;      // the checker's region: "us-east-1", "eu-west-1"
  std::string ip_address;  // the checker's address
  std::string status;      // "Success: HTTP Status Code 200, OK", "Failure: Connection timed out..."
  std::optional<TimePoint> checked_time;
  bool healthy() const { return status.starts_with("Success"); }
};

struct HealthCheckStatus {
  std::vector<HealthCheckObservation> observations;
  std::size_t healthy_count() const;
};

AwsRequest build_get_health_check_status(std::string_view health_check_id);
std::expected<HealthCheckStatus, AwsError> parse_get_health_check_status(const HttpResponse& response);
void get_health_check_status(AwsClient& client, std::string_view health_check_id, ResultCallback<HealthCheckStatus> done);

}  // namespace rg::aws::route53
