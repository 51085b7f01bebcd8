// Every bad file under bad/ with the exact messages it must produce, in order (blackbox_exporter's
// TestLoadBadConfigs). Files are loaded under the relative name "bad/NAME" so that messages do
// not depend on where the source tree lives.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "config/config_loader.h"

namespace rg {
namespace {

struct BadConfig {
  std::string file;
  std::vector<std::string> messages;
};

// Printed as the test's name, so a failure says which file.
void PrintTo(const BadConfig& config, std::ostream* out) { *out << config.file; }

std::string read_bad_file(const std::string& name) {
  std::ifstream in(std::string(RG_SOURCE_DIR) + "/tests/unit/config/bad/" + name);
  EXPECT_TRUE(in) << "missing test file bad/" << name;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::vector<BadConfig> bad_configs{
    {"unknown_key_top_level.yaml",
     {"bad/unknown_key_top_level.yaml:2:1: hysterisis: unknown key (expected one of: regions, defaults, "
      "hysteresis, uptime_window, services, endpoints, store, server, dependencies, runbooks, alerts, notifiers, "
      "anomaly, aws, health_score, applications, cloudwatch, jobs, cluster); did you mean `hysteresis`?"}},
    {"unknown_key_endpoint.yaml",
     {"bad/unknown_key_endpoint.yaml:8:5: endpoints[0].tiemout: unknown key (expected one of: id, service, "
      "region, kind, interval, timeout, inverted, failure_threshold, hostname, type, resolvers, tcp_fallback, "
      "expect, min_answers, report_changes, url, method, headers, body, expect_status, match, match_regex, "
      "follow_redirects, connect_to, verify_tls, ca_file, certificate_warning, children, healthy_threshold, "
      "resource, cluster, min_healthy_percent, max_replica_lag, min_headroom); did you mean `timeout`?"}},
    {"aws_checks.yaml",
     {"bad/aws_checks.yaml:6:17: aws.endpoint_url: `ftp://localhost:4566` is not an http:// or https:// URL",
      "bad/aws_checks.yaml:7:12: aws.timeout: must be less than interval",
      "bad/aws_checks.yaml:9:18: health_score.weights.dns: must be between 0 and 1000",
      "bad/aws_checks.yaml:11:5: endpoints[0].resource: is required",
      "bad/aws_checks.yaml:18:5: endpoints[1].cluster: does not apply to rds endpoints",
      "bad/aws_checks.yaml:19:22: endpoints[1].max_replica_lag: must be greater than 0",
      "bad/aws_checks.yaml:23:15: endpoints[2].resource: `arn:aws:elasticloadbalancing:us-east-1:123456789012:"
      "loadbalancer/app/x/1` is not a target group ARN",
      "bad/aws_checks.yaml:24:26: endpoints[2].min_healthy_percent: must be between 0 and 100",
      "bad/aws_checks.yaml:29:15: endpoints[3].interval: must be greater than timeout (20s from aws.timeout)"}},
    {"http_checks.yaml",
     {"bad/http_checks.yaml:6:10: endpoints[0].url: `ftp://app.example.com/health` is not an http:// or https:// URL",
      "bad/http_checks.yaml:12:26: endpoints[1].expect_status[1]: `299-200` is not a status code or range (100-599, "
      "e.g. 200 or \"200-299\")",
      "bad/http_checks.yaml:12:37: endpoints[1].expect_status[2]: `teapot` is not a status code or range (100-599, "
      "e.g. 200 or \"200-299\")",
      "bad/http_checks.yaml:13:18: endpoints[1].match_regex: is not a valid regular expression: Mismatched '(' "
      "and ')' in regular expression",
      "bad/http_checks.yaml:14:5: endpoints[1].type: does not apply to http endpoints",
      "bad/http_checks.yaml:15:18: endpoints[1].connect_to[0]: `app.example.com` is not an IP address",
      "bad/http_checks.yaml:16:10: endpoints[2].url: `tcp://db.example.com` is not a tcp://HOST:PORT or "
      "tls://HOST:PORT target",
      "bad/http_checks.yaml:19:5: endpoints[2].match: does not apply to tcp endpoints",
      "bad/http_checks.yaml:20:5: endpoints[3]: a calculated check needs an `id`",
      "bad/http_checks.yaml:24:24: endpoints[3].healthy_threshold: must be between 1 and the number of children (1)",
      "bad/http_checks.yaml:29:15: endpoints[4].children: unknown child check `missing-check`",
      "bad/http_checks.yaml:31:24: endpoints[4].failure_threshold: must be between 1 and 10 (as Route 53)"}},
    {"unknown_key_service.yaml",
     {"bad/unknown_key_service.yaml:4:5: services.dynamodb.priorty: unknown key (expected one of: "
      "display_name, priority, thresholds); did you mean `priority`?"}},
    {"bad_duration.yaml",
     {"bad/bad_duration.yaml:3:13: defaults.interval: invalid duration `10 seconds` (expected a whole number "
      "and a unit: ms, s, m, h or d, e.g. 10s)"}},
    {"duration_without_unit.yaml",
     {"bad/duration_without_unit.yaml:3:12: defaults.timeout: durations need a unit, e.g. 10s"}},
    {"timeout_not_less_than_interval.yaml",
     {"bad/timeout_not_less_than_interval.yaml:14:14: endpoints[3].timeout: must be less than interval"}},
    {"interval_too_short.yaml",
     {"bad/interval_too_short.yaml:3:13: defaults.interval: must be at least 1s",
      "bad/interval_too_short.yaml:7:80: endpoints[0].interval: must be at least 1s",
      "bad/interval_too_short.yaml:9:80: endpoints[1].interval: must be greater than timeout (5s from "
      "defaults.timeout)"}},
    {"warning_below_healthy.yaml",
     {"bad/warning_below_healthy.yaml:4:44: services.dynamodb.thresholds.warning: must be at least healthy "
      "(100ms)"}},
    {"unknown_service.yaml",
     {"bad/unknown_service.yaml:6:60: endpoints[0].service: unknown service `dynamo` (services are: dynamodb, "
      "rds); did you mean `dynamodb`?",
      "bad/unknown_service.yaml:7:58: endpoints[1].service: unknown service `lambda` (services are: dynamodb, "
      "rds)"}},
    {"unknown_region.yaml",
     {"bad/unknown_region.yaml:5:78: endpoints[0].region: unknown region `us-east-2` (regions are: us-east-1, "
      "us-west-2)"}},
    {"duplicate_id.yaml",
     {"bad/duplicate_id.yaml:7:5: endpoints[1].id: duplicate id `dynamodb.us-east-1.amazonaws.com` "
      "(endpoints[0] at line 5 has the same id); set a distinct `id` on one of them",
      "bad/duplicate_id.yaml:11:11: endpoints[4].id: duplicate id `primary` (endpoints[3] at line 10 has the "
      "same id)"}},
    {"duplicate_key.yaml",
     {"bad/duplicate_key.yaml:1:33: regions[2]: duplicate region `us-east-1` (already listed as regions[0])",
      "bad/duplicate_key.yaml:8:5: endpoints[0].region: duplicate key (first defined at line 7)"}},
    {"bad_resolver.yaml",
     {"bad/bad_resolver.yaml:3:15: defaults.resolvers[0]: `192.0.2.300` is not an IP address",
      "bad/bad_resolver.yaml:3:30: defaults.resolvers[1]: invalid port `99999` (expected 1-65535)",
      "bad/bad_resolver.yaml:3:49: defaults.resolvers[2]: `[192.0.2.1]:53`: only IPv6 addresses go in "
      "brackets, as [::1]:53"}},
    {"hostname_resolver.yaml",
     {"bad/hostname_resolver.yaml:8:17: endpoints[0].resolvers[0]: `dns.google` is a hostname; give an IP "
      "address (a resolver named by hostname would need another resolver to find it)"}},
    {"bad_cidr.yaml",
     {"bad/bad_cidr.yaml:9:9: endpoints[0].expect[0]: invalid prefix length in `192.0.2.0/33` (expected 0-32)",
      "bad/bad_cidr.yaml:10:9: endpoints[0].expect[1]: `192.0.2.7/24` has bits set after the prefix (did you "
      "mean `192.0.2.0/24`?)",
      "bad/bad_cidr.yaml:11:9: endpoints[0].expect[2]: `2001:db8::/32` is an IPv6 range but type is A"}},
    {"bad_record_type.yaml",
     {"bad/bad_record_type.yaml:5:95: endpoints[0].type: unknown record type `AAA` (expected one of: A, AAAA, "
      "CNAME, MX, TXT, NS, SOA, SRV, PTR, CAA); did you mean `AAAA`?",
      "bad/bad_record_type.yaml:10:11: endpoints[1].type: unknown record type `AAAAA` (expected one of: A, "
      "AAAA, CNAME, MX, TXT, NS, SOA, SRV, PTR, CAA); did you mean `AAAA`?"}},
    {"missing_hostname.yaml",
     {"bad/missing_hostname.yaml:5:5: endpoints[0].hostname: is required",
      // yaml-cpp gives an empty item the position of the next token: here the end of the file.
      "bad/missing_hostname.yaml:9:1: endpoints[1]: must not be empty"}},
    {"missing_sections.yaml",
     {"bad/missing_sections.yaml:2:1: services: is required",
      "bad/missing_sections.yaml:2:1: endpoints: is required"}},
    {"empty_endpoints.yaml", {"bad/empty_endpoints.yaml:4:12: endpoints: must list at least one endpoint"}},
    {"empty_file.yaml",
     {"bad/empty_file.yaml:1:1: the file is empty; it needs at least regions, services and endpoints"}},
    {"wrong_types.yaml",
     {"bad/wrong_types.yaml:1:10: regions: must be a list",
      "bad/wrong_types.yaml:5:15: endpoints[0].hostname: must be a string",
      "bad/wrong_types.yaml:8:19: endpoints[0].tcp_fallback: must be true or false",
      "bad/wrong_types.yaml:9:18: endpoints[0].min_answers: must be an integer"}},
    {"yaml_syntax_error.yaml",
     {"bad/yaml_syntax_error.yaml:2:9: invalid YAML: end of sequence flow not found"}},
    {"two_documents.yaml", {"bad/two_documents.yaml:8:1: expected one YAML document, found 2"}},
    // yaml-cpp 0.7's LoadAll loops for ever (and fills memory) on a `,` outside a flow collection.
    {"stray_comma.yaml", {"bad/stray_comma.yaml:1:1: invalid YAML: unexpected `,` (commas separate items "
                          "only inside [ ] or { })"}},
    {"comma_after_flow_list.yaml", {"bad/comma_after_flow_list.yaml:1:12: invalid YAML: unexpected `,` (commas "
                                    "separate items only inside [ ] or { })"}},
    {"comma_after_block_list.yaml", {"bad/comma_after_block_list.yaml:2:1: invalid YAML: unexpected `,` (commas "
                                     "separate items only inside [ ] or { })"}},
    {"bad_store.yaml",
     {"bad/bad_store.yaml:2:16: uptime_window: must be a whole number of hours, e.g. 24h",
      "bad/bad_store.yaml:8:9: store.path: must not be empty",
      "bad/bad_store.yaml:9:18: store.raw_retention: must be a whole number of days, e.g. 7d",
      "bad/bad_store.yaml:10:21: store.rollup_retention: must be at least 1d",
      "bad/bad_store.yaml:11:19: store.flush_interval: must be greater than 0",
      "bad/bad_store.yaml:12:15: store.batch_size: must be between 1 and 100000"}},
    {"bad_retention_order.yaml",
     {"bad/bad_retention_order.yaml:10:21: store.rollup_retention: must be at least raw_retention (14d)"}},
    {"uptime_window_too_long.yaml",
     {"bad/uptime_window_too_long.yaml:3:16: uptime_window: must not be longer than store.rollup_retention "
      "(7d)"}},
    {"bad_server.yaml",
     {"bad/bad_server.yaml:6:11: server.listen: `localhost:8080` is not IP:PORT (e.g. 127.0.0.1:8080 or "
      "[::1]:8080)",
      "bad/bad_server.yaml:7:8: server.tls.key: is required",
      "bad/bad_server.yaml:8:10: server.token: must be at least 16 characters",
      "bad/bad_server.yaml:9:15: server.token_file: give either token or token_file, not both",
      "bad/bad_server.yaml:10:16: server.max_clients: must be between 1 and 100000",
      "bad/bad_server.yaml:11:3: server.webroot: unknown key (expected one of: listen, tls, token, token_file, "
      "auth_reads, web_root, max_clients, max_clients_per_address, header_timeout, websocket_max_age, "
      "allowed_hosts, gate_listen, gate_max_clients, gate_allow); did you mean `web_root`?"}},
    {"bad_server_limits.yaml",
     {"bad/bad_server_limits.yaml:7:28: server.max_clients_per_address: must be between 1 and max_clients (100)",
      "bad/bad_server_limits.yaml:8:19: server.header_timeout: must be between 1s and 5m",
      "bad/bad_server_limits.yaml:9:37: server.allowed_hosts[1]: `dash.example.com:8080` is not a valid DNS name "
      "(label `com:8080` may contain only letters, digits, `-` and `_`); give host names without a port",
      "bad/bad_server_limits.yaml:10:15: server.gate_allow: needs server.gate_listen (the allowlist applies to the "
      "gate's own listener)",
      "bad/bad_server_limits.yaml:10:16: server.gate_allow[0]: invalid prefix length in `192.0.2.0/33` (expected "
      "0-32)"}},
    {"bad_server_gate.yaml",
     {"bad/bad_server_gate.yaml:7:16: server.gate_listen: must differ from server.listen (leave it out to serve "
      "/gate there)",
      "bad/bad_server_gate.yaml:8:21: server.gate_max_clients: must be between 1 and 100000",
      "bad/bad_server_gate.yaml:9:22: server.websocket_max_age: must be between 1s and 7d"}},
    {"bad_server_auth.yaml",
     {"bad/bad_server_auth.yaml:6:11: server.listen: `127.0.0.1` needs a port, e.g. 127.0.0.1:8080",
      "bad/bad_server_auth.yaml:7:15: server.auth_reads: needs server.token or server.token_file"}},
    {"bad_server_token.yaml",
     {"bad/bad_server_token.yaml:6:11: server.listen: invalid port `99999` (expected 1-65535)",
      "bad/bad_server_token.yaml:7:10: server.token: may contain only letters, digits and -._~+/ (then = at the "
      "end), as a bearer token",
      "bad/bad_server_token.yaml:8:45: server.tls.chain: unknown key (expected one of: cert, key)"}},
    {"many_errors.yaml",
     {"bad/many_errors.yaml:2:22: regions[1]: `US_WEST_2` is not a region name (lower-case letters, digits and "
      "`-`, e.g. us-east-1)",
      "bad/many_errors.yaml:4:12: defaults.timeout: must be less than interval",
      "bad/many_errors.yaml:5:11: defaults.jitter: durations need a unit, e.g. 10s",
      "bad/many_errors.yaml:6:21: hysteresis.fall: must be at least 1",
      "bad/many_errors.yaml:9:15: services.dynamodb.priority: unknown priority `urgent` (expected one of: low, "
      "medium, high, critical)",
      "bad/many_errors.yaml:10:28: services.dynamodb.thresholds.healthy: must be greater than 0",
      "bad/many_errors.yaml:11:3: services.S3 bucket: service names may contain only letters, digits, `_` and "
      "`-`",
      "bad/many_errors.yaml:13:15: endpoints[0].hostname: `dynamodb..amazonaws.com` is not a valid DNS name "
      "(empty label)",
      "bad/many_errors.yaml:15:13: endpoints[0].region: unknown region `eu-west-1` (regions are: us-east-1, "
      "US_WEST_2)",
      "bad/many_errors.yaml:16:11: endpoints[0].kind: unknown kind `smtp` (expected one of: dns, http, tcp, "
      "calculated, ec2, elb_target_group, rds, ecs_service, autoscaling_group, cloudwatch_alarm)",
      "bad/many_errors.yaml:17:15: endpoints[1].hostname: `-bad-.example.com` is not a valid DNS name (label "
      "`-bad-` starts or ends with `-`)",
      "bad/many_errors.yaml:21:13: endpoints[1].expect: only applies to A and AAAA queries (type is MX)",
      "bad/many_errors.yaml:22:18: endpoints[1].min_answers: must be at least 0",
      "bad/many_errors.yaml:23:5: endpoints[2]: must be a mapping"}},
};

class BadConfigTest : public testing::TestWithParam<BadConfig> {};

TEST_P(BadConfigTest, ReportsExactlyTheExpectedMessages) {
  const BadConfig& bad = GetParam();
  const auto loaded = load_config_string(read_bad_file(bad.file), "bad/" + bad.file);
  ASSERT_FALSE(loaded.has_value()) << bad.file << " loaded without errors";
  std::vector<std::string> messages;
  for (const ConfigError& error : loaded.error()) {
    messages.push_back(error.to_string());
  }
  EXPECT_THAT(messages, testing::ElementsAreArray(bad.messages));
}

std::string test_name(const testing::TestParamInfo<BadConfig>& info) {
  return info.param.file.substr(0, info.param.file.find('.'));
}

INSTANTIATE_TEST_SUITE_P(BadConfigs, BadConfigTest, testing::ValuesIn(bad_configs), test_name);

// A file added to bad/ without an entry in the table would never be checked.
TEST(BadConfigTable, CoversEveryFileInTheDirectory) {
  std::vector<std::string> on_disk;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(RG_SOURCE_DIR) + "/tests/unit/config/bad")) {
    on_disk.push_back(entry.path().filename().string());
  }
  std::vector<std::string> in_table;
  for (const BadConfig& bad : bad_configs) {
    in_table.push_back(bad.file);
  }
  EXPECT_THAT(in_table, testing::UnorderedElementsAreArray(on_disk));
}

TEST(ConfigError, PrintsWithoutPositionOrPathWhenThereIsNone) {
  EXPECT_EQ((ConfigError{"rg.yaml", 14, 7, "endpoints[3].timeout", "must be less than interval"}.to_string()),
            "rg.yaml:14:7: endpoints[3].timeout: must be less than interval");
  EXPECT_EQ((ConfigError{"rg.yaml", 2, 9, "", "invalid YAML: end of sequence flow not found"}.to_string()),
            "rg.yaml:2:9: invalid YAML: end of sequence flow not found");
  EXPECT_EQ((ConfigError{"rg.yaml", 0, 0, "", "cannot read: No such file or directory"}.to_string()),
            "rg.yaml: cannot read: No such file or directory");
}

TEST(LoadConfigFile, UnreadableFileIsOneErrorWithoutPosition) {
  const auto missing = load_config_file("no/such/regionguard.yaml");
  ASSERT_FALSE(missing.has_value());
  ASSERT_EQ(missing.error().size(), 1u);
  EXPECT_EQ(missing.error()[0].to_string(), "no/such/regionguard.yaml: cannot read: No such file or directory");

  const std::string directory = std::string(RG_SOURCE_DIR) + "/tests/unit/config/bad";
  const auto is_directory = load_config_file(directory);
  ASSERT_FALSE(is_directory.has_value());
  EXPECT_EQ(is_directory.error()[0].to_string(), directory + ": cannot read: Is a directory");
}

TEST(LoadConfigFile, NamesTheFileAsGiven) {
  const std::string path = std::string(RG_SOURCE_DIR) + "/tests/unit/config/bad/empty_endpoints.yaml";
  const auto loaded = load_config_file(path);
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error()[0].to_string(), path + ":4:12: endpoints: must list at least one endpoint");
}

}  // namespace
}  // namespace rg
