#include "present/alert_views.h"

#include "config/duration.h"

namespace rg {
namespace {

nlohmann::json time_or_null(TimePoint t) {
  return t == TimePoint{} ? nlohmann::json() : nlohmann::json(format_iso8601(t));
}

// A silence longer than this is a forgotten one.
constexpr std::chrono::days kMaxSilence{30};

}  // namespace

nlohmann::json alert_json(const Alert& alert) {
  return {{"id", alert.id},
          {"rule", alert.rule},
          {"severity", to_string(alert.severity)},
          {"state", to_string(alert.state)},
          {"group", alert.group},
          {"summary", alert.summary},
          {"labels", alert.labels},
          {"silenced", alert.silenced},
          {"active_since", time_or_null(alert.active_since)},
          {"fired_at", time_or_null(alert.fired_at)},
          {"resolved_at", time_or_null(alert.resolved_at)},
          {"last_notified", time_or_null(alert.last_notified)}};
}

nlohmann::json silence_json(const Silence& silence) {
  return {{"id", silence.id},
          {"matchers", silence.matchers},
          {"starts_at", format_iso8601(silence.starts_at)},
          {"expires_at", format_iso8601(silence.expires_at)},
          {"comment", silence.comment}};
}

std::expected<Silence, std::string> parse_silence(const nlohmann::json& body, TimePoint now) {
  if (!body.is_object()) return std::unexpected("the body must be a JSON object");
  Silence silence;
  silence.starts_at = now;
  for (const auto& [key, value] : body.items()) {
    if (key == "matchers") {
      if (!value.is_object() || value.empty())
        return std::unexpected("`matchers` must be a non-empty object of label: value");
      for (const auto& [label, wanted] : value.items()) {
        if (!wanted.is_string()) return std::unexpected("matcher `" + label + "` must be a string");
        silence.matchers[label] = wanted.get<std::string>();
      }
    } else if (key == "duration") {
      const auto duration = value.is_string() ? parse_duration(value.get<std::string>())
                                              : std::unexpected(std::string("must be a string such as \"2h\""));
      if (!duration) return std::unexpected("`duration` " + duration.error());
      if (*duration <= Millis{0} || *duration > kMaxSilence)
        return std::unexpected("`duration` must be more than 0 and at most 30d");
      silence.expires_at = now + std::chrono::duration_cast<std::chrono::microseconds>(*duration);
    } else if (key == "comment") {
      if (!value.is_string()) return std::unexpected("`comment` must be a string");
      silence.comment = value.get<std::string>();
    } else {
      return std::unexpected("unknown field `" + key + "` (expected matchers, duration, comment)");
    }
  }
  if (silence.matchers.empty()) return std::unexpected("`matchers` is required");
  if (silence.expires_at == TimePoint{}) return std::unexpected("`duration` is required");
  return silence;
}

void render_alert_metrics(PrometheusText& out, const AlertMetrics& metrics) {
  using Type = PrometheusText::Type;
  out.family("regionguard_alerts", Type::gauge, "Alerts pending or firing, silenced ones included.");
  for (const auto state : {AlertState::pending, AlertState::firing}) {
    for (const auto severity : {AlertSeverity::info, AlertSeverity::warning, AlertSeverity::high, AlertSeverity::critical}) {
      const auto found = metrics.alerts.find({state, severity});
      const std::uint64_t count = found == metrics.alerts.end() ? 0 : found->second;
      out.sample("regionguard_alerts", {{"state", to_string(state)}, {"severity", to_string(severity)}}, count);
    }
  }
  out.family("regionguard_alerts_silenced", Type::gauge, "Alerts pending or firing that a silence mutes.");
  out.sample("regionguard_alerts_silenced", {}, metrics.silenced);
  out.family("regionguard_alert_notifications_total", Type::counter, "Group notifications the alert engine produced.");
  out.sample("regionguard_alert_notifications_total", {}, metrics.notifications);
  out.family("regionguard_alert_store_failures_total", Type::counter, "Alert writes to the store that failed.");
  out.sample("regionguard_alert_store_failures_total", {}, metrics.store_failures);
  out.family("regionguard_notifier_sent_total", Type::counter, "Notifications a notifier delivered.");
  for (const auto& n : metrics.notifiers) out.sample("regionguard_notifier_sent_total", {{"notifier", n.name}, {"type", n.type}}, n.sent);
  out.family("regionguard_notifier_failed_total", Type::counter,
             "Notifications a notifier gave up on after every attempt (each is logged).");
  for (const auto& n : metrics.notifiers)
    out.sample("regionguard_notifier_failed_total", {{"notifier", n.name}, {"type", n.type}}, n.failed);
  out.family("regionguard_notifier_retries_total", Type::counter, "Attempts after the first.");
  for (const auto& n : metrics.notifiers)
    out.sample("regionguard_notifier_retries_total", {{"notifier", n.name}, {"type", n.type}}, n.retries);
  out.family("regionguard_notifier_queued", Type::gauge, "Notifications waiting or in flight.");
  for (const auto& n : metrics.notifiers) out.sample("regionguard_notifier_queued", {{"notifier", n.name}, {"type", n.type}}, n.queued);
  out.family("regionguard_cascade_risk", Type::gauge, "Cascade risk score per region (0-100), latest round.");
  for (const auto& [region, score] : metrics.cascade_risk)
    out.sample("regionguard_cascade_risk", {{"region", region}}, static_cast<double>(score));
}

}  // namespace rg
