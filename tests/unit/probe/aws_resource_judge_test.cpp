// The AWS resource checks' verdicts on answers shaped as the AWS API references document them,
// for the states moto never produces: an ELB target "unhealthy", an RDS instance "modifying" or a
// replica lagging, an impaired instance, an ECS service short of tasks. The moto-backed
// integration test (tests/integration/aws_checks_test.cpp) covers the states moto can show.
#include <gtest/gtest.h>

#include "probe/aws_resource_judge.h"

namespace rg {
namespace {

using namespace std::chrono_literals;

aws::HttpResponse ok(std::string body) { return {200, {}, std::move(body)}; }

template <typename T>
T value_of(std::expected<T, aws::AwsError> r) {
  if (!r) {
    ADD_FAILURE() << r.error().to_string();
    return T{};
  }
  return std::move(*r);
}

// DescribeTargetHealth: three registered targets, one failing its health check, one draining.
const char* kTargetHealth = R"(<DescribeTargetHealthResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">
  <DescribeTargetHealthResult>
    <TargetHealthDescriptions>
      <member><HealthCheckPort>80</HealthCheckPort><TargetHealth><State>healthy</State></TargetHealth><Target><Port>80</Port><Id>i-0f76fade</Id></Target></member>
      <member><HealthCheckPort>80</HealthCheckPort><TargetHealth><State>unhealthy</State><Reason>Target.ResponseCodeMismatch</Reason><Description>Health checks failed with these codes: [503]</Description></TargetHealth><Target><Port>80</Port><Id>i-0f76fadf</Id></Target></member>
      <member><HealthCheckPort>80</HealthCheckPort><TargetHealth><State>healthy</State></TargetHealth><Target><Port>80</Port><Id>i-0f76fae0</Id></Target></member>
      <member><TargetHealth><State>draining</State><Reason>Target.DeregistrationInProgress</Reason></TargetHealth><Target><Id>i-old</Id></Target></member>
    </TargetHealthDescriptions>
  </DescribeTargetHealthResult>
  <ResponseMetadata><RequestId>c534f810-f389-11e5-9192-3fff33344cfa</RequestId></ResponseMetadata>
</DescribeTargetHealthResponse>)";

TEST(JudgeTargetGroup, AnUnhealthyTargetIsAWarningWhileEnoughAreHealthy) {
  const auto health = value_of(aws::elbv2::parse_describe_target_health(ok(kTargetHealth)));
  AwsCheckOptions options;
  options.min_healthy_percent = 50;
  ProbeResult result;
  judge_target_group(health, options, result);
  EXPECT_TRUE(result.success);
  ASSERT_TRUE(result.resource);
  EXPECT_EQ(result.resource->healthy, 2);
  EXPECT_EQ(result.resource->expected, 3);  // the draining target does not count
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_EQ(result.warnings[0], "2 of 3 targets healthy; i-0f76fadf unhealthy (Target.ResponseCodeMismatch)");
}

TEST(JudgeTargetGroup, BelowTheHealthyShareIsACapacityFailure) {
  const auto health = value_of(aws::elbv2::parse_describe_target_health(ok(kTargetHealth)));
  ProbeResult result;
  judge_target_group(health, AwsCheckOptions{}, result);  // default: every target must be healthy
  EXPECT_FALSE(result.success);
  EXPECT_EQ(result.failure, FailureKind::capacity);
  EXPECT_EQ(result.error, "2 of 3 targets healthy; i-0f76fadf unhealthy (Target.ResponseCodeMismatch)");
}

TEST(JudgeTargetGroup, NoTargetsAtAllFailsWhateverTheShare) {
  ProbeResult result;
  AwsCheckOptions options;
  options.min_healthy_percent = 0;
  judge_target_group(aws::elbv2::DescribeTargetHealthResult{}, options, result);
  EXPECT_FALSE(result.success);
  EXPECT_EQ(result.failure, FailureKind::capacity);
  EXPECT_EQ(result.error, "no registered targets");
}

const char* kImpairedStatus = R"(<DescribeInstanceStatusResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>3be1508e-c444-4fef-89cc-0b1223c4f02fEXAMPLE</requestId>
  <instanceStatusSet>
    <item>
      <instanceId>i-1</instanceId>
      <availabilityZone>us-east-1d</availabilityZone>
      <instanceState><code>16</code><name>running</name></instanceState>
      <systemStatus><status>impaired</status><details><item><name>reachability</name><status>failed</status></item></details></systemStatus>
      <instanceStatus><status>ok</status><details><item><name>reachability</name><status>passed</status></item></details></instanceStatus>
    </item>
  </instanceStatusSet>
</DescribeInstanceStatusResponse>)";

TEST(JudgeEc2, ARunningInstanceWithAnImpairedSystemCheckFails) {
  const auto statuses = value_of(aws::ec2::parse_describe_instance_status(ok(kImpairedStatus)));
  aws::ec2::Instance instance;
  instance.instance_id = "i-1";
  instance.state = "running";
  ProbeResult result;
  judge_ec2(&instance, &statuses.statuses.at(0), result);
  EXPECT_FALSE(result.success);
  EXPECT_EQ(result.failure, FailureKind::status_checks);
  EXPECT_EQ(result.error, "status checks: system impaired, instance ok");
}

TEST(JudgeEc2, InitializingChecksAreAWarningAndAStoppedInstanceAFailure) {
  aws::ec2::Instance instance;
  instance.state = "running";
  aws::ec2::InstanceStatus status;
  status.system_status = "initializing";
  status.instance_status = "initializing";
  ProbeResult starting;
  judge_ec2(&instance, &status, starting);
  EXPECT_TRUE(starting.success);
  EXPECT_EQ(starting.warnings, (std::vector<std::string>{"status checks: system initializing, instance initializing"}));

  instance.state = "stopped";
  ProbeResult stopped;
  judge_ec2(&instance, nullptr, stopped);
  EXPECT_FALSE(stopped.success);
  EXPECT_EQ(stopped.failure, FailureKind::resource_state);
  EXPECT_EQ(stopped.error, "instance is stopped");

  ProbeResult missing;
  judge_ec2(nullptr, nullptr, missing);
  EXPECT_EQ(missing.failure, FailureKind::not_found);
}

// DescribeDBInstances of a cross-region replica, in the reference's shape.
std::string db_instance(std::string_view status) {
  return std::string(R"(<DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">
  <DescribeDBInstancesResult><DBInstances><DBInstance>
    <DBInstanceIdentifier>app-west</DBInstanceIdentifier>
    <DBInstanceArn>arn:aws:rds:us-west-2:123456789012:db:app-west</DBInstanceArn>
    <DBInstanceClass>db.r6g.large</DBInstanceClass><Engine>mysql</Engine>
    <DBInstanceStatus>)") + std::string(status) + R"(</DBInstanceStatus>
    <MultiAZ>false</MultiAZ>
    <ReadReplicaSourceDBInstanceIdentifier>arn:aws:rds:us-east-1:123456789012:db:app-east</ReadReplicaSourceDBInstanceIdentifier>
  </DBInstance></DBInstances></DescribeDBInstancesResult>
</DescribeDBInstancesResponse>)";
}

TEST(JudgeRds, AModifyingInstanceIsNotAvailable) {
  const auto dbs = value_of(aws::rds::parse_describe_db_instances(ok(db_instance("modifying"))));
  ProbeResult result;
  judge_rds(&dbs.instances.at(0), std::nullopt, AwsCheckOptions{}, result);
  EXPECT_FALSE(result.success);
  EXPECT_EQ(result.failure, FailureKind::resource_state);
  EXPECT_EQ(result.error, "DB instance is modifying");
}

TEST(JudgeRds, ReplicaLagAboveTheMaximumFailsAndBelowItPasses) {
  const auto dbs = value_of(aws::rds::parse_describe_db_instances(ok(db_instance("available"))));
  AwsCheckOptions options;
  options.max_replica_lag = 30s;
  ProbeResult lagging;
  judge_rds(&dbs.instances.at(0), 95.0, options, lagging);
  EXPECT_FALSE(lagging.success);
  EXPECT_EQ(lagging.failure, FailureKind::replica_lag);
  EXPECT_EQ(lagging.error, "replica lag 95 s above 30 s");
  EXPECT_EQ(lagging.resource->replica_lag_seconds, 95.0);

  ProbeResult fine;
  judge_rds(&dbs.instances.at(0), 2.0, options, fine);
  EXPECT_TRUE(fine.success);
  EXPECT_TRUE(fine.warnings.empty());

  ProbeResult no_data;
  judge_rds(&dbs.instances.at(0), std::nullopt, options, no_data);
  EXPECT_TRUE(no_data.success);
  EXPECT_EQ(no_data.warnings, (std::vector<std::string>{"no ReplicaLag datapoints in CloudWatch"}));
}

// DescribeServices as the ECS reference shows it (JSON 1.1), a service short of tasks.
TEST(JudgeEcsService, RunningBelowDesiredFailsUnderTheShareAndWarnsAboveIt) {
  const auto services = value_of(aws::ecs::parse_describe_services(ok(R"({"services": [{
    "serviceName": "web", "serviceArn": "arn:aws:ecs:us-west-2:123456789012:service/dr/web",
    "clusterArn": "arn:aws:ecs:us-west-2:123456789012:cluster/dr", "status": "ACTIVE",
    "desiredCount": 4, "runningCount": 3, "pendingCount": 1, "taskDefinition": "web:3",
    "deployments": [{"id": "ecs-svc/1", "status": "PRIMARY", "rolloutState": "IN_PROGRESS", "taskDefinition": "web:3",
                     "desiredCount": 4, "runningCount": 3, "pendingCount": 1, "failedTasks": 2}]}],
    "failures": []})")));
  ProbeResult strict;
  judge_ecs_service(&services.services.at(0), AwsCheckOptions{}, strict);
  EXPECT_FALSE(strict.success);
  EXPECT_EQ(strict.failure, FailureKind::capacity);
  EXPECT_EQ(strict.error, "3 of 4 desired tasks running");

  AwsCheckOptions lenient;
  lenient.min_healthy_percent = 75;
  ProbeResult warned;
  judge_ecs_service(&services.services.at(0), lenient, warned);
  EXPECT_TRUE(warned.success);
  EXPECT_EQ(warned.warnings, (std::vector<std::string>{"3 of 4 desired tasks running"}));
}

TEST(JudgeAutoScalingGroup, NoHeadroomToMaxIsAWarning) {
  aws::autoscaling::AutoScalingGroup group;
  group.name = "app";
  group.min_size = 1;
  group.max_size = 2;
  group.desired_capacity = 2;
  group.instances = {{"i-1", "us-west-2a", "InService", "Healthy", std::nullopt},
                     {"i-2", "us-west-2b", "InService", "Healthy", std::nullopt}};
  ProbeResult full;
  judge_autoscaling_group(&group, AwsCheckOptions{}, full);
  EXPECT_TRUE(full.success);
  EXPECT_EQ(full.warnings, (std::vector<std::string>{"headroom 0 to max size 2: cannot scale out"}));
  EXPECT_EQ(full.resource->headroom, 0);

  group.instances[1].health_status = "Unhealthy";  // Auto Scaling will replace it; capacity is short now
  ProbeResult short_one;
  judge_autoscaling_group(&group, AwsCheckOptions{}, short_one);
  EXPECT_FALSE(short_one.success);
  EXPECT_EQ(short_one.failure, FailureKind::capacity);
  EXPECT_EQ(short_one.error, "1 of 2 desired instances in service");
}

TEST(JudgeAlarm, AlarmFailsInsufficientDataWarns) {
  aws::cloudwatch::MetricAlarm alarm;
  alarm.alarm_name = "app-5xx";
  alarm.state = aws::cloudwatch::AlarmState::alarm;
  alarm.state_reason = "Threshold Crossed";
  ProbeResult firing;
  judge_alarm(&alarm, firing);
  EXPECT_FALSE(firing.success);
  EXPECT_EQ(firing.failure, FailureKind::alarm);
  EXPECT_EQ(firing.error, "in ALARM: Threshold Crossed");

  alarm.state = aws::cloudwatch::AlarmState::insufficient_data;
  ProbeResult unknown;
  judge_alarm(&alarm, unknown);
  EXPECT_TRUE(unknown.success);
  EXPECT_EQ(unknown.warnings.size(), 1u);
}

TEST(JudgeAwsError, ErrorsBecomeFailureKinds) {
  ProbeResult denied;
  aws::AwsError error = aws::make_error(aws::AwsErrorKind::service_error, "not authorized");
  error.code = "UnauthorizedOperation";
  judge_aws_error(error, denied);
  EXPECT_EQ(denied.failure, FailureKind::aws_api);

  error.code = "InvalidInstanceID.NotFound";
  ProbeResult missing;
  judge_aws_error(error, missing);
  EXPECT_EQ(missing.failure, FailureKind::not_found);

  ProbeResult slow;
  judge_aws_error(aws::make_error(aws::AwsErrorKind::timeout, "deadline"), slow);
  EXPECT_EQ(slow.failure, FailureKind::timeout);
}

}  // namespace
}  // namespace rg
