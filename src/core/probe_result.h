#pragma once
// What one probe of one endpoint produced. Probes never throw: every outcome, good or bad, is one
// of these values (Gatus config/endpoint/result.go; blackbox's probe_*{phase} metrics).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/failure_kind.h"
#include "core/time.h"

namespace rg {

// One resource record of the answer section, as text ("192.0.2.1", "2001:db8::1", "target.example.").
struct DnsAnswer {
  std::string type;  // "A", "AAAA", "CNAME", ...
  std::string data;
  std::uint32_t ttl = 0;
  friend bool operator==(const DnsAnswer&, const DnsAnswer&) = default;
};

// Per-phase timings of an HTTP or TCP check, each measured from the start of the check (as curl
// reports them; blackbox_exporter's probe_http_duration_seconds{phase} splits them the same way).
// A phase that did not happen (no TLS on http://) is zero.
struct HttpPhases {
  std::chrono::microseconds dns{0};         // name resolved
  std::chrono::microseconds connect{0};     // TCP connected
  std::chrono::microseconds tls{0};         // TLS handshake done
  std::chrono::microseconds first_byte{0};  // first byte of the response
  std::chrono::microseconds total{0};
  friend bool operator==(const HttpPhases&, const HttpPhases&) = default;
};

struct HttpDetails {
  int status_code = 0;  // 0 when no response arrived (or for TCP checks)
  HttpPhases phases;
  std::string remote_address;                // the address actually connected to
  std::optional<int> certificate_days_left;  // leaf certificate, https:// and TLS TCP checks
  bool tls_verified = false;                 // the certificate was verified (verification on)
  int redirects = 0;
  friend bool operator==(const HttpDetails&, const HttpDetails&) = default;
};

// What an AWS resource check found. Single resources (an instance, a DB, an alarm) count as one
// unit: healthy 1 of expected 1 when working.
struct ResourceDetails {
  std::string state;  // the resource's own state: "running", "available", "ALARM", "ACTIVE"
  int healthy = 0;    // serving units: healthy targets, running tasks, in-service instances
  int expected = 0;   // units there should be: registered targets, desired count
  std::optional<int> headroom;                // autoscaling_group: max size minus desired
  std::optional<double> replica_lag_seconds;  // rds read replicas, from CloudWatch ReplicaLag
  friend bool operator==(const ResourceDetails&, const ResourceDetails&) = default;
};

struct ProbeResult {
  std::string endpoint_id;
  TimePoint started_at{};
  bool success = false;
  FailureKind failure = FailureKind::none;
  std::chrono::microseconds latency{0};
  int rcode = -1;            // DNS rcode of the answer; -1 when no answer arrived
  bool used_tcp = false;     // the UDP answer was truncated and the query was retried over TCP
  std::vector<DnsAnswer> answers;
  std::string error;         // human-readable detail of a failure, empty on success
  std::optional<HttpDetails> http;     // HTTP and TCP checks only
  std::optional<ResourceDetails> resource;  // AWS resource checks only
  // Things wrong that are not failures (a certificate close to expiry): the status is at least
  // a warning while any is present.
  std::vector<std::string> warnings;
};

}  // namespace rg
