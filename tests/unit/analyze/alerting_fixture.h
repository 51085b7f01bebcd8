#pragma once
// What the cascade-risk and alert-engine tests share: a configuration in the shape of the
// default one (DynamoDB critical, the October 2025 dependency map) and endpoint states to narrate
// rounds with.
#include <string>
#include <vector>

#include "analyze/health_summary.h"
#include "config/alerts_reader.h"
#include "config/config.h"

namespace rg::test {

inline Config alerting_config() {
  Config config;
  config.regions = {"us-east-1", "us-west-2"};
  const auto service = [](std::string name, Priority priority) {
    ServiceConfig s;
    s.name = name;
    s.display_name = name;
    s.priority = priority;
    return s;
  };
  config.services = {service("dynamodb", Priority::critical), service("lambda", Priority::high),
                     service("ec2", Priority::high), service("elbv2", Priority::medium), service("s3", Priority::low)};
  config.dependencies = default_dependencies();
  config.dependencies.applications = {{"checkout", {"lambda", "elbv2"}}, {"reports", {"s3"}}};
  config.dependencies.runbooks = {{"dynamodb", "Shift writes to us-west-2; pause batch jobs."}};
  config.alerts.rules = default_alert_rules(3);
  config.alerts.group_wait = std::chrono::seconds(10);
  config.alerts.repeat_interval = std::chrono::hours(1);
  return config;
}

// One endpoint per service and region: id "SERVICE.REGION".
inline EndpointState endpoint_state(const std::string& service, const std::string& region,
                                    HealthStatus status = HealthStatus::healthy,
                                    FailureKind failure = FailureKind::none) {
  EndpointState s;
  s.endpoint_id = service + "." + region;
  s.hostname = s.endpoint_id;
  s.service = service;
  s.service_display = service;
  s.region = region;
  s.status = status;
  s.success = failure == FailureKind::none;
  s.failure = failure;
  return s;
}

}  // namespace rg::test
