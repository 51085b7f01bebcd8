#include "notify/notification_format.h"

#include <fmt/format.h>

namespace rg {
namespace {

std::string iso_or_null(TimePoint t) { return t == TimePoint{} ? std::string() : format_iso8601(t); }

nlohmann::json alert_json(const Alert& alert) {
  nlohmann::json labels(alert.labels);
  return {{"id", alert.id},
          {"rule", alert.rule},
          {"severity", to_string(alert.severity)},
          {"state", to_string(alert.state)},
          {"summary", alert.summary},
          {"labels", labels},
          {"started_at", iso_or_null(alert.fired_at != TimePoint{} ? alert.fired_at : alert.active_since)},
          {"resolved_at", alert.resolved_at == TimePoint{} ? nlohmann::json() : nlohmann::json(iso_or_null(alert.resolved_at))}};
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "none" : out;
}

}  // namespace

nlohmann::json webhook_body(const Notification& n) {
  nlohmann::json body{{"version", 1},
                      {"source", "regionguard"},
                      {"status", n.resolved ? "resolved" : "firing"},
                      {"group", n.group},
                      {"severity", to_string(n.severity)},
                      {"title", n.title},
                      {"root_cause", nullptr},
                      {"impact", nullptr},
                      {"runbook", ""},
                      {"alerts", nlohmann::json::array()},
                      {"sent_at", format_iso8601(n.at)}};
  if (n.root) {
    body["root_cause"] = {{"service", n.root->service}, {"region", n.root->region},
                          {"status", to_string(n.root->status)}};
    body["impact"] = {{"services", n.root->impacted_services},
                      {"applications", n.root->impacted_applications},
                      {"failing_dependents", n.root->failing_dependents},
                      {"cascade_risk", n.cascade_score.value_or(0)}};
    body["runbook"] = n.root->runbook;
  }
  for (const auto& alert : n.alerts) body["alerts"].push_back(alert_json(alert));
  return body;
}

nlohmann::json slack_body(const Notification& n) {
  return {{"text", n.title},
          {"blocks", nlohmann::json::array({{{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", plain_text(n)}}}}})}};
}

std::string plain_text(const Notification& n) {
  std::string text = n.title + "\n";
  if (n.root) {
    text += fmt::format("Root cause: {} in {} is {}.\n", n.root->service, n.root->region, to_string(n.root->status));
    text += fmt::format("Predicted impact: services {}; applications {}; cascade risk {}/100.\n",
                        join(n.root->impacted_services), join(n.root->impacted_applications), n.cascade_score.value_or(0));
    if (!n.root->runbook.empty()) text += "Recommended actions: " + n.root->runbook + "\n";
  }
  for (const auto& alert : n.alerts)
    text += fmt::format("- [{}] {} ({}): {}\n", to_string(alert.severity), alert.rule, to_string(alert.state), alert.summary);
  return text;
}

}  // namespace rg
