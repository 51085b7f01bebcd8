#include "aws/elbv2_api.h"

#include <algorithm>

#include "aws/protocol_query.h"

namespace rg::aws::elbv2 {

std::string_view to_string(TargetState state) {
  switch (state) {
    case TargetState::initial: return "initial";
    case TargetState::healthy: return "healthy";
    case TargetState::unhealthy: return "unhealthy";
    case TargetState::unhealthy_draining: return "unhealthy.draining";
    case TargetState::unused: return "unused";
    case TargetState::draining: return "draining";
    case TargetState::unavailable: return "unavailable";
    case TargetState::unknown: return "unknown";
  }
  return "unknown";
}

TargetState target_state_from(std::string_view text) {
  for (TargetState s : {TargetState::initial, TargetState::healthy, TargetState::unhealthy, TargetState::unhealthy_draining,
                        TargetState::unused, TargetState::draining, TargetState::unavailable}) {
    if (to_string(s) == text) return s;
  }
  return TargetState::unknown;
}

std::size_t DescribeTargetHealthResult::count(TargetState state) const {
  return static_cast<std::size_t>(
      std::count_if(targets.begin(), targets.end(), [state](const TargetHealthDescription& t) { return t.state == state; }));
}

AwsRequest build_describe_target_health(const DescribeTargetHealthRequest& r) {
  QueryParams params{{"TargetGroupArn", r.target_group_arn}};
  for (std::size_t i = 0; i < r.targets.size(); ++i) {
    const std::string prefix = "Targets.member." + std::to_string(i + 1);
    params.emplace_back(prefix + ".Id", r.targets[i].id);
    if (r.targets[i].port) params.emplace_back(prefix + ".Port", std::to_string(*r.targets[i].port));
    if (r.targets[i].availability_zone) params.emplace_back(prefix + ".AvailabilityZone", *r.targets[i].availability_zone);
  }
  return query_request("DescribeTargetHealth", kVersion, params);
}

std::expected<DescribeTargetHealthResult, AwsError> parse_describe_target_health(const HttpResponse& response) {
  constexpr std::string_view op = "DescribeTargetHealth";
  auto xml = parse_query_response(response, op);
  if (!xml) return std::unexpected(xml.error());
  if (!xml_child(xml->result, "TargetHealthDescriptions")) return std::unexpected(missing_element(op, "TargetHealthDescriptions"));
  DescribeTargetHealthResult out;
  for (pugi::xml_node n : xml_list(xml->result, "TargetHealthDescriptions")) {
    TargetHealthDescription t;
    pugi::xml_node target = xml_child(n, "Target");
    t.target.id = xml_text(target, "Id");
    t.target.port = xml_int(target, "Port");
    t.target.availability_zone = xml_opt_text(target, "AvailabilityZone");
    t.health_check_port = xml_opt_text(n, "HealthCheckPort");
    pugi::xml_node health = xml_child(n, "TargetHealth");
    t.state_text = xml_text(health, "State");
    t.state = target_state_from(t.state_text);
    t.reason = xml_opt_text(health, "Reason");
    t.description = xml_opt_text(health, "Description");
    out.targets.push_back(std::move(t));
  }
  return out;
}

void describe_target_health(AwsClient& client, const DescribeTargetHealthRequest& r,
                            ResultCallback<DescribeTargetHealthResult> done) {
  call_and_parse<DescribeTargetHealthResult>(client, kService, build_describe_target_health(r), parse_describe_target_health,
                                             std::move(done));
}

AwsRequest build_describe_target_groups(const DescribeTargetGroupsRequest& r) {
  QueryParams params;
  if (r.load_balancer_arn) params.emplace_back("LoadBalancerArn", *r.load_balancer_arn);
  add_member_list(params, "TargetGroupArns", r.arns);
  add_member_list(params, "Names", r.names);
  if (r.marker) params.emplace_back("Marker", *r.marker);
  if (r.page_size) params.emplace_back("PageSize", std::to_string(*r.page_size));
  return query_request("DescribeTargetGroups", kVersion, params);
}

std::expected<DescribeTargetGroupsResult, AwsError> parse_describe_target_groups(const HttpResponse& response) {
  constexpr std::string_view op = "DescribeTargetGroups";
  auto xml = parse_query_response(response, op);
  if (!xml) return std::unexpected(xml.error());
  if (!xml_child(xml->result, "TargetGroups")) return std::unexpected(missing_element(op, "TargetGroups"));
  DescribeTargetGroupsResult out;
  for (pugi::xml_node n : xml_list(xml->result, "TargetGroups")) {
    TargetGroup g;
    g.arn = xml_text(n, "TargetGroupArn");
    g.name = xml_text(n, "TargetGroupName");
    g.protocol = xml_opt_text(n, "Protocol");
    g.port = xml_int(n, "Port");
    g.vpc_id = xml_opt_text(n, "VpcId");
    g.target_type = xml_opt_text(n, "TargetType");
    g.health_check_protocol = xml_opt_text(n, "HealthCheckProtocol");
    g.health_check_path = xml_opt_text(n, "HealthCheckPath");
    g.healthy_threshold = xml_int(n, "HealthyThresholdCount");
    g.unhealthy_threshold = xml_int(n, "UnhealthyThresholdCount");
    for (pugi::xml_node lb : xml_list(n, "LoadBalancerArns")) g.load_balancer_arns.emplace_back(lb.text().get());
    out.groups.push_back(std::move(g));
  }
  out.next_marker = xml_opt_text(xml->result, "NextMarker");
  if (out.next_marker && out.next_marker->empty()) out.next_marker.reset();
  return out;
}

void describe_target_groups(AwsClient& client, const DescribeTargetGroupsRequest& r,
                            ResultCallback<DescribeTargetGroupsResult> done) {
  call_and_parse<DescribeTargetGroupsResult>(client, kService, build_describe_target_groups(r), parse_describe_target_groups,
                                             std::move(done));
}

}  // namespace rg::aws::elbv2
