#include "analyze/alert_engine.h"

#include <algorithm>
#include <fmt/format.h>
#include <set>

#include "analyze/failover_advice.h"
#include "config/alerts_reader.h"

namespace rg {
namespace {

bool is_event_rule(AlertRuleType type) {
  return type == AlertRuleType::answer_change || type == AlertRuleType::failover;
}

bool selected(const AlertRuleConfig& rule, std::string_view service, std::string_view region) {
  return (rule.service.empty() || rule.service == service) && (rule.region.empty() || rule.region == region);
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return out;
}

// The runbook's failover line for each impacted application whose traffic is in the root's
// region, as the failover policy decided it this round. Without the policy's word nothing is
// recommended: the configuration alone cannot tell whether the region is down for it.
void add_failover_lines(std::span<const FailoverAdvice> advice, CascadeRoot& root) {
  for (const auto& application : root.impacted_applications) {
    const auto found = std::ranges::find(advice, application, &FailoverAdvice::application);
    if (found == advice.end() || found->region != root.region) continue;
    if (!root.runbook.empty()) root.runbook += "\n";
    root.runbook += failover_runbook_line(*found);
  }
}

}  // namespace

AlertEngine::AlertEngine(const Config& config) : config_(config) {}

void AlertEngine::restore(std::vector<Alert> alerts, std::vector<Silence> silences) {
  for (auto& alert : alerts) {
    if (alert.state == AlertState::resolved) {
      resolved_.push_back(std::move(alert));
      continue;
    }
    // The failure streak behind a restored consecutive-failures alert is not in the store: carry
    // it on, so the alert neither resolves nor re-fires just because the daemon restarted.
    const auto rule = std::ranges::find(config_.alerts.rules, alert.rule, &AlertRuleConfig::name);
    const auto endpoint = alert.labels.find("endpoint");
    if (rule != config_.alerts.rules.end() && rule->type == AlertRuleType::consecutive_failures &&
        endpoint != alert.labels.end())
      consecutive_failures_[endpoint->second] = std::max(consecutive_failures_[endpoint->second], rule->count - 1);
    if (alert.state == AlertState::firing && alert.last_notified != TimePoint{}) {
      auto& group = groups_[alert.group];
      group.last_notified = std::max(group.last_notified, alert.last_notified);
      group.notified_severity = std::max(group.notified_severity, alert.severity);
    }
    active_[alert.id] = std::move(alert);
  }
  if (resolved_.size() > kRecentResolved) resolved_.erase(resolved_.begin(), resolved_.end() - kRecentResolved);
  silences_ = std::move(silences);
}

void AlertEngine::add_silence(Silence silence) { silences_.push_back(std::move(silence)); }

std::vector<Silence> AlertEngine::silences(TimePoint now) const {
  std::vector<Silence> out;
  for (const auto& silence : silences_)
    if (now < silence.expires_at) out.push_back(silence);
  return out;
}

std::vector<Alert> AlertEngine::alerts() const {
  std::vector<Alert> out;
  for (const auto& [id, alert] : active_) out.push_back(alert);
  std::ranges::stable_sort(out, [](const Alert& a, const Alert& b) {
    return std::pair(a.state == AlertState::firing, a.severity) > std::pair(b.state == AlertState::firing, b.severity);
  });
  out.insert(out.end(), resolved_.rbegin(), resolved_.rend());
  return out;
}

void AlertEngine::candidates_for_rule(const AlertRuleConfig& rule, const AlertInputs& inputs,
                                      std::vector<Candidate>& out) const {
  switch (rule.type) {
    case AlertRuleType::status:
      for (const auto& state : inputs.states) {
        if (static_cast<int>(state.status) < rule.status || !selected(rule, state.service, state.region)) continue;
        const std::string why = state.success ? "" : fmt::format(" ({})", to_string(state.failure));
        out.push_back({&rule, state.endpoint_id,
                       fmt::format("{} is {}{}", state.endpoint_id, to_string(state.status), why), state.service,
                       state.region, state.endpoint_id, {}});
      }
      break;
    case AlertRuleType::consecutive_failures:
      for (const auto& state : inputs.states) {
        const auto count = consecutive_failures_.find(state.endpoint_id);
        if (count == consecutive_failures_.end() || count->second < rule.count) continue;
        if (!selected(rule, state.service, state.region)) continue;
        out.push_back({&rule, state.endpoint_id,
                       fmt::format("{} failed {} times in a row ({})", state.endpoint_id, count->second,
                                   to_string(state.failure)),
                       state.service, state.region, state.endpoint_id, {}});
      }
      break;
    case AlertRuleType::cascade_risk:
      for (const auto& risk : inputs.cascade) {
        for (const auto& root : risk.roots) {
          // Each root by its own share: a failing leaf (S3) in a region DynamoDB is taking down
          // is not itself a cascade.
          if (root.score < rule.threshold || !selected(rule, root.service, root.region)) continue;
          out.push_back({&rule, root.service + "/" + root.region,
                         fmt::format("cascade risk {}/100 in {}: {} is {}; at risk: {}", root.score, risk.region,
                                     root.service, to_string(root.status),
                                     root.impacted_services.empty() ? "nothing else" : join_names(root.impacted_services)),
                         root.service, root.region, {}, {}});
        }
      }
      break;
    case AlertRuleType::anomaly:
      for (const auto& signal : inputs.anomalies) {
        const auto state = std::ranges::find(inputs.states, signal.endpoint_id, &EndpointState::endpoint_id);
        const std::string service = state != inputs.states.end() ? state->service : "";
        if (!selected(rule, service, signal.region)) continue;
        // One alert per kind and scope: "latency_drift:dynamodb.us-east-1...", "widespread:us-east-1".
        const std::string kind(to_string(signal.kind));
        const std::string scope = !signal.endpoint_id.empty() ? signal.endpoint_id
                                  : !signal.region.empty()    ? signal.region
                                                              : "fleet";
        out.push_back({&rule, kind + ":" + scope, signal.message, service, signal.region, signal.endpoint_id,
                       service.empty() ? "anomaly/" + scope : std::string()});
      }
      break;
    case AlertRuleType::answer_change:
      for (const auto& event : inputs.events) {
        if (event.kind != EndpointEvent::Kind::answer_changed) continue;
        const auto state = std::ranges::find(inputs.states, event.endpoint_id, &EndpointState::endpoint_id);
        const std::string service = state != inputs.states.end() ? state->service : "";
        const std::string region = state != inputs.states.end() ? state->region : "";
        if (!selected(rule, service, region)) continue;
        out.push_back({&rule, event.endpoint_id, event.message, service, region, event.endpoint_id, {}});
      }
      break;
    case AlertRuleType::failover:
      for (const auto& signal : inputs.failovers) {
        if (!rule.region.empty() && rule.region != signal.region) continue;
        out.push_back({&rule, signal.application, signal.message, {}, signal.region, {},
                       "failover/" + signal.application});
      }
      break;
  }
}

std::vector<AlertEngine::Candidate> AlertEngine::candidates(const AlertInputs& inputs) {
  for (const auto& observation : inputs.observations) {
    int& count = consecutive_failures_[observation.result.endpoint_id];
    count = observation.result.success ? 0 : count + 1;
  }
  std::vector<Candidate> out;
  for (const auto& rule : config_.alerts.rules) candidates_for_rule(rule, inputs, out);
  // Root-cause grouping: a subject with a service goes under the failing service it depends on.
  for (auto& candidate : out) {
    if (!candidate.group.empty()) continue;
    const CascadeRoot* root = find_root(inputs.cascade, candidate.service, candidate.region);
    candidate.group = root != nullptr ? root->service + "/" + root->region
                                      : candidate.service + "/" + candidate.region;
  }
  return out;
}

Alert AlertEngine::make_alert(const Candidate& candidate, TimePoint now) const {
  Alert alert;
  alert.id = candidate.rule->name + "|" + candidate.subject;
  alert.rule = candidate.rule->name;
  alert.severity = candidate.rule->severity;
  alert.labels = candidate.rule->labels;
  alert.labels["rule"] = candidate.rule->name;
  alert.labels["severity"] = std::string(to_string(candidate.rule->severity));
  if (!candidate.service.empty()) alert.labels["service"] = candidate.service;
  if (!candidate.region.empty()) alert.labels["region"] = candidate.region;
  if (!candidate.endpoint.empty()) alert.labels["endpoint"] = candidate.endpoint;
  alert.active_since = now;
  return alert;
}

AlertUpdate AlertEngine::evaluate(const AlertInputs& inputs) {
  const TimePoint now = inputs.now;
  AlertUpdate update;
  std::set<std::string> changed;
  std::set<std::string> seen;
  const auto transition = [&](Alert& alert, AlertState state) {
    alert.state = state;
    update.history.push_back({alert.id, now, state, alert.summary});
    changed.insert(alert.id);
  };

  for (const auto& candidate : candidates(inputs)) {
    Alert fresh = make_alert(candidate, now);
    if (!seen.insert(fresh.id).second) continue;
    auto [it, inserted] = active_.try_emplace(fresh.id, std::move(fresh));
    Alert& alert = it->second;
    alert.summary = candidate.summary;
    alert.group = candidate.group;
    alert.updated_at = now;
    if (inserted) transition(alert, AlertState::pending);
    if (alert.state == AlertState::pending && now - alert.active_since >= candidate.rule->for_duration) {
      alert.fired_at = now;
      transition(alert, AlertState::firing);
    }
  }

  std::vector<Alert> just_resolved;
  for (auto it = active_.begin(); it != active_.end();) {
    Alert& alert = it->second;
    const auto rule = std::ranges::find(config_.alerts.rules, alert.rule, &AlertRuleConfig::name);
    const bool held = is_event_rule(rule != config_.alerts.rules.end() ? rule->type : AlertRuleType::status) &&
                      now - alert.updated_at < kEventHold;
    if (seen.contains(alert.id) || held) {
      ++it;
      continue;
    }
    if (alert.state == AlertState::firing) {
      alert.resolved_at = now;
      transition(alert, AlertState::resolved);
      just_resolved.push_back(alert);
    } else {
      // A pending alert that never fired leaves no trace beyond its history entry.
      update.history.push_back({alert.id, now, AlertState::resolved, alert.summary});
      changed.erase(alert.id);
    }
    it = active_.erase(it);
  }

  std::erase_if(silences_, [&](const Silence& silence) { return silence.expires_at <= now; });
  for (auto& [id, alert] : active_) {
    const bool silenced =
        std::ranges::any_of(silences_, [&](const Silence& s) { return s.active(now) && s.matches(alert); });
    if (silenced != alert.silenced) changed.insert(id);
    alert.silenced = silenced;
  }

  notify_groups(inputs, just_resolved, update);
  for (const auto& notification : update.notifications)
    for (const auto& alert : notification.alerts)
      if (!notification.resolved) changed.insert(alert.id);

  for (const auto& id : changed)
    if (const auto it = active_.find(id); it != active_.end()) update.changed.push_back(it->second);
  for (auto& alert : just_resolved) {
    update.changed.push_back(alert);
    resolved_.push_back(std::move(alert));
  }
  if (resolved_.size() > kRecentResolved) resolved_.erase(resolved_.begin(), resolved_.end() - kRecentResolved);
  return update;
}

void AlertEngine::notify_groups(const AlertInputs& inputs, std::vector<Alert>& just_resolved, AlertUpdate& update) {
  const TimePoint now = inputs.now;
  std::map<std::string, std::vector<Alert*>> firing;  // not silenced
  std::set<std::string> still_firing;                 // silenced ones too: a silence is not a resolution
  for (auto& [id, alert] : active_) {
    if (alert.state != AlertState::firing) continue;
    still_firing.insert(alert.group);
    if (!alert.silenced) firing[alert.group].push_back(&alert);
  }

  const auto root_of = [&](const std::string& group, Notification& notification) {
    for (const auto& risk : inputs.cascade)
      for (const auto& root : risk.roots)
        if (root.service + "/" + root.region == group) {
          notification.root = root;
          notification.cascade_score = risk.score;
          add_failover_lines(inputs.failover_advice, *notification.root);
        }
  };

  for (auto& [group, alerts] : firing) {
    TimePoint first_fired = alerts.front()->fired_at;
    AlertSeverity worst = AlertSeverity::info;
    for (const Alert* alert : alerts) {
      first_fired = std::min(first_fired, alert->fired_at);
      worst = std::max(worst, alert->severity);
    }
    const auto state = groups_.find(group);
    bool send = false;
    if (state == groups_.end()) send = now - first_fired >= config_.alerts.group_wait;
    else send = worst > state->second.notified_severity || now - state->second.last_notified >= config_.alerts.repeat_interval;
    if (!send) continue;
    groups_[group] = {now, worst};
    Notification notification;
    notification.group = group;
    notification.severity = worst;
    notification.at = now;
    root_of(group, notification);
    std::ranges::stable_sort(alerts, [](const Alert* a, const Alert* b) { return a->severity > b->severity; });
    for (Alert* alert : alerts) {
      alert->last_notified = now;
      notification.alerts.push_back(*alert);
    }
    notification.title = notification.root
                             ? fmt::format("[{}] {} {}: root cause, {} alert{}", upper(to_string(worst)),
                                           notification.root->service, notification.root->region, alerts.size(),
                                           alerts.size() == 1 ? "" : "s")
                             : fmt::format("[{}] {}: {}", upper(to_string(worst)), group, alerts.front()->summary);
    update.notifications.push_back(std::move(notification));
  }

  // A notified group with nothing firing left is resolved, once, with the alerts that ended.
  for (auto it = groups_.begin(); it != groups_.end();) {
    if (still_firing.contains(it->first)) {
      ++it;
      continue;
    }
    Notification notification;
    notification.group = it->first;
    notification.resolved = true;
    notification.at = now;
    for (auto& alert : just_resolved) {
      if (alert.group != it->first) continue;
      notification.severity = std::max(notification.severity, alert.severity);
      alert.last_notified = now;
      notification.alerts.push_back(alert);
    }
    notification.title = fmt::format("[RESOLVED] {}", it->first);
    update.notifications.push_back(std::move(notification));
    it = groups_.erase(it);
  }
}

}  // namespace rg
