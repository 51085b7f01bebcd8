#include "config/application_reader.h"

#include <algorithm>
#include <array>

namespace rg {

const std::vector<std::string_view> application_keys{"primary", "secondaries", "checks", "policy", "plan"};

namespace {

using namespace std::chrono_literals;

const std::vector<std::string_view> policy_keys{
    "health_threshold", "response_time_threshold", "consecutive_failures_threshold",
    "quorum",           "cooldown",                "max_moves_per_hour",
    "margin",           "failback_after",          "automatic_failback",
    "mode"};
const std::vector<std::string_view> plan_keys{"autoscaling_groups", "desired_capacity", "rds_replicas", "rpo",
                                              "ssm_parameters",     "route53",          "gate"};
const std::vector<std::string_view> route53_keys{"zone_id", "name", "type", "ttl", "values"};
const std::vector<std::string_view> mode_names{"automatic", "manual-approval", "dry-run"};
const std::vector<std::string_view> record_types{"A", "AAAA", "CNAME"};

std::optional<int> read_int_in(const YamlValue& value, int low, int high, ErrorList& errors) {
  const auto number = read_int(value, errors);
  if (number && (*number < low || *number > high)) {
    errors.add(value, "must be between " + std::to_string(low) + " and " + std::to_string(high));
    return std::nullopt;
  }
  return number;
}

std::optional<Millis> read_positive_duration(const YamlValue& value, ErrorList& errors) {
  const auto duration = read_duration(value, errors);
  if (duration && *duration <= 0ms) {
    errors.add(value, "must be greater than 0");
    return std::nullopt;
  }
  return duration;
}

// Application names go into URLs (/gate/<app>/<region>) and journal rows.
bool is_application_name(std::string_view name) {
  return !name.empty() && std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

class ApplicationReader {
 public:
  ApplicationReader(const Config& config, ErrorList& errors) : config_(config), errors_(errors) {}

  std::optional<ApplicationConfig> read(const MappingEntry& entry) {
    ApplicationConfig app;
    app.name = entry.key;
    if (!is_application_name(app.name))
      errors_.add(entry.key_mark, entry.value.path, "`" + app.name + "` is not an application name (letters, digits, _ and -)");
    const auto fields = read_mapping(entry.value, application_keys, errors_);
    if (!fields) return std::nullopt;
    if (const auto primary = fields->require("primary", errors_)) app.primary = read_region(*primary).value_or("");
    if (const auto secondaries = fields->require("secondaries", errors_)) read_secondaries(*secondaries, app);
    if (const auto checks = fields->require("checks", errors_)) read_checks(*checks, app);
    if (const auto policy = fields->get("policy")) read_policy(*policy, app.policy);
    if (const auto plan = fields->get("plan")) read_plan(*plan, app);
    return app;
  }

 private:
  std::optional<std::string> read_region(const YamlValue& value) {
    auto region = read_string(value, errors_);
    if (region && std::ranges::find(config_.regions, *region) == config_.regions.end()) {
      errors_.add(value, with_suggestion("`" + *region + "` is not one of regions", *region, regions()));
      return std::nullopt;
    }
    return region;
  }

  // A key of a per-region mapping: one of the application's regions.
  bool check_app_region(const MappingEntry& entry, const ApplicationConfig& app) {
    const auto all = app.regions();
    if (std::ranges::find(all, entry.key) != all.end()) return true;
    errors_.add(entry.key_mark, entry.value.path,
                "`" + entry.key + "` is not the primary or a secondary region of this application");
    return false;
  }

  std::vector<std::string_view> regions() const { return {config_.regions.begin(), config_.regions.end()}; }

  void read_secondaries(const YamlValue& value, ApplicationConfig& app) {
    const auto items = read_list(value, errors_);
    if (!items) return;
    if (items->empty()) errors_.add(value, "must list at least one region to fail over to");
    for (const auto& item : *items) {
      const auto region = read_region(item);
      if (!region) continue;
      if (*region == app.primary || std::ranges::find(app.secondaries, *region) != app.secondaries.end()) {
        errors_.add(item, "`" + *region + "` is listed twice (primary and secondaries must differ)");
        continue;
      }
      app.secondaries.push_back(*region);
    }
  }

  void read_checks(const YamlValue& value, ApplicationConfig& app) {
    const auto mapping = read_open_mapping(value, errors_);
    if (!mapping) return;
    for (const auto& entry : mapping->entries()) {
      if (!check_app_region(entry, app)) continue;
      const auto items = read_list(entry.value, errors_);
      if (!items) continue;
      auto& ids = app.checks[entry.key];
      for (const auto& item : *items) {
        const auto id = read_string(item, errors_);
        if (!id) continue;
        const auto endpoint = std::ranges::find(config_.endpoints, *id, &EndpointConfig::id);
        if (endpoint == config_.endpoints.end()) {
          errors_.add(item, "`" + *id + "` is not the id of an endpoint");
        } else if (endpoint->region != entry.key) {
          errors_.add(item, "endpoint `" + *id + "` is in " + endpoint->region + ", not " + entry.key);
        } else {
          ids.push_back(*id);
        }
      }
    }
    // A region nothing judges could never be shown healthy or failing: the policy would be blind.
    for (const auto& region : app.regions()) {
      if (!region.empty() && app.checks[region].empty())
        errors_.add(value, "needs at least one check for region " + region);
    }
  }

  void read_policy(const YamlValue& value, FailoverPolicyConfig& policy) {
    const auto fields = read_mapping(value, policy_keys, errors_);
    if (!fields) return;
    if (const auto v = fields->get("health_threshold"))
      policy.health_threshold = read_int_in(*v, 1, 100, errors_).value_or(policy.health_threshold);
    if (const auto v = fields->get("response_time_threshold"))
      policy.response_time_threshold = read_positive_duration(*v, errors_).value_or(policy.response_time_threshold);
    if (const auto v = fields->get("consecutive_failures_threshold"))
      policy.consecutive_failures_threshold =
          read_int_in(*v, 1, 100, errors_).value_or(policy.consecutive_failures_threshold);
    if (const auto v = fields->get("quorum")) policy.quorum = read_int_in(*v, 0, 100, errors_).value_or(policy.quorum);
    if (const auto v = fields->get("cooldown")) policy.cooldown = read_duration(*v, errors_).value_or(policy.cooldown);
    if (const auto v = fields->get("max_moves_per_hour"))
      policy.max_moves_per_hour = read_int_in(*v, 1, 60, errors_).value_or(policy.max_moves_per_hour);
    if (const auto v = fields->get("margin")) policy.margin = read_int_in(*v, 0, 100, errors_).value_or(policy.margin);
    if (const auto v = fields->get("failback_after"))
      policy.failback_after = read_positive_duration(*v, errors_).value_or(policy.failback_after);
    if (const auto v = fields->get("automatic_failback"))
      policy.automatic_failback = read_bool(*v, errors_).value_or(policy.automatic_failback);
    if (const auto v = fields->get("mode")) {
      const auto name = read_string(*v, errors_);
      const auto mode = name ? failover_mode_from_string(*name) : std::nullopt;
      if (name && !mode)
        errors_.add(*v, with_suggestion("must be one of " + join(mode_names), *name, mode_names));
      policy.mode = mode.value_or(policy.mode);
    }
  }

  // region -> non-empty string, keyed by the application's regions.
  std::map<std::string, std::string> read_region_strings(const YamlValue& value, const ApplicationConfig& app) {
    std::map<std::string, std::string> out;
    const auto mapping = read_open_mapping(value, errors_);
    if (!mapping) return out;
    for (const auto& entry : mapping->entries()) {
      if (!check_app_region(entry, app)) continue;
      if (const auto text = read_string(entry.value, errors_)) out[entry.key] = *text;
    }
    return out;
  }

  void read_plan(const YamlValue& value, ApplicationConfig& app) {
    auto& plan = app.plan;
    const auto fields = read_mapping(value, plan_keys, errors_);
    if (!fields) return;
    if (const auto v = fields->get("autoscaling_groups")) plan.autoscaling_groups = read_region_strings(*v, app);
    if (const auto v = fields->get("desired_capacity"))
      plan.desired_capacity = read_int_in(*v, 1, 10'000, errors_).value_or(plan.desired_capacity);
    if (const auto v = fields->get("rds_replicas")) plan.rds_replicas = read_region_strings(*v, app);
    if (const auto v = fields->get("rpo")) plan.rpo = read_positive_duration(*v, errors_).value_or(plan.rpo);
    if (const auto v = fields->get("ssm_parameters")) {
      if (const auto mapping = read_open_mapping(*v, errors_)) {
        for (const auto& entry : mapping->entries()) {
          if (!entry.key.starts_with('/')) errors_.add(entry.key_mark, entry.value.path, "a parameter name starts with /");
          plan.ssm_parameters[entry.key] = read_region_strings(entry.value, app);
        }
      }
    }
    if (const auto v = fields->get("route53")) plan.route53 = read_route53(*v, app);
    if (const auto v = fields->get("gate")) plan.gate = read_bool(*v, errors_).value_or(plan.gate);
  }

  std::optional<Route53TargetConfig> read_route53(const YamlValue& value, const ApplicationConfig& app) {
    const auto fields = read_mapping(value, route53_keys, errors_);
    if (!fields) return std::nullopt;
    Route53TargetConfig target;
    bool complete = true;
    for (const auto& [key, out] : {std::pair{"zone_id", &target.zone_id}, std::pair{"name", &target.name}}) {
      const auto v = fields->require(key, errors_);
      const auto text = v ? read_string(*v, errors_) : std::nullopt;
      complete = complete && text.has_value();
      if (text) *out = *text;
    }
    if (const auto v = fields->get("type")) {
      const auto type = read_string(*v, errors_);
      if (type && std::ranges::find(record_types, *type) == record_types.end()) {
        errors_.add(*v, "must be one of " + join(record_types));
      } else if (type) {
        target.type = *type;
      }
    }
    if (const auto v = fields->get("ttl")) target.ttl = read_int_in(*v, 0, 172'800, errors_).value_or(target.ttl);
    if (const auto v = fields->require("values", errors_)) {
      target.values = read_region_strings(*v, app);
      for (const auto& region : app.regions())
        if (!region.empty() && !target.values.contains(region)) errors_.add(*v, "needs a value for region " + region);
    } else {
      complete = false;
    }
    return complete ? std::optional(target) : std::nullopt;
  }

  const Config& config_;
  ErrorList& errors_;
};

}  // namespace

std::string_view to_string(FailoverMode mode) { return mode_names[static_cast<std::size_t>(mode)]; }

std::optional<FailoverMode> failover_mode_from_string(std::string_view name) {
  const auto it = std::ranges::find(mode_names, name);
  if (it == mode_names.end()) return std::nullopt;
  return static_cast<FailoverMode>(it - mode_names.begin());
}

void read_applications_section(const std::optional<YamlValue>& value, const Config& config,
                               std::vector<ApplicationConfig>& out, ErrorList& errors) {
  if (!value) return;
  const auto mapping = read_open_mapping(*value, errors);
  if (!mapping) return;
  ApplicationReader reader(config, errors);
  for (const auto& entry : mapping->entries())
    if (auto app = reader.read(entry)) out.push_back(std::move(*app));
}

}  // namespace rg
