#pragma once
// Elastic Load Balancing v2 (Query protocol, API 2015-12-01; signing name elasticloadbalancing).
// Per-region.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aws/aws_client.h"

namespace rg::aws::elbv2 {

inline constexpr std::string_view kService = "elbv2";
inline constexpr std::string_view kVersion = "2015-12-01";

// --- DescribeTargetHealth ---------------------------------------------------------------------------

enum class TargetState { initial, healthy, unhealthy, unhealthy_draining, unused, draining, unavailable, unknown };
std::string_view to_string(TargetState state);  // as AWS writes it: "unhealthy.draining"
TargetState target_state_from(std::string_view text);

struct TargetDescription {
  std::string id;  // instance id, IP address, Lambda ARN or ALB ARN
  std::optional<std::int64_t> port;
  std::optional<std::string> availability_zone;
};

struct TargetHealthDescription {
  TargetDescription target;
  std::optional<std::string> health_check_port;
  TargetState state = TargetState::unknown;
  std::string state_text;
  std::optional<std::string> reason;       // Elb.InitialHealthChecking, Target.Timeout, Target.ResponseCodeMismatch, ...
  std::optional<std::string> description;
};

struct DescribeTargetHealthRequest {
  std::string target_group_arn;
  std::vector<TargetDescription> targets;  // empty: every registered target
};

struct DescribeTargetHealthResult {
  std::vector<TargetHealthDescription> targets;
  std::size_t count(TargetState state) const;
};

AwsRequest build_describe_target_health(const DescribeTargetHealthRequest& request);
std::expected<DescribeTargetHealthResult, AwsError> parse_describe_target_health(const HttpResponse& response);
void describe_target_health(AwsClient& client, const DescribeTargetHealthRequest& request,
                            ResultCallback<DescribeTargetHealthResult> done);

// --- DescribeTargetGroups ---------------------------------------------------------------------------

struct TargetGroup {
  std::string arn;
  std::string name;
  std::optional<std::string> protocol;
  std::optional<std::int64_t> port;
  std::optional<std::string> vpc_id;
  std::optional<std::string> target_type;  // instance | ip | lambda | alb
  std::optional<std::string> health_check_protocol;
  std::optional<std::string> health_check_path;
  std::optional<std::int64_t> healthy_threshold;
  std::optional<std::int64_t> unhealthy_threshold;
  std::vector<std::string> load_balancer_arns;
};

struct DescribeTargetGroupsRequest {
  std::vector<std::string> arns;
  std::vector<std::string> names;
  std::optional<std::string> load_balancer_arn;
  std::optional<int> page_size;
  std::optional<std::string> marker;
};

struct DescribeTargetGroupsResult {
  std::vector<TargetGroup> groups;
  std::optional<std::string> next_marker;
};

AwsRequest build_describe_target_groups(const DescribeTargetGroupsRequest& request);
std::expected<DescribeTargetGroupsResult, AwsError> parse_describe_target_groups(const HttpResponse& response);
void describe_target_groups(AwsClient& client, const DescribeTargetGroupsRequest& request,
                            ResultCallback<DescribeTargetGroupsResult> done);

}  // namespace rg::aws::elbv2
