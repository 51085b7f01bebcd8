#include "act/failover/static_stability.h"

namespace rg::act {
namespace {

constexpr std::string_view kGlobalControlPlane = "us-east-1";       // Route 53 changes, CloudFront
constexpr std::string_view kAcceleratorControlPlane = "us-west-2";  // Global Accelerator's API

}  // namespace

std::vector<ControlPlaneCall> control_plane_calls(const ApplicationConfig& app, const std::string& from,
                                                  const std::string& to) {
  const auto& plan = app.plan;
  std::vector<ControlPlaneCall> calls;
  const auto add = [&](std::string block, std::string what, std::string region, bool readiness = false,
                       bool global = false) {
    calls.push_back({std::move(block), std::move(what), std::move(region), readiness, global});
  };
  // Readiness reads.
  for (const auto& table : plan.dynamodb_tables) add("dynamodb_tables", "DynamoDB (" + table + ")", to, true);
  for (const auto& [label, buckets] : plan.s3_replication) {
    add("s3_replication", "S3 replication rule of " + label, from, true);
    add("s3_replication", "S3 versioning of " + label, to, true);
  }
  // Steps, in the default order (plan.order may move them; the calls stay the same).
  if (plan.autoscaling_groups.contains(to)) add("autoscaling_groups", "EC2 Auto Scaling", to);
  if (plan.ecs_services.contains(to)) add("ecs_services", "Amazon ECS", to);
  if (plan.rds_replicas.contains(to)) add("rds_replicas", "Amazon RDS (PromoteReadReplica)", to);
  if (plan.aurora_global) add("aurora_global", "Amazon RDS (Switchover/FailoverGlobalCluster)", to);
  for (const auto& [name, values] : plan.ssm_parameters)
    if (values.contains(to)) add("ssm_parameters", "AWS Systems Manager (" + name + ")", to);
  for (const auto& step : plan.custom_steps) add(step.name, "your own " + std::string(step.action.kind == CustomCallConfig::Kind::exec ? "command" : "webhook"), "");
  if (plan.route53) add("route53", "Route 53 (ChangeResourceRecordSets)", std::string(kGlobalControlPlane), false, true);
  if (plan.cloudfront)
    add("cloudfront", "CloudFront (UpdateDistribution)", std::string(kGlobalControlPlane), false, true);
  if (plan.global_accelerator)
    add("global_accelerator", "Global Accelerator (UpdateEndpointGroup)", std::string(kAcceleratorControlPlane), false,
        true);
  if (plan.dns_update) add("dns_update", "your RFC 2136 primary", "");
  if (plan.gate) add("gate", "this daemon's gate (data plane: Route 53 health checks read it)", "");
  if (plan.verify_dns) add("verify_dns", "the configured resolvers", "");
  return calls;
}

std::vector<std::string> static_stability_findings(const ApplicationConfig& app, const std::string& from,
                                                   const std::string& to) {
  std::vector<std::string> findings;
  const std::string move = from + " -> " + to;
  for (const auto& call : control_plane_calls(app, from, to)) {
    const std::string who = (call.readiness ? "readiness of " : "step ") + call.block + " calls " + call.what;
    if (call.region == from) {
      findings.push_back(move + ": " + who + " in " + from + ", the region this move leaves: if " + from +
                         "'s control plane is what failed, the move " +
                         (call.readiness ? "is never ready" : "cannot run that step"));
    } else if (call.global && call.region == kGlobalControlPlane && to != kGlobalControlPlane && !app.plan.gate) {
      // The target region's own services are needed by any move there (and nobody moves into a
      // region that is down); a global service's control plane in us-east-1 is needed by every
      // move, whichever regions it joins.
      // The gate moves traffic without any control plane; with it the record change is a second path.
      findings.push_back(move + ": " + who + ", whose control plane is in " + std::string(kGlobalControlPlane) +
                         ": an outage there stops the move; the data-plane alternative is `plan.gate: true` with "
                         "Route 53 failover records whose health checks call /gate/" + app.name + "/REGION");
    }
  }
  return findings;
}

std::vector<std::string> static_stability_findings(const ApplicationConfig& app) {
  std::vector<std::string> findings;
  for (const auto& secondary : app.secondaries)
    for (const auto& [from, to] : {std::pair{app.primary, secondary}, std::pair{secondary, app.primary}}) {
      auto more = static_stability_findings(app, from, to);
      findings.insert(findings.end(), more.begin(), more.end());
    }
  return findings;
}

}  // namespace rg::act
