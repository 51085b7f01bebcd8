#pragma once
// Turns one probe result into the seed's three-band status. Pure: the thresholds are passed in
// (Config::thresholds_for(endpoint) picks the service override, e.g. DynamoDB's 50/100 ms).
#include "config/config.h"
#include "core/health_status.h"
#include "core/probe_result.h"

namespace rg {

// A failed probe is critical whatever its latency: a fast SERVFAIL or empty answer is still an
// outage (dynamodb.us-east-1, October 2025). Otherwise latency <= healthy_max is healthy,
// <= warning_max is warning, anything slower is critical. Both bounds are inclusive. A success
// that carries warnings (ProbeResult::warnings) is at least a warning.
HealthStatus classify(const ProbeResult& result, const Thresholds& thresholds);

// AWS resource checks: the latency of a describe call says nothing about the resource, so only
// the result counts. A failure is critical, a success with warnings (a target not healthy, no
// headroom to scale) a warning, else healthy.
HealthStatus classify_resource(const ProbeResult& result);

}  // namespace rg
