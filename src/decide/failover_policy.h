#pragma once
// FailoverPolicy::decide(snapshot, now): whether an application should move, and where. Pure —
// no clock, no I/O; the only memory is per-region counters across rounds (consecutive failures,
// healthy-since), so tests narrate time with a fake clock and replay rounds.
//
// The rules (ARCHITECTURE.md, "Failover safety, by design"):
//  - a region fails a round when its health score over the application's checks is below
//    health_threshold or their mean latency is above response_time_threshold, by a quorum of the
//    vantage points that report it; it is down after consecutive_failures_threshold such rounds;
//  - a move waits for the cool-down after the previous one; max_moves_per_hour counts failovers
//    when failing over (so leaving a primary that relapses after a failback stays possible) and
//    every move when failing back (going back is what flaps);
//  - fail-open: the target must not be down or failing, must pass health_threshold, and must score
//    at least `margin` points above the region it leaves — else the application stays put;
//  - the target is the best score, then the lowest latency, then the configured order;
//  - fail back once the primary has passed every round for failback_after.
#include <map>
#include <string>

#include "config/config.h"
#include "decide/failover_decision.h"

namespace rg {

class FailoverPolicy {
 public:
  FailoverPolicy(ApplicationConfig application, HealthScoreWeights weights)
      : app_(std::move(application)), weights_(weights) {}

  // Call once per round; a round with no views changes nothing and answers stay.
  FailoverDecision decide(const FailoverSnapshot& snapshot, TimePoint now);

  const ApplicationConfig& application() const { return app_; }

 private:
  struct RegionMemory {
    int consecutive_failures = 0;
    std::optional<TimePoint> healthy_since;
  };
  // One vantage point's verdict on one region this round: nullopt when it has no result for it.
  struct VantageVerdict {
    double score = 0;
    std::chrono::microseconds latency{0};
    bool failing = false;
  };

  std::optional<VantageVerdict> judge(const VantageView& view, const std::string& region) const;
  RegionAssessment assess(const FailoverSnapshot& snapshot, const std::string& region, TimePoint now);
  struct Blocker {
    std::string_view rule;
    std::string reason;
  };
  std::optional<Blocker> move_blocker(const FailoverSnapshot& snapshot, DecisionKind kind, TimePoint now) const;
  DecisionAction action_for(DecisionKind kind) const;

  ApplicationConfig app_;
  HealthScoreWeights weights_;
  std::map<std::string, RegionMemory> memory_;
};

}  // namespace rg
