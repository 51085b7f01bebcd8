#pragma once
// The typed, validated configuration model. Loading (config_loader.h) turns YAML into this and
// reports every problem with file:line:col and the path of the value; everything downstream may
// assume these values are valid.
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/application_config.h"
#include "config/cluster_config.h"
#include "config/config_error.h"
#include "config/jobs_config.h"
#include "config/network_address.h"
#include "core/alert.h"  // AlertSeverity

namespace rg {

using Millis = std::chrono::milliseconds;

// Where a value came from, kept for messages that point back into the file.
struct SourceMark {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  friend bool operator==(const SourceMark&, const SourceMark&) = default;
};

// Latency bands: healthy when latency <= healthy_max, warning when <= warning_max, else critical.
// Any probe failure is critical whatever its latency.
struct Thresholds {
  Millis healthy_max{100};
  Millis warning_max{200};
  friend bool operator==(const Thresholds&, const Thresholds&) = default;
};

enum class Priority { low, medium, high, critical };

struct ServiceConfig {
  std::string name;          // key used by endpoints, e.g. "dynamodb"
  std::string display_name;  // shown in tables, e.g. "DYNAMODB"
  Priority priority = Priority::medium;
  std::optional<Thresholds> thresholds;  // overrides the global thresholds when set
  SourceMark mark;
  friend bool operator==(const ServiceConfig&, const ServiceConfig&) = default;
};

enum class ProbeKind {
  dns, http, tcp, calculated,
  // AWS resource checks (aws_check_reader.h): one resource each, through the AWS API
  ec2, elb_target_group, rds, ecs_service, autoscaling_group, cloudwatch_alarm,
};

// True for the AWS resource kinds, whose status comes from the resource, not from latency.
constexpr bool is_aws_kind(ProbeKind kind) { return kind >= ProbeKind::ec2; }

// One AWS resource to check, in the endpoint's region (aws_check_reader.h has the keys).
struct AwsCheckOptions {
  std::string resource;  // instance id, target group ARN or name, DB instance id, service, group or alarm name
  std::string cluster = "default";  // ecs_service
  int min_healthy_percent = 100;    // elb_target_group, ecs_service, autoscaling_group
  std::optional<Millis> max_replica_lag;  // rds: lag above this fails; unset: reported, not judged
  int min_headroom = 1;  // autoscaling_group: max - desired below this is a warning (cannot scale out)
  friend bool operator==(const AwsCheckOptions&, const AwsCheckOptions&) = default;
};

// DNS record types we query. Kept as the numeric RR type plus its mnemonic.
struct RecordType {
  std::uint16_t code = 1;  // ns_t_a
  std::string name = "A";
  friend bool operator==(const RecordType&, const RecordType&) = default;
};

struct DnsProbeOptions {
  RecordType record_type;
  // Servers to ask. Empty: the system's resolvers (/etc/resolv.conf), as an application would.
  std::vector<NetworkAddress> resolvers;
  bool tcp_fallback = true;              // retry over TCP when the UDP answer is truncated
  std::vector<Cidr> expected_addresses;  // each answer address must fall in one of these; empty = any
  int min_answers = 1;                   // fewer records than this is a failure (too_few_answers)
  bool report_answer_changes = true;     // log/record a change of the answer set or TTL as an event
  friend bool operator==(const DnsProbeOptions&, const DnsProbeOptions&) = default;
};

// Status codes accepted as healthy, as inclusive ranges. Default 200-399: Route 53 counts 2xx and
// 3xx as healthy.
struct StatusRange {
  int first = 200;
  int last = 399;
  friend bool operator==(const StatusRange&, const StatusRange&) = default;
};

// Route 53 reads the first 5,120 bytes of the body when a check has a search string.
inline constexpr std::size_t kBodyMatchWindow = 5120;

struct HttpProbeOptions {
  std::string url;  // http:// or https://
  std::string method = "GET";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::vector<StatusRange> expected_status{StatusRange{}};
  std::string match;        // a string that must appear in the first 5,120 bytes of the body
  std::string match_regex;  // ECMAScript regex that must match within those bytes
  bool follow_redirects = false;  // off, as Route 53: a 3xx is itself a healthy answer
  bool verify_tls = true;         // Route 53 does not verify certificates; we do unless told not to
  std::string ca_file;            // extra CA bundle (PEM) to verify against
  int certificate_warning_days = 14;
  // Connect to this address instead of resolving the URL's host, keeping Host and SNI: one check
  // per address of a multi-address name. Empty: resolve normally.
  std::string connect_address;
  friend bool operator==(const HttpProbeOptions&, const HttpProbeOptions&) = default;
};

struct TcpProbeOptions {
  std::string host;
  std::uint16_t port = 0;
  bool tls = false;  // also complete a TLS handshake (tls:// targets)
  bool verify_tls = true;
  std::string ca_file;
  int certificate_warning_days = 14;
  friend bool operator==(const TcpProbeOptions&, const TcpProbeOptions&) = default;
};

// Healthy when at least `healthy_threshold` of the child checks are up (Route 53 calculated checks).
struct CalculatedOptions {
  std::vector<std::string> children;  // endpoint ids
  int healthy_threshold = 1;
  friend bool operator==(const CalculatedOptions&, const CalculatedOptions&) = default;
};

struct EndpointConfig {
  std::string id;        // unique; defaults to the hostname (plus "/TYPE" when not A)
  std::string hostname;  // what is probed: a DNS name, or the URL of an HTTP/TCP check
  std::string service;   // a ServiceConfig name
  std::string region;    // one of Config::regions
  ProbeKind kind = ProbeKind::dns;
  DnsProbeOptions dns;
  HttpProbeOptions http;
  TcpProbeOptions tcp;
  CalculatedOptions calculated;
  AwsCheckOptions aws;
  bool inverted = false;  // healthy when the check fails (Route 53 `inverted`)
  // Route 53's failure_threshold: consecutive results to go down and to come back up. Unset: the
  // global hysteresis (fall/rise) for DNS endpoints, 3 for HTTP, TCP and calculated checks.
  std::optional<int> failure_threshold;
  Millis interval{10'000};
  Millis timeout{5'000};
  SourceMark mark;
  friend bool operator==(const EndpointConfig&, const EndpointConfig&) = default;
};

// Consecutive-result hysteresis: `fall` failures in a row to go down, `rise` successes to come back.
struct HysteresisConfig {
  int fall = 3;
  int rise = 2;
  friend bool operator==(const HysteresisConfig&, const HysteresisConfig&) = default;
};

struct StoreConfig {
  std::string path = "regionguard.db";
  int raw_retention_days = 7;       // raw observations kept this long
  int rollup_retention_days = 90;   // per-minute rollups kept this long
  Millis flush_interval{1'000};     // batched writes: at most this old before they are written
  int batch_size = 500;             // ... or this many rows, whichever comes first
  friend bool operator==(const StoreConfig&, const StoreConfig&) = default;
};

// The HTTP/WebSocket server of `regionguard run` (REST API, /metrics, dashboard): docs/api.md.
struct ServerTlsConfig {
  std::string cert;  // PEM certificate (chain) file, resolved against the config file's directory
  std::string key;   // PEM private key file, the same way
  friend bool operator==(const ServerTlsConfig&, const ServerTlsConfig&) = default;
};

struct ServerConfig {
  NetworkAddress listen{"127.0.0.1", 8080};
  std::optional<ServerTlsConfig> tls;  // plain HTTP when unset
  // Bearer token for state-changing requests (and reads with auth_reads). At most one of the two
  // is set; token_file is read when the server starts (config/ reads no other file). Neither:
  // state-changing requests are refused (401), never open.
  std::string token;
  std::string token_file;  // resolved against the config file's directory
  bool auth_reads = false;  // reads need the token too
  std::string web_root;     // the built dashboard; default ../web/dist next to the config file, else the installed one
  int max_clients = 1024;   // open connections (HTTP and WebSocket together)
  // Open connections from one client address (an IPv6 client: its /64), so that one source
  // cannot take every connection. /healthz, /readyz and /gate keep a small reserve beyond both.
  int max_clients_per_address = 64;
  Millis header_timeout{10'000};         // a request's header must arrive whole within this (408)
  Millis websocket_max_age{3'600'000};   // a WebSocket session is then closed; the dashboard reconnects
  // Host names (lower case, no port) that requests may carry besides IP literals, `localhost`
  // and the listen address: anything else is refused (421), against DNS rebinding.
  std::vector<std::string> allowed_hosts;
  // The data-plane gate's own listener: /gate/{app}/{region} only, its own connection budget, a
  // 2 s header timeout and an optional source allowlist. Unset: /gate is served on `listen`.
  std::optional<NetworkAddress> gate_listen;
  int gate_max_clients = 1024;
  std::vector<Cidr> gate_allow;  // sources gate_listen answers (e.g. Route 53's checkers); empty: any
  SourceMark mark;          // of the section, for start-up errors
  friend bool operator==(const ServerConfig&, const ServerConfig&) = default;
};

// Cascade risk: what depends on what inside one region, and what to do when a service fails.
// Absent from the file: the defaults of October 2025 (config_defaults in alerts_reader.cpp).
struct DependencyConfig {
  std::map<std::string, std::vector<std::string>> services;      // service -> services it depends on
  std::map<std::string, std::vector<std::string>> applications;  // application -> services it uses
  std::map<std::string, std::string> runbooks;                   // service -> recommended actions
  friend bool operator==(const DependencyConfig&, const DependencyConfig&) = default;
};

enum class AlertRuleType { status, consecutive_failures, anomaly, cascade_risk, answer_change, failover };

struct AlertRuleConfig {
  std::string name;  // unique; part of every alert's identity
  AlertRuleType type = AlertRuleType::status;
  AlertSeverity severity = AlertSeverity::warning;
  Millis for_duration{0};  // the condition must hold this long before the alert fires
  std::map<std::string, std::string> labels;
  std::string service;  // only endpoints of this service (empty: any)
  std::string region;   // only this region (empty: any)
  int status = 1;       // status rule: HealthStatus at or above (1 warning, 2 critical)
  int count = 3;        // consecutive_failures rule
  double threshold = 50;  // cascade_risk: score at or above (0-100)
  SourceMark mark;
  friend bool operator==(const AlertRuleConfig&, const AlertRuleConfig&) = default;
};

struct NotifierConfig {
  enum class Kind { webhook, slack, sns, email };
  std::string name;
  Kind kind = Kind::webhook;
  std::string url;  // webhook/slack: http(s)://; email: smtp(s)://host:port
  std::string topic_arn;                 // sns
  std::string region;                    // sns: the topic's region (default: from the ARN)
  std::string endpoint;                  // sns: endpoint override (tests, VPC endpoints)
  std::string from;                      // email
  std::vector<std::string> to;           // email
  AlertSeverity min_severity = AlertSeverity::info;
  Millis timeout{10'000};  // one attempt
  int attempts = 5;        // then the notification is reported as failed
  Millis backoff{1'000};   // doubled after every failed attempt
  SourceMark mark;
  friend bool operator==(const NotifierConfig&, const NotifierConfig&) = default;
};

struct AlertsConfig {
  std::vector<AlertRuleConfig> rules;
  Millis group_wait{10'000};            // a new group waits this long so that its alerts go out together
  Millis repeat_interval{4 * 3'600'000};  // a group still firing is sent again this often
  friend bool operator==(const AlertsConfig&, const AlertsConfig&) = default;
};

// Anomaly detection (`anomaly:`): the Isolation Forest refitted on stored history, and the
// per-endpoint latency and error-rate baselines. src/config/anomaly_reader.cpp reads it.
struct AnomalyConfig {
  bool enabled = true;
  Millis window{24 * 3'600'000};         // the forest trains on stored raw observations this old
  Millis refit_interval{10 * 60'000};    // refitted this often, off the event loop
  int max_rows = 100'000;                // training rows at most; the newest are kept
  // Share of the training window the forest calls anomalous; nullopt = scikit-learn's "auto".
  // 0.01, not the forest's 0.1: fitted on a window and judging new rounds, 0.1 flags ~10% of a
  // normal round, so "more than 10%" would fire on a third of normal 21-endpoint rounds.
  std::optional<double> contamination = 0.01;
  double threshold_percent = 10.0;       // more than this share of a round anomalous: a high signal
  double z_threshold = 3.5;              // latency robust z-score of a drift
  int min_samples = 30;                  // baseline samples before an endpoint is judged
  double widespread_percent = 50.0;      // of the judged endpoints shifted at once: widespread
  std::uint64_t seed = 42;               // the forest's, so a fit is reproducible
  SourceMark mark;
  friend bool operator==(const AnomalyConfig&, const AnomalyConfig&) = default;
};

// How the AWS resource checks reach AWS (`aws:`). Credentials come from the usual chain
// (environment, ~/.aws, IMDS...); AWS_ENDPOINT_URL[_<SERVICE>] are honoured as well.
struct AwsConfig {
  std::string endpoint_url;  // every service at this URL (moto, LocalStack); empty: AWS's own
  Millis interval{60'000};   // default interval of AWS resource checks: describe calls cost API quota
  Millis timeout{20'000};    // default timeout of one check (all its calls, retries included)
  friend bool operator==(const AwsConfig&, const AwsConfig&) = default;
};

// Custom metrics, dashboard and alarms in CloudWatch (`cloudwatch:`, cloudwatch_reader.cpp).
struct CloudWatchConfig {
  bool configured = false;  // the section is in the file (iam-policy then covers `cloudwatch apply`)
  bool enabled = false;     // the daemon publishes its metrics
  std::string namespace_ = "RegionGuard";
  std::string region;       // where metrics, dashboard and alarms live; the reader defaults it to regions[0]
  Millis interval{60'000};  // rounds are aggregated over this long, then published
  int max_backlog = 10'000; // metric data waiting to be sent; beyond it the oldest are dropped
  std::string endpoint_url; // empty: aws.endpoint_url, else AWS's own
  std::string dashboard = "RegionGuard";  // dashboard name, also the prefix of the alarm names
  std::vector<std::string> alarm_actions; // SNS topic ARNs notified on ALARM and on OK
  SourceMark mark;
  friend bool operator==(const CloudWatchConfig&, const CloudWatchConfig&) = default;
};

// The region health score (0-100): a weighted mean over the kinds of checks a region has.
// A kind the region has no check of does not count; the others' weights are scaled up. Within a
// kind, each check weighs by its service's priority (as cascade risk weighs them), so a failing
// critical service pulls the score down more than a low one.
struct HealthScoreWeights {
  double dns = 40;
  double endpoints = 30;  // http, tcp and calculated checks
  double resources = 30;  // AWS resource checks
  std::array<double, 4> priorities{1, 2, 3, 4};  // low, medium, high, critical (Priority's order)

  double weight_of(Priority priority) const { return priorities[static_cast<std::size_t>(priority)]; }
  friend bool operator==(const HealthScoreWeights&, const HealthScoreWeights&) = default;
};

struct Config {
  std::string source_file;
  std::vector<std::string> regions;
  std::vector<ServiceConfig> services;
  std::vector<EndpointConfig> endpoints;
  Thresholds thresholds;            // global default
  Millis interval{10'000};          // default probe interval
  Millis timeout{5'000};            // default probe timeout
  Millis jitter{1'000};             // probes of a round start spread over [0, jitter)
  std::vector<NetworkAddress> resolvers;  // default resolvers for DNS endpoints; empty = system
  HysteresisConfig hysteresis;
  std::chrono::hours uptime_window{24};
  StoreConfig store;
  ServerConfig server;
  AwsConfig aws;
  CloudWatchConfig cloudwatch;
  HealthScoreWeights score_weights;
  DependencyConfig dependencies;
  AlertsConfig alerts;
  std::vector<NotifierConfig> notifiers;
  AnomalyConfig anomaly;
  std::vector<ApplicationConfig> applications;  // under failover control (application_reader.h)
  JobsConfig jobs;  // disaster-recovery jobs (jobs_reader.h)
  std::optional<ClusterConfig> cluster;  // several agents through etcd (cluster_reader.h); unset: alone
  // What every agent of a cluster must run alike (cluster_reader.h: applications_digest).
  std::string applications_digest;
  // Values that load but may not do what was meant ("verify_dns.timeout is shorter than the
  // TTL"), each with file:line:col; check-config and the daemon print them, nothing refuses them.
  std::vector<ConfigError> warnings;

  const ServiceConfig* find_service(std::string_view name) const;
  // The thresholds that apply to an endpoint: its service's override, else the global ones.
  Thresholds thresholds_for(const EndpointConfig& endpoint) const;
};

}  // namespace rg
