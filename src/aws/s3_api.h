#pragma once
// Amazon S3 bucket configuration reads (REST-XML, API 2006-03-01). The client must be of the
// bucket's region (S3 answers 301 PermanentRedirect otherwise).
//
// Addressing as botocore's "auto": virtual-hosted (https://BUCKET.s3.REGION.amazonaws.com/?x)
// for a DNS-compatible bucket on the built-in endpoint; path style (ENDPOINT/BUCKET?x) for a
// configured endpoint (moto, a VPC endpoint URL) or a bucket name with dots or capitals.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aws/aws_client.h"

namespace rg::aws::s3 {

inline constexpr std::string_view kService = "s3";

bool is_dns_compatible_bucket(std::string_view bucket);
bool use_virtual_hosting(const Endpoint& endpoint, std::string_view bucket);

// --- GetBucketVersioning ----------------------------------------------------------------------------

enum class VersioningStatus { never_enabled, enabled, suspended };
std::string_view to_string(VersioningStatus status);

struct BucketVersioning {
  VersioningStatus status = VersioningStatus::never_enabled;
  std::optional<std::string> mfa_delete;  // Enabled | Disabled
};

AwsRequest build_get_bucket_versioning(std::string_view bucket, bool virtual_hosted);
std::expected<BucketVersioning, AwsError> parse_get_bucket_versioning(const HttpResponse& response);
void get_bucket_versioning(AwsClient& client, std::string_view bucket, ResultCallback<BucketVersioning> done);

// --- GetBucketReplication ---------------------------------------------------------------------------

struct ReplicationRule {
  std::string id;
  std::optional<std::int64_t> priority;
  std::string status;  // Enabled | Disabled
  std::optional<std::string> prefix;  // Filter/Prefix, or the older rule-level Prefix
  std::string destination_bucket;     // an ARN: arn:aws:s3:::bucket
  std::optional<std::string> destination_account;
  std::optional<std::string> storage_class;
  bool replication_time_control = false;  // S3 RTC (the 15-minute SLA)
  std::optional<std::int64_t> replication_time_minutes;
  bool metrics_enabled = false;           // replication metrics (ReplicationLatency, bytes pending)
  std::optional<std::string> delete_marker_replication;  // Enabled | Disabled
};

struct ReplicationConfiguration {
  std::string role;
  std::vector<ReplicationRule> rules;
};

AwsRequest build_get_bucket_replication(std::string_view bucket, bool virtual_hosted);
// Without a configuration S3 answers 404 ReplicationConfigurationNotFoundError, an AwsError.
std::expected<ReplicationConfiguration, AwsError> parse_get_bucket_replication(const HttpResponse& response);
void get_bucket_replication(AwsClient& client, std::string_view bucket, ResultCallback<ReplicationConfiguration> done);

}  // namespace rg::aws::s3
