#include "aws/global_accelerator_api.h"

#include "aws/protocol_json.h"

namespace rg::aws::global_accelerator {
namespace {

using nlohmann::json;

AwsRequest request(std::string operation, const json& input) {
  return json_request(kTargetPrefix, std::move(operation), JsonVersion::v1_1, input);
}

AwsError bad(std::string_view operation, const std::string& what) {
  return make_error(AwsErrorKind::bad_response, std::string(operation) + ": " + what);
}

// The EndpointGroup of either answer. Strict where the step acts on what it reads: a dial that is
// not a number from 0 to 100, or an endpoint without its id (a weight change sends every endpoint
// back, and one without an id would be dropped from the group), is a bad answer, not a guess.
std::expected<EndpointGroup, AwsError> read_group(const HttpResponse& response, std::string_view operation) {
  auto body = parse_json_response(response, operation);
  if (!body) return std::unexpected(body.error());
  const json& g = json_object(*body, "EndpointGroup");
  if (g.empty()) return std::unexpected(missing_field(operation, "EndpointGroup"));
  EndpointGroup out;
  out.endpoint_group_arn = json_str(g, "EndpointGroupArn");
  if (out.endpoint_group_arn.empty()) return std::unexpected(missing_field(operation, "EndpointGroup.EndpointGroupArn"));
  out.endpoint_group_region = json_str(g, "EndpointGroupRegion");
  if (g.contains("TrafficDialPercentage")) {
    const auto dial = json_double(g, "TrafficDialPercentage");
    if (!dial || *dial < 0 || *dial > 100)
      return std::unexpected(bad(operation, "TrafficDialPercentage is " + g.at("TrafficDialPercentage").dump() +
                                                ", not a number from 0 to 100"));
    out.traffic_dial_percentage = *dial;
  }
  if (g.contains("EndpointDescriptions") && !g.at("EndpointDescriptions").is_array())
    return std::unexpected(bad(operation, "EndpointDescriptions is not a list"));
  for (const auto& e : json_array(g, "EndpointDescriptions")) {
    Endpoint endpoint;
    endpoint.endpoint_id = json_str(e, "EndpointId");
    if (endpoint.endpoint_id.empty()) return std::unexpected(bad(operation, "an endpoint has no EndpointId"));
    endpoint.weight = json_int(e, "Weight");
    if (e.contains("Weight") && (!endpoint.weight || *endpoint.weight < 0 || *endpoint.weight > 255))
      return std::unexpected(bad(operation, "endpoint " + endpoint.endpoint_id + " has Weight " + e.at("Weight").dump() +
                                                ", not an integer from 0 to 255"));
    endpoint.health_state = json_str(e, "HealthState");
    endpoint.client_ip_preservation_enabled = json_bool(e, "ClientIPPreservationEnabled");
    out.endpoints.push_back(std::move(endpoint));
  }
  return out;
}

}  // namespace

AwsRequest build_describe_endpoint_group(const std::string& endpoint_group_arn) {
  return request("DescribeEndpointGroup", json{{"EndpointGroupArn", endpoint_group_arn}});
}

std::expected<EndpointGroup, AwsError> parse_describe_endpoint_group(const HttpResponse& response) {
  return read_group(response, "DescribeEndpointGroup");
}

void describe_endpoint_group(AwsClient& client, const std::string& endpoint_group_arn,
                             ResultCallback<EndpointGroup> done) {
  call_and_parse<EndpointGroup>(client, kService, build_describe_endpoint_group(endpoint_group_arn),
                                parse_describe_endpoint_group, std::move(done));
}

AwsRequest build_update_endpoint_group(const UpdateEndpointGroupRequest& r) {
  json input = {{"EndpointGroupArn", r.endpoint_group_arn}};
  if (r.traffic_dial_percentage) input["TrafficDialPercentage"] = *r.traffic_dial_percentage;
  if (r.endpoints) {
    json configurations = json::array();
    for (const auto& e : *r.endpoints) {
      json c = {{"EndpointId", e.endpoint_id}};
      if (e.weight) c["Weight"] = *e.weight;
      if (e.client_ip_preservation_enabled) c["ClientIPPreservationEnabled"] = *e.client_ip_preservation_enabled;
      configurations.push_back(std::move(c));
    }
    input["EndpointConfigurations"] = std::move(configurations);
  }
  return request("UpdateEndpointGroup", input);
}

std::expected<EndpointGroup, AwsError> parse_update_endpoint_group(const HttpResponse& response) {
  return read_group(response, "UpdateEndpointGroup");
}

void update_endpoint_group(AwsClient& client, const UpdateEndpointGroupRequest& r, ResultCallback<EndpointGroup> done) {
  call_and_parse<EndpointGroup>(client, kService, build_update_endpoint_group(r), parse_update_endpoint_group,
                                std::move(done));
}

}  // namespace rg::aws::global_accelerator
