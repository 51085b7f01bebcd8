#pragma once
// An alert, its history and silences: plain values shared by the alert engine (analyze/), the
// store (which keeps them across restarts) and the API. The rules that make them are in
// analyze/alert_engine.h.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"

namespace rg {

enum class AlertSeverity { info, warning, high, critical };  // ordered: "worst of" is std::max
std::string_view to_string(AlertSeverity severity);
std::optional<AlertSeverity> alert_severity_from_string(std::string_view name);

enum class AlertState { pending, firing, resolved };
std::string_view to_string(AlertState state);
std::optional<AlertState> alert_state_from_string(std::string_view name);

struct Alert {
  std::string id;  // "RULE|SUBJECT": the same condition is the same alert (deduplication)
  std::string rule;
  AlertSeverity severity = AlertSeverity::warning;
  AlertState state = AlertState::pending;
  // The group it is notified with: "SERVICE/REGION" of the root cause it is grouped under, or the
  // rule's own subject when it has no service ("anomaly/us-east-1", "failover/checkout").
  std::string group;
  std::string summary;  // one line
  std::map<std::string, std::string> labels;  // the rule's labels plus rule, severity, region, service, endpoint
  TimePoint active_since{};  // the condition first held (pending from then)
  TimePoint fired_at{};      // zero until firing
  TimePoint resolved_at{};   // zero until resolved
  TimePoint updated_at{};    // the condition last held
  TimePoint last_notified{};  // zero until a notification carried it
  bool silenced = false;
  friend bool operator==(const Alert&, const Alert&) = default;
};

struct AlertHistoryEntry {
  std::string alert_id;
  TimePoint at{};
  AlertState state = AlertState::pending;  // the state entered
  std::string summary;
  friend bool operator==(const AlertHistoryEntry&, const AlertHistoryEntry&) = default;
};

// Mutes the alerts whose labels hold every matcher, until it expires.
struct Silence {
  std::int64_t id = 0;
  std::map<std::string, std::string> matchers;
  TimePoint starts_at{};
  TimePoint expires_at{};
  std::string comment;
  bool active(TimePoint now) const { return starts_at <= now && now < expires_at; }
  bool matches(const Alert& alert) const;
  friend bool operator==(const Silence&, const Silence&) = default;
};

}  // namespace rg
