#pragma once
// Alert rules over each analysed round: conditions become pending alerts, firing once they have
// held for the rule's `for`, resolved when they stop. Alerts are deduplicated by identity
// (rule + subject), grouped by root cause (a failing service's dependents go under it, see
// cascade_risk.h) and notified per group: after `group_wait` when a group first fires (so the
// alerts of one incident go out together), again when it gets worse, every `repeat_interval`
// while it lasts, and once when it is resolved. Silenced alerts are kept but not notified.
//
// Pure: time comes in with the inputs, nothing here does I/O; the caller stores what changed and
// hands the notifications to notify/.
#include <map>
#include <span>
#include <vector>

#include "analyze/anomaly_signal.h"
#include "analyze/failover_advice.h"
#include "analyze/failover_signal.h"
#include "analyze/notification.h"
#include "analyze/cascade_risk.h"
#include "analyze/health_summary.h"
#include "analyze/round_analyzer.h"
#include "config/config.h"

namespace rg {

struct AlertInputs {
  TimePoint now{};
  std::span<const EndpointState> states;       // the latest state of every endpoint
  std::span<const Observation> observations;   // this round's results, for consecutive failures
  std::span<const EndpointEvent> events;       // this round's events (answer changes)
  std::span<const RegionCascadeRisk> cascade;  // this round's cascade risk
  std::span<const AnomalySignal> anomalies;
  std::span<const FailoverSignal> failovers;
  // The failover policy's conclusion this round, per application: the runbook's failover line
  // says what the policy says (none for an application without one).
  std::span<const FailoverAdvice> failover_advice{};
};

struct AlertUpdate {
  std::vector<Alert> changed;               // to store: new, changed state, notified or silenced
  std::vector<AlertHistoryEntry> history;   // state transitions, in order
  std::vector<Notification> notifications;  // to send
};

class AlertEngine {
 public:
  // An event (answer change, failover) keeps its alert firing this long after it last happened.
  static constexpr std::chrono::minutes kEventHold{5};
  // Resolved alerts kept for alerts() (the store keeps them all).
  static constexpr std::size_t kRecentResolved = 100;

  explicit AlertEngine(const Config& config);

  // Alerts and silences from the store, after a restart: pending and firing alerts carry on
  // (a group already notified is not notified again until it changes or repeats).
  void restore(std::vector<Alert> alerts, std::vector<Silence> silences);

  AlertUpdate evaluate(const AlertInputs& inputs);

  // Silences take effect at the next evaluation.
  void add_silence(Silence silence);
  // Active and pending alerts, worst first, then recently resolved ones, newest first.
  std::vector<Alert> alerts() const;
  std::vector<Silence> silences(TimePoint now) const;

 private:
  struct Candidate {
    const AlertRuleConfig* rule;
    std::string subject;
    std::string summary;
    std::string service;
    std::string region;
    std::string endpoint;
    std::string group;  // for subjects without a service
  };
  struct GroupState {
    TimePoint last_notified{};
    AlertSeverity notified_severity = AlertSeverity::info;
  };

  std::vector<Candidate> candidates(const AlertInputs& inputs);
  void candidates_for_rule(const AlertRuleConfig& rule, const AlertInputs& inputs, std::vector<Candidate>& out) const;
  Alert make_alert(const Candidate& candidate, TimePoint now) const;
  void notify_groups(const AlertInputs& inputs, std::vector<Alert>& just_resolved, AlertUpdate& update);

  const Config& config_;
  std::map<std::string, Alert> active_;  // pending and firing, by id
  std::vector<Alert> resolved_;          // newest last, at most kRecentResolved
  std::map<std::string, GroupState> groups_;  // notified groups still firing
  std::map<std::string, int> consecutive_failures_;  // by endpoint id
  std::vector<Silence> silences_;
};

}  // namespace rg
