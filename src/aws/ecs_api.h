#pragma once
// Amazon ECS (JSON 1.1, X-Amz-Target AmazonEC2ContainerServiceV20141113.*). Per-region.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aws/aws_client.h"

namespace rg::aws::ecs {

inline constexpr std::string_view kService = "ecs";
inline constexpr std::string_view kTargetPrefix = "AmazonEC2ContainerServiceV20141113";

struct Deployment {
  std::string id;
  std::string status;         // PRIMARY | ACTIVE | INACTIVE
  std::string rollout_state;  // COMPLETED | FAILED | IN_PROGRESS
  std::string task_definition;
  std::int64_t desired_count = 0;
  std::int64_t running_count = 0;
  std::int64_t pending_count = 0;
  std::int64_t failed_tasks = 0;
};

struct Service {
  std::string service_name;
  std::string service_arn;
  std::string cluster_arn;
  std::string status;  // ACTIVE | DRAINING | INACTIVE
  std::int64_t desired_count = 0;
  std::int64_t running_count = 0;
  std::int64_t pending_count = 0;
  std::string task_definition;
  std::vector<Deployment> deployments;
  // All deployments done: one PRIMARY deployment whose running count is its desired count.
  bool steady() const;
};

struct Failure {
  std::string arn;
  std::string reason;  // "MISSING"
  std::string detail;
};

struct DescribeServicesRequest {
  std::string cluster;                 // name or ARN; empty: "default"
  std::vector<std::string> services;   // names or ARNs, at most 10
};

struct DescribeServicesResult {
  std::vector<Service> services;
  std::vector<Failure> failures;
};

AwsRequest build_describe_services(const DescribeServicesRequest& request);
std::expected<DescribeServicesResult, AwsError> parse_describe_services(const HttpResponse& response);
void describe_services(AwsClient& client, const DescribeServicesRequest& request, ResultCallback<DescribeServicesResult> done);

struct UpdateServiceRequest {
  std::string cluster;
  std::string service;
  std::optional<std::int64_t> desired_count;
  std::optional<std::string> task_definition;
  std::optional<bool> force_new_deployment;
};

AwsRequest build_update_service(const UpdateServiceRequest& request);
std::expected<Service, AwsError> parse_update_service(const HttpResponse& response);
void update_service(AwsClient& client, const UpdateServiceRequest& request, ResultCallback<Service> done);

}  // namespace rg::aws::ecs
