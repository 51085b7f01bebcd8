#pragma once
// What the failover policy sees (FailoverSnapshot) and what it answers (FailoverDecision). Plain
// values: the daemon builds the snapshot from the latest round and the failover journal, the
// policy answers, and act/ carries the answer out.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/health_summary.h"  // EndpointState
#include "core/time.h"
#include "decide/round_time.h"

namespace rg {

// The latest state of every check as one vantage point (one regionguard instance) sees it.
struct VantageView {
  std::string vantage = "local";
  std::vector<EndpointState> states;
};

// A move made before (from the journal), for the cool-down and the hourly limit.
struct PastMove {
  TimePoint started_at{};  // wall clock, as journaled
  bool failback = false;   // back to the primary; else a failover away from the active region
  // When it started on the monotonic clock, if the caller knows (it read steady_now_us() when it
  // started the plan). Unset: the policy converts started_at the first round it sees the move
  // (steady_at() in round_time.h) and keeps that, so a later wall-clock jump does not move it.
  std::optional<SteadyPoint> steady_at{};
};

struct FailoverSnapshot {
  std::vector<VantageView> views;  // one per vantage point reporting this round
  std::string active_region;       // where traffic goes now (from the journal); empty: the primary
  std::vector<PastMove> moves;     // previous moves, for cool-down and rate limit
  bool plan_in_progress = false;   // a plan is running or waiting for approval: decide nothing new
};

// How one region looks this round.
struct RegionAssessment {
  std::string region;
  // Fresh results for its checks (none older than stale_after) from enough vantage points for the
  // quorum. An unreported region is neither failing nor healthy: it is never a target, and its
  // counters wait for news.
  bool reported = false;
  std::string unreported_reason;         // why not reported, for the decision's reason
  double score = 0;                      // 0-100, worst of the vantage points' scores
  std::chrono::microseconds latency{0};  // mean of the successful checks, worst vantage point
  bool failing = false;                  // this round, by a quorum of vantage points
  int consecutive_failures = 0;          // failing rounds in a row
  bool down = false;                     // consecutive_failures reached the threshold
  std::optional<TimePoint> healthy_since;  // passing without a break since then (wall clock, for display)
  // How long it has passed every round without a break, and how long it has failed every round
  // of its current streak: measured on the monotonic clock.
  std::chrono::microseconds healthy_for{0};
  std::chrono::microseconds failing_for{0};
};

enum class DecisionKind {
  stay,      // the active region is fine (or nothing is known yet)
  hold,      // the active region is down but moving now would be unsafe: reason says why
  failover,  // move from the active region to `to`
  failback,  // move back to the primary
};

// What to do with a move: run it, wait for an operator, or only show it.
enum class DecisionAction { none, execute, propose, dry_run };

struct FailoverDecision {
  DecisionKind kind = DecisionKind::stay;
  DecisionAction action = DecisionAction::none;
  std::string from;
  std::string to;
  std::string reason;  // one sentence for the log, the CLI and notifications
  // The rule that decided, stable while its figures change ("fail-open", "cool-down",
  // "rate-limit", "down", "healthy"...): the daemon logs a change of rule, not every new count.
  std::string_view rule;
  std::vector<RegionAssessment> regions;  // the application's regions, primary first
};

std::string_view to_string(DecisionKind kind);
std::string_view to_string(DecisionAction action);

}  // namespace rg
