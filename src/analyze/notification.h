#pragma once
// The notification alerting sends for a group of alerts, made by the alert engine and delivered by
// notify/. The alert itself, its history and silences are in core/alert.h.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/cascade_risk.h"
#include "config/config.h"
#include "core/alert.h"
#include "core/time.h"

namespace rg {

// What the notifiers send: a group of alerts, firing (new, worse, or repeated) or resolved.
struct Notification {
  std::string group;
  bool resolved = false;
  AlertSeverity severity = AlertSeverity::info;  // the worst of `alerts`
  std::string title;                             // "[CRITICAL] dynamodb us-east-1: root cause, 2 alerts"
  std::optional<CascadeRoot> root;               // the root cause, with the predicted impact and runbook
  std::optional<int> cascade_score;              // of the root's region
  std::vector<Alert> alerts;                     // firing ones; the resolved ones when resolved
  TimePoint at{};
};

}  // namespace rg
