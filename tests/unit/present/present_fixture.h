#pragma once
// A small monitored world for the present/ tests: two regions, two services, four endpoints (one
// of them HTTP, one never probed), and one analysed round of results.
#include <chrono>
#include <string>
#include <vector>

#include "analyze/round_analyzer.h"
#include "config/config.h"
#include "core/time.h"

namespace rg::test {

using namespace std::chrono_literals;

// 2026-01-01T00:00:00Z
inline const TimePoint kNewYear = from_unix_us(1'767'225'600'000'000);

inline EndpointConfig make_endpoint(std::string id, std::string service, std::string region,
                                    ProbeKind kind = ProbeKind::dns) {
  EndpointConfig endpoint;
  endpoint.id = id;
  endpoint.hostname = kind == ProbeKind::http ? "https://app.example.com/health" : id + ".amazonaws.com";
  endpoint.service = std::move(service);
  endpoint.region = std::move(region);
  endpoint.kind = kind;
  return endpoint;
}

inline Config make_config() {
  Config config;
  config.source_file = "test.yaml";
  config.regions = {"us-east-1", "eu-west-1"};
  config.services = {{"dynamodb", "DYNAMODB", Priority::critical, Thresholds{50ms, 100ms}, {}},
                     {"s3", "S3", Priority::medium, std::nullopt, {}}};
  config.endpoints = {make_endpoint("dynamodb.us-east-1", "dynamodb", "us-east-1"),
                      make_endpoint("s3.us-east-1", "s3", "us-east-1"),
                      make_endpoint("app/health", "s3", "eu-west-1", ProbeKind::http),
                      make_endpoint("dynamodb.eu-west-1", "dynamodb", "eu-west-1")};
  return config;
}

inline ProbeResult dns_answer(std::string id, TimePoint at, std::chrono::microseconds latency, std::string address) {
  ProbeResult result;
  result.endpoint_id = std::move(id);
  result.started_at = at;
  result.success = true;
  result.latency = latency;
  result.rcode = 0;
  result.answers = {{"A", std::move(address), 60}};
  return result;
}

inline ProbeResult dns_nodata(std::string id, TimePoint at) {
  ProbeResult result;
  result.endpoint_id = std::move(id);
  result.started_at = at;
  result.success = false;
  result.failure = FailureKind::nodata;
  result.latency = 1200us;
  result.rcode = 0;
  result.error = "NOERROR with no A records";
  return result;
}

inline ProbeResult http_ok(std::string id, TimePoint at) {
  ProbeResult result;
  result.endpoint_id = std::move(id);
  result.started_at = at;
  result.success = true;
  result.latency = 80ms;
  result.http = HttpDetails{200, HttpPhases{2ms, 10ms, 40ms, 70ms, 80ms}, "192.0.2.7", 41, true, 0};
  return result;
}

// The round every test starts from: dynamodb.us-east-1 healthy (20 ms), s3.us-east-1 critical
// (an empty answer), app/health healthy (HTTP 200 in 80 ms), dynamodb.eu-west-1 not probed.
inline std::vector<ProbeResult> first_round(TimePoint at = kNewYear) {
  return {dns_answer("dynamodb.us-east-1", at, 20ms, "192.0.2.10"), dns_nodata("s3.us-east-1", at),
          http_ok("app/health", at)};
}

}  // namespace rg::test
