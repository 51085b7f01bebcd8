#include "config/endpoints_reader.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "config/aws_check_reader.h"
#include "config/check_options_reader.h"
#include "config/defaults_reader.h"
#include "config/dns_name.h"
#include "core/text.h"
#include "dns/record_type.h"

namespace rg {
namespace {

// A DNS check's `type:`, one of the record types a check may ask for (dns/record_type.h), in any
// case; an unknown one is reported with the list and the nearest name.
std::optional<RecordType> read_record_type(const YamlValue& value, ErrorList& errors) {
  const auto name = read_string(value, errors);
  if (!name) return std::nullopt;
  const std::string upper = to_upper(*name);
  std::vector<std::string_view> names;
  for (const auto& type : dns::configurable_record_types()) {
    if (type.name == upper) return RecordType{type.code, upper};
    names.push_back(type.name);
  }
  errors.add(value, with_suggestion("unknown record type `" + *name + "` (expected one of: " + join(names) + ")",
                                    upper, names));
  return std::nullopt;
}

// Every key any kind of endpoint takes; check_options_reader.h says which kind uses which.
const std::vector<std::string_view> endpoint_keys{
    "id",       "service",     "region",        "kind",          "interval",    "timeout",     "inverted",
    "failure_threshold",       "hostname",      "type",          "resolvers",   "tcp_fallback", "expect",
    "min_answers", "report_changes", "url",     "method",        "headers",     "body",        "expect_status",
    "match",    "match_regex", "follow_redirects", "connect_to", "verify_tls",  "ca_file",
    "certificate_warning",     "children",      "healthy_threshold", "resource",   "cluster",
    "min_healthy_percent",     "max_replica_lag", "min_headroom"};

// Endpoint ids appear in URLs (/api/endpoints/{id}) and metric labels; derived ids
// ("streams.dynamodb.us-east-1.amazonaws.com/AAAA") fit this alphabet.
bool is_endpoint_id(std::string_view id) {
  return std::ranges::all_of(id, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("._-/:@").contains(c);
  });
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

// Where an endpoint id was set, to name the first holder when a second one claims it.
struct IdSite {
  std::string path;  // "endpoints[0]"
  YAML::Mark mark;
};

// Reads the endpoints of one file. Ids must be unique across all of them, and a calculated
// check's children are checked once every endpoint is known.
class EndpointsReader {
 public:
  EndpointsReader(const Config& config, std::vector<EndpointConfig>& endpoints,
                  ErrorList& errors)
      : config_(config), endpoints_(endpoints), errors_(errors) {}

  void read(const std::optional<YamlValue>& value) {
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
        endpoints_.push_back(std::move(endpoint));
      }
    }
    check_calculated_children();
  }

 private:
  // Children are ids of other endpoints, known only once all are read. A calculated check of
  // calculated checks is refused, as Route 53 does, so evaluation order never matters.
  void check_calculated_children() {
    std::unordered_map<std::string_view, ProbeKind> kinds;  // by id; the first holder of an id wins
    for (const auto& endpoint : endpoints_) kinds.emplace(endpoint.id, endpoint.kind);
    for (const auto& endpoint : endpoints_) {
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
    const Timing timing = aws ? read_timing(*fields, {config_.aws.interval, config_.aws.timeout}, " from aws.timeout", errors_)
                              : read_timing(*fields, {config_.interval, config_.timeout}, " from defaults.timeout", errors_);
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
      type = read_record_type(*value, errors_);
      dns.record_type = type.value_or(dns.record_type);
    }
    dns.resolvers = config_.resolvers;
    if (const auto value = fields.get("resolvers")) {
      dns.resolvers = read_resolvers(*value, errors_);
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

  const Config& config_;
  std::vector<EndpointConfig>& endpoints_;
  ErrorList& errors_;
  std::map<std::string, IdSite> id_sites_;
  std::map<std::string, IdSite> child_sites_;  // calculated check id → where its children are listed
  NameIndex service_index_{{}};                // set when the endpoints are read
  NameIndex region_index_{{}};
};

}  // namespace

void read_endpoints_section(const std::optional<YamlValue>& value, const Config& config,
                            std::vector<EndpointConfig>& endpoints,
                            ErrorList& errors) {
  EndpointsReader(config, endpoints, errors).read(value);
}

}  // namespace rg
