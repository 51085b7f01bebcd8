#pragma once
// The cast of the failover policy's stories (failover_policy*_test.cpp): the application shop,
// check results, one vantage point's round, and a fake controller with a fake clock that feeds
// rounds every 10 s and carries out what the policy decides.
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "decide/failover_policy.h"

namespace rg {

// A failed expectation says "hold", not "4-byte object <01-00 00-00>".
inline void PrintTo(DecisionKind kind, std::ostream* out) { *out << to_string(kind); }
inline void PrintTo(DecisionAction action, std::ostream* out) { *out << to_string(action); }

}  // namespace rg

namespace rg::policy_story {

using namespace std::chrono_literals;

constexpr auto kRound = 10s;

// shop runs in us-east-1, fails over to us-west-2 then eu-west-1; one DNS check per region.
inline ApplicationConfig shop(FailoverMode mode = FailoverMode::automatic) {
  ApplicationConfig app;
  app.name = "shop";
  app.primary = "us-east-1";
  app.secondaries = {"us-west-2", "eu-west-1"};
  for (const auto& region : app.regions()) app.checks[region] = {"ddb." + region};
  app.policy.mode = mode;
  app.policy.cooldown = 10min;
  app.policy.failback_after = 30min;
  return app;
}

inline EndpointState check(const std::string& region, bool ok, std::chrono::microseconds latency = 20ms) {
  EndpointState state;
  state.endpoint_id = "ddb." + region;
  state.region = region;
  state.kind = ProbeKind::dns;
  state.success = ok;
  state.status = ok ? HealthStatus::healthy : HealthStatus::critical;
  state.latency = latency;
  return state;
}

// One vantage point's round: east/west/eu each up or down.
inline VantageView round(bool east, bool west, bool eu = true, std::string vantage = "local") {
  return {std::move(vantage), {check("us-east-1", east), check("us-west-2", west), check("eu-west-1", eu)}};
}

// The controller around the policy, as the daemon will be: it feeds rounds, and carries out every
// move the policy asks to execute by updating the active region and the move history (what the
// journal would say: the wall-clock time it started, no monotonic one).
struct Controller {
  FailoverPolicy policy;
  FailoverSnapshot snapshot;
  // The fake clock, read twice like the real one: the wall clock can be set, the monotonic one only runs.
  RoundTime now{from_unix_us(1'800'000'000'000'000), SteadyPoint{std::chrono::hours{1000}}};
  int moves = 0;

  explicit Controller(ApplicationConfig app) : policy(std::move(app), HealthScoreWeights{}) {}

  // Time passes on both clocks.
  void pass(std::chrono::microseconds d) {
    now.wall += d;
    now.steady += d;
  }
  // The wall clock is set (an NTP step, an operator fixing the date): the monotonic one does not move.
  void jump(std::chrono::microseconds d) { now.wall += d; }

  // Every check answers in every round unless a test says when it last answered; probes date
  // their results by the wall clock.
  FailoverDecision step(std::vector<VantageView> views) {
    pass(kRound);
    for (auto& view : views)
      for (auto& state : view.states)
        if (state.last_check == TimePoint{}) state.last_check = now.wall;
    snapshot.views = std::move(views);
    auto decision = policy.decide(snapshot, now);
    if (decision.action == DecisionAction::execute) {
      snapshot.active_region = decision.to;
      snapshot.moves.push_back({now.wall, decision.kind == DecisionKind::failback});
      ++moves;
    }
    return decision;
  }
  FailoverDecision step(VantageView view) { return step(std::vector{std::move(view)}); }
};

}  // namespace rg::policy_story
