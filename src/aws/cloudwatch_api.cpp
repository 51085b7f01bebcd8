#include "aws/cloudwatch_api.h"

#include <algorithm>

#include "aws/protocol_json.h"

namespace rg::aws::cloudwatch {
namespace {

using nlohmann::json;

AwsRequest request(std::string operation, const json& input) {
  return json_request(kTargetPrefix, std::move(operation), JsonVersion::v1_0, input, /*query_compatible=*/true);
}

json dimensions_json(const std::vector<Dimension>& dimensions) {
  json out = json::array();
  for (const auto& d : dimensions) out.push_back({{"Name", d.name}, {"Value", d.value}});
  return out;
}

std::vector<Dimension> read_dimensions(const json& object) {
  std::vector<Dimension> out;
  for (const auto& d : json_array(object, "Dimensions")) out.push_back({json_str(d, "Name"), json_str(d, "Value")});
  return out;
}

std::vector<std::string> read_strings(const json& object, std::string_view key) {
  std::vector<std::string> out;
  for (const auto& v : json_array(object, key)) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace

std::string_view to_string(AlarmState state) {
  switch (state) {
    case AlarmState::ok: return "OK";
    case AlarmState::alarm: return "ALARM";
    case AlarmState::insufficient_data: return "INSUFFICIENT_DATA";
    case AlarmState::unknown: return "UNKNOWN";
  }
  return "UNKNOWN";
}

AlarmState alarm_state_from(std::string_view text) {
  if (text == "OK") return AlarmState::ok;
  if (text == "ALARM") return AlarmState::alarm;
  if (text == "INSUFFICIENT_DATA") return AlarmState::insufficient_data;
  return AlarmState::unknown;
}

// --- PutMetricData ----------------------------------------------------------------------------------

AwsRequest build_put_metric_data(const PutMetricDataRequest& r) {
  json data = json::array();
  for (const MetricDatum& d : r.metric_data) {
    json item = {{"MetricName", d.metric_name}};
    if (!d.dimensions.empty()) item["Dimensions"] = dimensions_json(d.dimensions);
    if (d.value) item["Value"] = *d.value;
    if (d.statistic_values) {
      item["StatisticValues"] = {{"SampleCount", d.statistic_values->sample_count},
                                 {"Sum", d.statistic_values->sum},
                                 {"Minimum", d.statistic_values->minimum},
                                 {"Maximum", d.statistic_values->maximum}};
    }
    if (d.timestamp) item["Timestamp"] = to_epoch_seconds(*d.timestamp);
    if (d.unit) item["Unit"] = *d.unit;
    if (d.storage_resolution) item["StorageResolution"] = *d.storage_resolution;
    data.push_back(std::move(item));
  }
  return request("PutMetricData", {{"Namespace", r.namespace_}, {"MetricData", std::move(data)}});
}

void put_metric_data(AwsClient& client, const PutMetricDataRequest& r, ResultCallback<void> done) {
  call_and_parse<void>(client, kService, build_put_metric_data(r), json_no_result("PutMetricData"), std::move(done));
}

// --- GetMetricData ----------------------------------------------------------------------------------

std::optional<double> MetricDataResult::latest() const {
  if (values.empty()) return std::nullopt;
  if (timestamps.size() != values.size()) return values.front();
  const auto it = std::max_element(timestamps.begin(), timestamps.end());
  return values[static_cast<std::size_t>(it - timestamps.begin())];
}

const MetricDataResult* GetMetricDataResult::find(std::string_view id) const {
  for (const auto& r : results) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

AwsRequest build_get_metric_data(const GetMetricDataRequest& r) {
  json queries = json::array();
  for (const MetricDataQuery& q : r.queries) {
    json item = {{"Id", q.id}};
    if (q.metric_stat) {
      const MetricStat& s = *q.metric_stat;
      json metric = {{"Namespace", s.metric.namespace_}, {"MetricName", s.metric.metric_name}};
      if (!s.metric.dimensions.empty()) metric["Dimensions"] = dimensions_json(s.metric.dimensions);
      json stat = {{"Metric", std::move(metric)}, {"Period", s.period}, {"Stat", s.stat}};
      if (s.unit) stat["Unit"] = *s.unit;
      item["MetricStat"] = std::move(stat);
    }
    if (q.expression) item["Expression"] = *q.expression;
    if (q.label) item["Label"] = *q.label;
    if (q.period) item["Period"] = *q.period;
    item["ReturnData"] = q.return_data;
    queries.push_back(std::move(item));
  }
  json input = {{"MetricDataQueries", std::move(queries)},
                {"StartTime", to_epoch_seconds(r.start_time)},
                {"EndTime", to_epoch_seconds(r.end_time)}};
  if (r.scan_by) input["ScanBy"] = *r.scan_by;
  if (r.max_datapoints) input["MaxDatapoints"] = *r.max_datapoints;
  if (r.next_token) input["NextToken"] = *r.next_token;
  return request("GetMetricData", input);
}

std::expected<GetMetricDataResult, AwsError> parse_get_metric_data(const HttpResponse& response) {
  constexpr std::string_view op = "GetMetricData";
  auto body = parse_json_response(response, op);
  if (!body) return std::unexpected(body.error());
  GetMetricDataResult out;
  for (const auto& r : json_array(*body, "MetricDataResults")) {
    MetricDataResult result;
    result.id = json_str(r, "Id");
    result.label = json_str(r, "Label");
    result.status_code = json_str(r, "StatusCode");
    for (const auto& t : json_array(r, "Timestamps")) {
      auto when = json_time_value(t);
      if (!when) return std::unexpected(make_error(AwsErrorKind::bad_response, std::string(op) + ": a timestamp of " +
                                                                                   result.id + " is unreadable"));
      result.timestamps.push_back(*when);
    }
    for (const auto& v : json_array(r, "Values")) {
      if (!v.is_number()) return std::unexpected(make_error(AwsErrorKind::bad_response, std::string(op) + ": a value of " +
                                                                                            result.id + " is not a number"));
      result.values.push_back(v.get<double>());
    }
    out.results.push_back(std::move(result));
  }
  out.next_token = json_opt_str(*body, "NextToken");
  for (const auto& m : json_array(*body, "Messages")) out.messages.push_back(json_str(m, "Code") + ": " + json_str(m, "Value"));
  return out;
}

void get_metric_data(AwsClient& client, const GetMetricDataRequest& r, ResultCallback<GetMetricDataResult> done) {
  call_and_parse<GetMetricDataResult>(client, kService, build_get_metric_data(r), parse_get_metric_data, std::move(done));
}

// --- PutDashboard -----------------------------------------------------------------------------------

AwsRequest build_put_dashboard(const PutDashboardRequest& r) {
  return request("PutDashboard", {{"DashboardName", r.dashboard_name}, {"DashboardBody", r.dashboard_body}});
}

std::expected<PutDashboardResult, AwsError> parse_put_dashboard(const HttpResponse& response) {
  auto body = parse_json_response(response, "PutDashboard");
  if (!body) return std::unexpected(body.error());
  PutDashboardResult out;
  for (const auto& m : json_array(*body, "DashboardValidationMessages")) {
    out.validation_messages.push_back({json_str(m, "DataPath"), json_str(m, "Message")});
  }
  return out;
}

void put_dashboard(AwsClient& client, const PutDashboardRequest& r, ResultCallback<PutDashboardResult> done) {
  call_and_parse<PutDashboardResult>(client, kService, build_put_dashboard(r), parse_put_dashboard, std::move(done));
}

// --- GetDashboard -----------------------------------------------------------------------------------

AwsRequest build_get_dashboard(const std::string& dashboard_name) {
  return request("GetDashboard", {{"DashboardName", dashboard_name}});
}

std::expected<Dashboard, AwsError> parse_get_dashboard(const HttpResponse& response) {
  constexpr std::string_view op = "GetDashboard";
  auto body = parse_json_response(response, op);
  if (!body) return std::unexpected(body.error());
  Dashboard out{json_str(*body, "DashboardName"), json_str(*body, "DashboardArn"), json_str(*body, "DashboardBody")};
  if (out.dashboard_body.empty()) return std::unexpected(missing_field(op, "DashboardBody"));
  return out;
}

void get_dashboard(AwsClient& client, const std::string& dashboard_name, ResultCallback<Dashboard> done) {
  call_and_parse<Dashboard>(client, kService, build_get_dashboard(dashboard_name), parse_get_dashboard, std::move(done));
}

// --- PutMetricAlarm ---------------------------------------------------------------------------------

AwsRequest build_put_metric_alarm(const PutMetricAlarmRequest& r) {
  json input = {{"AlarmName", r.alarm_name},
                {"Namespace", r.namespace_},
                {"MetricName", r.metric_name},
                {"Period", r.period},
                {"EvaluationPeriods", r.evaluation_periods},
                {"Threshold", r.threshold},
                {"ComparisonOperator", r.comparison_operator}};
  if (r.alarm_description) input["AlarmDescription"] = *r.alarm_description;
  if (!r.dimensions.empty()) input["Dimensions"] = dimensions_json(r.dimensions);
  if (r.statistic) input["Statistic"] = *r.statistic;
  if (r.extended_statistic) input["ExtendedStatistic"] = *r.extended_statistic;
  if (r.datapoints_to_alarm) input["DatapointsToAlarm"] = *r.datapoints_to_alarm;
  if (r.treat_missing_data) input["TreatMissingData"] = *r.treat_missing_data;
  if (r.unit) input["Unit"] = *r.unit;
  if (r.actions_enabled) input["ActionsEnabled"] = *r.actions_enabled;
  if (!r.alarm_actions.empty()) input["AlarmActions"] = r.alarm_actions;
  if (!r.ok_actions.empty()) input["OKActions"] = r.ok_actions;
  if (!r.insufficient_data_actions.empty()) input["InsufficientDataActions"] = r.insufficient_data_actions;
  return request("PutMetricAlarm", input);
}

void put_metric_alarm(AwsClient& client, const PutMetricAlarmRequest& r, ResultCallback<void> done) {
  call_and_parse<void>(client, kService, build_put_metric_alarm(r), json_no_result("PutMetricAlarm"), std::move(done));
}

// --- DescribeAlarms ---------------------------------------------------------------------------------

AwsRequest build_describe_alarms(const DescribeAlarmsRequest& r) {
  json input = json::object();
  if (!r.alarm_names.empty()) input["AlarmNames"] = r.alarm_names;
  if (r.alarm_name_prefix) input["AlarmNamePrefix"] = *r.alarm_name_prefix;
  if (r.state_value) input["StateValue"] = std::string(to_string(*r.state_value));
  if (!r.alarm_types.empty()) input["AlarmTypes"] = r.alarm_types;
  if (r.max_records) input["MaxRecords"] = *r.max_records;
  if (r.next_token) input["NextToken"] = *r.next_token;
  return request("DescribeAlarms", input);
}

std::expected<DescribeAlarmsResult, AwsError> parse_describe_alarms(const HttpResponse& response) {
  auto body = parse_json_response(response, "DescribeAlarms");
  if (!body) return std::unexpected(body.error());
  DescribeAlarmsResult out;
  for (const auto& a : json_array(*body, "MetricAlarms")) {
    MetricAlarm alarm;
    alarm.alarm_name = json_str(a, "AlarmName");
    alarm.alarm_arn = json_str(a, "AlarmArn");
    alarm.state = alarm_state_from(json_str(a, "StateValue"));
    alarm.state_reason = json_str(a, "StateReason");
    alarm.state_updated = json_time(a, "StateUpdatedTimestamp");
    alarm.namespace_ = json_str(a, "Namespace");
    alarm.metric_name = json_str(a, "MetricName");
    alarm.dimensions = read_dimensions(a);
    alarm.statistic = json_opt_str(a, "Statistic");
    alarm.threshold = json_double(a, "Threshold");
    alarm.comparison_operator = json_str(a, "ComparisonOperator");
    alarm.period = json_int(a, "Period");
    alarm.evaluation_periods = json_int(a, "EvaluationPeriods");
    alarm.actions_enabled = json_bool(a, "ActionsEnabled").value_or(false);
    alarm.alarm_actions = read_strings(a, "AlarmActions");
    alarm.alarm_description = json_opt_str(a, "AlarmDescription");
    alarm.extended_statistic = json_opt_str(a, "ExtendedStatistic");
    alarm.datapoints_to_alarm = json_int(a, "DatapointsToAlarm");
    alarm.treat_missing_data = json_opt_str(a, "TreatMissingData");
    alarm.unit = json_opt_str(a, "Unit");
    alarm.ok_actions = read_strings(a, "OKActions");
    alarm.insufficient_data_actions = read_strings(a, "InsufficientDataActions");
    out.metric_alarms.push_back(std::move(alarm));
  }
  for (const auto& a : json_array(*body, "CompositeAlarms")) {
    CompositeAlarm alarm;
    alarm.alarm_name = json_str(a, "AlarmName");
    alarm.alarm_arn = json_str(a, "AlarmArn");
    alarm.state = alarm_state_from(json_str(a, "StateValue"));
    alarm.state_reason = json_str(a, "StateReason");
    alarm.alarm_rule = json_str(a, "AlarmRule");
    out.composite_alarms.push_back(std::move(alarm));
  }
  out.next_token = json_opt_str(*body, "NextToken");
  return out;
}

void describe_alarms(AwsClient& client, const DescribeAlarmsRequest& r, ResultCallback<DescribeAlarmsResult> done) {
  call_and_parse<DescribeAlarmsResult>(client, kService, build_describe_alarms(r), parse_describe_alarms, std::move(done));
}

// --- SetAlarmState ----------------------------------------------------------------------------------

AwsRequest build_set_alarm_state(const SetAlarmStateRequest& r) {
  json input = {{"AlarmName", r.alarm_name}, {"StateValue", std::string(to_string(r.state))}, {"StateReason", r.state_reason}};
  if (r.state_reason_data) input["StateReasonData"] = *r.state_reason_data;
  return request("SetAlarmState", input);
}

void set_alarm_state(AwsClient& client, const SetAlarmStateRequest& r, ResultCallback<void> done) {
  call_and_parse<void>(client, kService, build_set_alarm_state(r), json_no_result("SetAlarmState"), std::move(done));
}

}  // namespace rg::aws::cloudwatch
