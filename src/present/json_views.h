#pragma once
// The JSON objects of docs/api.md, built from analysis values: one builder per object, shared by
// the REST API, the WebSocket stream and `regionguard probe --json`, so every view of an endpoint,
// a region or the summary is the same object. Times are ISO 8601 UTC with milliseconds; durations
// are milliseconds as numbers.
#include <nlohmann/json.hpp>

#include "analyze/anomaly_signal.h"
#include "analyze/round_analyzer.h"
#include "config/config.h"

namespace rg {

double to_ms(std::chrono::microseconds duration);

// An endpoint as GET /api/v1/endpoints lists it. `latest` is the result behind `state` (answers,
// rcode, error, warnings, HTTP details); without it those fields are empty or null.
nlohmann::json endpoint_json(const EndpointState& state, const ProbeResult* latest, ProbeKind kind);

// An endpoint never probed yet: identity from the configuration, `status` and every result
// field null. `service` may be null (its name then stands in for the display name).
nlohmann::json unprobed_endpoint_json(const EndpointConfig& endpoint, const ServiceConfig* service);

// {"status", "remote_address", "tls_verified", "redirects", "certificate_days_left", "phases_ms"}
nlohmann::json http_details_json(const HttpDetails& http);

// {"state", "healthy", "expected", "headroom", "replica_lag_seconds"}: what an AWS resource check counted.
nlohmann::json resource_details_json(const ResourceDetails& resource);

// {"total", "healthy", "warning", "critical", "average_latency_ms", "uptime_percent"}: the counts
// part of GET /api/v1/summary and the "summary" of `probe --json`.
nlohmann::json summary_counts_json(const HealthSummary& summary);

// {"region", "healthy", "total", "status", "health_score"}, plus "services" (GET /api/v1/regions) when asked.
nlohmann::json region_json(const RegionSummary& region, bool with_services);

// {"service", "display_name", "status", "average_latency_ms", "endpoints", "healthy"}
nlohmann::json service_json(const ServiceSummary& service);

// {"kind", "endpoint", "at", "message"}
nlohmann::json event_json(const EndpointEvent& event);
// {"kind", "severity", "at", "endpoint", "region", "endpoints", "score", "message"}
nlohmann::json anomaly_json(const AnomalySignal& signal);

}  // namespace rg
