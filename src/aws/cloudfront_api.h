#pragma once
// CloudFront (REST-XML, API 2020-05-31; global: signed for us-east-1).
//
// UpdateDistribution replaces the whole configuration and must carry the ETag of the
// configuration it was derived from (If-Match), so the round trip is: GetDistributionConfig
// (config XML + ETag) -> change the XML (set_default_target_origin, set_origin_group_primary) ->
// UpdateDistribution(If-Match: that ETag). The XML is kept as text so that fields regionguard does
// not model survive the round trip untouched.
#include <optional>
#include <string>
#include <vector>

#include "aws/aws_client.h"

namespace rg::aws::cloudfront {

inline constexpr std::string_view kService = "cloudfront";
inline constexpr std::string_view kXmlns = "http://cloudfront.amazonaws.com/doc/2020-05-31/";

struct Origin {
  std::string id;
  std::string domain_name;
};

struct OriginGroup {
  std::string id;
  std::vector<std::string> member_origin_ids;  // in order: the first is the primary
  std::vector<int> failover_status_codes;
};

// The parts of a DistributionConfig regionguard reads.
struct DistributionConfigSummary {
  std::string caller_reference;
  std::string comment;
  bool enabled = false;
  std::vector<Origin> origins;
  std::vector<OriginGroup> origin_groups;
  std::string default_target_origin_id;  // DefaultCacheBehavior/TargetOriginId
};

struct DistributionConfig {
  std::string etag;        // for If-Match
  std::string config_xml;  // the <DistributionConfig> document as received
  DistributionConfigSummary summary;
};

// Reads the summary out of a <DistributionConfig> document.
std::expected<DistributionConfigSummary, AwsError> summarize_distribution_config(std::string_view config_xml);
// The same document with DefaultCacheBehavior/TargetOriginId set to an existing origin or origin group.
std::expected<std::string, AwsError> set_default_target_origin(std::string_view config_xml, std::string_view origin_id);
// The same document with `origin_id` moved to the front of the origin group's members (its primary).
std::expected<std::string, AwsError> set_origin_group_primary(std::string_view config_xml, std::string_view group_id,
                                                              std::string_view origin_id);

AwsRequest build_get_distribution_config(std::string_view distribution_id);
std::expected<DistributionConfig, AwsError> parse_get_distribution_config(const HttpResponse& response);
void get_distribution_config(AwsClient& client, std::string_view distribution_id, ResultCallback<DistributionConfig> done);

struct UpdateDistributionRequest {
  std::string distribution_id;
  std::string if_match;    // the ETag GetDistributionConfig returned
  std::string config_xml;  // a complete <DistributionConfig> document
};

struct Distribution {
  std::string id;
  std::string arn;
  std::string status;  // "InProgress" until deployed, then "Deployed"
  std::string domain_name;
  std::optional<TimePoint> last_modified;
  std::string etag;    // the new configuration's ETag
};

AwsRequest build_update_distribution(const UpdateDistributionRequest& request);
std::expected<Distribution, AwsError> parse_update_distribution(const HttpResponse& response);
void update_distribution(AwsClient& client, const UpdateDistributionRequest& request, ResultCallback<Distribution> done);

// GetDistribution: the distribution's Status, "InProgress" while a change propagates to the edge
// locations, "Deployed" once every one serves it (what a traffic switch waits for).
AwsRequest build_get_distribution(std::string_view distribution_id);
std::expected<Distribution, AwsError> parse_get_distribution(const HttpResponse& response);
void get_distribution(AwsClient& client, std::string_view distribution_id, ResultCallback<Distribution> done);

}  // namespace rg::aws::cloudfront
