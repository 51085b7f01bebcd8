#include "probe/aws_resource_prober.h"

#include <boost/asio/executor_work_guard.hpp>
#include <chrono>
#include <memory>

#include "probe/aws_resource_judge.h"

namespace rg {

namespace {

namespace ec2 = aws::ec2;
namespace elbv2 = aws::elbv2;
namespace rds = aws::rds;
namespace ecs = aws::ecs;
namespace autoscaling = aws::autoscaling;
namespace cloudwatch = aws::cloudwatch;

// One check in flight: its endpoint, start time, deadline and completion. Shared by the chained
// callbacks of a check that needs several calls (a target group by name, an RDS replica's lag).
struct Check {
  const EndpointConfig& endpoint;
  aws::AwsClient& client;
  aws::AwsSession& session;
  AwsResourceProber::DetailedCompletion done;
  ProbeResult result;
  std::chrono::steady_clock::time_point started;
  // Credentials load on a worker thread; until they arrive the loop has nothing of its own to
  // wait for, and a one-off `probe` would end its io.run() before the check did.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;

  void finish(std::optional<aws::AwsError> error = std::nullopt) {
    if (error) judge_aws_error(*error, result);
    result.latency = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    work.reset();
    done(std::move(result), std::move(error));
  }
};
using CheckPtr = std::shared_ptr<Check>;

template <typename T>
const T* first_or_null(const std::vector<T>& items) {
  return items.empty() ? nullptr : &items.front();
}

void check_ec2(const CheckPtr& check) {
  const std::string& id = check->endpoint.aws.resource;
  ec2::describe_instances(
      check->client, {{id}, {}, std::nullopt, std::nullopt},
      [check, id](std::expected<ec2::DescribeInstancesResult, aws::AwsError> instances) {
        if (!instances) return check->finish(instances.error());
        const auto* instance = first_or_null(instances->instances);
        if (instance == nullptr || instance->state != "running") {
          judge_ec2(instance, nullptr, check->result);
          return check->finish();
        }
        const ec2::Instance copy = *instance;
        ec2::describe_instance_status(
            check->client, {{id}, {}, false, std::nullopt, std::nullopt},
            [check, copy](std::expected<ec2::DescribeInstanceStatusResult, aws::AwsError> statuses) {
              if (!statuses) return check->finish(statuses.error());
              judge_ec2(&copy, first_or_null(statuses->statuses), check->result);
              check->finish();
            });
      });
}

void target_health(const CheckPtr& check, const std::string& arn) {
  elbv2::describe_target_health(
      check->client, {arn, {}},
      [check](std::expected<elbv2::DescribeTargetHealthResult, aws::AwsError> health) {
        if (!health) return check->finish(health.error());
        judge_target_group(*health, check->endpoint.aws, check->result);
        check->finish();
      });
}

// A name is looked up first: DescribeTargetHealth takes only the ARN.
void check_target_group(const CheckPtr& check) {
  const std::string& resource = check->endpoint.aws.resource;
  if (resource.starts_with("arn:")) return target_health(check, resource);
  elbv2::describe_target_groups(
      check->client, {{}, {resource}, std::nullopt, std::nullopt, std::nullopt},
      [check](std::expected<elbv2::DescribeTargetGroupsResult, aws::AwsError> groups) {
        if (!groups) return check->finish(groups.error());
        if (groups->groups.empty()) {
          check->result.failure = FailureKind::not_found;
          check->result.error = "no such target group in this region";
          return check->finish();
        }
        target_health(check, groups->groups.front().arn);
      });
}

// ReplicaLag is published per minute; the newest of the last ten minutes is the lag now.
void replica_lag(const CheckPtr& check, rds::DbInstance instance) {
  auto cw = check->session.client("cloudwatch", check->endpoint.region, check->endpoint.timeout);
  if (!cw) return check->finish(cw.error());
  cloudwatch::GetMetricDataRequest request;
  cloudwatch::MetricStat stat;
  stat.metric = {"AWS/RDS", "ReplicaLag", {{"DBInstanceIdentifier", instance.identifier}}};
  stat.period = 60;
  stat.stat = "Maximum";
  request.queries.push_back({"lag", stat, std::nullopt, std::nullopt, true, std::nullopt});
  request.end_time = now_us();
  request.start_time = request.end_time - std::chrono::minutes(10);
  cloudwatch::get_metric_data(
      **cw, request,
      [check, instance = std::move(instance)](std::expected<cloudwatch::GetMetricDataResult, aws::AwsError> data) {
        if (!data) return check->finish(data.error());
        const auto* lag = data->find("lag");
        judge_rds(&instance, lag ? lag->latest() : std::nullopt, check->endpoint.aws, check->result);
        check->finish();
      });
}

void check_rds(const CheckPtr& check) {
  rds::describe_db_instances(
      check->client, {check->endpoint.aws.resource, std::nullopt, std::nullopt},
      [check](std::expected<rds::DescribeDbInstancesResult, aws::AwsError> instances) {
        if (!instances) return check->finish(instances.error());
        const auto* instance = first_or_null(instances->instances);
        if (instance != nullptr && instance->is_replica() && instance->available())
          return replica_lag(check, *instance);
        judge_rds(instance, std::nullopt, check->endpoint.aws, check->result);
        check->finish();
      });
}

void check_ecs_service(const CheckPtr& check) {
  ecs::describe_services(
      check->client, {check->endpoint.aws.cluster, {check->endpoint.aws.resource}},
      [check](std::expected<ecs::DescribeServicesResult, aws::AwsError> services) {
        if (!services) return check->finish(services.error());
        judge_ecs_service(first_or_null(services->services), check->endpoint.aws, check->result);
        check->finish();
      });
}

void check_autoscaling_group(const CheckPtr& check) {
  autoscaling::describe_auto_scaling_groups(
      check->client, {{check->endpoint.aws.resource}, std::nullopt, std::nullopt},
      [check](std::expected<autoscaling::DescribeAutoScalingGroupsResult, aws::AwsError> groups) {
        if (!groups) return check->finish(groups.error());
        judge_autoscaling_group(first_or_null(groups->groups), check->endpoint.aws, check->result);
        check->finish();
      });
}

void check_alarm(const CheckPtr& check) {
  cloudwatch::DescribeAlarmsRequest request;
  request.alarm_names = {check->endpoint.aws.resource};
  cloudwatch::describe_alarms(
      check->client, request,
      [check](std::expected<cloudwatch::DescribeAlarmsResult, aws::AwsError> alarms) {
        if (!alarms) return check->finish(alarms.error());
        judge_alarm(first_or_null(alarms->metric_alarms), check->result);
        check->finish();
      });
}

}  // namespace

AwsCheckCalls aws_check_calls(ProbeKind kind) {
  switch (kind) {
    case ProbeKind::ec2: return {"ec2", {"ec2:DescribeInstances", "ec2:DescribeInstanceStatus"}};
    case ProbeKind::elb_target_group:
      return {"elbv2", {"elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth"}};
    case ProbeKind::rds: return {"rds", {"rds:DescribeDBInstances", "cloudwatch:GetMetricData"}};
    case ProbeKind::ecs_service: return {"ecs", {"ecs:DescribeServices"}};
    case ProbeKind::autoscaling_group: return {"autoscaling", {"autoscaling:DescribeAutoScalingGroups"}};
    case ProbeKind::cloudwatch_alarm: return {"cloudwatch", {"cloudwatch:DescribeAlarms"}};
    default: return {"", {}};
  }
}

void AwsResourceProber::start(const EndpointConfig& endpoint, Completion done) {
  check(endpoint, [done = std::move(done)](ProbeResult result, std::optional<aws::AwsError>) { done(std::move(result)); });
}

void AwsResourceProber::check(const EndpointConfig& endpoint, DetailedCompletion done) {
  ProbeResult result;
  result.endpoint_id = endpoint.id;
  result.started_at = now_us();
  auto client = session_.client(std::string(aws_check_calls(endpoint.kind).service), endpoint.region, endpoint.timeout);
  if (!client) {
    judge_aws_error(client.error(), result);
    done(std::move(result), client.error());
    return;
  }
  auto check = std::make_shared<Check>(
      Check{endpoint, **client, session_, std::move(done), std::move(result), std::chrono::steady_clock::now(),
            boost::asio::make_work_guard(session_.io())});
  switch (endpoint.kind) {
    case ProbeKind::ec2: return check_ec2(check);
    case ProbeKind::elb_target_group: return check_target_group(check);
    case ProbeKind::rds: return check_rds(check);
    case ProbeKind::ecs_service: return check_ecs_service(check);
    case ProbeKind::autoscaling_group: return check_autoscaling_group(check);
    case ProbeKind::cloudwatch_alarm: return check_alarm(check);
    default: break;
  }
  check->result.failure = FailureKind::aws_api;
  check->result.error = "not an AWS resource check";
  check->finish();
}

}  // namespace rg
