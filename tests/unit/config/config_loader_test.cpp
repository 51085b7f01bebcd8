// The shipped configuration, and how defaults, overrides and derived values come out of a file.
#include "config/config_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

namespace rg {
namespace {

using namespace std::chrono_literals;
using testing::ElementsAre;

const std::string shipped_path = std::string(RG_SOURCE_DIR) + "/config/regionguard.yaml";

// Loads YAML that must be valid; a failure prints every error.
Config load_valid(const std::string& yaml, const std::string& file = "test.yaml") {
  auto loaded = load_config_string(yaml, file);
  EXPECT_TRUE(loaded.has_value()) << (loaded ? "" : to_string(loaded.error()));
  return loaded ? *loaded : Config{};
}

const EndpointConfig* find_endpoint(const Config& config, std::string_view id) {
  for (const EndpointConfig& endpoint : config.endpoints) {
    if (endpoint.id == id) {
      return &endpoint;
    }
  }
  return nullptr;
}

// The smallest valid file; tests add to it.
const std::string minimal = R"(
regions: [us-east-1]
services:
  dynamodb:
endpoints:
  - hostname: dynamodb.us-east-1.amazonaws.com
    service: dynamodb
    region: us-east-1
)";

// ── The shipped default ──────────────────────────────────────────────────────────────────────

class ShippedConfig : public testing::Test {
 protected:
  void SetUp() override {
    auto loaded = load_config_file(shipped_path);
    ASSERT_TRUE(loaded.has_value()) << to_string(loaded.error());
    config_ = *loaded;
  }
  Config config_;
};

TEST_F(ShippedConfig, MonitorsTheSeedsSevenEndpointsInThreeRegions) {
  EXPECT_THAT(config_.regions, ElementsAre("us-east-1", "us-west-2", "eu-west-1"));
  ASSERT_EQ(config_.endpoints.size(), 21u);
  std::set<std::string> hostnames;
  for (const std::string& region : config_.regions) {
    for (const char* prefix :
         {"dynamodb.", "streams.dynamodb.", "rds.", "lambda.", "ec2.", "elasticloadbalancing.", "s3."}) {
      hostnames.insert(prefix + region + ".amazonaws.com");
    }
  }
  std::set<std::string> loaded;
  for (const EndpointConfig& endpoint : config_.endpoints) {
    loaded.insert(endpoint.hostname);
    EXPECT_EQ(endpoint.id, endpoint.hostname) << "A records: the id is the hostname";
    EXPECT_TRUE(endpoint.hostname.find("." + endpoint.region + ".") != std::string::npos) << endpoint.hostname;
  }
  EXPECT_EQ(loaded, hostnames);
}

TEST_F(ShippedConfig, UsesTheSeedsThresholdsWithStricterOnesForDynamoDb) {
  EXPECT_EQ(config_.thresholds, (Thresholds{100ms, 200ms}));
  const Thresholds dynamodb{50ms, 100ms};
  const Thresholds global{100ms, 200ms};
  EXPECT_EQ(config_.thresholds_for(*find_endpoint(config_, "dynamodb.us-east-1.amazonaws.com")), dynamodb);
  EXPECT_EQ(config_.thresholds_for(*find_endpoint(config_, "streams.dynamodb.eu-west-1.amazonaws.com")), dynamodb);
  EXPECT_EQ(config_.thresholds_for(*find_endpoint(config_, "rds.us-west-2.amazonaws.com")), global);
  EXPECT_EQ(config_.thresholds_for(*find_endpoint(config_, "s3.us-east-1.amazonaws.com")), global);
}

TEST_F(ShippedConfig, DefinesTheSevenServicesWithTheirDisplayNames) {
  std::vector<std::string> display_names;
  for (const ServiceConfig& service : config_.services) {
    display_names.push_back(service.display_name);
  }
  EXPECT_THAT(display_names,
              ElementsAre("DYNAMODB", "DYNAMODB_STREAMS", "RDS", "LAMBDA", "EC2", "ELBV2", "S3"));
  EXPECT_EQ(config_.find_service("dynamodb")->priority, Priority::critical);
  EXPECT_EQ(config_.find_service("dynamodb_streams")->priority, Priority::critical);
  EXPECT_EQ(config_.find_service("rds")->priority, Priority::medium);
  EXPECT_EQ(config_.find_service("elbv2")->display_name, "ELBV2");
  EXPECT_EQ(config_.find_service("nosuch"), nullptr);
}

TEST_F(ShippedConfig, ProbesEveryTenSecondsThroughTheSystemResolver) {
  EXPECT_EQ(config_.interval, 10s);
  EXPECT_EQ(config_.timeout, 5s);
  EXPECT_EQ(config_.jitter, 1s);
  EXPECT_TRUE(config_.resolvers.empty());
  for (const EndpointConfig& endpoint : config_.endpoints) {
    EXPECT_EQ(endpoint.interval, 10s) << endpoint.id;
    EXPECT_EQ(endpoint.timeout, 5s) << endpoint.id;
    EXPECT_EQ(endpoint.dns.record_type, (RecordType{1, "A"})) << endpoint.id;
    EXPECT_TRUE(endpoint.dns.resolvers.empty()) << endpoint.id;
  }
  EXPECT_EQ(config_.hysteresis.fall, 3);
  EXPECT_EQ(config_.hysteresis.rise, 2);
  EXPECT_EQ(config_.uptime_window, 24h);
}

TEST_F(ShippedConfig, KeepsItsDatabaseNextToTheConfigFile) {
  EXPECT_EQ(config_.source_file, shipped_path);
  EXPECT_EQ(config_.store.path, std::string(RG_SOURCE_DIR) + "/config/regionguard.db");
  EXPECT_EQ(config_.store.raw_retention_days, 7);
  EXPECT_EQ(config_.store.rollup_retention_days, 90);
  EXPECT_EQ(config_.store.flush_interval, 1s);
  EXPECT_EQ(config_.store.batch_size, 500);
}

TEST_F(ShippedConfig, RemembersWhereEachEndpointAndServiceIsWritten) {
  const EndpointConfig& first = config_.endpoints.front();
  EXPECT_EQ(first.mark.file, shipped_path);
  EXPECT_GT(first.mark.line, 1);
  EXPECT_EQ(first.mark.column, 5);  // the "{" after "  - "
  EXPECT_EQ(config_.endpoints[1].mark.line, first.mark.line + 1);
  const ServiceConfig& dynamodb = config_.services.front();
  EXPECT_EQ(dynamodb.mark.file, shipped_path);
  EXPECT_EQ(dynamodb.mark.column, 3);  // the key, indented under services:
  EXPECT_LT(dynamodb.mark.line, first.mark.line);
}

// ── Built-in defaults ────────────────────────────────────────────────────────────────────────

TEST(ConfigDefaults, ApplyWhenTheFileSaysNothing) {
  const Config config = load_valid(minimal);
  EXPECT_EQ(config.interval, 10s);
  EXPECT_EQ(config.timeout, 5s);
  EXPECT_EQ(config.jitter, 1s);
  EXPECT_EQ(config.thresholds, (Thresholds{100ms, 200ms}));
  EXPECT_EQ(config.hysteresis.fall, 3);
  EXPECT_EQ(config.hysteresis.rise, 2);
  EXPECT_EQ(config.store.path, "regionguard.db");  // the file has no directory part
  ASSERT_EQ(config.services.size(), 1u);
  EXPECT_EQ(config.services[0].display_name, "DYNAMODB");
  EXPECT_EQ(config.services[0].priority, Priority::medium);
  EXPECT_FALSE(config.services[0].thresholds.has_value());
  ASSERT_EQ(config.endpoints.size(), 1u);
  const EndpointConfig& endpoint = config.endpoints[0];
  EXPECT_EQ(endpoint.id, "dynamodb.us-east-1.amazonaws.com");
  EXPECT_EQ(endpoint.kind, ProbeKind::dns);
  EXPECT_EQ(endpoint.dns.record_type, (RecordType{1, "A"}));
  EXPECT_TRUE(endpoint.dns.tcp_fallback);
  EXPECT_TRUE(endpoint.dns.report_answer_changes);
  EXPECT_EQ(endpoint.dns.min_answers, 1);
  EXPECT_TRUE(endpoint.dns.expected_addresses.empty());
}

TEST(ConfigDefaults, EmptySectionsAreAllowed) {
  const Config config = load_valid(minimal + "defaults:\nhysteresis:\nstore:\n");
  EXPECT_EQ(config.interval, 10s);
  EXPECT_EQ(config.store.batch_size, 500);
}

TEST(ConfigDefaults, DocumentMarkersAroundTheConfigurationAreFine) {
  EXPECT_EQ(load_valid("---" + minimal + "---\n").endpoints.size(), 1u);
  EXPECT_EQ(load_valid(minimal + "...\n").endpoints.size(), 1u);
}

// ── defaults: and per-endpoint overrides ─────────────────────────────────────────────────────

TEST(ConfigOverrides, EndpointsInheritDefaultsAndMayOverrideThem) {
  const Config config = load_valid(R"(
regions: [us-east-1, eu-west-1]
defaults:
  interval: 30s
  timeout: 2s
  jitter: 500ms
  thresholds: { healthy: 80ms, warning: 300ms }
  resolvers: ["192.0.2.53", "[2001:db8::53]:5353"]
services:
  dynamodb: { priority: critical, thresholds: { healthy: 40ms } }
  s3: { display_name: "Amazon S3", priority: low }
endpoints:
  - { hostname: dynamodb.us-east-1.amazonaws.com, service: dynamodb, region: us-east-1 }
  - hostname: s3.eu-west-1.amazonaws.com
    service: s3
    region: eu-west-1
    interval: 1m
    timeout: 45s
    resolvers: ["198.51.100.1:53"]
  - { hostname: s3.us-east-1.amazonaws.com, service: s3, region: us-east-1, interval: 3s, resolvers: [] }
)");
  EXPECT_EQ(config.interval, 30s);
  EXPECT_EQ(config.timeout, 2s);
  EXPECT_EQ(config.jitter, 500ms);
  EXPECT_THAT(config.resolvers, ElementsAre(NetworkAddress{"192.0.2.53", 53}, NetworkAddress{"2001:db8::53", 5353}));
  ASSERT_EQ(config.endpoints.size(), 3u);

  const EndpointConfig& inherits = config.endpoints[0];
  EXPECT_EQ(inherits.interval, 30s);
  EXPECT_EQ(inherits.timeout, 2s);
  EXPECT_EQ(inherits.dns.resolvers, config.resolvers);
  // A band the service leaves out comes from defaults.thresholds.
  EXPECT_EQ(config.thresholds_for(inherits), (Thresholds{40ms, 300ms}));

  const EndpointConfig& overrides = config.endpoints[1];
  EXPECT_EQ(overrides.interval, 1min);
  EXPECT_EQ(overrides.timeout, 45s);
  EXPECT_THAT(overrides.dns.resolvers, ElementsAre(NetworkAddress{"198.51.100.1", 53}));
  EXPECT_EQ(config.thresholds_for(overrides), (Thresholds{80ms, 300ms}));

  const EndpointConfig& system_resolver = config.endpoints[2];
  EXPECT_EQ(system_resolver.interval, 3s);
  EXPECT_EQ(system_resolver.timeout, 2s);  // inherited, and still below the endpoint's interval
  EXPECT_TRUE(system_resolver.dns.resolvers.empty()) << "resolvers: [] means the system resolver";

  EXPECT_EQ(config.find_service("s3")->display_name, "Amazon S3");
  EXPECT_EQ(config.find_service("s3")->priority, Priority::low);
}

TEST(ConfigOverrides, DnsOptionsAreRead) {
  const Config config = load_valid(minimal + R"(
  - hostname: www.example.com
    service: dynamodb
    region: us-east-1
    type: aaaa
    tcp_fallback: false
    report_changes: no
    min_answers: 0
    expect: ["2001:db8::/32", "2001:db8:1::7"]
)");
  ASSERT_EQ(config.endpoints.size(), 2u);
  const DnsProbeOptions& dns = config.endpoints[1].dns;
  EXPECT_EQ(dns.record_type, (RecordType{28, "AAAA"}));
  EXPECT_FALSE(dns.tcp_fallback);
  EXPECT_FALSE(dns.report_answer_changes);
  EXPECT_EQ(dns.min_answers, 0);
  ASSERT_EQ(dns.expected_addresses.size(), 2u);
  EXPECT_EQ(dns.expected_addresses[0].to_string(), "2001:db8::/32");
  EXPECT_EQ(dns.expected_addresses[1].to_string(), "2001:db8:1::7/128");
}

// ── Ids ──────────────────────────────────────────────────────────────────────────────────────

TEST(EndpointIds, AreTheHostnamePlusTheTypeWhenItIsNotA) {
  const Config config = load_valid(minimal + R"(
  - { hostname: dynamodb.us-east-1.amazonaws.com, service: dynamodb, region: us-east-1, type: AAAA }
  - { hostname: _sip._tcp.example.com, service: dynamodb, region: us-east-1, type: SRV }
  - { hostname: example.com, service: dynamodb, region: us-east-1, type: caa }
  - { id: primary-db, hostname: db.example.com, service: dynamodb, region: us-east-1, type: CNAME }
)");
  std::vector<std::string> ids;
  std::vector<std::uint16_t> codes;
  for (const EndpointConfig& endpoint : config.endpoints) {
    ids.push_back(endpoint.id);
    codes.push_back(endpoint.dns.record_type.code);
  }
  EXPECT_THAT(ids, ElementsAre("dynamodb.us-east-1.amazonaws.com", "dynamodb.us-east-1.amazonaws.com/AAAA",
                               "_sip._tcp.example.com/SRV", "example.com/CAA", "primary-db"));
  EXPECT_THAT(codes, ElementsAre(1, 28, 33, 257, 5));
}

// ── store.path ───────────────────────────────────────────────────────────────────────────────

std::string store_path(const std::string& path_line, const std::string& file) {
  return load_valid(minimal + "store:\n  " + path_line + "\n", file).store.path;
}

TEST(StorePath, RelativeIsResolvedAgainstTheConfigFilesDirectory) {
  EXPECT_EQ(store_path("path: data/rg.db", "/etc/regionguard/regionguard.yaml"), "/etc/regionguard/data/rg.db");
  EXPECT_EQ(store_path("path: ../rg.db", "deploy/prod/rg.yaml"), "deploy/rg.db");
  EXPECT_EQ(store_path("path: rg.db", "rg.yaml"), "rg.db");
  EXPECT_EQ(load_valid(minimal, "/etc/regionguard/rg.yaml").store.path, "/etc/regionguard/regionguard.db");
}

TEST(StorePath, AbsoluteAndInMemoryAreKept) {
  EXPECT_EQ(store_path("path: /var/lib/rg/rg.db", "/etc/regionguard/rg.yaml"), "/var/lib/rg/rg.db");
  EXPECT_EQ(store_path("path: \":memory:\"", "/etc/regionguard/rg.yaml"), ":memory:");
}

// ── Errors ───────────────────────────────────────────────────────────────────────────────────

TEST(ConfigErrors, AreSortedByPositionAndCarryTheFileAsGiven) {
  const auto loaded = load_config_string(minimal + R"(
  - { hostname: a.example.com, service: dynamodb, region: us-east-1, timeout: 10s }
store: { batch_size: 0 }
hysteresis: { rise: 0 }
)", "conf/rg.yaml");
  ASSERT_FALSE(loaded.has_value());
  std::vector<int> lines;
  for (const ConfigError& error : loaded.error()) {
    EXPECT_EQ(error.file, "conf/rg.yaml");
    lines.push_back(error.line);
  }
  EXPECT_THAT(lines, ElementsAre(10, 11, 12));
}

}  // namespace
}  // namespace rg

namespace rg {
namespace {

TEST(ConfigLoaderChecks, HttpTcpAndCalculatedChecksLoadWithRoute53Defaults) {
  const auto config = load_config_string(R"(
regions: [us-east-1]
services: { app: {} }
endpoints:
  - url: https://app.example.com/health
    service: app
    region: us-east-1
    match: healthy
    connect_to: [192.0.2.1, "2001:db8::1"]
  - url: tls://db.example.com:5432
    service: app
    region: us-east-1
    verify_tls: false
    certificate_warning: 30d
  - id: app-up
    service: app
    region: us-east-1
    children: ["app.example.com/health@192.0.2.1", "app.example.com/health@2001:db8::1"]
    healthy_threshold: 1
    inverted: true
)",
                                         "checks.yaml");
  ASSERT_TRUE(config) << to_string(config.error());
  ASSERT_EQ(config->endpoints.size(), 4u);
  const auto& first = config->endpoints[0];
  EXPECT_EQ(first.kind, ProbeKind::http);
  EXPECT_EQ(first.id, "app.example.com/health@192.0.2.1");
  EXPECT_EQ(first.http.connect_address, "192.0.2.1");
  EXPECT_EQ(first.http.url, "https://app.example.com/health");
  EXPECT_EQ(first.http.expected_status, (std::vector<StatusRange>{{200, 399}}));
  EXPECT_TRUE(first.http.verify_tls);
  EXPECT_FALSE(first.http.follow_redirects);
  EXPECT_EQ(config->endpoints[1].id, "app.example.com/health@2001:db8::1");
  const auto& tcp = config->endpoints[2];
  EXPECT_EQ(tcp.kind, ProbeKind::tcp);
  EXPECT_EQ(tcp.tcp.host, "db.example.com");
  EXPECT_EQ(tcp.tcp.port, 5432);
  EXPECT_TRUE(tcp.tcp.tls);
  EXPECT_FALSE(tcp.tcp.verify_tls);
  EXPECT_EQ(tcp.tcp.certificate_warning_days, 30);
  const auto& calculated = config->endpoints[3];
  EXPECT_EQ(calculated.kind, ProbeKind::calculated);
  EXPECT_EQ(calculated.calculated.children.size(), 2u);
  EXPECT_TRUE(calculated.inverted);
}

}  // namespace
}  // namespace rg
