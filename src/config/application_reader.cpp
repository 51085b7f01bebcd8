#include "config/application_reader.h"

#include <algorithm>

#include "config/failover_plan_reader.h"

namespace rg {

const std::vector<std::string_view> application_keys{"primary", "secondaries", "checks", "policy", "plan"};

namespace {

const std::vector<std::string_view> policy_keys{
    "health_threshold", "response_time_threshold", "consecutive_failures_threshold",
    "quorum",           "cooldown",                "max_moves_per_hour",
    "margin",           "failback_after",          "automatic_failback",
    "mode",             "stale_after",             "max_resume_age",
    "proposal_ttl",     "promote_after"};

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
    // The policy first: its mode decides what the checks and the plan must hold.
    if (const auto policy = fields->get("policy")) read_policy(*policy, app.policy);
    if (const auto checks = fields->require("checks", errors_)) read_checks(*checks, app);
    if (const auto plan = fields->get("plan")) read_failover_plan(*plan, app, config_, app.plan, errors_);
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
      if (!check_application_region(entry, app, errors_)) continue;
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
      // Left alone, automatic mode acts on what the checks say: never on one probe.
      if (app.policy.mode == FailoverMode::automatic && ids.size() == 1)
        errors_.add(entry.value, "needs at least two checks in mode automatic (never one probe)");
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
    if (const auto v = fields->get("max_resume_age"))
      policy.max_resume_age = read_positive_duration(*v, errors_).value_or(policy.max_resume_age);
    if (const auto v = fields->get("proposal_ttl"))
      policy.proposal_ttl = read_positive_duration(*v, errors_).value_or(policy.proposal_ttl);
    if (const auto v = fields->get("automatic_failback"))
      policy.automatic_failback = read_bool(*v, errors_).value_or(policy.automatic_failback);
    if (const auto v = fields->get("mode")) {
      const auto name = read_string(*v, errors_);
      const auto mode = name ? failover_mode_from_string(*name) : std::nullopt;
      if (name && !mode)
        errors_.add(*v, with_suggestion("must be one of " + join(failover_mode_names), *name, failover_mode_names));
      policy.mode = mode.value_or(policy.mode);
    }
    if (const auto v = fields->get("stale_after")) policy.stale_after = read_positive_duration(*v, errors_);
    if (const auto v = fields->get("promote_after")) policy.promote_after = read_positive_duration(*v, errors_);
    const auto margin = fields->get("margin");
    if (margin && policy.mode == FailoverMode::automatic && policy.margin <= 0)
      errors_.add(*margin, "must be above 0 in mode automatic (a target must score better than the region it leaves)");
  }

  const Config& config_;
  ErrorList& errors_;
};

}  // namespace

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
