#pragma once
// Why a probe failed, by name. A probe failure is data: every failed result carries one of these,
// and the names are what users see in JSON, logs, the store and alerts.
#include <optional>
#include <string_view>

namespace rg {

enum class FailureKind {
  none,             // the probe succeeded
  timeout,          // no answer within the probe's timeout
  servfail,         // DNS rcode SERVFAIL
  nxdomain,         // DNS rcode NXDOMAIN: the name does not exist
  nodata,           // NOERROR with no records of the asked type (dynamodb.us-east-1, October 2025)
  refused,          // DNS rcode REFUSED
  network,          // the resolver could not be reached (ICMP unreachable, connection refused, no route)
  malformed,        // the answer could not be parsed, or carried another rcode we do not expect
  answer_mismatch,  // an answer outside the expected addresses / CIDRs
  too_few_answers,  // fewer records than the endpoint's min_answers
  // HTTP and TCP checks
  dns,               // the target's name did not resolve
  connect_refused,   // nothing listens on the port (TCP RST to our SYN)
  connection_reset,  // the connection was reset or closed before a complete response
  tls,               // TLS handshake or certificate verification failed
  status,            // an HTTP status outside the expected ones (or too many redirects)
  body_mismatch,     // the match string or regex is not in the first 5,120 bytes of the body
  inverted,          // an inverted check whose target answered correctly (Route 53 `inverted`)
  // calculated checks
  children,          // fewer healthy child checks than required
  // AWS resource checks (EC2, ELB target groups, RDS, ECS, Auto Scaling, CloudWatch alarms)
  resource_state,    // the resource is not in its working state (instance stopped, DB not available)
  status_checks,     // EC2 system or instance status check not ok
  capacity,          // fewer healthy units than required (targets, tasks, in-service instances)
  replica_lag,       // RDS replica lag (CloudWatch ReplicaLag) above the check's maximum
  alarm,             // a CloudWatch alarm in state ALARM
  not_found,         // the resource does not exist (in that region)
  aws_api,           // the AWS call failed: permissions, throttling, an unreadable answer
};

std::string_view to_string(FailureKind kind);
std::optional<FailureKind> failure_kind_from_string(std::string_view name);

}  // namespace rg
