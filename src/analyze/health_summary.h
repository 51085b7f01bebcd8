#pragma once
// The seed's summary views (overall counts, per region, per service within a region) built from
// the latest classified result of every endpoint. Pure: the caller gathers the states (latest
// result, its status, uptime counts from the store) and passes them in.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/failure_kind.h"
#include "core/health_status.h"
#include "core/observation.h"
#include "core/probe_result.h"
#include "core/time.h"

namespace rg {

// One row of the seed's endpoint table.
struct EndpointState {
  std::string endpoint_id;
  std::string hostname;
  std::string service;          // ServiceConfig::name, e.g. "dynamodb"
  std::string service_display;  // ServiceConfig::display_name, e.g. "DYNAMODB"
  std::string region;
  HealthStatus status = HealthStatus::critical;
  bool success = false;
  FailureKind failure = FailureKind::none;
  std::chrono::microseconds latency{0};
  std::string first_address;  // the seed's "IP" column; empty when there was no answer
  TimePoint last_check{};
  // How often the check runs (EndpointConfig::interval): a state much older than this is stale,
  // and the failover policy treats its region as unreported rather than as it last looked.
  std::chrono::milliseconds interval{10'000};
  // Counts over the uptime window, not a percentage, so the overall figure can weight endpoints
  // by their number of checks.
  UptimeStats uptime;
  ProbeKind kind = ProbeKind::dns;           // for the region health score's weights
  Priority priority = Priority::medium;      // its service's, weighing the check in the region score
  std::optional<ResourceDetails> resource;  // AWS resource checks: the units counted

  std::optional<double> uptime_percent() const { return uptime.uptime_percent(); }
};

struct ServiceSummary {
  std::string service;
  std::string display_name;
  HealthStatus status = HealthStatus::healthy;  // worst of its endpoints
  std::chrono::microseconds average_latency{0};  // successful probes only; 0 when none succeeded
  int endpoints = 0;
  int healthy = 0;
};

struct RegionSummary {
  std::string region;
  int healthy = 0;
  int total = 0;
  HealthStatus status = HealthStatus::healthy;  // worst of its endpoints
  std::vector<ServiceSummary> services;          // in first-seen order
  std::optional<double> health_score;            // 0-100 (region_score.h); set by RoundAnalyzer
};

struct HealthSummary {
  int total = 0;
  int healthy = 0;
  int warning = 0;
  int critical = 0;
  std::chrono::microseconds average_latency{0};  // successful probes only; 0 when none succeeded
  std::vector<RegionSummary> regions;
  std::optional<double> uptime_percent;  // all endpoints' counts added; nullopt without data
};

// Fills a row from an endpoint's configuration and its latest result. `service` may be null (an
// endpoint whose service is not configured): the service name then stands in for its display name.
EndpointState make_endpoint_state(const EndpointConfig& endpoint, const ServiceConfig* service,
                                  const ProbeResult& latest, HealthStatus status,
                                  const UptimeStats& uptime);

// Regions come in `region_order` (the config's order); a region that has states but is missing
// from that list follows, in first-seen order. A region with no states is left out: HealthStatus
// has no "unknown", and showing an unmonitored region as healthy 0/0 would mislead.
HealthSummary summarize(const std::vector<EndpointState>& states,
                        const std::vector<std::string>& region_order);

}  // namespace rg
