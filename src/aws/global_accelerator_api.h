#pragma once
// AWS Global Accelerator (JSON 1.1, X-Amz-Target GlobalAccelerator_V20180706.*): the two calls of
// the traffic step, on endpoint groups. The accelerator is global but its control plane answers
// only in us-west-2 (endpoint globalaccelerator.us-west-2.amazonaws.com, signed for us-west-2),
// whatever the regions of its endpoint groups; clients are made for that region.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aws/aws_client.h"

namespace rg::aws::global_accelerator {

inline constexpr std::string_view kService = "globalaccelerator";
inline constexpr std::string_view kTargetPrefix = "GlobalAccelerator_V20180706";
inline constexpr std::string_view kControlPlaneRegion = "us-west-2";

// One endpoint as DescribeEndpointGroup lists it (EndpointDescription).
struct Endpoint {
  std::string endpoint_id;  // a load balancer ARN, an EIP allocation id or an instance id
  std::optional<std::int64_t> weight;  // 0-255 (GA's default 128)
  std::string health_state;  // INITIAL | HEALTHY | UNHEALTHY
  std::optional<bool> client_ip_preservation_enabled;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

struct EndpointGroup {
  std::string endpoint_group_arn;
  std::string endpoint_group_region;
  double traffic_dial_percentage = 100;  // 0-100; AWS's default when absent
  std::vector<Endpoint> endpoints;
};

AwsRequest build_describe_endpoint_group(const std::string& endpoint_group_arn);
// Errors: bad_response when the answer has no EndpointGroup or a dial outside 0-100.
std::expected<EndpointGroup, AwsError> parse_describe_endpoint_group(const HttpResponse& response);
void describe_endpoint_group(AwsClient& client, const std::string& endpoint_group_arn,
                             ResultCallback<EndpointGroup> done);

// UpdateEndpointGroup replaces the group's endpoints when EndpointConfigurations is given, so a
// dial change sends none, and a weight change sends back every endpoint read, with the fields it
// can read (EndpointId, Weight, ClientIPPreservationEnabled).
struct UpdateEndpointGroupRequest {
  std::string endpoint_group_arn;
  std::optional<double> traffic_dial_percentage;
  std::optional<std::vector<Endpoint>> endpoints;  // nullopt: the endpoints are left as they are
};

AwsRequest build_update_endpoint_group(const UpdateEndpointGroupRequest& request);
std::expected<EndpointGroup, AwsError> parse_update_endpoint_group(const HttpResponse& response);
void update_endpoint_group(AwsClient& client, const UpdateEndpointGroupRequest& request,
                           ResultCallback<EndpointGroup> done);

}  // namespace rg::aws::global_accelerator
