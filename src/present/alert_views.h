#pragma once
// Alerting as the API and /metrics show it: GET /api/v1/alerts, POST /api/v1/alerts/silences,
// and the regionguard_alerts* / regionguard_notifications* / regionguard_cascade_risk families.
// The daemon's alerting (app/alerting.h) fills AlertHooks; without it the list is empty.
#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/alert.h"
#include "present/prometheus_text.h"

namespace rg {

struct NotifierCounters {
  std::string name;
  std::string type;
  std::uint64_t sent = 0;
  std::uint64_t failed = 0;
  std::uint64_t retries = 0;
  std::uint64_t queued = 0;
};

struct AlertMetrics {
  std::map<std::pair<AlertState, AlertSeverity>, std::uint64_t> alerts;  // pending and firing
  std::uint64_t silenced = 0;
  std::uint64_t notifications = 0;
  std::uint64_t store_failures = 0;
  std::vector<NotifierCounters> notifiers;
  std::map<std::string, int> cascade_risk;  // by region
};

struct AlertHooks {
  std::function<std::vector<Alert>()> list;
  // Stores and applies a silence; the stored one (with its id), or why not.
  std::function<std::expected<Silence, std::string>(Silence)> silence;
  std::function<AlertMetrics()> metrics;
};

nlohmann::json alert_json(const Alert& alert);
nlohmann::json silence_json(const Silence& silence);
// The body of POST /api/v1/alerts/silences: {"matchers": {label: value, ...}, "duration": "2h",
// "comment": "..."}; `now` starts it. The message says what is wrong.
std::expected<Silence, std::string> parse_silence(const nlohmann::json& body, TimePoint now);
void render_alert_metrics(PrometheusText& out, const AlertMetrics& metrics);

}  // namespace rg
