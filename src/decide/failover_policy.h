#pragma once
// FailoverPolicy::decide(snapshot, now): whether an application should move, and where. Pure —
// no clock, no I/O; the only memory is per-region counters across rounds (consecutive failures,
// healthy-since), so tests narrate time with a fake clock and replay rounds.
//
// The rules (ARCHITECTURE.md, "Failover safety, by design"):
//  - decisions use fresh data only: a check's state older than stale_after (default three of its
//    intervals) is left out, and a region without fresh results from enough vantage points for
//    the quorum is unreported — neither failing nor healthy, never a target, never down;
//  - a round counts for a region only when it brings new results: a failing round advances the
//    count only when a check that pulls the region down has a new result (one failed 60 s check
//    seen in six 10 s rounds is one failure, not six), a passing round resets it only with a new
//    result; a round without news leaves the count as it was;
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
#include <utility>
#include <vector>

#include "config/config.h"
#include "decide/failover_decision.h"

namespace rg {

class FailoverPolicy {
 public:
  FailoverPolicy(ApplicationConfig application, HealthScoreWeights weights)
      : app_(std::move(application)), weights_(weights) {}

  // Call once per round. A region that no view reports freshly keeps its failure count and loses
  // its healthy-since (health must be seen without a gap).
  FailoverDecision decide(const FailoverSnapshot& snapshot, TimePoint now);

  const ApplicationConfig& application() const { return app_; }

 private:
  struct RegionMemory {
    int consecutive_failures = 0;
    std::optional<TimePoint> healthy_since;
    // The newest result counted, per vantage point and check ("vantage\nendpoint id").
    std::map<std::string, TimePoint> counted;
  };
  // One vantage point's verdict on one region this round, from its fresh states.
  struct VantageVerdict {
    double score = 0;
    std::chrono::microseconds latency{0};
    bool failing = false;
    std::vector<EndpointState> states;  // the fresh states it was judged on
  };
  // The states of a region's checks in one view: the fresh ones, and the age of the newest stale one.
  struct RegionStates {
    std::vector<EndpointState> fresh;
    std::optional<std::chrono::microseconds> newest_stale_age;
    std::chrono::milliseconds stale_after{0};  // of that newest stale state
  };

  std::chrono::milliseconds stale_after(const EndpointState& state) const;
  RegionStates region_states(const VantageView& view, const std::string& region, TimePoint now) const;
  VantageVerdict judge(std::vector<EndpointState> states) const;
  // True when this round brings a result not counted before: for a failing region, a result of a
  // check that pulls it down (any result when latency alone makes it fail); else any result.
  // Marks the results as counted.
  bool news(RegionMemory& memory, const std::vector<std::pair<std::string, VantageVerdict>>& verdicts,
            bool failing) const;
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
