#pragma once
// FailoverPolicy::decide(snapshot, now): whether an application should move, and where. Pure —
// no clock, no I/O; the only memory is per-region counters across rounds (consecutive failures,
// healthy-since) and when past moves started, so tests narrate time with a fake clock and replay
// rounds. `now` is read on two clocks (round_time.h): the wall clock only to judge how fresh an
// observation is, the monotonic clock for every duration the policy measures itself.
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
//    every move when failing back (going back is what flaps); both on the monotonic clock, a past
//    move's start converted once, the first round it is seen, unless the caller gives it;
//  - in mode automatic, a failover whose plan promotes a replica in the target (irreversible)
//    waits until the region it leaves has failed for promote_after since the first failing round
//    of its streak (unset: 2 x consecutive_failures_threshold x its slowest check's interval);
//  - fail-open: the target must not be down or failing, must pass health_threshold, and must score
//    at least `margin` points above the region it leaves — else the application stays put;
//  - the target is the best score, then the lowest latency, then the configured order;
//  - fail back once the primary has passed every round for failback_after (monotonic clock).
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
  FailoverDecision decide(const FailoverSnapshot& snapshot, RoundTime now);

  const ApplicationConfig& application() const { return app_; }

 private:
  struct RegionMemory {
    int consecutive_failures = 0;
    // Since when it has passed without a break, on the monotonic clock (and on the wall clock, to show).
    std::optional<SteadyPoint> healthy_since;
    std::optional<TimePoint> healthy_since_wall;
    std::optional<SteadyPoint> failing_since;  // the first failing round of the current streak
    // The last result counted, per vantage point and check ("vantage\nendpoint id"): a result
    // dated otherwise is news, even dated earlier (the wall clock was set back).
    std::map<std::string, TimePoint> counted;
  };
  // A past move on the monotonic clock.
  struct SteadyMove {
    SteadyPoint at;
    bool failback = false;
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
  RegionAssessment assess(const FailoverSnapshot& snapshot, const std::string& region, RoundTime now);
  // A past move's wall-clock start on the monotonic clock (see steady_moves).
  SteadyPoint to_steady(TimePoint started_at, RoundTime now) const;
  // The snapshot's moves on the monotonic clock; remembers the conversions it made.
  std::vector<SteadyMove> steady_moves(const std::vector<PastMove>& moves, RoundTime now);
  // How long the region must have failed before a promotion: promote_after, or its default.
  std::chrono::microseconds promote_after(const FailoverSnapshot& snapshot, const std::string& region) const;
  // Why a failover from `source` to `target` must wait for promote_after yet; nothing if not.
  std::optional<std::string> promotion_wait(const FailoverSnapshot& snapshot, const RegionAssessment& source,
                                            const std::string& target) const;
  struct Blocker {
    std::string_view rule;
    std::string reason;
  };
  std::optional<Blocker> move_blocker(const std::vector<SteadyMove>& moves, DecisionKind kind, SteadyPoint now) const;
  DecisionAction action_for(DecisionKind kind) const;

  ApplicationConfig app_;
  HealthScoreWeights weights_;
  std::map<std::string, RegionMemory> memory_;
  // Past moves given without a monotonic time, converted the first round they were seen: by wall
  // start and kind. Converting again each round would move them with every wall-clock jump.
  std::map<std::pair<TimePoint, bool>, SteadyPoint> converted_moves_;
  std::optional<RoundTime> previous_round_;  // the clocks of the previous decide()
};

}  // namespace rg
