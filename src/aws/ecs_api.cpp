#include "aws/ecs_api.h"

#include "aws/protocol_json.h"

namespace rg::aws::ecs {
namespace {

using nlohmann::json;

AwsRequest request(std::string operation, const json& input) {
  return json_request(kTargetPrefix, std::move(operation), JsonVersion::v1_1, input);
}

Service read_service(const json& s) {
  Service out;
  out.service_name = json_str(s, "serviceName");
  out.service_arn = json_str(s, "serviceArn");
  out.cluster_arn = json_str(s, "clusterArn");
  out.status = json_str(s, "status");
  out.desired_count = json_int(s, "desiredCount").value_or(0);
  out.running_count = json_int(s, "runningCount").value_or(0);
  out.pending_count = json_int(s, "pendingCount").value_or(0);
  out.task_definition = json_str(s, "taskDefinition");
  for (const auto& d : json_array(s, "deployments")) {
    Deployment deployment;
    deployment.id = json_str(d, "id");
    deployment.status = json_str(d, "status");
    deployment.rollout_state = json_str(d, "rolloutState");
    deployment.task_definition = json_str(d, "taskDefinition");
    deployment.desired_count = json_int(d, "desiredCount").value_or(0);
    deployment.running_count = json_int(d, "runningCount").value_or(0);
    deployment.pending_count = json_int(d, "pendingCount").value_or(0);
    deployment.failed_tasks = json_int(d, "failedTasks").value_or(0);
    out.deployments.push_back(std::move(deployment));
  }
  return out;
}

}  // namespace

bool Service::steady() const {
  if (deployments.size() != 1) return false;
  const Deployment& d = deployments.front();
  return d.status == "PRIMARY" && d.running_count == d.desired_count && running_count == desired_count;
}

AwsRequest build_describe_services(const DescribeServicesRequest& r) {
  json input = {{"services", r.services}};
  if (!r.cluster.empty()) input["cluster"] = r.cluster;
  return request("DescribeServices", input);
}

std::expected<DescribeServicesResult, AwsError> parse_describe_services(const HttpResponse& response) {
  auto body = parse_json_response(response, "DescribeServices");
  if (!body) return std::unexpected(body.error());
  DescribeServicesResult out;
  for (const auto& s : json_array(*body, "services")) out.services.push_back(read_service(s));
  for (const auto& f : json_array(*body, "failures")) {
    out.failures.push_back({json_str(f, "arn"), json_str(f, "reason"), json_str(f, "detail")});
  }
  return out;
}

void describe_services(AwsClient& client, const DescribeServicesRequest& r, ResultCallback<DescribeServicesResult> done) {
  call_and_parse<DescribeServicesResult>(client, kService, build_describe_services(r), parse_describe_services,
                                         std::move(done));
}

AwsRequest build_update_service(const UpdateServiceRequest& r) {
  json input = {{"service", r.service}};
  if (!r.cluster.empty()) input["cluster"] = r.cluster;
  if (r.desired_count) input["desiredCount"] = *r.desired_count;
  if (r.task_definition) input["taskDefinition"] = *r.task_definition;
  if (r.force_new_deployment) input["forceNewDeployment"] = *r.force_new_deployment;
  return request("UpdateService", input);
}

std::expected<Service, AwsError> parse_update_service(const HttpResponse& response) {
  constexpr std::string_view op = "UpdateService";
  auto body = parse_json_response(response, op);
  if (!body) return std::unexpected(body.error());
  const json& service = json_object(*body, "service");
  if (service.empty()) return std::unexpected(missing_field(op, "service"));
  return read_service(service);
}

void update_service(AwsClient& client, const UpdateServiceRequest& r, ResultCallback<Service> done) {
  call_and_parse<Service>(client, kService, build_update_service(r), parse_update_service, std::move(done));
}

}  // namespace rg::aws::ecs
