#pragma once
// What `regionguard cloudwatch apply` puts in CloudWatch, built from the configuration alone
// (pure, so a test can read it): the dashboard of the seed's live_dashboard.py (DNS health,
// region scores, cascade risk, failover state, response times per region, and the dependency
// map as markdown) over the metrics CloudWatchPublisher publishes, and alarms on the critical
// thresholds, each notifying cloudwatch.alarm_actions on ALARM and on OK.
//
// And how to tell whether what CloudWatch has already is the same: apply puts only what differs.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aws/cloudwatch_api.h"
#include "config/config.h"

namespace rg {

// The seed's alarm: DNS success rate below 90%.
inline constexpr double kDnsSuccessAlarmPercent = 90;
// Region score alarm when no application names a health_threshold for the region.
inline constexpr int kDefaultScoreThreshold = 70;
// Cascade risk alarm when no cascade_risk alert rule names a threshold.
inline constexpr double kDefaultCascadeThreshold = 50;

struct CloudWatchResources {
  std::string region;
  aws::cloudwatch::PutDashboardRequest dashboard;
  std::vector<aws::cloudwatch::PutMetricAlarmRequest> alarms;  // names unique, in a stable order
};

// The period of dashboards and alarms: a minute, or the publishing interval rounded up to whole
// minutes when it is longer (a period without data would read as missing).
int metric_period_seconds(const Config& config);

nlohmann::json dashboard_body(const Config& config);
// The "Service dependencies" widget's text.
std::string dependencies_markdown(const Config& config);
std::vector<aws::cloudwatch::PutMetricAlarmRequest> alarm_requests(const Config& config);
CloudWatchResources cloudwatch_resources(const Config& config);

// True when the dashboard CloudWatch holds is `desired` (compared as JSON, not as text).
bool same_dashboard(const std::string& current_body, const std::string& desired_body);
// The settings of `existing` that differ from `desired` ("threshold", "alarm_actions"...); empty
// when the alarm is already as desired. Lists of actions and dimensions compare as sets.
std::vector<std::string> alarm_differences(const aws::cloudwatch::PutMetricAlarmRequest& desired,
                                           const aws::cloudwatch::MetricAlarm& existing);

}  // namespace rg
