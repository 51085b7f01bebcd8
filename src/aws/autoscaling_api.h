#pragma once
// EC2 Auto Scaling (Query protocol, API 2011-01-01). Per-region.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aws/aws_client.h"

namespace rg::aws::autoscaling {

inline constexpr std::string_view kService = "autoscaling";
inline constexpr std::string_view kVersion = "2011-01-01";

struct Instance {
  std::string instance_id;
  std::string availability_zone;
  std::string lifecycle_state;  // Pending, InService, Terminating, Standby, ...
  std::string health_status;    // Healthy | Unhealthy
  std::optional<std::string> instance_type;
};

struct AutoScalingGroup {
  std::string name;
  std::string arn;
  std::int64_t min_size = 0;
  std::int64_t max_size = 0;
  std::int64_t desired_capacity = 0;
  std::vector<std::string> availability_zones;
  std::vector<Instance> instances;
  std::optional<std::string> status;  // "Delete in progress" while being deleted
  // Instances InService and Healthy: the capacity that serves.
  std::int64_t in_service_count() const;
};

struct DescribeAutoScalingGroupsRequest {
  std::vector<std::string> names;  // empty: all
  std::optional<int> max_records;
  std::optional<std::string> next_token;
};

struct DescribeAutoScalingGroupsResult {
  std::vector<AutoScalingGroup> groups;
  std::optional<std::string> next_token;
};

AwsRequest build_describe_auto_scaling_groups(const DescribeAutoScalingGroupsRequest& request);
std::expected<DescribeAutoScalingGroupsResult, AwsError> parse_describe_auto_scaling_groups(const HttpResponse& response);
void describe_auto_scaling_groups(AwsClient& client, const DescribeAutoScalingGroupsRequest& request,
                                  ResultCallback<DescribeAutoScalingGroupsResult> done);

struct UpdateAutoScalingGroupRequest {
  std::string name;
  std::optional<std::int64_t> min_size;
  std::optional<std::int64_t> max_size;
  std::optional<std::int64_t> desired_capacity;
};

AwsRequest build_update_auto_scaling_group(const UpdateAutoScalingGroupRequest& request);
void update_auto_scaling_group(AwsClient& client, const UpdateAutoScalingGroupRequest& request, ResultCallback<void> done);

struct SetDesiredCapacityRequest {
  std::string name;
  std::int64_t desired_capacity = 0;
  std::optional<bool> honor_cooldown;
};

AwsRequest build_set_desired_capacity(const SetDesiredCapacityRequest& request);
void set_desired_capacity(AwsClient& client, const SetDesiredCapacityRequest& request, ResultCallback<void> done);

}  // namespace rg::aws::autoscaling
