#pragma once
// CloudWatch (the JSON 1.0 protocol botocore uses for it: X-Amz-Target GraniteServiceVersion20100801.*,
// plus x-amzn-query-mode: true; API 2010-08-01). Per-region.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aws/aws_client.h"

namespace rg::aws::cloudwatch {

inline constexpr std::string_view kService = "cloudwatch";
inline constexpr std::string_view kTargetPrefix = "GraniteServiceVersion20100801";

struct Dimension {
  std::string name;
  std::string value;
  friend bool operator==(const Dimension&, const Dimension&) = default;
};

// --- PutMetricData ----------------------------------------------------------------------------------

struct StatisticSet {
  double sample_count = 0;
  double sum = 0;
  double minimum = 0;
  double maximum = 0;
};

struct MetricDatum {
  std::string metric_name;
  std::vector<Dimension> dimensions;
  std::optional<double> value;
  std::optional<StatisticSet> statistic_values;
  std::optional<TimePoint> timestamp;       // default: when CloudWatch receives it
  std::optional<std::string> unit;          // "Milliseconds", "Count", "Percent", ...
  std::optional<int> storage_resolution;    // 1 (high resolution) or 60
};

struct PutMetricDataRequest {
  std::string namespace_;  // "RegionGuard/Probes"; "AWS/" is reserved for AWS
  std::vector<MetricDatum> metric_data;  // at most 1000 per call
};

AwsRequest build_put_metric_data(const PutMetricDataRequest& request);
void put_metric_data(AwsClient& client, const PutMetricDataRequest& request, ResultCallback<void> done);

// --- GetMetricData ----------------------------------------------------------------------------------

struct Metric {
  std::string namespace_;
  std::string metric_name;
  std::vector<Dimension> dimensions;
};

struct MetricStat {
  Metric metric;
  int period = 60;           // seconds
  std::string stat = "Average";  // Average, Sum, Minimum, Maximum, SampleCount, p99, ...
  std::optional<std::string> unit;
};

struct MetricDataQuery {
  std::string id;  // starts with a lower-case letter
  std::optional<MetricStat> metric_stat;
  std::optional<std::string> expression;  // metric math instead of metric_stat
  std::optional<std::string> label;
  bool return_data = true;
  std::optional<int> period;  // for expressions
};

struct GetMetricDataRequest {
  std::vector<MetricDataQuery> queries;
  TimePoint start_time;
  TimePoint end_time;
  std::optional<std::string> scan_by;  // TimestampDescending (default) | TimestampAscending
  std::optional<int> max_datapoints;
  std::optional<std::string> next_token;
};

struct MetricDataResult {
  std::string id;
  std::string label;
  std::vector<TimePoint> timestamps;  // paired with values
  std::vector<double> values;
  std::string status_code;  // Complete | PartialData | InternalError | Forbidden
  // The value with the latest timestamp (e.g. the replica lag now).
  std::optional<double> latest() const;
};

struct GetMetricDataResult {
  std::vector<MetricDataResult> results;
  std::optional<std::string> next_token;
  std::vector<std::string> messages;
  const MetricDataResult* find(std::string_view id) const;
};

AwsRequest build_get_metric_data(const GetMetricDataRequest& request);
std::expected<GetMetricDataResult, AwsError> parse_get_metric_data(const HttpResponse& response);
void get_metric_data(AwsClient& client, const GetMetricDataRequest& request, ResultCallback<GetMetricDataResult> done);

// --- PutDashboard -----------------------------------------------------------------------------------

struct PutDashboardRequest {
  std::string dashboard_name;
  std::string dashboard_body;  // the dashboard's JSON, as text
};

struct DashboardValidationMessage {
  std::string data_path;
  std::string message;
};

struct PutDashboardResult {
  std::vector<DashboardValidationMessage> validation_messages;  // warnings; errors come as an AwsError
};

AwsRequest build_put_dashboard(const PutDashboardRequest& request);
std::expected<PutDashboardResult, AwsError> parse_put_dashboard(const HttpResponse& response);
void put_dashboard(AwsClient& client, const PutDashboardRequest& request, ResultCallback<PutDashboardResult> done);

// --- GetDashboard -----------------------------------------------------------------------------------

struct Dashboard {
  std::string dashboard_name;
  std::string dashboard_arn;
  std::string dashboard_body;  // the dashboard's JSON, as text
};

// A dashboard that does not exist is an AwsError with code ResourceNotFound (HTTP 404 on AWS,
// 400 from moto).
AwsRequest build_get_dashboard(const std::string& dashboard_name);
std::expected<Dashboard, AwsError> parse_get_dashboard(const HttpResponse& response);
void get_dashboard(AwsClient& client, const std::string& dashboard_name, ResultCallback<Dashboard> done);

// --- PutMetricAlarm ---------------------------------------------------------------------------------

struct PutMetricAlarmRequest {
  std::string alarm_name;
  std::optional<std::string> alarm_description;
  std::string namespace_;
  std::string metric_name;
  std::vector<Dimension> dimensions;
  std::optional<std::string> statistic;           // Average, Sum, ... (or extended_statistic)
  std::optional<std::string> extended_statistic;  // "p99"
  int period = 60;
  int evaluation_periods = 1;
  std::optional<int> datapoints_to_alarm;
  double threshold = 0;
  std::string comparison_operator = "GreaterThanThreshold";
  std::optional<std::string> treat_missing_data;  // breaching | notBreaching | ignore | missing
  std::optional<std::string> unit;
  std::optional<bool> actions_enabled;
  std::vector<std::string> alarm_actions;
  std::vector<std::string> ok_actions;
  std::vector<std::string> insufficient_data_actions;
};

AwsRequest build_put_metric_alarm(const PutMetricAlarmRequest& request);
void put_metric_alarm(AwsClient& client, const PutMetricAlarmRequest& request, ResultCallback<void> done);

// --- DescribeAlarms ---------------------------------------------------------------------------------

enum class AlarmState { ok, alarm, insufficient_data, unknown };
std::string_view to_string(AlarmState state);  // "OK", "ALARM", "INSUFFICIENT_DATA"
AlarmState alarm_state_from(std::string_view text);

struct DescribeAlarmsRequest {
  std::vector<std::string> alarm_names;
  std::optional<std::string> alarm_name_prefix;
  std::optional<AlarmState> state_value;
  std::vector<std::string> alarm_types;  // MetricAlarm, CompositeAlarm; empty: metric alarms only
  std::optional<int> max_records;
  std::optional<std::string> next_token;
};

struct MetricAlarm {
  std::string alarm_name;
  std::string alarm_arn;
  AlarmState state = AlarmState::unknown;
  std::string state_reason;
  std::optional<TimePoint> state_updated;
  std::string namespace_;
  std::string metric_name;
  std::vector<Dimension> dimensions;
  std::optional<std::string> statistic;
  std::optional<double> threshold;
  std::string comparison_operator;
  std::optional<std::int64_t> period;
  std::optional<std::int64_t> evaluation_periods;
  bool actions_enabled = false;
  std::vector<std::string> alarm_actions;
  // What `cloudwatch apply` compares with what it would put.
  std::optional<std::string> alarm_description;
  std::optional<std::string> extended_statistic;
  std::optional<std::int64_t> datapoints_to_alarm;
  std::optional<std::string> treat_missing_data;
  std::optional<std::string> unit;
  std::vector<std::string> ok_actions;
  std::vector<std::string> insufficient_data_actions;
};

struct CompositeAlarm {
  std::string alarm_name;
  std::string alarm_arn;
  AlarmState state = AlarmState::unknown;
  std::string state_reason;
  std::string alarm_rule;
};

struct DescribeAlarmsResult {
  std::vector<MetricAlarm> metric_alarms;
  std::vector<CompositeAlarm> composite_alarms;
  std::optional<std::string> next_token;
};

AwsRequest build_describe_alarms(const DescribeAlarmsRequest& request);
std::expected<DescribeAlarmsResult, AwsError> parse_describe_alarms(const HttpResponse& response);
void describe_alarms(AwsClient& client, const DescribeAlarmsRequest& request, ResultCallback<DescribeAlarmsResult> done);

// --- SetAlarmState ----------------------------------------------------------------------------------

struct SetAlarmStateRequest {
  std::string alarm_name;
  AlarmState state = AlarmState::alarm;
  std::string state_reason;
  std::optional<std::string> state_reason_data;  // JSON text
};

AwsRequest build_set_alarm_state(const SetAlarmStateRequest& request);
void set_alarm_state(AwsClient& client, const SetAlarmStateRequest& request, ResultCallback<void> done);

}  // namespace rg::aws::cloudwatch
