#include "probe/aws_resource_judge.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <string_view>

namespace rg {
namespace {

void fail(ProbeResult& result, FailureKind kind, std::string error) {
  result.success = false;
  result.failure = kind;
  result.error = std::move(error);
}

void succeed(ProbeResult& result) {
  result.success = true;
  result.failure = FailureKind::none;
  result.error.clear();
}

// A single resource counts as one unit: 1 of 1 when it works.
ResourceDetails single(std::string state, bool working) {
  return ResourceDetails{std::move(state), working ? 1 : 0, 1, std::nullopt, std::nullopt};
}

// healthy * 100 < percent * expected, in integers so 2 of 3 at 67% is exact.
bool below_percent(std::int64_t healthy, std::int64_t expected, int percent) {
  return healthy * 100 < static_cast<std::int64_t>(percent) * expected;
}

std::string seconds_text(double seconds) { return fmt::format("{:.0f} s", seconds); }

}  // namespace

void judge_ec2(const aws::ec2::Instance* instance, const aws::ec2::InstanceStatus* status, ProbeResult& result) {
  if (instance == nullptr) return fail(result, FailureKind::not_found, "no such instance in this region");
  const bool running = instance->state == "running";
  if (!running) {
    result.resource = single(instance->state, false);
    return fail(result, FailureKind::resource_state, "instance is " + instance->state);
  }
  if (status == nullptr) {  // EC2 has not reported checks yet
    result.resource = single(instance->state, true);
    succeed(result);
    result.warnings.push_back("no status checks reported yet");
    return;
  }
  const bool impaired = status->system_status == "impaired" || status->instance_status == "impaired";
  result.resource = single(instance->state, !impaired);
  if (impaired) {
    return fail(result, FailureKind::status_checks,
                fmt::format("status checks: system {}, instance {}", status->system_status, status->instance_status));
  }
  succeed(result);
  if (!status->ok())
    result.warnings.push_back(
        fmt::format("status checks: system {}, instance {}", status->system_status, status->instance_status));
  for (const auto& event : status->event_codes) result.warnings.push_back("scheduled event: " + event);
}

void judge_target_group(const aws::elbv2::DescribeTargetHealthResult& health, const AwsCheckOptions& options,
                        ProbeResult& result) {
  using aws::elbv2::TargetState;
  int registered = 0;
  int healthy = 0;
  std::vector<std::string> unhealthy;  // "i-0abc unhealthy (Target.Timeout)"
  for (const auto& target : health.targets) {
    if (target.state == TargetState::draining || target.state == TargetState::unhealthy_draining) continue;
    ++registered;
    if (target.state == TargetState::healthy) {
      ++healthy;
    } else {
      unhealthy.push_back(fmt::format("{} {}{}", target.target.id, target.state_text,
                                      target.reason ? " (" + *target.reason + ")" : std::string()));
    }
  }
  result.resource = ResourceDetails{"", healthy, registered, std::nullopt, std::nullopt};
  if (registered == 0) return fail(result, FailureKind::capacity, "no registered targets");
  const std::string counts = fmt::format("{} of {} targets healthy", healthy, registered);
  const std::string which = unhealthy.empty() ? "" : fmt::format("; {}", fmt::join(unhealthy, ", "));
  if (healthy == 0 || below_percent(healthy, registered, options.min_healthy_percent))
    return fail(result, FailureKind::capacity, counts + which);
  succeed(result);
  if (healthy < registered) result.warnings.push_back(counts + which);
}

void judge_rds(const aws::rds::DbInstance* instance, std::optional<double> replica_lag_seconds,
               const AwsCheckOptions& options, ProbeResult& result) {
  if (instance == nullptr) return fail(result, FailureKind::not_found, "no such DB instance in this region");
  result.resource = single(instance->status, instance->available());
  if (instance->is_replica()) result.resource->replica_lag_seconds = replica_lag_seconds;
  if (!instance->available()) return fail(result, FailureKind::resource_state, "DB instance is " + instance->status);
  if (instance->is_replica() && options.max_replica_lag && replica_lag_seconds) {
    const double max_seconds = static_cast<double>(options.max_replica_lag->count()) / 1000.0;
    if (*replica_lag_seconds > max_seconds) {
      result.resource->healthy = 0;
      return fail(result, FailureKind::replica_lag,
                  "replica lag " + seconds_text(*replica_lag_seconds) + " above " + seconds_text(max_seconds));
    }
  }
  succeed(result);
  for (const auto& info : instance->status_infos)
    if (!info.normal)
      result.warnings.push_back(info.status_type + ": " + info.status + (info.message ? " (" + *info.message + ")" : ""));
  if (instance->is_replica() && options.max_replica_lag && !replica_lag_seconds)
    result.warnings.push_back("no ReplicaLag datapoints in CloudWatch");
}

void judge_ecs_service(const aws::ecs::Service* service, const AwsCheckOptions& options, ProbeResult& result) {
  if (service == nullptr) return fail(result, FailureKind::not_found, "no such service in this cluster");
  result.resource = ResourceDetails{service->status, static_cast<int>(service->running_count),
                                    static_cast<int>(service->desired_count), std::nullopt, std::nullopt};
  if (service->status != "ACTIVE") return fail(result, FailureKind::resource_state, "service is " + service->status);
  const std::string counts =
      fmt::format("{} of {} desired tasks running", service->running_count, service->desired_count);
  if (below_percent(service->running_count, service->desired_count, options.min_healthy_percent))
    return fail(result, FailureKind::capacity, counts);
  succeed(result);
  if (service->running_count < service->desired_count) result.warnings.push_back(counts);
}

void judge_autoscaling_group(const aws::autoscaling::AutoScalingGroup* group, const AwsCheckOptions& options,
                             ProbeResult& result) {
  if (group == nullptr) return fail(result, FailureKind::not_found, "no such Auto Scaling group in this region");
  const auto in_service = group->in_service_count();
  const auto headroom = group->max_size - group->desired_capacity;
  result.resource = ResourceDetails{group->status.value_or(""), static_cast<int>(in_service),
                                    static_cast<int>(group->desired_capacity), static_cast<int>(headroom),
                                    std::nullopt};
  if (group->status && !group->status->empty())  // "Delete in progress"
    return fail(result, FailureKind::resource_state, "group status: " + *group->status);
  const std::string counts =
      fmt::format("{} of {} desired instances in service", in_service, group->desired_capacity);
  if (below_percent(in_service, group->desired_capacity, options.min_healthy_percent))
    return fail(result, FailureKind::capacity, counts);
  succeed(result);
  if (in_service < group->desired_capacity) result.warnings.push_back(counts);
  if (headroom < options.min_headroom)
    result.warnings.push_back(fmt::format("headroom {} to max size {}: cannot scale out", headroom, group->max_size));
}

void judge_alarm(const aws::cloudwatch::MetricAlarm* alarm, ProbeResult& result) {
  using aws::cloudwatch::AlarmState;
  if (alarm == nullptr) return fail(result, FailureKind::not_found, "no such alarm in this region");
  result.resource = single(std::string(to_string(alarm->state)), alarm->state != AlarmState::alarm);
  if (alarm->state == AlarmState::alarm)
    return fail(result, FailureKind::alarm, "in ALARM" + (alarm->state_reason.empty() ? "" : ": " + alarm->state_reason));
  succeed(result);
  if (alarm->state != AlarmState::ok)
    result.warnings.push_back(std::string(to_string(alarm->state)) +
                              (alarm->state_reason.empty() ? "" : ": " + alarm->state_reason));
}

void judge_aws_error(const aws::AwsError& error, ProbeResult& result) {
  // The codes services answer with when the named resource does not exist.
  static constexpr std::array<std::string_view, 8> not_found_codes{
      "InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed", "DBInstanceNotFound", "DBInstanceNotFoundFault",
      "TargetGroupNotFound",        "ClusterNotFoundException",     "ResourceNotFound",   "ServiceNotFoundException"};
  switch (error.kind) {
    case aws::AwsErrorKind::timeout: return fail(result, FailureKind::timeout, error.message);
    case aws::AwsErrorKind::transport: return fail(result, FailureKind::network, error.message);
    default: break;
  }
  if (std::ranges::find(not_found_codes, error.code) != not_found_codes.end())
    return fail(result, FailureKind::not_found, error.code + ": " + error.message);
  fail(result, FailureKind::aws_api, error.to_string());
}

}  // namespace rg
