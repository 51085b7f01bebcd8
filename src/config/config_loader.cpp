#include "config/config_loader.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "config/alerts_reader.h"
#include "config/anomaly_reader.h"
#include "config/application_reader.h"
#include "config/aws_check_reader.h"
#include "config/check_options_reader.h"
#include "config/cloudwatch_reader.h"
#include "config/dns_name.h"
#include "config/duration.h"
#include "config/jobs_reader.h"
#include "config/server_reader.h"
#include "config/store_reader.h"
#include "config/yaml_documents.h"
#include "config/yaml_reader.h"

namespace rg {
namespace {

using namespace std::chrono_literals;

const std::vector<std::string_view> root_keys{"regions",  "defaults",  "hysteresis", "uptime_window",
                                              "services", "endpoints", "store",      "server",
                                              "dependencies", "runbooks", "alerts",  "notifiers",
                                              "anomaly", "aws", "health_score", "applications", "cloudwatch", "jobs"};
const std::vector<std::string_view> defaults_keys{"interval", "timeout", "jitter", "thresholds", "resolvers"};
const std::vector<std::string_view> threshold_keys{"healthy", "warning"};
const std::vector<std::string_view> hysteresis_keys{"fall", "rise"};
const std::vector<std::string_view> service_keys{"display_name", "priority", "thresholds"};
// Every key any kind of endpoint takes; check_options_reader.h says which kind uses which.
const std::vector<std::string_view> endpoint_keys{
    "id",       "service",     "region",        "kind",          "interval",    "timeout",     "inverted",
    "failure_threshold",       "hostname",      "type",          "resolvers",   "tcp_fallback", "expect",
    "min_answers", "report_changes", "url",     "method",        "headers",     "body",        "expect_status",
    "match",    "match_regex", "follow_redirects", "connect_to", "verify_tls",  "ca_file",
    "certificate_warning",     "children",      "healthy_threshold", "resource",   "cluster",
    "min_healthy_percent",     "max_replica_lag", "min_headroom"};
const std::vector<std::string_view> priority_names{"low", "medium", "high", "critical"};

struct RecordTypeName {
  std::string_view name;
  std::uint16_t code;  // the RR TYPE of RFC 1035 and successors
};
constexpr std::array<RecordTypeName, 10> record_types{{
    {"A", 1}, {"AAAA", 28}, {"CNAME", 5}, {"MX", 15}, {"TXT", 16},
    {"NS", 2}, {"SOA", 6}, {"SRV", 33}, {"PTR", 12}, {"CAA", 257},
}};

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }

std::string to_upper(std::string_view text) {
  std::string upper(text);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return upper;
}

// Region names end up in AWS endpoints and metric labels: keep them to AWS's own alphabet.
bool is_region_name(std::string_view name) {
  return !name.empty() && std::ranges::all_of(name, [](char c) { return is_lower_alnum(c) || c == '-'; });
}

// Service names are keys in paths ("services.dynamodb.thresholds") and metric labels.
bool is_service_name(std::string_view name) {
  return !name.empty() && std::ranges::all_of(name, [](char c) { return is_alnum(c) || c == '_' || c == '-'; });
}

// Endpoint ids appear in URLs (/api/endpoints/{id}) and metric labels; derived ids
// ("streams.dynamodb.us-east-1.amazonaws.com/AAAA") fit this alphabet.
bool is_endpoint_id(std::string_view id) {
  return std::ranges::all_of(id, [](char c) { return is_alnum(c) || std::string_view("._-/:@").contains(c); });
}

int line_of(const YAML::Mark& mark) { return mark.line < 0 ? 1 : mark.line + 1; }

SourceMark source_mark(const std::string& file, const YAML::Mark& mark) {
  return {file, line_of(mark), mark.column < 0 ? 1 : mark.column + 1};
}

std::optional<Priority> parse_priority(std::string_view name) {
  for (std::size_t i = 0; i < priority_names.size(); ++i) {
    if (priority_names[i] == name) {
      return static_cast<Priority>(i);
    }
  }
  return std::nullopt;
}

std::optional<RecordType> parse_record_type(std::string_view name) {
  const std::string upper = to_upper(name);
  for (const RecordTypeName& type : record_types) {
    if (type.name == upper) {
      return RecordType{type.code, upper};
    }
  }
  return std::nullopt;
}

std::vector<std::string_view> record_type_names() {
  std::vector<std::string_view> names;
  for (const RecordTypeName& type : record_types) {
    names.push_back(type.name);
  }
  return names;
}

// The names one section defines, for the references to them: found in constant time, listed in
// the order written (at most kListedNames of them in a message, which must not grow with the file)
// and matched against typos. A file that names more than kSuggestedNames unknown ones is not a
// typo: past that, no "did you mean", which costs a look at every name defined.
constexpr std::size_t kListedNames = 10;
constexpr std::size_t kSuggestedNames = 100;
struct NameIndex {
  explicit NameIndex(std::vector<std::string_view> in) : set(in.begin(), in.end()), matcher(std::move(in)) {}
  const std::vector<std::string_view>& names() const { return matcher.candidates(); }
  std::unordered_set<std::string_view> set;  // views into the Config being read, which outlives them
  TypoMatcher matcher;
  std::size_t unknown = 0;  // references to names not defined, so far
};

// interval and timeout of one mapping (defaults or an endpoint), over those it inherits.
struct Timing {
  Millis interval;
  Millis timeout;
};

// Where an endpoint id was set, to name the first holder when a second one claims it.
struct IdSite {
  std::string path;  // "endpoints[0]"
  YAML::Mark mark;
};

// Reads one document into a Config, reporting every problem to `errors`. Sections are read in
// dependency order (services need defaults.thresholds; endpoints need regions, services and the
// default timing). An invalid value leaves the built-in default in place, so that checks which
// depend on it do not pile up follow-on errors about values that are fine.
class ConfigReader {
 public:
  ConfigReader(ErrorList& errors, const std::string& file) : errors_(errors) { config_.source_file = file; }

  Config read(const Mapping& root) {
    read_regions(root);
    read_defaults(root);
    read_hysteresis(root);
    read_store_section(root.get("store"), config_.source_file, config_.store, errors_);
    read_uptime_window(root);
    read_services(root);
    read_aws_section(root.get("aws"), config_.aws, errors_);  // before endpoints: its timing is their default
    read_health_score_section(root.get("health_score"), config_.score_weights, errors_);
    read_endpoints(root);
    read_server_section(root.get("server"), config_.source_file, config_.server, errors_);
    read_anomaly_section(root.get("anomaly"), config_.source_file, config_.store, config_.anomaly, errors_);
    read_dependencies_section(root.get("dependencies"), root.get("runbooks"), config_.dependencies, errors_);
    read_alerts_section(root.get("alerts"), config_, config_.alerts, errors_);
    read_notifiers_section(root.get("notifiers"), config_.source_file, config_.notifiers, errors_);
    read_applications_section(root.get("applications"), config_, config_.applications, errors_);  // after endpoints
    read_cloudwatch_section(root.get("cloudwatch"), config_.source_file, config_.regions, config_.cloudwatch, errors_);
    read_jobs_section(root.get("jobs"), config_, config_.jobs, errors_);  // after applications
    return std::move(config_);
  }

 private:
  void read_regions(const Mapping& root) {
    const auto value = root.require("regions", errors_);
    const auto items = value ? read_list(*value, errors_) : std::nullopt;
    if (!items) {
      return;
    }
    if (items->empty()) {
      errors_.add(*value, "must list at least one region");
    }
    std::map<std::string, std::string> first_paths;
    for (const YamlValue& item : *items) {
      const auto name = read_string(item, errors_);
      if (!name) {
        continue;
      }
      if (!is_region_name(*name)) {
        errors_.add(item, "`" + *name + "` is not a region name (lower-case letters, digits and `-`, e.g. us-east-1)");
      }
      const auto [first, inserted] = first_paths.emplace(*name, item.path);
      if (!inserted) {
        errors_.add(item, "duplicate region `" + *name + "` (already listed as " + first->second + ")");
        continue;
      }
      config_.regions.push_back(*name);
    }
  }

  void read_defaults(const Mapping& root) {
    const auto value = root.get("defaults");
    const auto fields = value ? read_mapping(*value, defaults_keys, errors_) : std::nullopt;
    if (!fields) {
      return;
    }
    const Timing timing = read_timing(*fields, {config_.interval, config_.timeout}, "");
    config_.interval = timing.interval;
    config_.timeout = timing.timeout;
    if (const auto jitter_value = fields->get("jitter")) {
      const auto jitter = read_duration(*jitter_value, errors_);
      if (jitter && *jitter >= config_.interval) {
        errors_.add(*jitter_value, "must be less than interval");
      } else if (jitter) {
        config_.jitter = *jitter;
      }
    }
    if (const auto thresholds = fields->get("thresholds")) {
      config_.thresholds = read_thresholds(*thresholds, config_.thresholds);
    }
    if (const auto resolvers = fields->get("resolvers")) {
      config_.resolvers = read_resolvers(*resolvers);
    }
  }

  // `inherited` is valid (defaults or built-ins that passed this same check). Anything wrong here
  // is reported and the inherited value kept, so that later checks build on a consistent pair.
  // `inherited_from` says where an inherited timeout came from, for the message when an interval
  // is too short for it.
  Timing read_timing(const Mapping& fields, const Timing inherited, std::string_view inherited_from) {
    const auto interval_value = fields.get("interval");
    const auto timeout_value = fields.get("timeout");
    Timing timing = inherited;
    bool valid = true;
    if (interval_value) {
      const auto interval = read_duration(*interval_value, errors_);
      if (interval && *interval < 1s) {
        errors_.add(*interval_value, "must be at least 1s");
      }
      valid = interval && *interval >= 1s;
      timing.interval = valid ? *interval : timing.interval;
    }
    if (timeout_value) {
      const auto timeout = read_positive_duration(*timeout_value);
      valid = valid && timeout;
      timing.timeout = timeout.value_or(timing.timeout);
    }
    if (timing.timeout < timing.interval) {
      return timing;  // keeps a valid timeout next to an invalid interval, and the reverse
    }
    // With one value invalid the comparison would be against a value the user did not write.
    if (valid && timeout_value) {
      errors_.add(*timeout_value, "must be less than interval");
    } else if (valid) {
      errors_.add(*interval_value, "must be greater than timeout (" + format_duration(timing.timeout) +
                                       std::string(inherited_from) + ")");
    }
    return inherited;
  }

  std::optional<Millis> read_positive_duration(const YamlValue& value) {
    const auto duration = read_duration(value, errors_);
    if (duration && *duration <= 0ms) {
      errors_.add(value, "must be greater than 0");
      return std::nullopt;
    }
    return duration;
  }

  // Either band may be left out and is then inherited; the pair is checked as a whole. As with
  // timing, an inconsistent pair falls back to the inherited one.
  Thresholds read_thresholds(const YamlValue& value, const Thresholds inherited) {
    const auto fields = read_mapping(value, threshold_keys, errors_);
    if (!fields) {
      return inherited;
    }
    const auto healthy_value = fields->get("healthy");
    const auto warning_value = fields->get("warning");
    Thresholds thresholds = inherited;
    bool valid = true;
    for (const auto& [band_value, band] : {std::pair{&healthy_value, &thresholds.healthy_max},
                                          std::pair{&warning_value, &thresholds.warning_max}}) {
      if (*band_value) {
        const auto duration = read_positive_duration(**band_value);
        valid = valid && duration;
        *band = duration.value_or(*band);
      }
    }
    if (thresholds.healthy_max <= thresholds.warning_max) {
      return thresholds;
    }
    if (valid && warning_value) {
      errors_.add(*warning_value, "must be at least healthy (" + format_duration(thresholds.healthy_max) + ")");
    } else if (valid) {
      errors_.add(*healthy_value, "must be at most warning (" + format_duration(thresholds.warning_max) + ")");
    }
    return inherited;
  }

  std::vector<NetworkAddress> read_resolvers(const YamlValue& value) {
    std::vector<NetworkAddress> resolvers;
    for (const YamlValue& item : read_list(value, errors_).value_or(std::vector<YamlValue>{})) {
      const auto text = read_string(item, errors_);
      if (!text) {
        continue;
      }
      const auto address = parse_network_address(*text);
      if (!address) {
        errors_.add(item, address.error());
        continue;
      }
      resolvers.push_back(*address);
    }
    return resolvers;
  }

  void read_hysteresis(const Mapping& root) {
    const auto value = root.get("hysteresis");
    const auto fields = value ? read_mapping(*value, hysteresis_keys, errors_) : std::nullopt;
    if (!fields) {
      return;
    }
    for (const auto& [key, target] : {std::pair{"fall", &config_.hysteresis.fall},
                                      std::pair{"rise", &config_.hysteresis.rise}}) {
      if (const auto count_value = fields->get(key)) {
        const auto count = read_int(*count_value, errors_);
        if (count && *count < 1) {
          errors_.add(*count_value, "must be at least 1");
        } else if (count) {
          *target = *count;
        }
      }
    }
  }

  void read_uptime_window(const Mapping& root) {
    const auto value = root.get("uptime_window");
    const auto duration = value ? read_duration(*value, errors_) : std::nullopt;
    if (!duration) {
      return;
    }
    if (*duration < 1h) {
      errors_.add(*value, "must be at least 1h");
    } else if (*duration % 1h != 0ms) {
      errors_.add(*value, "must be a whole number of hours, e.g. 24h");
    } else if (*duration > std::chrono::days(config_.store.rollup_retention_days)) {
      // Uptime is computed from stored history; a longer window would silently cover less.
      errors_.add(*value, "must not be longer than store.rollup_retention (" +
                              std::to_string(config_.store.rollup_retention_days) + "d)");
    } else {
      config_.uptime_window = std::chrono::duration_cast<std::chrono::hours>(*duration);
    }
  }

  void read_services(const Mapping& root) {
    const auto value = root.require("services", errors_);
    const auto services = value ? read_open_mapping(*value, errors_) : std::nullopt;
    if (!services) {
      return;
    }
    if (services->entries().empty()) {
      errors_.add(*value, "must define at least one service");
    }
    for (const MappingEntry& entry : services->entries()) {
      read_service(entry);
    }
  }

  // A service with bad settings is still added, so endpoints that name it do not also fail.
  void read_service(const MappingEntry& entry) {
    ServiceConfig service;
    service.name = entry.key;
    service.display_name = to_upper(entry.key);
    service.mark = source_mark(config_.source_file, entry.key_mark);
    if (!is_service_name(entry.key)) {
      errors_.add(entry.key_mark, entry.value.path,
                  "service names may contain only letters, digits, `_` and `-`");
    }
    if (const auto fields = read_mapping(entry.value, service_keys, errors_)) {
      if (const auto display_name = fields->get("display_name")) {
        service.display_name = read_string(*display_name, errors_).value_or(service.display_name);
      }
      if (const auto priority_value = fields->get("priority")) {
        service.priority = read_priority(*priority_value).value_or(service.priority);
      }
      if (const auto thresholds = fields->get("thresholds")) {
        service.thresholds = read_thresholds(*thresholds, config_.thresholds);
      }
    }
    config_.services.push_back(std::move(service));
  }

  std::optional<Priority> read_priority(const YamlValue& value) {
    const auto name = read_string(value, errors_);
    const auto priority = name ? parse_priority(*name) : std::nullopt;
    if (name && !priority) {
      errors_.add(value, with_suggestion("unknown priority `" + *name + "` (expected one of: " +
                                             join(priority_names) + ")",
                                         *name, priority_names));
    }
    return priority;
  }

  void read_endpoints(const Mapping& root) {
    const auto value = root.require("endpoints", errors_);
    const auto items = value ? read_list(*value, errors_) : std::nullopt;
    if (!items) {
      return;
    }
    if (items->empty()) {
      errors_.add(*value, "must list at least one endpoint");
    }
    std::vector<std::string_view> services;
    for (const ServiceConfig& service : config_.services) services.push_back(service.name);
    service_index_ = NameIndex(std::move(services));
    region_index_ = NameIndex({config_.regions.begin(), config_.regions.end()});
    for (const YamlValue& item : *items) {
      for (auto& endpoint : read_endpoint(item)) {
        config_.endpoints.push_back(std::move(endpoint));
      }
    }
    check_calculated_children();
  }

  // Children are ids of other endpoints, known only once all are read. A calculated check of
  // calculated checks is refused, as Route 53 does, so evaluation order never matters.
  void check_calculated_children() {
    std::unordered_map<std::string_view, ProbeKind> kinds;  // by id; the first holder of an id wins
    for (const auto& endpoint : config_.endpoints) kinds.emplace(endpoint.id, endpoint.kind);
    for (const auto& endpoint : config_.endpoints) {
      const auto site_it = child_sites_.find(endpoint.id);
      if (endpoint.kind != ProbeKind::calculated || site_it == child_sites_.end()) continue;  // no id: reported
      const auto& site = site_it->second;
      for (const auto& child : endpoint.calculated.children) {
        const auto found = kinds.find(child);
        if (found == kinds.end()) {
          errors_.add(site.mark, site.path, "unknown child check `" + child + "`");
        } else if (found->second == ProbeKind::calculated) {
          errors_.add(site.mark, site.path, "child `" + child + "` is itself a calculated check");
        }
      }
    }
  }

  // One endpoint, or one per address of an HTTP check's connect_to.
  std::vector<EndpointConfig> read_endpoint(const YamlValue& value) {
    if (value.node.IsNull()) {  // a stray "-": one message, not one per required key
      errors_.add(value, "must not be empty");
      return {};
    }
    const auto fields = read_mapping(value, endpoint_keys, errors_);
    if (!fields) {
      return {};
    }
    EndpointConfig endpoint;
    endpoint.mark = source_mark(config_.source_file, value.mark);
    const auto kind = read_probe_kind(*fields, errors_);
    endpoint.kind = kind.value_or(ProbeKind::dns);
    if (kind) reject_keys_of_other_kinds(*fields, *kind, errors_);
    endpoint.service = read_reference(*fields, "service", service_index_, "services").value_or("");
    endpoint.region = read_reference(*fields, "region", region_index_, "regions").value_or("");
    bool id_derivable = kind.has_value();
    std::vector<std::string> connect_to;
    switch (endpoint.kind) {
      case ProbeKind::dns:
        endpoint.hostname = read_hostname(*fields).value_or("");
        id_derivable = read_dns_options(*fields, endpoint.dns) && id_derivable;
        break;
      case ProbeKind::http:
        read_http_options(*fields, endpoint.http, connect_to, errors_);
        endpoint.hostname = endpoint.http.url;
        break;
      case ProbeKind::tcp:
        read_tcp_options(*fields, endpoint.tcp, errors_);
        if (const auto url = fields->get("url"); url && !endpoint.tcp.host.empty()) endpoint.hostname = url->node.Scalar();
        break;
      case ProbeKind::calculated:
        read_calculated_options(*fields, endpoint.calculated, errors_);
        if (!fields->get("id")) errors_.add(fields->value(), "a calculated check needs an `id`");
        break;
      default:  // the AWS resource kinds
        read_aws_check_options(*fields, endpoint.kind, endpoint.aws, errors_);
        endpoint.hostname = endpoint.aws.resource;
        break;
    }
    if (const auto inverted = fields->get("inverted")) endpoint.inverted = read_bool(*inverted, errors_).value_or(false);
    if (const auto threshold = fields->get("failure_threshold")) {
      const auto count = read_int(*threshold, errors_);
      if (count && (*count < 1 || *count > 10)) {
        errors_.add(*threshold, "must be between 1 and 10 (as Route 53)");
      } else if (count) {
        endpoint.failure_threshold = *count;
      }
    }
    const bool aws = is_aws_kind(endpoint.kind);
    const Timing timing = aws ? read_timing(*fields, {config_.aws.interval, config_.aws.timeout}, " from aws.timeout")
                              : read_timing(*fields, {config_.interval, config_.timeout}, " from defaults.timeout");
    endpoint.interval = timing.interval;
    endpoint.timeout = timing.timeout;
    if (connect_to.empty()) {
      endpoint.id = read_endpoint_id(*fields, endpoint, id_derivable, "");
      const auto children = fields->get("children");
      if (endpoint.kind == ProbeKind::calculated && children && !endpoint.id.empty())
        child_sites_[endpoint.id] = IdSite{children->path, children->mark};
      return {std::move(endpoint)};
    }
    // One check per address, each keeping the URL's host for Host and SNI.
    std::vector<EndpointConfig> expanded;
    for (const auto& address : connect_to) {
      EndpointConfig copy = endpoint;
      copy.http.connect_address = address;
      copy.id = read_endpoint_id(*fields, copy, id_derivable, "@" + address);
      expanded.push_back(std::move(copy));
    }
    return expanded;
  }


  std::optional<std::string> read_hostname(const Mapping& fields) {
    const auto value = fields.require("hostname", errors_);
    const auto hostname = value ? read_string(*value, errors_) : std::nullopt;
    if (!hostname) {
      return std::nullopt;
    }
    if (const auto problem = dns_name_problem(*hostname)) {
      errors_.add(*value, "`" + *hostname + "` " + *problem);
      return std::nullopt;
    }
    return hostname;
  }

  // A required name that must be one of `known` (defined under `section`). When the section
  // itself failed to load, `known` is empty and that failure has been reported already.
  std::optional<std::string> read_reference(const Mapping& fields, std::string_view key, NameIndex& known,
                                            std::string_view section) {
    const auto value = fields.require(key, errors_);
    const auto name = value ? read_string(*value, errors_) : std::nullopt;
    if (!name || known.names().empty() || known.set.contains(*name)) {
      return name;
    }
    const std::string message = "unknown " + std::string(key) + " `" + *name + "` (" + std::string(section) +
                                " are: " + join(known.names(), kListedNames) + ")";
    // Region names differ by design by one character (us-east-1, us-east-2): no "did you mean".
    const bool suggest = key != "region" && ++known.unknown <= kSuggestedNames;
    errors_.add(*value, suggest ? with_suggestion(message, *name, known.matcher) : message);
    return std::nullopt;
  }

  // False when the record type given is wrong (reported), so nothing is derived from it.
  bool read_dns_options(const Mapping& fields, DnsProbeOptions& dns) {
    // nullopt when the type given is wrong: expect is then checked for syntax only, not against a
    // type the user did not write.
    std::optional<RecordType> type = dns.record_type;
    if (const auto value = fields.get("type")) {
      type = read_record_type(*value);
      dns.record_type = type.value_or(dns.record_type);
    }
    dns.resolvers = config_.resolvers;
    if (const auto value = fields.get("resolvers")) {
      dns.resolvers = read_resolvers(*value);
    }
    if (const auto value = fields.get("tcp_fallback")) {
      dns.tcp_fallback = read_bool(*value, errors_).value_or(dns.tcp_fallback);
    }
    if (const auto value = fields.get("report_changes")) {
      dns.report_answer_changes = read_bool(*value, errors_).value_or(dns.report_answer_changes);
    }
    if (const auto value = fields.get("min_answers")) {
      const auto count = read_int(*value, errors_);
      if (count && *count < 0) {
        errors_.add(*value, "must be at least 0");
      } else if (count) {
        dns.min_answers = *count;
      }
    }
    if (const auto value = fields.get("expect")) {
      dns.expected_addresses = read_expected_addresses(*value, type);
    }
    return type.has_value();
  }

  std::optional<RecordType> read_record_type(const YamlValue& value) {
    const auto name = read_string(value, errors_);
    const auto type = name ? parse_record_type(*name) : std::nullopt;
    if (name && !type) {
      const std::vector<std::string_view> names = record_type_names();
      errors_.add(value, with_suggestion("unknown record type `" + *name + "` (expected one of: " + join(names) + ")",
                                         to_upper(*name), names));
    }
    return type;
  }

  // Answers are compared with these ranges, so they only make sense for address records of the
  // matching family.
  std::vector<Cidr> read_expected_addresses(const YamlValue& value, const std::optional<RecordType>& type) {
    if (type && type->name != "A" && type->name != "AAAA") {
      errors_.add(value, "only applies to A and AAAA queries (type is " + type->name + ")");
      return {};
    }
    std::vector<Cidr> ranges;
    for (const YamlValue& item : read_list(value, errors_).value_or(std::vector<YamlValue>{})) {
      const auto text = read_string(item, errors_);
      if (!text) {
        continue;
      }
      const auto cidr = parse_cidr(*text);
      if (!cidr) {
        errors_.add(item, cidr.error());
        continue;
      }
      if (type && cidr->is_v6 != (type->name == "AAAA")) {
        errors_.add(item, "`" + *text + "` is an " + (cidr->is_v6 ? "IPv6" : "IPv4") + " range but type is " +
                              type->name);
        continue;
      }
      ranges.push_back(*cidr);
    }
    return ranges;
  }

  // The explicit id, or one derived from hostname and type; either way unique across endpoints.
  std::string read_endpoint_id(const Mapping& fields, const EndpointConfig& endpoint, bool derivable,
                               const std::string& suffix) {
    const auto value = fields.get("id");
    std::string id;
    if (value) {
      id = read_string(*value, errors_).value_or("");
      if (!id.empty()) id += suffix;
      if (!id.empty() && !is_endpoint_id(id)) {
        errors_.add(*value, "may contain only letters, digits, `.`, `_`, `-`, `/`, `:` and `@`");
      }
    } else if (!endpoint.hostname.empty() && derivable) {
      id = derived_id(endpoint) + suffix;
      if (!is_endpoint_id(id)) {
        errors_.add(fields.value(), "cannot derive an id from `" + endpoint.hostname +
                                        "` (only letters, digits, `.`, `_`, `-`, `/`, `:` and `@`): set `id`");
        return "";
      }
    }
    if (id.empty()) {
      return id;  // a bad id, hostname or type: already reported
    }
    const YamlValue& site = value ? *value : fields.value();
    const auto [first, inserted] = id_sites_.emplace(id, IdSite{fields.value().path, site.mark});
    if (!inserted) {
      errors_.add(site.mark, fields.value().path + ".id",
                  "duplicate id `" + id + "` (" + first->second.path + " at line " +
                      std::to_string(line_of(first->second.mark)) + " has the same id)" +
                      (value ? "" : "; set a distinct `id` on one of them"));
    }
    return id;
  }

  // hostname[/TYPE] for DNS; the URL without its scheme for HTTP and TCP checks.
  static std::string derived_id(const EndpointConfig& endpoint) {
    // "ec2/us-east-1/i-0abc": the same resource name may be checked in several regions.
    if (is_aws_kind(endpoint.kind))
      return std::string(to_string(endpoint.kind)) + "/" + endpoint.region + "/" + endpoint.aws.resource;
    if (endpoint.kind == ProbeKind::dns)
      return endpoint.hostname + (endpoint.dns.record_type.name == "A" ? "" : "/" + endpoint.dns.record_type.name);
    const auto scheme_end = endpoint.hostname.find("://");
    return scheme_end == std::string::npos ? endpoint.hostname : endpoint.hostname.substr(scheme_end + 3);
  }

  ErrorList& errors_;
  Config config_;
  std::map<std::string, IdSite> id_sites_;
  std::map<std::string, IdSite> child_sites_;  // calculated check id → where its children are listed
  NameIndex service_index_{{}};                // set when the endpoints are read
  NameIndex region_index_{{}};
};

std::expected<std::string, std::string> read_file(const std::string& path) {
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) {
    return std::unexpected(std::strerror(errno));
  }
  std::string text;
  std::array<char, 65536> buffer{};
  while (const std::size_t count = std::fread(buffer.data(), 1, buffer.size(), file.get())) {
    text.append(buffer.data(), count);
  }
  if (std::ferror(file.get())) {  // e.g. EISDIR: fopen succeeds on a directory, reading fails
    return std::unexpected(std::strerror(errno));
  }
  return text;
}

}  // namespace

std::expected<Config, std::vector<ConfigError>> load_config_string(std::string_view yaml,
                                                                   const std::string& file_name) {
  ErrorList errors(file_name);
  auto loaded = load_yaml_documents(yaml);
  if (!loaded) {
    errors.add(loaded.error().mark, "", std::move(loaded.error().message));
    return std::unexpected(errors.sorted());
  }
  std::vector<YAML::Node> documents = std::move(*loaded);
  // A trailing "---" makes an empty second document; only content counts.
  std::erase_if(documents, [](const YAML::Node& document) { return document.IsNull(); });
  if (documents.empty()) {
    errors.add(YAML::Mark::null_mark(), "", "the file is empty; it needs at least regions, services and endpoints");
    return std::unexpected(errors.sorted());
  }
  if (documents.size() > 1) {
    errors.add(documents[1].Mark(), "", "expected one YAML document, found " + std::to_string(documents.size()));
  }
  if (!documents[0].IsMap()) {
    errors.add(documents[0].Mark(), "", "the file must be a mapping with regions, services and endpoints");
    return std::unexpected(errors.sorted());
  }
  const auto root = read_mapping(YamlValue{documents[0], "", documents[0].Mark()}, root_keys, errors);
  Config config = ConfigReader(errors, file_name).read(*root);
  if (!errors.empty()) {
    return std::unexpected(errors.sorted());
  }
  return config;
}

std::expected<Config, std::vector<ConfigError>> load_config_file(const std::string& path) {
  const auto text = read_file(path);
  if (!text) {
    return std::unexpected(std::vector<ConfigError>{{path, 0, 0, "", "cannot read: " + text.error()}});
  }
  return load_config_string(*text, path);
}

}  // namespace rg
