#include "aws/autoscaling_api.h"

#include <algorithm>

#include "aws/protocol_query.h"

namespace rg::aws::autoscaling {
std::int64_t AutoScalingGroup::in_service_count() const {
  return std::count_if(instances.begin(), instances.end(), [](const Instance& i) {
    return i.lifecycle_state == "InService" && i.health_status == "Healthy";
  });
}

AwsRequest build_describe_auto_scaling_groups(const DescribeAutoScalingGroupsRequest& r) {
  QueryParams params;
  add_member_list(params, "AutoScalingGroupNames", r.names);
  if (r.max_records) params.emplace_back("MaxRecords", std::to_string(*r.max_records));
  if (r.next_token) params.emplace_back("NextToken", *r.next_token);
  return query_request("DescribeAutoScalingGroups", kVersion, params);
}

std::expected<DescribeAutoScalingGroupsResult, AwsError> parse_describe_auto_scaling_groups(const HttpResponse& response) {
  constexpr std::string_view op = "DescribeAutoScalingGroups";
  auto xml = parse_query_response(response, op);
  if (!xml) return std::unexpected(xml.error());
  if (!xml_child(xml->result, "AutoScalingGroups")) return std::unexpected(missing_element(op, "AutoScalingGroups"));
  DescribeAutoScalingGroupsResult out;
  for (pugi::xml_node g : xml_list(xml->result, "AutoScalingGroups")) {
    AutoScalingGroup group;
    group.name = xml_text(g, "AutoScalingGroupName");
    group.arn = xml_text(g, "AutoScalingGroupARN");
    group.min_size = xml_int(g, "MinSize").value_or(0);
    group.max_size = xml_int(g, "MaxSize").value_or(0);
    group.desired_capacity = xml_int(g, "DesiredCapacity").value_or(0);
    for (pugi::xml_node az : xml_list(g, "AvailabilityZones")) group.availability_zones.emplace_back(az.text().get());
    for (pugi::xml_node i : xml_list(g, "Instances")) {
      Instance instance;
      instance.instance_id = xml_text(i, "InstanceId");
      instance.availability_zone = xml_text(i, "AvailabilityZone");
      instance.lifecycle_state = xml_text(i, "LifecycleState");
      instance.health_status = xml_text(i, "HealthStatus");
      instance.instance_type = xml_opt_text(i, "InstanceType");
      group.instances.push_back(std::move(instance));
    }
    group.status = xml_opt_text(g, "Status");
    out.groups.push_back(std::move(group));
  }
  out.next_token = xml_opt_text(xml->result, "NextToken");
  return out;
}

void describe_auto_scaling_groups(AwsClient& client, const DescribeAutoScalingGroupsRequest& r,
                                  ResultCallback<DescribeAutoScalingGroupsResult> done) {
  call_and_parse<DescribeAutoScalingGroupsResult>(client, kService, build_describe_auto_scaling_groups(r),
                                                  parse_describe_auto_scaling_groups, std::move(done));
}

AwsRequest build_update_auto_scaling_group(const UpdateAutoScalingGroupRequest& r) {
  QueryParams params{{"AutoScalingGroupName", r.name}};
  if (r.min_size) params.emplace_back("MinSize", std::to_string(*r.min_size));
  if (r.max_size) params.emplace_back("MaxSize", std::to_string(*r.max_size));
  if (r.desired_capacity) params.emplace_back("DesiredCapacity", std::to_string(*r.desired_capacity));
  return query_request("UpdateAutoScalingGroup", kVersion, params);
}

void update_auto_scaling_group(AwsClient& client, const UpdateAutoScalingGroupRequest& r, ResultCallback<void> done) {
  call_and_parse<void>(client, kService, build_update_auto_scaling_group(r), query_no_result("UpdateAutoScalingGroup"),
                       std::move(done));
}

AwsRequest build_set_desired_capacity(const SetDesiredCapacityRequest& r) {
  QueryParams params{{"AutoScalingGroupName", r.name}, {"DesiredCapacity", std::to_string(r.desired_capacity)}};
  if (r.honor_cooldown) params.emplace_back("HonorCooldown", *r.honor_cooldown ? "true" : "false");
  return query_request("SetDesiredCapacity", kVersion, params);
}

void set_desired_capacity(AwsClient& client, const SetDesiredCapacityRequest& r, ResultCallback<void> done) {
  call_and_parse<void>(client, kService, build_set_desired_capacity(r), query_no_result("SetDesiredCapacity"), std::move(done));
}

}  // namespace rg::aws::autoscaling
