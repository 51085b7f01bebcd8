#include "config/check_options_reader.h"

#include <algorithm>
#include <charconv>
#include <regex>

#include "config/aws_check_reader.h"
#include "config/dns_name.h"
#include "config/network_address.h"
#include "config/target_url.h"

namespace rg {

const std::vector<std::string_view> dns_only_keys{"hostname",    "type",           "resolvers", "tcp_fallback",
                                                  "expect",      "min_answers",    "report_changes"};
const std::vector<std::string_view> http_only_keys{"method",      "headers",   "body",
                                                   "expect_status", "match",   "match_regex",
                                                   "follow_redirects", "connect_to"};
const std::vector<std::string_view> tls_keys{"verify_tls", "ca_file", "certificate_warning"};
const std::vector<std::string_view> calculated_only_keys{"children", "healthy_threshold"};

namespace {

using namespace std::chrono_literals;

const std::vector<std::string_view> kind_names{"dns", "http", "tcp", "calculated", "ec2", "elb_target_group",
                                               "rds", "ecs_service", "autoscaling_group", "cloudwatch_alarm"};
const std::vector<std::string_view> method_names{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};

bool contains(const std::vector<std::string_view>& keys, std::string_view key) {
  return std::ranges::find(keys, key) != keys.end();
}

std::optional<int> parse_status(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 100 || value > 599) return std::nullopt;
  return value;
}

// 200, "200", "200-299"
std::optional<StatusRange> read_status_range(const YamlValue& item, ErrorList& errors) {
  const auto text = read_string(item, errors);
  if (!text) return std::nullopt;
  const auto dash = text->find('-');
  const auto first = parse_status(std::string_view(*text).substr(0, dash));
  const auto last = dash == std::string::npos ? first : parse_status(std::string_view(*text).substr(dash + 1));
  if (!first || !last || *last < *first) {
    errors.add(item, "`" + *text + "` is not a status code or range (100-599, e.g. 200 or \"200-299\")");
    return std::nullopt;
  }
  return StatusRange{*first, *last};
}

struct TlsFields {
  bool verify = true;
  std::string ca_file;
  int warning_days = 14;
};

void read_tls_fields(const Mapping& fields, TlsFields& tls, ErrorList& errors) {
  if (const auto value = fields.get("verify_tls")) tls.verify = read_bool(*value, errors).value_or(tls.verify);
  if (const auto value = fields.get("ca_file")) tls.ca_file = read_string(*value, errors).value_or("");
  if (const auto value = fields.get("certificate_warning")) {
    const auto duration = read_duration(*value, errors);
    if (duration && (*duration < 24h || *duration % 24h != 0ms)) {
      errors.add(*value, "must be whole days, at least 1d");
    } else if (duration) {
      tls.warning_days = static_cast<int>(*duration / 24h);
    }
  }
}

bool is_ip_literal(const std::string& host) { return parse_network_address(host).has_value(); }

}  // namespace

std::string_view to_string(ProbeKind kind) {
  switch (kind) {
    case ProbeKind::dns: return "dns";
    case ProbeKind::http: return "http";
    case ProbeKind::tcp: return "tcp";
    case ProbeKind::calculated: return "calculated";
    default: return aws_kind_name(kind).value_or("dns");
  }
  return "dns";
}

std::optional<ProbeKind> read_probe_kind(const Mapping& fields, ErrorList& errors) {
  if (const auto value = fields.get("kind")) {
    const auto name = read_string(*value, errors);
    if (!name) return std::nullopt;
    for (auto kind : {ProbeKind::dns, ProbeKind::http, ProbeKind::tcp, ProbeKind::calculated})
      if (to_string(kind) == *name) return kind;
    if (const auto aws = aws_kind_from_name(*name)) return aws;
    errors.add(*value, with_suggestion("unknown kind `" + *name + "` (expected one of: " + join(kind_names) + ")",
                                       *name, kind_names));
    return std::nullopt;
  }
  if (const auto url = fields.get("url")) {
    const auto text = url->node.IsScalar() ? url->node.Scalar() : std::string();
    if (text.starts_with("tcp://") || text.starts_with("tls://")) return ProbeKind::tcp;
    return ProbeKind::http;
  }
  if (fields.get("children")) return ProbeKind::calculated;
  return ProbeKind::dns;
}

void reject_keys_of_other_kinds(const Mapping& fields, ProbeKind kind, ErrorList& errors) {
  for (const auto& entry : fields.entries()) {
    const std::string_view key = entry.key;
    const bool allowed = (contains(dns_only_keys, key) && kind == ProbeKind::dns) ||
                         (contains(http_only_keys, key) && kind == ProbeKind::http) ||
                         (contains(tls_keys, key) && (kind == ProbeKind::http || kind == ProbeKind::tcp)) ||
                         (key == "url" && (kind == ProbeKind::http || kind == ProbeKind::tcp)) ||
                         (contains(calculated_only_keys, key) && kind == ProbeKind::calculated) ||
                         aws_key_applies(key, kind);
    const bool kind_specific = contains(dns_only_keys, key) || contains(http_only_keys, key) ||
                               contains(tls_keys, key) || contains(calculated_only_keys, key) || key == "url" ||
                               contains(aws_check_keys, key);
    if (kind_specific && !allowed)
      errors.add(entry.key_mark, entry.value.path,
                 "does not apply to " + std::string(to_string(kind)) + " endpoints");
  }
}

void read_http_options(const Mapping& fields, HttpProbeOptions& http, std::vector<std::string>& connect_to,
                       ErrorList& errors) {
  if (const auto value = fields.require("url", errors)) {
    const auto url = read_string(*value, errors);
    const auto parsed = url ? parse_target_url(*url) : std::nullopt;
    if (url && (!parsed || (parsed->scheme != "http" && parsed->scheme != "https"))) {
      errors.add(*value, "`" + *url + "` is not an http:// or https:// URL");
    } else if (url && !is_ip_literal(parsed->host) && dns_name_problem(parsed->host)) {
      errors.add(*value, "`" + parsed->host + "` " + *dns_name_problem(parsed->host));
    } else if (url) {
      http.url = *url;
    }
  }
  if (const auto value = fields.get("method")) {
    const auto method = read_string(*value, errors);
    if (method && !contains(method_names, *method)) {
      errors.add(*value, "unknown method `" + *method + "` (expected one of: " + join(method_names) + ")");
    } else if (method) {
      http.method = *method;
    }
  }
  if (const auto value = fields.get("headers")) {
    if (const auto headers = read_open_mapping(*value, errors)) {
      for (const auto& entry : headers->entries()) {
        const auto header_value = read_string(entry.value, errors);
        if (header_value) http.headers.emplace_back(entry.key, *header_value);
      }
    }
  }
  if (const auto value = fields.get("body")) http.body = read_string(*value, errors).value_or("");
  if (const auto value = fields.get("expect_status")) {
    std::vector<StatusRange> ranges;
    for (const auto& item : read_list(*value, errors).value_or(std::vector<YamlValue>{}))
      if (auto range = read_status_range(item, errors)) ranges.push_back(*range);
    if (!ranges.empty()) http.expected_status = ranges;
  }
  if (const auto value = fields.get("match")) http.match = read_string(*value, errors).value_or("");
  if (const auto value = fields.get("match_regex")) {
    const auto pattern = read_string(*value, errors);
    try {
      if (pattern) {
        std::regex compiled(*pattern, std::regex::ECMAScript);
        http.match_regex = *pattern;
      }
    } catch (const std::regex_error& e) {
      errors.add(*value, std::string("is not a valid regular expression: ") + e.what());
    }
  }
  if (const auto value = fields.get("follow_redirects"))
    http.follow_redirects = read_bool(*value, errors).value_or(http.follow_redirects);
  TlsFields tls{http.verify_tls, http.ca_file, http.certificate_warning_days};
  read_tls_fields(fields, tls, errors);
  http.verify_tls = tls.verify;
  http.ca_file = tls.ca_file;
  http.certificate_warning_days = tls.warning_days;
  if (const auto value = fields.get("connect_to")) {
    for (const auto& item : read_list(*value, errors).value_or(std::vector<YamlValue>{})) {
      const auto address = read_string(item, errors);
      if (address && !is_ip_literal(*address)) {
        errors.add(item, "`" + *address + "` is not an IP address");
      } else if (address) {
        connect_to.push_back(*address);
      }
    }
  }
}

void read_tcp_options(const Mapping& fields, TcpProbeOptions& tcp, ErrorList& errors) {
  if (const auto value = fields.require("url", errors)) {
    const auto url = read_string(*value, errors);
    const auto parsed = url ? parse_target_url(*url) : std::nullopt;
    if (url && (!parsed || (parsed->scheme != "tcp" && parsed->scheme != "tls") || parsed->port == 0)) {
      errors.add(*value, "`" + *url + "` is not a tcp://HOST:PORT or tls://HOST:PORT target");
    } else if (url) {
      tcp.host = parsed->host;
      tcp.port = parsed->port;
      tcp.tls = parsed->scheme == "tls";
    }
  }
  TlsFields tls{tcp.verify_tls, tcp.ca_file, tcp.certificate_warning_days};
  read_tls_fields(fields, tls, errors);
  tcp.verify_tls = tls.verify;
  tcp.ca_file = tls.ca_file;
  tcp.certificate_warning_days = tls.warning_days;
}

void read_calculated_options(const Mapping& fields, CalculatedOptions& calculated, ErrorList& errors) {
  if (const auto value = fields.require("children", errors)) {
    for (const auto& item : read_list(*value, errors).value_or(std::vector<YamlValue>{}))
      if (auto id = read_string(item, errors)) calculated.children.push_back(*id);
    if (calculated.children.empty()) errors.add(*value, "must list at least one child check");
  }
  if (const auto value = fields.require("healthy_threshold", errors)) {
    const auto threshold = read_int(*value, errors);
    if (threshold && (*threshold < 1 || *threshold > static_cast<int>(calculated.children.size()))) {
      errors.add(*value, "must be between 1 and the number of children (" +
                             std::to_string(calculated.children.size()) + ")");
    } else if (threshold) {
      calculated.healthy_threshold = *threshold;
    }
  }
}

}  // namespace rg
