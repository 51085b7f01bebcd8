#pragma once
// What one probe of one endpoint produced. Probes never throw: every outcome, good or bad, is one
// of these values (Gatus config/endpoint/result.go; blackbox's probe_*{phase} metrics).
#include <chrono>
#include <cstdint>
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
};

}  // namespace rg
