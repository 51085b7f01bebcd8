#include "app/iam_policy.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <ostream>
#include <ranges>
#include <set>

namespace rg {
namespace {

using nlohmann::json;

// Collects statements by Sid, merging the actions and resources of statements with the same Sid.
class Statements {
 public:
  void add(const std::string& sid, std::vector<std::string> actions, std::vector<std::string> resources,
           json condition = nullptr) {
    auto [it, inserted] = by_sid_.try_emplace(sid);
    if (inserted) order_.push_back(sid);
    it->second.actions.insert(actions.begin(), actions.end());
    it->second.resources.insert(resources.begin(), resources.end());
    if (!condition.is_null()) it->second.condition = std::move(condition);
  }

  std::vector<IamStatement> take() const {
    std::vector<IamStatement> out;
    for (const auto& sid : order_) {
      const auto& s = by_sid_.at(sid);
      IamStatement statement{sid, {s.actions.begin(), s.actions.end()}, {s.resources.begin(), s.resources.end()},
                             s.condition};
      // A wildcard covers every ARN beside it.
      if (s.resources.contains("*")) statement.resources = {"*"};
      out.push_back(std::move(statement));
    }
    return out;
  }

 private:
  struct Parts {
    std::set<std::string> actions;
    std::set<std::string> resources;
    json condition;
  };
  std::vector<std::string> order_;
  std::map<std::string, Parts> by_sid_;
};

// Sids are [A-Za-z0-9]: "shop-eu" -> "ShopEu".
std::string sid_part(std::string_view name) {
  std::string out;
  bool upper = true;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

std::string arn(std::string_view service, std::string_view region, std::string_view resource) {
  return "arn:" + arn_partition(region) + ":" + std::string(service) + ":" + std::string(region) + ":*:" +
         std::string(resource);
}

// The part after the last '/' of an ARN ("arn:aws:ecs:...:cluster/dr" -> "dr"), or the name itself.
std::string name_of(const std::string& name_or_arn) {
  if (!name_or_arn.starts_with("arn:")) return name_or_arn;
  return name_or_arn.substr(name_or_arn.rfind('/') + 1);
}

// An ECS service given by ARN, or by name in a cluster given by name or ARN.
std::string ecs_service_arn(std::string_view region, const std::string& cluster, const std::string& service) {
  if (service.starts_with("arn:")) return service;
  return arn("ecs", region, "service/" + name_of(cluster) + "/" + service);
}

void add_check(Statements& s, const EndpointConfig& e) {
  const std::string& resource = e.aws.resource;
  switch (e.kind) {
    case ProbeKind::ec2:
      // EC2's Describe* actions take no resource ARN.
      s.add("Ec2Checks", {"ec2:DescribeInstances", "ec2:DescribeInstanceStatus"}, {"*"});
      break;
    case ProbeKind::elb_target_group:
      s.add("TargetGroupChecks",
            {"elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth"}, {"*"});
      break;
    case ProbeKind::rds:
      s.add("RdsChecks", {"rds:DescribeDBInstances"}, {arn("rds", e.region, "db:" + resource)});
      // A replica's lag is CloudWatch's ReplicaLag; GetMetricData takes no resource ARN.
      s.add("RdsReplicaLag", {"cloudwatch:GetMetricData"}, {"*"});
      break;
    case ProbeKind::ecs_service:
      s.add("EcsChecks", {"ecs:DescribeServices"}, {ecs_service_arn(e.region, e.aws.cluster, resource)});
      break;
    case ProbeKind::autoscaling_group:
      s.add("AutoScalingChecks", {"autoscaling:DescribeAutoScalingGroups"}, {"*"});
      break;
    case ProbeKind::cloudwatch_alarm:
      s.add("AlarmChecks", {"cloudwatch:DescribeAlarms"}, {"*"});
      break;
    default: break;
  }
}

void add_failover(Statements& s, const ApplicationConfig& app) {
  const std::string sid = "Failover" + sid_part(app.name);
  const FailoverPlanConfig& plan = app.plan;
  for (const auto& [region, group] : plan.autoscaling_groups) {
    s.add(sid + "DescribeGroups", {"autoscaling:DescribeAutoScalingGroups"}, {"*"});
    s.add(sid + "ScaleGroups", {"autoscaling:UpdateAutoScalingGroup"},
          {arn("autoscaling", region, "autoScalingGroup:*:autoScalingGroupName/" + group)});
  }
  for (const auto& [region, service] : plan.ecs_services)
    s.add(sid + "ScaleServices", {"ecs:DescribeServices", "ecs:UpdateService"},
          {ecs_service_arn(region, service.cluster, service.service)});
  for (const auto& [region, replica] : plan.rds_replicas)
    s.add(sid + "PromoteReplicas", {"rds:DescribeDBInstances", "rds:PromoteReadReplica"},
          {arn("rds", region, "db:" + replica)});
  for (const auto& [name, values] : plan.ssm_parameters)
    for (const auto& region : std::views::keys(values))
      s.add(sid + "Parameters", {"ssm:GetParameter", "ssm:PutParameter"},
            {arn("ssm", region, "parameter/" + (name.starts_with('/') ? name.substr(1) : name))});
  // aurora_global: the RDS Service Authorization Reference lists the global-cluster resource
  // (arn:PARTITION:rds::ACCOUNT:global-cluster:ID, no region) for DescribeGlobalClusters, and both
  // it and the member cluster for SwitchoverGlobalCluster, FailoverGlobalCluster and
  // RemoveFromGlobalCluster; DescribeDBClusters (the source writer's health) takes the cluster.
  // The lag, AuroraGlobalDBRPOLag, is CloudWatch GetMetricData, which takes no resource ARN.
  if (plan.aurora_global) {
    const auto& aurora = *plan.aurora_global;
    std::vector<std::string> resources;
    for (const auto& cluster : std::views::values(aurora.clusters)) {
      resources.push_back(cluster);
      // arn:PARTITION:rds:REGION:ACCOUNT:cluster:NAME -> arn:PARTITION:rds::ACCOUNT:global-cluster:ID
      const auto parts_end = cluster.find(":cluster:");
      const auto region_start = cluster.find(":rds:");
      if (parts_end == std::string::npos || region_start == std::string::npos) continue;
      const auto account_start = cluster.rfind(':', parts_end - 1);
      resources.push_back(cluster.substr(0, region_start) + ":rds::" +
                          cluster.substr(account_start + 1, parts_end - account_start - 1) + ":global-cluster:" +
                          aurora.global_cluster);
    }
    s.add(sid + "AuroraGlobal",
          {"rds:DescribeGlobalClusters", "rds:SwitchoverGlobalCluster", "rds:FailoverGlobalCluster",
           "rds:RemoveFromGlobalCluster", "rds:DescribeDBClusters"},
          resources);
    s.add(sid + "AuroraGlobalLag", {"cloudwatch:GetMetricData"}, {"*"});
  }
  // Readiness: a global table's replica in the target region (any of the application's regions).
  for (const auto& table : plan.dynamodb_tables)
    for (const auto& region : app.regions())
      s.add(sid + "Tables", {"dynamodb:DescribeTable"}, {arn("dynamodb", region, "table/" + table)});
  // Readiness: the bucket being left replicates into the target's, which keeps versions. Either
  // bucket of a pair can be the one left.
  for (const auto& buckets : std::views::values(plan.s3_replication))
    for (const auto& bucket : std::views::values(buckets))
      s.add(sid + "Buckets", {"s3:GetBucketVersioning", "s3:GetReplicationConfiguration"},
            {"arn:" + arn_partition(app.primary) + ":s3:::" + bucket});
  if (plan.cloudfront)
    s.add(sid + "CloudFront", {"cloudfront:GetDistribution", "cloudfront:GetDistributionConfig",
                               "cloudfront:UpdateDistribution"},
          {"arn:" + arn_partition(app.primary) + ":cloudfront::*:distribution/" + plan.cloudfront->distribution_id});
  // Both actions take the endpointgroup resource type (the Service Authorization Reference for
  // Global Accelerator): the step reads and writes only the groups it names.
  if (plan.global_accelerator)
    for (const auto& group : std::views::values(plan.global_accelerator->endpoint_groups))
      s.add(sid + "GlobalAccelerator", {"globalaccelerator:DescribeEndpointGroup", "globalaccelerator:UpdateEndpointGroup"},
            {group});
  if (plan.route53) {
    const auto& r53 = *plan.route53;
    const std::string partition = arn_partition(app.primary);
    std::string record = r53.name;
    if (record.ends_with('.')) record.pop_back();
    std::ranges::transform(record, record.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    // The plan swaps the record in one batch (DELETE the record it read, CREATE the new one; a
    // CREATE alone when there was none), and its undo swaps back: only that name and type, in that zone.
    s.add(sid + "Route53Change", {"route53:ChangeResourceRecordSets"},
          {"arn:" + partition + ":route53:::hostedzone/" + r53.zone_id},
          {{"ForAllValues:StringEquals",
            {{"route53:ChangeResourceRecordSetsNormalizedRecordNames", json::array({record})},
             {"route53:ChangeResourceRecordSetsRecordTypes", json::array({r53.type})},
             {"route53:ChangeResourceRecordSetsActions", json::array({"CREATE", "DELETE"})}}}});
    s.add(sid + "Route53List", {"route53:ListResourceRecordSets"},
          {"arn:" + partition + ":route53:::hostedzone/" + r53.zone_id});
    s.add(sid + "Route53Wait", {"route53:GetChange"}, {"arn:" + partition + ":route53:::change/*"});
  }
}

}  // namespace

std::string arn_partition(std::string_view region) {
  if (region.starts_with("cn-")) return "aws-cn";
  if (region.starts_with("us-gov-")) return "aws-us-gov";
  return "aws";
}

std::vector<IamStatement> iam_statements(const Config& config) {
  Statements s;
  for (const auto& endpoint : config.endpoints)
    if (is_aws_kind(endpoint.kind)) add_check(s, endpoint);
  for (const auto& app : config.applications) add_failover(s, app);
  for (const auto& notifier : config.notifiers)
    if (notifier.kind == NotifierConfig::Kind::sns) s.add("SnsNotifiers", {"sns:Publish"}, {notifier.topic_arn});

  const CloudWatchConfig& cw = config.cloudwatch;
  if (cw.enabled)
    s.add("PublishMetrics", {"cloudwatch:PutMetricData"}, {"*"},
          {{"StringEquals", {{"cloudwatch:namespace", cw.namespace_}}}});
  if (cw.configured) {
    const std::string partition = arn_partition(cw.region);
    s.add("CloudWatchApplyDashboard", {"cloudwatch:GetDashboard", "cloudwatch:PutDashboard"},
          {"arn:" + partition + ":cloudwatch::*:dashboard/" + cw.dashboard});
    s.add("CloudWatchApplyAlarms", {"cloudwatch:PutMetricAlarm"}, {arn("cloudwatch", cw.region, "alarm:" + cw.dashboard + "-*")});
    s.add("CloudWatchApplyListAlarms", {"cloudwatch:DescribeAlarms"}, {"*"});
  }
  return s.take();
}

nlohmann::ordered_json iam_policy(const Config& config) {
  using ordered = nlohmann::ordered_json;
  ordered statements = ordered::array();
  for (const auto& st : iam_statements(config)) {
    ordered item = {{"Sid", st.sid}, {"Effect", "Allow"}, {"Action", st.actions}};
    item["Resource"] = st.resources.size() == 1 ? ordered(st.resources.front()) : ordered(st.resources);
    if (!st.condition.is_null()) item["Condition"] = ordered::parse(st.condition.dump());
    statements.push_back(std::move(item));
  }
  return {{"Version", "2012-10-17"}, {"Statement", std::move(statements)}};
}

int run_iam_policy_command(const Config& config, std::ostream& out, std::ostream& err) {
  const auto policy = iam_policy(config);
  if (policy["Statement"].empty()) {
    err << "this configuration calls no AWS API: no permissions are needed\n";
    return 0;
  }
  out << policy.dump(2) << "\n";
  const std::string compact = policy.dump();
  const auto chars = static_cast<std::size_t>(std::ranges::count_if(compact, [](char c) { return c != ' '; }));
  if (chars > kManagedPolicyMaxChars)
    err << "note: the policy has " << chars << " characters, more than a managed policy's " << kManagedPolicyMaxChars
        << "; split it or attach it as inline policies\n";
  return 0;
}

}  // namespace rg
