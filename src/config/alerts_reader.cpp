#include "config/alerts_reader.h"

#include <algorithm>
#include <array>
#include <ranges>
#include <set>

namespace rg {
namespace {

using namespace std::chrono_literals;

const std::vector<std::string_view> dependency_keys{"services", "applications"};
const std::vector<std::string_view> alerts_keys{"group_wait", "repeat_interval", "rules"};
const std::vector<std::string_view> rule_keys{"name",   "type",   "severity", "for",   "labels",   "service",
                                              "region", "status", "count",    "threshold"};
const std::vector<std::string_view> notifier_keys{"name", "type",     "url",      "topic_arn", "region",  "endpoint",
                                                  "from", "to",       "min_severity", "timeout", "attempts", "backoff"};
const std::vector<std::string_view> severity_names{"info", "warning", "high", "critical"};
const std::vector<std::string_view> rule_type_names{"status",       "consecutive_failures", "anomaly",
                                                    "cascade_risk", "answer_change",        "failover"};
const std::vector<std::string_view> notifier_type_names{"webhook", "slack", "sns", "email"};
const std::vector<std::string_view> status_names{"healthy", "warning", "critical"};

SourceMark mark_of(const YamlValue& value, const std::string& file) {
  return {file, std::max(value.mark.line, 0) + 1, std::max(value.mark.column, 0) + 1};
}

// The index of `word` in `names`, or an error listing them.
std::optional<std::size_t> read_choice(const YamlValue& value, const std::vector<std::string_view>& names,
                                       ErrorList& errors) {
  const auto text = read_string(value, errors);
  if (!text) return std::nullopt;
  const auto found = std::ranges::find(names, *text);
  if (found == names.end()) {
    errors.add(value, with_suggestion("must be one of: " + join(names), *text, names));
    return std::nullopt;
  }
  return static_cast<std::size_t>(found - names.begin());
}

std::optional<std::vector<std::string>> read_string_list(const YamlValue& value, ErrorList& errors) {
  const auto items = read_list(value, errors);
  if (!items) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& item : *items)
    if (auto text = read_string(item, errors)) out.push_back(std::move(*text));
  return out;
}

// name -> [names]: the shape of dependencies.services and dependencies.applications.
std::map<std::string, std::vector<std::string>> read_name_lists(const YamlValue& value, ErrorList& errors) {
  std::map<std::string, std::vector<std::string>> out;
  const auto fields = read_open_mapping(value, errors);
  if (!fields) return out;
  for (const auto& entry : fields->entries()) {
    if (auto names = read_string_list(entry.value, errors)) {
      if (std::ranges::find(*names, entry.key) != names->end()) errors.add(entry.value, "cannot depend on itself");
      out[entry.key] = std::move(*names);
    }
  }
  return out;
}

std::optional<std::map<std::string, std::string>> read_labels(const YamlValue& value, ErrorList& errors) {
  const auto fields = read_open_mapping(value, errors);
  if (!fields) return std::nullopt;
  std::map<std::string, std::string> labels;
  for (const auto& entry : fields->entries())
    if (auto text = read_string(entry.value, errors)) labels[entry.key] = std::move(*text);
  return labels;
}

std::optional<Millis> read_positive_duration(const YamlValue& value, ErrorList& errors, bool zero_ok) {
  const auto duration = read_duration(value, errors);
  if (duration && (*duration < 0ms || (!zero_ok && *duration == 0ms))) {
    errors.add(value, zero_ok ? "must not be negative" : "must be greater than 0");
    return std::nullopt;
  }
  return duration;
}

AlertRuleConfig read_rule(const YamlValue& value, const std::string& file, ErrorList& errors) {
  AlertRuleConfig rule;
  rule.mark = mark_of(value, file);
  const auto fields = read_mapping(value, rule_keys, errors);
  if (!fields) return rule;
  if (const auto name = fields->require("name", errors)) rule.name = read_string(*name, errors).value_or("");
  if (const auto type = fields->require("type", errors))
    if (const auto index = read_choice(*type, rule_type_names, errors)) rule.type = static_cast<AlertRuleType>(*index);
  if (const auto severity = fields->get("severity"))
    if (const auto index = read_choice(*severity, severity_names, errors))
      rule.severity = static_cast<AlertSeverity>(*index);
  if (const auto for_value = fields->get("for"))
    rule.for_duration = read_positive_duration(*for_value, errors, true).value_or(rule.for_duration);
  if (const auto labels = fields->get("labels")) rule.labels = read_labels(*labels, errors).value_or(rule.labels);
  if (const auto service = fields->get("service")) rule.service = read_string(*service, errors).value_or("");
  if (const auto region = fields->get("region")) rule.region = read_string(*region, errors).value_or("");
  if (const auto status = fields->get("status")) {
    const auto index = read_choice(*status, status_names, errors);
    if (index && *index == 0) errors.add(*status, "must be warning or critical (healthy is not an alert)");
    else if (index) rule.status = static_cast<int>(*index);
  }
  if (const auto count = fields->get("count")) {
    const auto number = read_int(*count, errors);
    if (number && *number < 1) errors.add(*count, "must be at least 1");
    else if (number) rule.count = *number;
  }
  if (const auto threshold = fields->get("threshold")) {
    const auto number = read_int(*threshold, errors);
    if (number && (*number < 0 || *number > 100)) errors.add(*threshold, "must be between 0 and 100");
    else if (number) rule.threshold = *number;
  }
  // Keys that mean nothing for the rule's type are mistakes, not options.
  const auto only_for = [&](std::string_view key, AlertRuleType type) {
    if (const auto present = fields->get(key); present && rule.type != type)
      errors.add(*present, "applies only to rules of type " + std::string(to_string(type)));
  };
  only_for("status", AlertRuleType::status);
  only_for("count", AlertRuleType::consecutive_failures);
  only_for("threshold", AlertRuleType::cascade_risk);
  return rule;
}

bool has_scheme(std::string_view url, std::initializer_list<std::string_view> schemes) {
  return std::ranges::any_of(schemes, [&](std::string_view scheme) { return url.starts_with(scheme); });
}

NotifierConfig read_notifier(const YamlValue& value, const std::string& file, ErrorList& errors) {
  NotifierConfig notifier;
  notifier.mark = mark_of(value, file);
  const auto fields = read_mapping(value, notifier_keys, errors);
  if (!fields) return notifier;
  if (const auto name = fields->require("name", errors)) notifier.name = read_string(*name, errors).value_or("");
  bool typed = false;
  if (const auto type = fields->require("type", errors))
    if (const auto index = read_choice(*type, notifier_type_names, errors)) {
      notifier.kind = static_cast<NotifierConfig::Kind>(*index);
      typed = true;
    }
  const auto text = [&](std::string_view key, std::string& out) {
    if (const auto field = fields->get(key)) out = read_string(*field, errors).value_or("");
  };
  text("url", notifier.url);
  text("topic_arn", notifier.topic_arn);
  text("region", notifier.region);
  text("endpoint", notifier.endpoint);
  text("from", notifier.from);
  if (const auto to = fields->get("to")) notifier.to = read_string_list(*to, errors).value_or(notifier.to);
  if (const auto severity = fields->get("min_severity"))
    if (const auto index = read_choice(*severity, severity_names, errors))
      notifier.min_severity = static_cast<AlertSeverity>(*index);
  if (const auto timeout = fields->get("timeout"))
    notifier.timeout = read_positive_duration(*timeout, errors, false).value_or(notifier.timeout);
  if (const auto backoff = fields->get("backoff"))
    notifier.backoff = read_positive_duration(*backoff, errors, false).value_or(notifier.backoff);
  if (const auto attempts = fields->get("attempts")) {
    const auto number = read_int(*attempts, errors);
    if (number && (*number < 1 || *number > 20)) errors.add(*attempts, "must be between 1 and 20");
    else if (number) notifier.attempts = *number;
  }
  if (!typed) return notifier;
  const auto need = [&](std::string_view key, bool ok, std::string message) {
    if (ok) return;
    if (const auto field = fields->get(key)) errors.add(*field, std::move(message));
    else errors.add(value, "`" + std::string(key) + "` is required for type " + std::string(to_string(notifier.kind)));
  };
  switch (notifier.kind) {
    case NotifierConfig::Kind::webhook:
    case NotifierConfig::Kind::slack:
      need("url", has_scheme(notifier.url, {"http://", "https://"}), "must be an http:// or https:// URL");
      break;
    case NotifierConfig::Kind::email:
      need("url", has_scheme(notifier.url, {"smtp://", "smtps://"}), "must be an smtp:// or smtps:// URL");
      need("from", !notifier.from.empty(), "must not be empty");
      need("to", !notifier.to.empty(), "must list at least one address");
      break;
    case NotifierConfig::Kind::sns:
      need("topic_arn", notifier.topic_arn.starts_with("arn:"), "must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)");
      if (notifier.region.empty()) {
        // arn:PARTITION:sns:REGION:ACCOUNT:NAME
        std::vector<std::string_view> parts;
        for (const auto part : std::views::split(std::string_view(notifier.topic_arn), ':'))
          parts.emplace_back(part.begin(), part.end());
        if (parts.size() == 6) notifier.region = std::string(parts[3]);
      }
      break;
  }
  return notifier;
}

}  // namespace

std::string_view to_string(AlertRuleType type) { return rule_type_names[static_cast<std::size_t>(type)]; }
std::string_view to_string(NotifierConfig::Kind kind) { return notifier_type_names[static_cast<std::size_t>(kind)]; }

DependencyConfig default_dependencies() {
  DependencyConfig dependencies;
  dependencies.services = {{"lambda", {"dynamodb"}},
                           {"ecs", {"dynamodb"}},
                           {"ec2", {"dynamodb"}},
                           {"dynamodb_streams", {"dynamodb"}},
                           {"elbv2", {"ec2"}}};
  return dependencies;
}

std::vector<AlertRuleConfig> default_alert_rules(int fall) {
  std::vector<AlertRuleConfig> rules(6);
  rules[0].name = "endpoint-down";
  rules[0].type = AlertRuleType::consecutive_failures;
  rules[0].severity = AlertSeverity::critical;
  rules[0].count = fall;
  rules[1].name = "endpoint-degraded";
  rules[1].type = AlertRuleType::status;
  rules[1].severity = AlertSeverity::warning;
  rules[1].status = 1;
  rules[1].for_duration = 2min;
  rules[2].name = "cascade-risk";
  rules[2].type = AlertRuleType::cascade_risk;
  rules[2].severity = AlertSeverity::high;
  rules[2].threshold = 50;
  rules[3].name = "anomaly";  // the seed's rule: a round with more than 10% anomalous points
  rules[3].type = AlertRuleType::anomaly;
  rules[3].severity = AlertSeverity::high;
  rules[4].name = "answer-changed";
  rules[4].type = AlertRuleType::answer_change;
  rules[4].severity = AlertSeverity::info;
  rules[5].name = "failover";
  rules[5].type = AlertRuleType::failover;
  rules[5].severity = AlertSeverity::high;
  return rules;
}

void read_dependencies_section(const std::optional<YamlValue>& dependencies, const std::optional<YamlValue>& runbooks,
                               DependencyConfig& out, ErrorList& errors) {
  out = default_dependencies();
  if (dependencies) {
    if (const auto fields = read_mapping(*dependencies, dependency_keys, errors)) {
      // A section in the file replaces the defaults: a partial merge would hide edges one meant to drop.
      if (const auto services = fields->get("services")) out.services = read_name_lists(*services, errors);
      if (const auto applications = fields->get("applications"))
        out.applications = read_name_lists(*applications, errors);
    }
  }
  if (runbooks) {
    if (const auto fields = read_open_mapping(*runbooks, errors))
      for (const auto& entry : fields->entries())
        if (auto text = read_string(entry.value, errors)) out.runbooks[entry.key] = std::move(*text);
  }
}

void read_alerts_section(const std::optional<YamlValue>& value, const Config& config, AlertsConfig& out,
                         ErrorList& errors) {
  out.rules = default_alert_rules(config.hysteresis.fall);
  const auto fields = value ? read_mapping(*value, alerts_keys, errors) : std::nullopt;
  if (!fields) return;
  if (const auto wait = fields->get("group_wait"))
    out.group_wait = read_positive_duration(*wait, errors, true).value_or(out.group_wait);
  if (const auto repeat = fields->get("repeat_interval"))
    out.repeat_interval = read_positive_duration(*repeat, errors, false).value_or(out.repeat_interval);
  const auto rules = fields->get("rules");
  const auto items = rules ? read_list(*rules, errors) : std::nullopt;
  if (!items) return;
  out.rules.clear();
  std::set<std::string> names;
  for (const auto& item : *items) {
    auto rule = read_rule(item, config.source_file, errors);
    if (!rule.name.empty() && !names.insert(rule.name).second)
      errors.add(item, "duplicate rule name `" + rule.name + "`");
    if (!rule.region.empty() && std::ranges::find(config.regions, rule.region) == config.regions.end())
      errors.add(item, "region `" + rule.region + "` is not in regions");
    out.rules.push_back(std::move(rule));
  }
}

void read_notifiers_section(const std::optional<YamlValue>& value, const std::string& config_file,
                            std::vector<NotifierConfig>& out, ErrorList& errors) {
  const auto items = value ? read_list(*value, errors) : std::nullopt;
  if (!items) return;
  std::set<std::string> names;
  for (const auto& item : *items) {
    auto notifier = read_notifier(item, config_file, errors);
    if (!notifier.name.empty() && !names.insert(notifier.name).second)
      errors.add(item, "duplicate notifier name `" + notifier.name + "`");
    out.push_back(std::move(notifier));
  }
}

}  // namespace rg
