#pragma once
// Turns the answers of the describe calls into a check result, one function per resource kind
// (the seed's _check_ec2_health, _check_elb_health, _check_rds_health, _check_ecs_health, plus
// Auto Scaling and CloudWatch alarms). Pure: the prober makes the calls, these only judge, so the
// states moto cannot produce (an ELB target "unhealthy", an RDS instance "modifying") are tested
// with answers shaped as the AWS API reference documents them.
//
// Each fills result.success, failure, error, warnings and resource; latency and times are the
// prober's.
#include <optional>

#include "aws/autoscaling_api.h"
#include "aws/cloudwatch_api.h"
#include "aws/ec2_api.h"
#include "aws/ecs_api.h"
#include "aws/elbv2_api.h"
#include "aws/rds_api.h"
#include "config/config.h"
#include "core/probe_result.h"

namespace rg {

// Running, and both status checks ok. `status` is null when EC2 reports none (a stopped
// instance, or one just launched); "initializing" and "insufficient-data" are warnings.
void judge_ec2(const aws::ec2::Instance* instance, const aws::ec2::InstanceStatus* status, ProbeResult& result);

// Healthy targets out of the registered ones (draining targets, healthy or not, are on their way
// out and do not count); fewer than min_healthy_percent, or none at all, fails.
void judge_target_group(const aws::elbv2::DescribeTargetHealthResult& health, const AwsCheckOptions& options,
                        ProbeResult& result);

// Status available; for a read replica, the lag (seconds, from CloudWatch ReplicaLag, nullopt
// when there are no datapoints) under max_replica_lag when that is set.
void judge_rds(const aws::rds::DbInstance* instance, std::optional<double> replica_lag_seconds,
               const AwsCheckOptions& options, ProbeResult& result);

// Status ACTIVE and running tasks at least min_healthy_percent of desired.
void judge_ecs_service(const aws::ecs::Service* service, const AwsCheckOptions& options, ProbeResult& result);

// In-service (and healthy) instances at least min_healthy_percent of desired; headroom to max
// under min_headroom is a warning: the group cannot take over another region's load.
void judge_autoscaling_group(const aws::autoscaling::AutoScalingGroup* group, const AwsCheckOptions& options,
                             ProbeResult& result);

// ALARM fails, INSUFFICIENT_DATA is a warning, OK is healthy.
void judge_alarm(const aws::cloudwatch::MetricAlarm* alarm, ProbeResult& result);

// An AWS error as a check failure: timeout, network (no answer), not_found (the resource's
// "does not exist" codes) or aws_api (permissions, throttling, anything else).
void judge_aws_error(const aws::AwsError& error, ProbeResult& result);

}  // namespace rg
