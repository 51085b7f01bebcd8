#pragma once
// The typed, validated configuration model. Loading (config_loader.h) turns YAML into this and
// reports every problem with file:line:col and the path of the value; everything downstream may
// assume these values are valid.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/network_address.h"

namespace rg {

using Millis = std::chrono::milliseconds;

// Where a value came from, kept for messages that point back into the file.
struct SourceMark {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
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
};

enum class ProbeKind { dns, http, tcp, calculated };

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
};

struct TcpProbeOptions {
  std::string host;
  std::uint16_t port = 0;
  bool tls = false;  // also complete a TLS handshake (tls:// targets)
  bool verify_tls = true;
  std::string ca_file;
  int certificate_warning_days = 14;
};

// Healthy when at least `healthy_threshold` of the child checks are up (Route 53 calculated checks).
struct CalculatedOptions {
  std::vector<std::string> children;  // endpoint ids
  int healthy_threshold = 1;
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
  bool inverted = false;  // healthy when the check fails (Route 53 `inverted`)
  // Route 53's failure_threshold: consecutive results to go down and to come back up. Unset: the
  // global hysteresis (fall/rise) for DNS endpoints, 3 for HTTP, TCP and calculated checks.
  std::optional<int> failure_threshold;
  Millis interval{10'000};
  Millis timeout{5'000};
  SourceMark mark;
};

// Consecutive-result hysteresis: `fall` failures in a row to go down, `rise` successes to come back.
struct HysteresisConfig {
  int fall = 3;
  int rise = 2;
};

struct StoreConfig {
  std::string path = "regionguard.db";
  int raw_retention_days = 7;       // raw observations kept this long
  int rollup_retention_days = 90;   // per-minute rollups kept this long
  Millis flush_interval{1'000};     // batched writes: at most this old before they are written
  int batch_size = 500;             // ... or this many rows, whichever comes first
};

// The HTTP/WebSocket server of `regionguard run` (REST API, /metrics, dashboard): docs/api.md.
struct ServerTlsConfig {
  std::string cert;  // PEM certificate (chain) file, resolved against the config file's directory
  std::string key;   // PEM private key file, the same way
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
  std::string web_root;     // the built dashboard; default ../web/dist next to the config file
  int max_clients = 1024;   // open connections (HTTP and WebSocket together)
  SourceMark mark;          // of the section, for start-up errors
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

  const ServiceConfig* find_service(std::string_view name) const;
  // The thresholds that apply to an endpoint: its service's override, else the global ones.
  Thresholds thresholds_for(const EndpointConfig& endpoint) const;
};

}  // namespace rg
