// Each call's answer parser, fed answers shaped as the AWS API references document them,
// including the states moto never produces: an ELB target "unhealthy", an RDS instance
// "modifying", a Route 53 change "PENDING", an impaired instance, a DynamoDB replica updating.
#include <gtest/gtest.h>

#include "aws/autoscaling_api.h"
#include "aws/cloudfront_api.h"
#include "aws/cloudwatch_api.h"
#include "aws/dynamodb_api.h"
#include "aws/ec2_api.h"
#include "aws/ecs_api.h"
#include "aws/elbv2_api.h"
#include "aws/rds_api.h"
#include "aws/route53_api.h"
#include "aws/s3_api.h"
#include "aws/sns_api.h"
#include "aws/ssm_api.h"
#include "aws/sts_api.h"
#include "unit/aws/aws_test_util.h"

namespace rg::aws {
namespace {

using test::at;

HttpResponse ok(std::string body, HttpHeaders headers = {}) { return {200, std::move(headers), std::move(body)}; }

// The value (a copy: the expected is usually a temporary), or a failure and a default value.
template <typename T>
T value_of(std::expected<T, AwsError> r) {
  if (!r) {
    ADD_FAILURE() << r.error().to_string();
    return T{};
  }
  return std::move(*r);
}

// --- Route 53 ----------------------------------------------------------------------------------------

TEST(Route53, ListResourceRecordSetsReadsFailoverAndAliasRecords) {
  const auto r = route53::parse_list_resource_record_sets(ok(R"(<?xml version="1.0" encoding="UTF-8"?>
<ListResourceRecordSetsResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">
   <ResourceRecordSets>
      <ResourceRecordSet>
         <Name>app.example.com.</Name>
         <Type>A</Type>
         <SetIdentifier>primary</SetIdentifier>
         <Failover>PRIMARY</Failover>
         <TTL>60</TTL>
         <ResourceRecords>
            <ResourceRecord><Value>192.0.2.1</Value></ResourceRecord>
            <ResourceRecord><Value>192.0.2.2</Value></ResourceRecord>
         </ResourceRecords>
         <HealthCheckId>abcdef11-2222-3333-4444-555555fedcba</HealthCheckId>
      </ResourceRecordSet>
      <ResourceRecordSet>
         <Name>app.example.com.</Name>
         <Type>A</Type>
         <SetIdentifier>secondary</SetIdentifier>
         <Failover>SECONDARY</Failover>
         <AliasTarget>
            <HostedZoneId>Z2P70J7EXAMPLE</HostedZoneId>
            <DNSName>dr-alb-1.us-west-2.elb.amazonaws.com.</DNSName>
            <EvaluateTargetHealth>true</EvaluateTargetHealth>
         </AliasTarget>
      </ResourceRecordSet>
   </ResourceRecordSets>
   <IsTruncated>true</IsTruncated>
   <NextRecordName>www.example.com.</NextRecordName>
   <NextRecordType>CNAME</NextRecordType>
   <MaxItems>2</MaxItems>
</ListResourceRecordSetsResponse>)"));
  const auto& list = value_of(r);
  ASSERT_EQ(list.record_sets.size(), 2u);
  const auto& primary = list.record_sets[0];
  EXPECT_EQ(primary.name, "app.example.com.");
  EXPECT_EQ(primary.failover, "PRIMARY");
  EXPECT_EQ(primary.ttl, 60);
  EXPECT_EQ(primary.values, (std::vector<std::string>{"192.0.2.1", "192.0.2.2"}));
  EXPECT_EQ(primary.health_check_id, "abcdef11-2222-3333-4444-555555fedcba");
  const auto& secondary = list.record_sets[1];
  ASSERT_TRUE(secondary.alias_target);
  EXPECT_EQ(secondary.alias_target->dns_name, "dr-alb-1.us-west-2.elb.amazonaws.com.");
  EXPECT_TRUE(secondary.alias_target->evaluate_target_health);
  EXPECT_EQ(secondary.ttl, std::nullopt);
  EXPECT_TRUE(list.is_truncated);
  EXPECT_EQ(list.next_name, "www.example.com.");
  EXPECT_EQ(list.next_type, "CNAME");
  EXPECT_EQ(list.next_identifier, std::nullopt);
}

TEST(Route53, AChangeIsPendingUntilItIsInSync) {
  const auto pending = route53::parse_change_resource_record_sets(ok(R"(<?xml version="1.0" encoding="UTF-8"?>
<ChangeResourceRecordSetsResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">
   <ChangeInfo>
      <Id>/change/C2682N5HXP0BZ4</Id>
      <Status>PENDING</Status>
      <SubmittedAt>2026-11-21T07:50:25.123Z</SubmittedAt>
      <Comment>fail over app to us-west-2</Comment>
   </ChangeInfo>
</ChangeResourceRecordSetsResponse>)"));
  const auto& info = value_of(pending);
  EXPECT_EQ(info.id, "C2682N5HXP0BZ4");
  EXPECT_EQ(info.status, route53::ChangeStatus::pending);
  EXPECT_EQ(info.submitted_at, at("2026-11-21T07:50:25.123Z"));
  EXPECT_EQ(info.comment, "fail over app to us-west-2");

  const auto insync = route53::parse_get_change(ok(R"(<GetChangeResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeInfo><Id>C2682N5HXP0BZ4</Id><Status>INSYNC</Status><SubmittedAt>2026-11-21T07:50:25.123Z</SubmittedAt></ChangeInfo></GetChangeResponse>)"));
  EXPECT_EQ(value_of(insync).status, route53::ChangeStatus::insync);

  const auto missing = route53::parse_get_change(ok(R"(<GetChangeResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"/>)"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "GetChange: the answer has no <ChangeInfo>");
}

TEST(Route53, HealthCheckStatusCountsTheCheckersThatSawItHealthy) {
  const auto r = route53::parse_get_health_check_status(ok(R"(<?xml version="1.0" encoding="UTF-8"?>
<GetHealthCheckStatusResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">
   <HealthCheckObservations>
      <HealthCheckObservation>
         <Region>us-east-1</Region>
         <IPAddress>192.0.2.197</IPAddress>
         <StatusReport>
            <Status>Success: HTTP Status Code: 200. Resolved IP: 192.0.2.2. OK</Status>
            <CheckedTime>2026-11-21T07:50:25Z</CheckedTime>
         </StatusReport>
      </HealthCheckObservation>
      <HealthCheckObservation>
         <Region>eu-west-1</Region>
         <IPAddress>192.0.2.12</IPAddress>
         <StatusReport>
            <Status>Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being blocked by your firewall.</Status>
            <CheckedTime>2026-11-21T07:50:21Z</CheckedTime>
         </StatusReport>
      </HealthCheckObservation>
   </HealthCheckObservations>
</GetHealthCheckStatusResponse>)"));
  const auto& status = value_of(r);
  ASSERT_EQ(status.observations.size(), 2u);
  EXPECT_TRUE(status.observations[0].healthy());
  EXPECT_FALSE(status.observations[1].healthy());
  EXPECT_EQ(status.observations[1].region, "eu-west-1");
  EXPECT_EQ(status.observations[1].checked_time, at("2026-11-21T07:50:21Z"));
  EXPECT_EQ(status.healthy_count(), 1u);
}

TEST(Route53, CreateHealthCheckReadsTheIdAndLocation) {
  HttpResponse created{201,
                       {{"Location", "https://route53.amazonaws.com/2013-04-01/healthcheck/abcdef11-2222-3333-4444-555555fedcba"}},
                       R"(<CreateHealthCheckResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><HealthCheck><Id>abcdef11-2222-3333-4444-555555fedcba</Id><CallerReference>rg-app-east</CallerReference><HealthCheckConfig><IPAddress>192.0.2.44</IPAddress><Port>443</Port><Type>HTTPS</Type><ResourcePath>/health</ResourcePath><RequestInterval>30</RequestInterval><FailureThreshold>3</FailureThreshold></HealthCheckConfig><HealthCheckVersion>1</HealthCheckVersion></HealthCheck></CreateHealthCheckResponse>)"};
  const auto& check = value_of(route53::parse_create_health_check(created));
  EXPECT_EQ(check.id, "abcdef11-2222-3333-4444-555555fedcba");
  EXPECT_EQ(check.type, "HTTPS");
  EXPECT_EQ(check.version, 1);
  EXPECT_TRUE(check.location && check.location->ends_with("/healthcheck/abcdef11-2222-3333-4444-555555fedcba"));
}

// --- CloudFront --------------------------------------------------------------------------------------

constexpr const char* kDistributionConfig =
    R"(<?xml version="1.0" encoding="UTF-8"?>
<DistributionConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><CallerReference>rg-1</CallerReference><Comment>app</Comment><Enabled>true</Enabled><Origins><Quantity>2</Quantity><Items><Origin><Id>east</Id><DomainName>east.example.com</DomainName></Origin><Origin><Id>west</Id><DomainName>west.example.com</DomainName></Origin></Items></Origins><OriginGroups><Quantity>1</Quantity><Items><OriginGroup><Id>group</Id><FailoverCriteria><StatusCodes><Quantity>2</Quantity><Items><StatusCode>500</StatusCode><StatusCode>503</StatusCode></Items></StatusCodes></FailoverCriteria><Members><Quantity>2</Quantity><Items><OriginGroupMember><OriginId>east</OriginId></OriginGroupMember><OriginGroupMember><OriginId>west</OriginId></OriginGroupMember></Items></Members></OriginGroup></Items></OriginGroups><DefaultCacheBehavior><TargetOriginId>group</TargetOriginId><ViewerProtocolPolicy>redirect-to-https</ViewerProtocolPolicy></DefaultCacheBehavior></DistributionConfig>)";

TEST(CloudFront, GetDistributionConfigKeepsTheDocumentAndTheEtag) {
  const auto& config = value_of(cloudfront::parse_get_distribution_config(ok(kDistributionConfig, {{"ETag", "E2QWRUHAPOMQZL"}})));
  EXPECT_EQ(config.etag, "E2QWRUHAPOMQZL");
  EXPECT_EQ(config.config_xml, kDistributionConfig);
  const auto& s = config.summary;
  EXPECT_TRUE(s.enabled);
  ASSERT_EQ(s.origins.size(), 2u);
  EXPECT_EQ(s.origins[1].domain_name, "west.example.com");
  ASSERT_EQ(s.origin_groups.size(), 1u);
  EXPECT_EQ(s.origin_groups[0].member_origin_ids, (std::vector<std::string>{"east", "west"}));
  EXPECT_EQ(s.origin_groups[0].failover_status_codes, (std::vector<int>{500, 503}));
  EXPECT_EQ(s.default_target_origin_id, "group");

  auto no_etag = cloudfront::parse_get_distribution_config(ok(kDistributionConfig));
  ASSERT_FALSE(no_etag);
  EXPECT_EQ(no_etag.error().message, "GetDistributionConfig: the answer has no ETag header");
}

TEST(CloudFront, EditsTheConfigurationForAFailover) {
  auto moved = cloudfront::set_origin_group_primary(kDistributionConfig, "group", "west");
  ASSERT_TRUE(moved) << moved.error().to_string();
  EXPECT_EQ(value_of(cloudfront::summarize_distribution_config(*moved)).origin_groups[0].member_origin_ids,
            (std::vector<std::string>{"west", "east"}));
  EXPECT_NE(moved->find("<CallerReference>rg-1</CallerReference>"), std::string::npos) << "the rest survives";

  auto retargeted = cloudfront::set_default_target_origin(kDistributionConfig, "west");
  ASSERT_TRUE(retargeted);
  EXPECT_EQ(value_of(cloudfront::summarize_distribution_config(*retargeted)).default_target_origin_id, "west");

  EXPECT_FALSE(cloudfront::set_default_target_origin(kDistributionConfig, "nowhere"));
  EXPECT_FALSE(cloudfront::set_origin_group_primary(kDistributionConfig, "group", "nowhere"));
  EXPECT_FALSE(cloudfront::set_origin_group_primary(kDistributionConfig, "nogroup", "west"));
}

TEST(CloudFront, UpdateDistributionSendsIfMatchAndReadsTheNewEtag) {
  const AwsRequest r = cloudfront::build_update_distribution({"EDFDVBD6EXAMPLE", "E2QWRUHAPOMQZL", kDistributionConfig});
  EXPECT_EQ(r.method, "PUT");
  EXPECT_EQ(r.path, "/2020-05-31/distribution/EDFDVBD6EXAMPLE/config");
  EXPECT_EQ(find_header(r.headers, "If-Match"), "E2QWRUHAPOMQZL");
  EXPECT_TRUE(r.body.starts_with("<DistributionConfig xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\">")) << r.body;

  const auto& d = value_of(cloudfront::parse_update_distribution(ok(
      R"(<Distribution xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Id>EDFDVBD6EXAMPLE</Id><ARN>arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE</ARN><Status>InProgress</Status><LastModifiedTime>2026-11-21T07:50:25.000Z</LastModifiedTime><InProgressInvalidationBatches>0</InProgressInvalidationBatches><DomainName>d111111abcdef8.cloudfront.net</DomainName></Distribution>)",
      {{"ETag", "E3UN6WX5RRO2AG"}})));
  EXPECT_EQ(d.status, "InProgress");
  EXPECT_EQ(d.etag, "E3UN6WX5RRO2AG");
  EXPECT_EQ(d.domain_name, "d111111abcdef8.cloudfront.net");
}

// --- CloudWatch --------------------------------------------------------------------------------------

TEST(CloudWatch, GetMetricDataPairsTimestampsWithValues) {
  const auto& r = value_of(cloudwatch::parse_get_metric_data(ok(
      R"({"MetricDataResults":[{"Id":"lag","Label":"ReplicaLag","Timestamps":[1795252080.0,1795252140,1795252020],"Values":[4.0,12.5,2.0],"StatusCode":"PartialData"}],"NextToken":"t2","Messages":[{"Code":"MaxMetricsExceeded","Value":"too many"}]})")));
  const auto* lag = r.find("lag");
  ASSERT_NE(lag, nullptr);
  EXPECT_EQ(lag->status_code, "PartialData");
  EXPECT_EQ(lag->timestamps[1], from_unix_us(1795252140'000000));
  EXPECT_EQ(lag->latest(), 12.5) << "the newest datapoint, whatever the order";
  EXPECT_EQ(r.next_token, "t2");
  EXPECT_EQ(r.messages, (std::vector<std::string>{"MaxMetricsExceeded: too many"}));
  EXPECT_EQ(r.find("other"), nullptr);

  auto bad = cloudwatch::parse_get_metric_data(ok(R"({"MetricDataResults":[{"Id":"lag","Timestamps":["yesterday"],"Values":[1]}]})"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "GetMetricData: a timestamp of lag is unreadable");
}

TEST(CloudWatch, DescribeAlarmsReadsStates) {
  const auto& r = value_of(cloudwatch::parse_describe_alarms(ok(R"j({"MetricAlarms":[{"AlarmName":"app-east-5xx","AlarmArn":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:app-east-5xx","StateValue":"ALARM","StateReason":"Threshold Crossed: 3 datapoints were greater than the threshold (5.0).","StateUpdatedTimestamp":"2026-11-21T07:50:25.000Z","MetricName":"HTTPCode_Target_5XX_Count","Namespace":"AWS/ApplicationELB","Statistic":"Sum","Dimensions":[{"Name":"LoadBalancer","Value":"app/east/1"}],"Period":60,"EvaluationPeriods":3,"Threshold":5.0,"ComparisonOperator":"GreaterThanThreshold","ActionsEnabled":true,"AlarmActions":["arn:aws:sns:us-east-1:123456789012:ops"]},{"AlarmName":"quiet","StateValue":"INSUFFICIENT_DATA"}],"CompositeAlarms":[{"AlarmName":"region-east","StateValue":"OK","AlarmRule":"ALARM(app-east-5xx)"}]})j")));
  ASSERT_EQ(r.metric_alarms.size(), 2u);
  const auto& a = r.metric_alarms[0];
  EXPECT_EQ(a.state, cloudwatch::AlarmState::alarm);
  EXPECT_EQ(a.state_updated, at("2026-11-21T07:50:25Z"));
  EXPECT_EQ(a.threshold, 5.0);
  EXPECT_EQ(a.dimensions, (std::vector<cloudwatch::Dimension>{{"LoadBalancer", "app/east/1"}}));
  EXPECT_EQ(a.alarm_actions.size(), 1u);
  EXPECT_EQ(r.metric_alarms[1].state, cloudwatch::AlarmState::insufficient_data);
  ASSERT_EQ(r.composite_alarms.size(), 1u);
  EXPECT_EQ(r.composite_alarms[0].alarm_rule, "ALARM(app-east-5xx)");
}

// --- Auto Scaling ------------------------------------------------------------------------------------

TEST(AutoScaling, CountsOnlyInServiceHealthyInstances) {
  const auto& r = value_of(autoscaling::parse_describe_auto_scaling_groups(ok(R"(<DescribeAutoScalingGroupsResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">
  <DescribeAutoScalingGroupsResult>
    <AutoScalingGroups>
      <member>
        <AutoScalingGroupName>app-dr</AutoScalingGroupName>
        <AutoScalingGroupARN>arn:aws:autoscaling:us-west-2:123456789012:autoScalingGroup:uuid:autoScalingGroupName/app-dr</AutoScalingGroupARN>
        <MinSize>0</MinSize><MaxSize>6</MaxSize><DesiredCapacity>3</DesiredCapacity>
        <AvailabilityZones><member>us-west-2a</member><member>us-west-2b</member></AvailabilityZones>
        <Instances>
          <member><InstanceId>i-1</InstanceId><AvailabilityZone>us-west-2a</AvailabilityZone><LifecycleState>InService</LifecycleState><HealthStatus>Healthy</HealthStatus><InstanceType>t3.micro</InstanceType></member>
          <member><InstanceId>i-2</InstanceId><AvailabilityZone>us-west-2b</AvailabilityZone><LifecycleState>Pending</LifecycleState><HealthStatus>Healthy</HealthStatus></member>
          <member><InstanceId>i-3</InstanceId><AvailabilityZone>us-west-2a</AvailabilityZone><LifecycleState>InService</LifecycleState><HealthStatus>Unhealthy</HealthStatus></member>
        </Instances>
      </member>
    </AutoScalingGroups>
    <NextToken>n1</NextToken>
  </DescribeAutoScalingGroupsResult>
  <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>
</DescribeAutoScalingGroupsResponse>)")));
  ASSERT_EQ(r.groups.size(), 1u);
  const auto& g = r.groups[0];
  EXPECT_EQ(g.desired_capacity, 3);
  EXPECT_EQ(g.max_size, 6);
  EXPECT_EQ(g.availability_zones, (std::vector<std::string>{"us-west-2a", "us-west-2b"}));
  EXPECT_EQ(g.instances.size(), 3u);
  EXPECT_EQ(g.in_service_count(), 1);
  EXPECT_EQ(r.next_token, "n1");
}

// --- ECS ---------------------------------------------------------------------------------------------

TEST(Ecs, ARollingDeploymentIsNotSteadyAndMissingServicesAreFailures) {
  const auto& r = value_of(ecs::parse_describe_services(ok(R"({"services":[{"serviceName":"web","serviceArn":"arn:aws:ecs:us-west-2:123456789012:service/dr/web","clusterArn":"arn:aws:ecs:us-west-2:123456789012:cluster/dr","status":"ACTIVE","desiredCount":4,"runningCount":2,"pendingCount":2,"taskDefinition":"arn:aws:ecs:us-west-2:123456789012:task-definition/web:8","deployments":[{"id":"ecs-svc/2","status":"PRIMARY","taskDefinition":"web:8","desiredCount":4,"runningCount":2,"pendingCount":2,"failedTasks":1,"rolloutState":"IN_PROGRESS"},{"id":"ecs-svc/1","status":"ACTIVE","taskDefinition":"web:7","desiredCount":0,"runningCount":1,"pendingCount":0,"rolloutState":"COMPLETED"}]}],"failures":[{"arn":"arn:aws:ecs:us-west-2:123456789012:service/dr/api","reason":"MISSING"}]})")));
  ASSERT_EQ(r.services.size(), 1u);
  const auto& s = r.services[0];
  EXPECT_EQ(s.running_count, 2);
  EXPECT_EQ(s.deployments.size(), 2u);
  EXPECT_EQ(s.deployments[0].rollout_state, "IN_PROGRESS");
  EXPECT_EQ(s.deployments[0].failed_tasks, 1);
  EXPECT_FALSE(s.steady());
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0].reason, "MISSING");

  const auto& updated = value_of(ecs::parse_update_service(ok(R"({"service":{"serviceName":"web","status":"ACTIVE","desiredCount":2,"runningCount":2,"pendingCount":0,"deployments":[{"id":"d","status":"PRIMARY","desiredCount":2,"runningCount":2}]}})")));
  EXPECT_TRUE(updated.steady());
  EXPECT_FALSE(ecs::parse_update_service(ok("{}")));
}

// --- RDS ---------------------------------------------------------------------------------------------

TEST(Rds, AModifyingReplicaWithReplicationErrors) {
  const auto& r = value_of(rds::parse_describe_db_instances(ok(R"(<DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">
  <DescribeDBInstancesResult>
    <DBInstances>
      <DBInstance>
        <DBInstanceIdentifier>app-west</DBInstanceIdentifier>
        <DBInstanceArn>arn:aws:rds:us-west-2:123456789012:db:app-west</DBInstanceArn>
        <DBInstanceClass>db.r6g.large</DBInstanceClass>
        <Engine>mysql</Engine>
        <DBInstanceStatus>modifying</DBInstanceStatus>
        <Endpoint><Address>app-west.abcdefghij.us-west-2.rds.amazonaws.com</Address><Port>3306</Port><HostedZoneId>Z1PVIF0B656C1W</HostedZoneId></Endpoint>
        <MultiAZ>false</MultiAZ>
        <AvailabilityZone>us-west-2a</AvailabilityZone>
        <ReadReplicaSourceDBInstanceIdentifier>arn:aws:rds:us-east-1:123456789012:db:app-east</ReadReplicaSourceDBInstanceIdentifier>
        <ReadReplicaDBInstanceIdentifiers/>
        <StatusInfos>
          <DBInstanceStatusInfo><StatusType>read replication</StatusType><Normal>false</Normal><Status>error</Status><Message>Replication has stopped.</Message></DBInstanceStatusInfo>
        </StatusInfos>
      </DBInstance>
    </DBInstances>
    <Marker>m2</Marker>
  </DescribeDBInstancesResult>
</DescribeDBInstancesResponse>)")));
  ASSERT_EQ(r.instances.size(), 1u);
  const auto& db = r.instances[0];
  EXPECT_EQ(db.status, "modifying");
  EXPECT_FALSE(db.available());
  EXPECT_TRUE(db.is_replica());
  EXPECT_EQ(db.endpoint_address, "app-west.abcdefghij.us-west-2.rds.amazonaws.com");
  EXPECT_EQ(db.endpoint_port, 3306);
  ASSERT_EQ(db.status_infos.size(), 1u);
  EXPECT_FALSE(db.status_infos[0].normal);
  EXPECT_EQ(db.status_infos[0].status, "error");
  EXPECT_EQ(db.status_infos[0].message, "Replication has stopped.");
  EXPECT_EQ(r.marker, "m2");
}

TEST(Rds, PromoteReadReplicaReturnsTheInstance) {
  const auto& db = value_of(rds::parse_promote_read_replica(ok(R"(<PromoteReadReplicaResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><PromoteReadReplicaResult><DBInstance><DBInstanceIdentifier>app-west</DBInstanceIdentifier><DBInstanceStatus>modifying</DBInstanceStatus><ReadReplicaSourceDBInstanceIdentifier>app-east</ReadReplicaSourceDBInstanceIdentifier></DBInstance></PromoteReadReplicaResult></PromoteReadReplicaResponse>)")));
  EXPECT_EQ(db.identifier, "app-west");
  EXPECT_EQ(db.status, "modifying");
  EXPECT_FALSE(rds::parse_promote_read_replica(ok("<PromoteReadReplicaResponse/>")));
}

// --- EC2 ---------------------------------------------------------------------------------------------

TEST(Ec2, DescribeInstancesFlattensReservations) {
  const auto& r = value_of(ec2::parse_describe_instances(ok(R"(<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>8f7724cf-496f-496e-8fe3-example</requestId>
  <reservationSet>
    <item>
      <reservationId>r-1234567890abcdef0</reservationId>
      <ownerId>123456789012</ownerId>
      <instancesSet>
        <item>
          <instanceId>i-1234567890abcdef0</instanceId>
          <imageId>ami-bff32ccc</imageId>
          <instanceState><code>16</code><name>running</name></instanceState>
          <privateIpAddress>10.0.0.157</privateIpAddress>
          <ipAddress>203.0.113.10</ipAddress>
          <instanceType>t2.micro</instanceType>
          <launchTime>2026-11-21T07:50:25.000Z</launchTime>
          <placement><availabilityZone>us-east-1a</availabilityZone><tenancy>default</tenancy></placement>
          <tagSet><item><key>Role</key><value>web</value></item></tagSet>
        </item>
        <item>
          <instanceId>i-2</instanceId>
          <instanceState><code>80</code><name>stopped</name></instanceState>
        </item>
      </instancesSet>
    </item>
  </reservationSet>
</DescribeInstancesResponse>)")));
  ASSERT_EQ(r.instances.size(), 2u);
  EXPECT_EQ(r.instances[0].state, "running");
  EXPECT_EQ(r.instances[0].state_code, 16);
  EXPECT_EQ(r.instances[0].availability_zone, "us-east-1a");
  EXPECT_EQ(r.instances[0].public_ip, "203.0.113.10");
  EXPECT_EQ(r.instances[0].launch_time, at("2026-11-21T07:50:25Z"));
  EXPECT_EQ(r.instances[0].tags.at("Role"), "web");
  EXPECT_EQ(r.instances[1].state, "stopped");
  EXPECT_EQ(r.next_token, std::nullopt);
}

TEST(Ec2, AnImpairedInstanceWithAScheduledEvent) {
  const auto& r = value_of(ec2::parse_describe_instance_status(ok(R"(<DescribeInstanceStatusResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>3be1508e-c444-4fef-89cc-0b1223c4f02fEXAMPLE</requestId>
  <instanceStatusSet>
    <item>
      <instanceId>i-1</instanceId>
      <availabilityZone>us-east-1d</availabilityZone>
      <instanceState><code>16</code><name>running</name></instanceState>
      <systemStatus><status>impaired</status><details><item><name>reachability</name><status>failed</status><impairedSince>2026-11-21T07:40:00.000Z</impairedSince></item></details></systemStatus>
      <instanceStatus><status>ok</status><details><item><name>reachability</name><status>passed</status></item></details></instanceStatus>
      <eventsSet><item><code>system-reboot</code><description>Scheduled reboot</description></item></eventsSet>
    </item>
  </instanceStatusSet>
  <nextToken>nt</nextToken>
</DescribeInstanceStatusResponse>)")));
  ASSERT_EQ(r.statuses.size(), 1u);
  EXPECT_EQ(r.statuses[0].system_status, "impaired");
  EXPECT_FALSE(r.statuses[0].ok());
  EXPECT_EQ(r.statuses[0].event_codes, (std::vector<std::string>{"system-reboot"}));
  EXPECT_EQ(r.next_token, "nt");
}

TEST(Ec2, ImagesAndTheirIds) {
  EXPECT_EQ(value_of(ec2::parse_create_image(ok(R"(<CreateImageResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><imageId>ami-4fa54026</imageId></CreateImageResponse>)"))),
            "ami-4fa54026");
  EXPECT_EQ(value_of(ec2::parse_copy_image(ok(R"(<CopyImageResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><imageId>ami-4d3c2b1a</imageId></CopyImageResponse>)"))),
            "ami-4d3c2b1a");
  EXPECT_FALSE(ec2::parse_copy_image(ok(R"(<CopyImageResponse><requestId>r</requestId></CopyImageResponse>)")));

  const auto& images = value_of(ec2::parse_describe_images(ok(R"(<DescribeImagesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><imagesSet><item><imageId>ami-4d3c2b1a</imageId><imageState>pending</imageState><imageOwnerId>123456789012</imageOwnerId><creationDate>2026-11-21T07:50:25.000Z</creationDate><name>app-2026-11-21</name><description>DR copy</description><tagSet><item><key>Role</key><value>dr</value></item></tagSet></item></imagesSet></DescribeImagesResponse>)")));
  ASSERT_EQ(images.images.size(), 1u);
  EXPECT_EQ(images.images[0].state, "pending");
  EXPECT_EQ(images.images[0].tags.at("Role"), "dr");
  EXPECT_EQ(images.images[0].creation_date, at("2026-11-21T07:50:25Z"));

  EXPECT_TRUE(ec2::parse_return_true(ok(R"(<DeregisterImageResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><return>true</return></DeregisterImageResponse>)"), "DeregisterImage"));
  EXPECT_FALSE(ec2::parse_return_true(ok(R"(<DeregisterImageResponse><return>false</return></DeregisterImageResponse>)"), "DeregisterImage"));
  // moto's CreateTags answer has no <return> at all.
  EXPECT_TRUE(ec2::parse_return_true(ok(R"(<CreateTagsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><requestId>request-id</requestId></CreateTagsResponse>)"), "CreateTags"));
}

// --- ELBv2 -------------------------------------------------------------------------------------------

TEST(Elbv2, TargetStatesIncludingUnhealthyAndDraining) {
  const auto& r = value_of(elbv2::parse_describe_target_health(ok(R"(<DescribeTargetHealthResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">
  <DescribeTargetHealthResult>
    <TargetHealthDescriptions>
      <member><HealthCheckPort>80</HealthCheckPort><TargetHealth><State>healthy</State></TargetHealth><Target><Port>80</Port><Id>i-0f76fade</Id></Target></member>
      <member><HealthCheckPort>80</HealthCheckPort><TargetHealth><State>unhealthy</State><Reason>Target.ResponseCodeMismatch</Reason><Description>Health checks failed with these codes: [503]</Description></TargetHealth><Target><Port>80</Port><Id>i-0f76fadf</Id></Target></member>
      <member><TargetHealth><State>initial</State><Reason>Elb.InitialHealthChecking</Reason></TargetHealth><Target><Port>80</Port><Id>10.0.1.7</Id><AvailabilityZone>all</AvailabilityZone></Target></member>
      <member><TargetHealth><State>unhealthy.draining</State><Reason>Target.DeregistrationInProgress</Reason></TargetHealth><Target><Id>i-3</Id></Target></member>
      <member><TargetHealth><State>draining</State></TargetHealth><Target><Id>i-4</Id></Target></member>
    </TargetHealthDescriptions>
  </DescribeTargetHealthResult>
</DescribeTargetHealthResponse>)")));
  ASSERT_EQ(r.targets.size(), 5u);
  EXPECT_EQ(r.targets[1].state, elbv2::TargetState::unhealthy);
  EXPECT_EQ(r.targets[1].reason, "Target.ResponseCodeMismatch");
  EXPECT_EQ(r.targets[1].description, "Health checks failed with these codes: [503]");
  EXPECT_EQ(r.targets[2].state, elbv2::TargetState::initial);
  EXPECT_EQ(r.targets[2].target.availability_zone, "all");
  EXPECT_EQ(r.targets[3].state, elbv2::TargetState::unhealthy_draining);
  EXPECT_EQ(r.count(elbv2::TargetState::healthy), 1u);
  EXPECT_EQ(r.count(elbv2::TargetState::unhealthy), 1u);
  EXPECT_EQ(elbv2::target_state_from("sideways"), elbv2::TargetState::unknown);
}

TEST(Elbv2, TargetGroups) {
  const auto& r = value_of(elbv2::parse_describe_target_groups(ok(R"(<DescribeTargetGroupsResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><DescribeTargetGroupsResult><TargetGroups><member><TargetGroupArn>arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067</TargetGroupArn><TargetGroupName>my-targets</TargetGroupName><Protocol>HTTP</Protocol><Port>80</Port><VpcId>vpc-3ac0fb5f</VpcId><HealthCheckProtocol>HTTP</HealthCheckProtocol><HealthCheckPath>/health</HealthCheckPath><HealthyThresholdCount>5</HealthyThresholdCount><UnhealthyThresholdCount>2</UnhealthyThresholdCount><TargetType>instance</TargetType><LoadBalancerArns><member>arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/my-load-balancer/50dc6c495c0c9188</member></LoadBalancerArns></member></TargetGroups><NextMarker></NextMarker></DescribeTargetGroupsResult></DescribeTargetGroupsResponse>)")));
  ASSERT_EQ(r.groups.size(), 1u);
  EXPECT_EQ(r.groups[0].name, "my-targets");
  EXPECT_EQ(r.groups[0].health_check_path, "/health");
  EXPECT_EQ(r.groups[0].unhealthy_threshold, 2);
  EXPECT_EQ(r.groups[0].load_balancer_arns.size(), 1u);
  EXPECT_EQ(r.next_marker, std::nullopt);
}

// --- SSM, SNS, DynamoDB, S3, STS -----------------------------------------------------------------------

TEST(Ssm, ParametersAndVersions) {
  const auto& p = value_of(ssm::parse_get_parameter(ok(R"({"Parameter":{"Name":"/rg/app/active-region","Type":"String","Value":"us-west-2","Version":7,"LastModifiedDate":1795252058.102,"ARN":"arn:aws:ssm:us-east-1:123456789012:parameter/rg/app/active-region","DataType":"text"}})")));
  EXPECT_EQ(p.value, "us-west-2");
  EXPECT_EQ(p.version, 7);
  EXPECT_EQ(p.last_modified, from_unix_us(1795252058'102000));
  EXPECT_EQ(value_of(ssm::parse_put_parameter(ok(R"({"Version":8,"Tier":"Standard"})"))).version, 8);
  EXPECT_FALSE(ssm::parse_get_parameter(ok(R"({"Parameter":{"Name":"/x"}})")));
}

TEST(Sns, MessageIdsAndTopicArns) {
  EXPECT_EQ(value_of(sns::parse_publish(ok(R"(<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>567910cd-659e-55d4-8ccb-5aaf14679dc0</MessageId></PublishResult><ResponseMetadata><RequestId>d74b8436-ae13-5ab4-a9ff-ce54dfea72a0</RequestId></ResponseMetadata></PublishResponse>)"))),
            "567910cd-659e-55d4-8ccb-5aaf14679dc0");
  EXPECT_EQ(value_of(sns::parse_create_topic(ok(R"(<CreateTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><CreateTopicResult><TopicArn>arn:aws:sns:us-east-1:123456789012:ops</TopicArn></CreateTopicResult></CreateTopicResponse>)"))),
            "arn:aws:sns:us-east-1:123456789012:ops");
  EXPECT_EQ(sns::build_publish({"arn:aws:sns:us-east-1:123456789012:ops", "failover started", "regionguard", {{"app", "web"}}}).body,
            "Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Aops&Message=failover+started&"
            "Subject=regionguard&MessageAttributes.entry.1.Name=app&MessageAttributes.entry.1.Value.DataType=String&"
            "MessageAttributes.entry.1.Value.StringValue=web");
}

TEST(DynamoDb, AGlobalTableWithAReplicaUpdating) {
  const auto& t = value_of(dynamodb::parse_describe_table(ok(R"({"Table":{"TableName":"sessions","TableArn":"arn:aws:dynamodb:us-east-1:123456789012:table/sessions","TableStatus":"ACTIVE","ItemCount":1234,"TableSizeBytes":56789,"BillingModeSummary":{"BillingMode":"PAY_PER_REQUEST"},"StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_AND_OLD_IMAGES"},"LatestStreamArn":"arn:aws:dynamodb:us-east-1:123456789012:table/sessions/stream/2026-11-21T07:50:25.000","GlobalTableVersion":"2019.11.21","Replicas":[{"RegionName":"us-west-2","ReplicaStatus":"UPDATING"},{"RegionName":"eu-west-1","ReplicaStatus":"ACTIVE"}]}})")));
  EXPECT_TRUE(t.active());
  EXPECT_EQ(t.item_count, 1234);
  EXPECT_EQ(t.billing_mode, "PAY_PER_REQUEST");
  EXPECT_TRUE(t.stream_enabled);
  EXPECT_EQ(t.global_table_version, "2019.11.21");
  ASSERT_EQ(t.replicas.size(), 2u);
  EXPECT_EQ(t.replicas[0].region_name, "us-west-2");
  EXPECT_EQ(t.replicas[0].status, "UPDATING");
  EXPECT_FALSE(dynamodb::parse_describe_table(ok(R"({"Table":{"TableName":"sessions"}})")));
}

TEST(S3, VersioningStates) {
  EXPECT_EQ(value_of(s3::parse_get_bucket_versioning(ok(R"(<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Suspended</Status></VersioningConfiguration>)"))).status,
            s3::VersioningStatus::suspended);
  EXPECT_EQ(value_of(s3::parse_get_bucket_versioning(ok(R"(<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>)"))).status,
            s3::VersioningStatus::never_enabled);
  // moto's answer for a bucket that never had versioning.
  EXPECT_EQ(value_of(s3::parse_get_bucket_versioning(ok(R"(<GetBucketVersioningResponse xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>)"))).status,
            s3::VersioningStatus::never_enabled);
  EXPECT_FALSE(s3::parse_get_bucket_versioning(ok(R"(<ListBucketResult/>)")));
}

TEST(S3, ReplicationWithTimeControl) {
  const auto& c = value_of(s3::parse_get_bucket_replication(ok(R"(<?xml version="1.0" encoding="UTF-8"?>
<ReplicationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Role>arn:aws:iam::123456789012:role/replication</Role>
  <Rule>
    <ID>to-west</ID>
    <Priority>1</Priority>
    <Status>Enabled</Status>
    <Filter><Prefix>data/</Prefix></Filter>
    <Destination>
      <Bucket>arn:aws:s3:::app-data-west</Bucket>
      <StorageClass>STANDARD</StorageClass>
      <ReplicationTime><Status>Enabled</Status><Time><Minutes>15</Minutes></Time></ReplicationTime>
      <Metrics><Status>Enabled</Status><EventThreshold><Minutes>15</Minutes></EventThreshold></Metrics>
    </Destination>
    <DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication>
  </Rule>
</ReplicationConfiguration>)")));
  EXPECT_EQ(c.role, "arn:aws:iam::123456789012:role/replication");
  ASSERT_EQ(c.rules.size(), 1u);
  const auto& rule = c.rules[0];
  EXPECT_EQ(rule.prefix, "data/");
  EXPECT_EQ(rule.destination_bucket, "arn:aws:s3:::app-data-west");
  EXPECT_TRUE(rule.replication_time_control);
  EXPECT_EQ(rule.replication_time_minutes, 15);
  EXPECT_TRUE(rule.metrics_enabled);
  EXPECT_EQ(rule.delete_marker_replication, "Disabled");
}

TEST(Sts, CallerIdentity) {
  const auto& id = value_of(sts::parse_get_caller_identity(ok(R"(<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/Alice</Arn><UserId>AKIAI44QH8DHBEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata></GetCallerIdentityResponse>)")));
  EXPECT_EQ(id.account, "123456789012");
  EXPECT_EQ(id.arn, "arn:aws:iam::123456789012:user/Alice");
}

}  // namespace
}  // namespace rg::aws
