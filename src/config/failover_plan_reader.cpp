#include "config/failover_plan_reader.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "config/aurora_global_reader.h"
#include "config/custom_step_reader.h"
#include "config/dns_name.h"
#include "config/duration.h"
#include "config/global_accelerator_reader.h"
#include "config/plan_order_reader.h"

namespace rg {
namespace {

const std::vector<std::string_view> plan_keys{
    "autoscaling_groups", "desired_capacity", "ecs_services", "rds_replicas", "rpo",        "ssm_parameters",
    "route53",            "dynamodb_tables",  "s3_replication", "cloudfront", "dns_update", "verify_dns",
    "gate",               "settle",           "rpo_unknown",    "order",      "global_accelerator",
    "aurora_global",      "custom_steps"};
const std::vector<std::string_view> ecs_service_keys{"cluster", "service", "desired_count"};
const std::vector<std::string_view> cloudfront_keys{"distribution_id", "origins"};
const std::vector<std::string_view> dns_update_keys{"server", "zone", "name", "type", "ttl", "key", "values"};
const std::vector<std::string_view> tsig_key_keys{"name", "algorithm", "secret", "secret_file"};
const std::vector<std::string_view> tsig_algorithms{"hmac-sha256", "hmac-sha512"};
const std::vector<std::string_view> verify_dns_keys{"name", "type", "resolvers", "timeout", "values"};
const std::vector<std::string_view> route53_keys{"zone_id", "name", "type", "ttl", "values"};
const std::vector<std::string_view> record_types{"A", "AAAA", "CNAME"};
const std::vector<std::string_view> rpo_unknown_names{"deny", "allow"};  // in the order of RpoUnknown

// RFC 4648 base64 as TSIG secrets are written (BIND's and Knot's key files): groups of four.
bool is_base64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return false;
  const auto body_end = text.find_last_not_of('=');
  if (body_end == std::string_view::npos || text.size() - body_end - 1 > 2) return false;
  return std::ranges::all_of(text.substr(0, body_end + 1), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
  });
}

// Why `value` cannot be the data of a `type` record, if it cannot.
bool is_ipv4(const std::string& value) {
  unsigned char address[4];
  return inet_pton(AF_INET, value.c_str(), address) == 1;
}
bool is_ipv6(const std::string& value) {
  unsigned char address[16];
  return inet_pton(AF_INET6, value.c_str(), address) == 1;
}

std::optional<std::string> record_value_problem(const std::string& type, const std::string& value) {
  if (type == "A" && !is_ipv4(value)) return "is not an IPv4 address (type A)";
  if (type == "AAAA" && !is_ipv6(value)) return "is not an IPv6 address (type AAAA)";
  if (type == "CNAME" && (is_ipv4(value) || is_ipv6(value)))
    return "is an IP address; a CNAME points at a name (type A or AAAA)";
  if (type == "CNAME") return dns_name_problem(value);
  return std::nullopt;
}

// The record type that `values` need when none is given: A for IPv4 addresses, AAAA for IPv6
// ones, CNAME for names; nullopt when they mix addresses and names.
std::optional<std::string> record_type_of(const std::map<std::string, std::string>& values) {
  const auto all = [&](auto is) { return std::ranges::all_of(values, [&](const auto& entry) { return is(entry.second); }); };
  if (all(is_ipv4)) return "A";
  if (all(is_ipv6)) return "AAAA";
  if (all([](const std::string& v) { return !is_ipv4(v) && !is_ipv6(v); })) return "CNAME";
  return std::nullopt;
}

std::string lower_dotted(std::string name) {
  std::ranges::transform(name, name.begin(), [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  if (!name.ends_with('.')) name += '.';
  return name;
}

class FailoverPlanReader {
 public:
  FailoverPlanReader(const Config& config, ErrorList& errors) : config_(config), errors_(errors) {}

  void read(const YamlValue& value, const ApplicationConfig& app, FailoverPlanConfig& plan) {
    const auto fields = read_mapping(value, plan_keys, errors_);
    if (!fields) return;
    if (const auto v = fields->get("autoscaling_groups")) plan.autoscaling_groups = read_region_strings(*v, app);
    if (const auto v = fields->get("desired_capacity"))
      plan.desired_capacity = read_int_in(*v, 1, 10'000, errors_).value_or(plan.desired_capacity);
    if (const auto v = fields->get("ecs_services")) plan.ecs_services = read_ecs_services(*v, app);
    if (const auto v = fields->get("rds_replicas")) plan.rds_replicas = read_rds_replicas(*v, app);
    if (const auto v = fields->get("rpo")) plan.rpo = read_positive_duration(*v, errors_).value_or(plan.rpo);
    if (const auto v = fields->get("rpo_unknown")) {
      const auto name = read_string(*v, errors_);
      const auto found = name ? std::ranges::find(rpo_unknown_names, *name) : rpo_unknown_names.end();
      if (name && found == rpo_unknown_names.end())
        errors_.add(*v, with_suggestion("must be one of allow, deny", *name, rpo_unknown_names));
      else if (name)
        plan.rpo_unknown = static_cast<RpoUnknown>(found - rpo_unknown_names.begin());
    }
    if (const auto v = fields->get("ssm_parameters")) {
      if (const auto mapping = read_open_mapping(*v, errors_)) {
        for (const auto& entry : mapping->entries()) {
          if (!entry.key.starts_with('/')) errors_.add(entry.key_mark, entry.value.path, "a parameter name starts with /");
          // Written in the target region, whichever it is: a region without a value would keep
          // the old one and the step would be silently left out.
          plan.ssm_parameters[entry.key] = read_every_region(entry.value, app, "a value");
        }
      }
    }
    if (const auto v = fields->get("route53")) plan.route53 = read_route53(*v, app);
    if (const auto v = fields->get("dynamodb_tables")) plan.dynamodb_tables = read_table_names(*v);
    if (const auto v = fields->get("s3_replication")) plan.s3_replication = read_s3_replication(*v, app);
    if (const auto v = fields->get("cloudfront")) plan.cloudfront = read_cloudfront(*v, app);
    if (const auto v = fields->get("aurora_global")) plan.aurora_global = read_aurora_global(*v, app, errors_);
    if (const auto v = fields->get("global_accelerator")) plan.global_accelerator = read_global_accelerator(*v, app, errors_);
    if (const auto v = fields->get("dns_update")) plan.dns_update = read_dns_update(*v, app);
    if (const auto v = fields->get("verify_dns")) {
      plan.verify_dns = read_verify_dns(*v, app, plan);
      // Without values of its own it checks for the values of the record the plan changes.
      if (plan.verify_dns && plan.verify_dns->values.empty() && !plan.dns_update && !plan.route53 &&
          !fields->get("dns_update") && !fields->get("route53"))
        errors_.add(*v, "needs values (region -> expected answer), or a dns_update or route53 section to take them from");
    }
    if (const auto v = fields->get("gate")) plan.gate = read_bool(*v, errors_).value_or(plan.gate);
    if (const auto v = fields->get("settle")) {
      plan.settle = read_duration(*v, errors_).value_or(plan.settle);
      if (app.policy.mode == FailoverMode::automatic && plan.settle <= Millis::zero())
        errors_.add(*v, "must be above 0 in mode automatic (the target must be seen healthy once traffic is on it)");
    }
    if (const auto v = fields->get("custom_steps")) {
      plan.custom_steps = read_custom_steps(*v, errors_);
      // plan.order names steps by plan key or custom name: one name, one step.
      for (const auto& step : plan.custom_steps)
        if (std::ranges::find(plan_keys, step.name) != plan_keys.end() || step.name == "approve" || step.name == "parallel")
          errors_.add(*v, "custom step `" + step.name + "` has the name of a plan key; plan.order could not tell them apart");
    }
    // Last: it names the other keys' steps.
    if (const auto v = fields->get("order")) plan.order = read_plan_order(*v, plan, errors_);
  }

 private:
  // region -> non-empty string, keyed by the application's regions, each with its entry (for marks).
  std::vector<std::pair<MappingEntry, std::string>> read_region_entries(const YamlValue& value,
                                                                        const ApplicationConfig& app) {
    std::vector<std::pair<MappingEntry, std::string>> out;
    const auto mapping = read_open_mapping(value, errors_);
    if (!mapping) return out;
    for (const auto& entry : mapping->entries()) {
      if (!check_application_region(entry, app, errors_)) continue;
      if (const auto text = read_string(entry.value, errors_)) out.emplace_back(entry, *text);
    }
    return out;
  }

  std::map<std::string, std::string> read_region_strings(const YamlValue& value, const ApplicationConfig& app) {
    std::map<std::string, std::string> out;
    for (const auto& [entry, text] : read_region_entries(value, app)) out[entry.key] = text;
    return out;
  }

  // region -> replica id; each needs an rds check of that instance in that region, whose result
  // (CloudWatch ReplicaLag) readiness compares with the rpo.
  std::map<std::string, std::string> read_rds_replicas(const YamlValue& value, const ApplicationConfig& app) {
    std::map<std::string, std::string> replicas;
    for (const auto& [entry, replica] : read_region_entries(value, app)) {
      replicas[entry.key] = replica;
      const bool checked = std::ranges::any_of(config_.endpoints, [&](const EndpointConfig& endpoint) {
        return endpoint.kind == ProbeKind::rds && endpoint.region == entry.key && endpoint.aws.resource == replica;
      });
      if (!checked)
        errors_.add(entry.value, "`" + replica + "` has no rds check in " + entry.key + " (an endpoint with kind: rds, region: " +
                                     entry.key + ", resource: " + replica + "), so its replica lag would be unknown");
    }
    return replicas;
  }

  // A region -> string mapping that must name every region of the application (a move may start
  // from or go to any of them).
  std::map<std::string, std::string> read_every_region(const YamlValue& value, const ApplicationConfig& app,
                                                       std::string_view what) {
    auto out = read_region_strings(value, app);
    for (const auto& region : app.regions())
      if (!region.empty() && !out.contains(region)) errors_.add(value, "needs " + std::string(what) + " for region " + region);
    return out;
  }

  std::optional<std::string> read_required_string(const Mapping& fields, std::string_view key) {
    const auto v = fields.require(key, errors_);
    return v ? read_string(*v, errors_) : std::nullopt;
  }

  std::optional<std::string> read_dns_name(const YamlValue& value) {
    auto name = read_string(value, errors_);
    if (!name) return std::nullopt;
    if (const auto problem = dns_name_problem(*name)) {
      errors_.add(value, "`" + *name + "` " + *problem);
      return std::nullopt;
    }
    return name;
  }

  std::optional<std::string> read_record_type(const YamlValue& value) {
    const auto type = read_string(value, errors_);
    if (type && std::ranges::find(record_types, *type) == record_types.end()) {
      errors_.add(value, with_suggestion("must be one of " + join(record_types), *type, record_types));
      return std::nullopt;
    }
    return type;
  }

  // Values of a record of `type`, checked to fit it.
  void check_record_values(const YamlValue& value, const std::string& type, const std::map<std::string, std::string>& values) {
    for (const auto& [region, text] : values)
      if (const auto problem = record_value_problem(type, text))
        errors_.add(value, "value for " + region + ": `" + text + "` " + *problem);
  }

  std::vector<std::string> read_table_names(const YamlValue& value) {
    std::vector<std::string> names;
    for (const auto& item : read_list(value, errors_).value_or(std::vector<YamlValue>{})) {
      const auto name = read_string(item, errors_);
      if (!name) continue;
      if (std::ranges::find(names, *name) != names.end()) {
        errors_.add(item, "`" + *name + "` is listed twice");
        continue;
      }
      names.push_back(*name);
    }
    return names;
  }

  std::map<std::string, std::map<std::string, std::string>> read_s3_replication(const YamlValue& value,
                                                                                const ApplicationConfig& app) {
    std::map<std::string, std::map<std::string, std::string>> out;
    const auto mapping = read_open_mapping(value, errors_);
    if (!mapping) return out;
    for (const auto& entry : mapping->entries()) out[entry.key] = read_every_region(entry.value, app, "a bucket");
    return out;
  }

  // region -> { cluster, service, desired_count }
  std::map<std::string, EcsServiceConfig> read_ecs_services(const YamlValue& value, const ApplicationConfig& app) {
    std::map<std::string, EcsServiceConfig> out;
    const auto mapping = read_open_mapping(value, errors_);
    if (!mapping) return out;
    for (const auto& entry : mapping->entries()) {
      if (!check_application_region(entry, app, errors_)) continue;
      const auto fields = read_mapping(entry.value, ecs_service_keys, errors_);
      if (!fields) continue;
      const auto cluster = read_required_string(*fields, "cluster");
      const auto service = read_required_string(*fields, "service");
      EcsServiceConfig config;
      if (const auto v = fields->get("desired_count")) config.desired_count = read_int_in(*v, 1, 10'000, errors_);
      if (!cluster || !service) continue;
      config.cluster = *cluster;
      config.service = *service;
      out[entry.key] = std::move(config);
    }
    return out;
  }

  std::optional<CloudFrontTargetConfig> read_cloudfront(const YamlValue& value, const ApplicationConfig& app) {
    const auto fields = read_mapping(value, cloudfront_keys, errors_);
    if (!fields) return std::nullopt;
    CloudFrontTargetConfig target;
    const auto id = read_required_string(*fields, "distribution_id");
    const auto origins = fields->require("origins", errors_);
    if (origins) target.origins = read_every_region(*origins, app, "an origin id");
    if (!id || !origins) return std::nullopt;
    target.distribution_id = *id;
    return target;
  }

  std::optional<TsigKeyConfig> read_tsig_key(const YamlValue& value) {
    const auto fields = read_mapping(value, tsig_key_keys, errors_);
    if (!fields) return std::nullopt;
    TsigKeyConfig key;
    bool complete = true;
    if (const auto name = read_required_string(*fields, "name")) {
      key.name = *name;
    } else {
      complete = false;
    }
    if (const auto v = fields->get("algorithm")) {
      const auto algorithm = read_string(*v, errors_);
      if (algorithm && std::ranges::find(tsig_algorithms, *algorithm) == tsig_algorithms.end()) {
        errors_.add(*v, with_suggestion("must be one of " + join(tsig_algorithms), *algorithm, tsig_algorithms));
        complete = false;
      } else if (algorithm) {
        key.algorithm = *algorithm;
      }
    }
    const auto secret = fields->get("secret");
    const auto secret_file = fields->get("secret_file");
    if (secret && secret_file) {
      errors_.add(*secret_file, "give either secret or secret_file, not both");
      return std::nullopt;
    }
    if (!secret && !secret_file) {
      errors_.add(value, "needs secret (base64) or secret_file");
      return std::nullopt;
    }
    if (secret) {
      const auto text = read_string(*secret, errors_);
      if (text && !is_base64(*text)) {
        errors_.add(*secret, "is not base64 (as in the server's key file)");
        complete = false;
      } else if (text) {
        key.secret = *text;
      } else {
        complete = false;
      }
    } else if (const auto path = read_string(*secret_file, errors_)) {
      key.secret_file = std::filesystem::path(*path).is_absolute()
                            ? *path
                            : (std::filesystem::path(config_.source_file).parent_path() / *path).lexically_normal().string();
    } else {
      complete = false;
    }
    return complete ? std::optional(key) : std::nullopt;
  }

  std::optional<DnsUpdateTargetConfig> read_dns_update(const YamlValue& value, const ApplicationConfig& app) {
    const auto fields = read_mapping(value, dns_update_keys, errors_);
    if (!fields) return std::nullopt;
    DnsUpdateTargetConfig target;
    bool complete = true;
    if (const auto v = fields->require("server", errors_)) {
      const auto text = read_string(*v, errors_);
      const auto address = text ? parse_network_address(*text) : std::unexpected(std::string());
      if (text && !address) errors_.add(*v, address.error());
      if (address) target.server = *address;
      complete = complete && address.has_value();
    } else {
      complete = false;
    }
    std::optional<std::string> zone, name;
    if (const auto v = fields->require("zone", errors_)) zone = read_dns_name(*v);
    if (const auto v = fields->require("name", errors_)) {
      name = read_dns_name(*v);
      if (name && zone && lower_dotted(*name) != lower_dotted(*zone) &&
          !lower_dotted(*name).ends_with("." + lower_dotted(*zone))) {
        errors_.add(*v, "`" + *name + "` is not inside the zone " + *zone);
        name.reset();
      }
    }
    complete = complete && zone && name;
    if (zone) target.zone = *zone;
    if (name) target.name = *name;
    if (const auto v = fields->get("type")) {
      if (const auto type = read_record_type(*v)) target.type = *type;
    }
    if (const auto v = fields->get("ttl")) target.ttl = read_int_in(*v, 0, 172'800, errors_).value_or(target.ttl);
    if (const auto v = fields->require("key", errors_)) {
      const auto key = read_tsig_key(*v);
      if (key) target.key = *key;
      complete = complete && key.has_value();
    } else {
      complete = false;
    }
    if (const auto v = fields->require("values", errors_)) {
      target.values = read_every_region(*v, app, "a value");
      check_record_values(*v, target.type, target.values);
    } else {
      complete = false;
    }
    return complete ? std::optional(target) : std::nullopt;
  }

  // Needs plan.dns_update and plan.route53 read: without values of its own, verify_dns expects
  // theirs, and its timeout should cover their TTL.
  std::optional<VerifyDnsConfig> read_verify_dns(const YamlValue& value, const ApplicationConfig& app,
                                                 const FailoverPlanConfig& plan) {
    const auto fields = read_mapping(value, verify_dns_keys, errors_);
    if (!fields) return std::nullopt;
    VerifyDnsConfig verify;
    bool complete = true;
    if (const auto v = fields->require("name", errors_)) {
      const auto name = read_dns_name(*v);
      if (name) verify.name = *name;
      complete = complete && name.has_value();
    } else {
      complete = false;
    }
    if (const auto v = fields->get("type")) {
      if (const auto type = read_record_type(*v)) verify.type = *type;
    }
    if (const auto v = fields->require("resolvers", errors_)) {
      for (const auto& item : read_list(*v, errors_).value_or(std::vector<YamlValue>{})) {
        const auto text = read_string(item, errors_);
        if (!text) continue;
        const auto address = parse_network_address(*text);
        if (!address) {
          errors_.add(item, address.error());
          continue;
        }
        verify.resolvers.push_back(*address);
      }
      if (verify.resolvers.empty()) {
        errors_.add(*v, "must list at least one resolver (IP[:PORT])");
        complete = false;
      }
    } else {
      complete = false;
    }
    const auto timeout = fields->get("timeout");
    if (timeout) verify.timeout = read_positive_duration(*timeout, errors_).value_or(verify.timeout);
    // The record the plan changes: dns_update's, else route53's (as the plan builder takes them).
    struct Record {
      std::string section;  // empty: the plan changes no record
      std::string type;
      int ttl = 0;
    };
    const Record record = plan.dns_update ? Record{"dns_update", plan.dns_update->type, plan.dns_update->ttl}
                          : plan.route53  ? Record{"route53", plan.route53->type, plan.route53->ttl}
                                          : Record{};
    if (const auto v = fields->get("values")) {
      verify.values = read_every_region(*v, app, "a value");
      // Without a type the answers are looked up as A records.
      check_record_values(*v, verify.type.empty() ? "A" : verify.type, verify.values);
    } else if (const auto type = fields->get("type"); type && !verify.type.empty() && !record.type.empty() &&
                                                       verify.type != record.type) {
      errors_.add(*type, verify.type + " does not fit the " + record.section + " values it expects (type " +
                             record.type + "); give verify_dns values of its own");
    }
    if (!record.section.empty() && verify.timeout < std::chrono::seconds(record.ttl))
      errors_.warn(timeout.value_or(value),
                   format_duration(verify.timeout) + (timeout ? "" : " (the default timeout)") +
                       " is shorter than the TTL of the record it verifies (" +
                       format_duration(std::chrono::seconds(record.ttl)) + ", " + record.section +
                       ".ttl): resolvers may answer the old value until the plan gives up and rolls back");
    return complete ? std::optional(verify) : std::nullopt;
  }

  std::optional<Route53TargetConfig> read_route53(const YamlValue& value, const ApplicationConfig& app) {
    const auto fields = read_mapping(value, route53_keys, errors_);
    if (!fields) return std::nullopt;
    Route53TargetConfig target;
    bool complete = true;
    const auto zone_id = read_required_string(*fields, "zone_id");
    const auto name_value = fields->require("name", errors_);
    const auto name = name_value ? read_dns_name(*name_value) : std::nullopt;
    complete = zone_id && name;
    if (zone_id) target.zone_id = *zone_id;
    if (name) target.name = *name;
    bool type_given = false;
    if (const auto v = fields->get("type")) {
      const auto type = read_string(*v, errors_);
      if (type && std::ranges::find(record_types, *type) == record_types.end()) {
        errors_.add(*v, "must be one of " + join(record_types));
      } else if (type) {
        target.type = *type;
      }
      type_given = true;
    }
    if (const auto v = fields->get("ttl")) target.ttl = read_int_in(*v, 0, 172'800, errors_).value_or(target.ttl);
    if (const auto v = fields->require("values", errors_)) {
      target.values = read_region_strings(*v, app);
      for (const auto& region : app.regions())
        if (!region.empty() && !target.values.contains(region)) errors_.add(*v, "needs a value for region " + region);
      // Without a type, the values say it; with one, each value must fit it (as dns_update's).
      if (!type_given) {
        if (const auto type = record_type_of(target.values)) target.type = *type;
        else errors_.add(*v, "mixes addresses and names; give `type` (A, AAAA or CNAME) and values of that type");
      } else if (!target.type.empty()) {
        check_record_values(*v, target.type, target.values);
      }
    } else {
      complete = false;
    }
    return complete ? std::optional(target) : std::nullopt;
  }

  const Config& config_;
  ErrorList& errors_;
};

}  // namespace

bool check_application_region(const MappingEntry& entry, const ApplicationConfig& app, ErrorList& errors) {
  const auto all = app.regions();
  if (std::ranges::find(all, entry.key) != all.end()) return true;
  errors.add(entry.key_mark, entry.value.path,
             "`" + entry.key + "` is not the primary or a secondary region of this application");
  return false;
}

void read_failover_plan(const YamlValue& value, const ApplicationConfig& app, const Config& config,
                        FailoverPlanConfig& plan, ErrorList& errors) {
  FailoverPlanReader(config, errors).read(value, app, plan);
}

}  // namespace rg
