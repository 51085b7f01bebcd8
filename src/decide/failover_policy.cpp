#include "decide/failover_policy.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "analyze/region_score.h"
#include "config/duration.h"
#include "decide/region_verdict.h"

namespace rg {

namespace {

using namespace std::chrono_literals;

constexpr std::array decision_kind_names{"stay", "hold", "failover", "failback"};
constexpr std::array decision_action_names{"none", "execute", "propose", "dry-run"};

double seconds(std::chrono::microseconds d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

std::string_view to_string(DecisionKind kind) { return decision_kind_names[static_cast<std::size_t>(kind)]; }
std::string_view to_string(DecisionAction action) { return decision_action_names[static_cast<std::size_t>(action)]; }

std::chrono::milliseconds FailoverPolicy::stale_after(const EndpointState& state) const {
  return app_.policy.stale_after.value_or(3 * state.interval);
}

FailoverPolicy::RegionStates FailoverPolicy::region_states(const VantageView& view, const std::string& region,
                                                           TimePoint now) const {
  RegionStates out;
  const auto checks = app_.checks.find(region);
  if (checks == app_.checks.end()) return out;
  for (const auto& state : view.states) {
    if (state.region != region || std::ranges::find(checks->second, state.endpoint_id) == checks->second.end())
      continue;
    const auto age = now - state.last_check;
    const auto limit = stale_after(state);
    if (age <= limit) {
      out.fresh.push_back(state);
    } else if (!out.newest_stale_age || age < *out.newest_stale_age) {
      out.newest_stale_age = age;
      out.stale_after = limit;
    }
  }
  return out;
}

FailoverPolicy::VantageVerdict FailoverPolicy::judge(std::vector<EndpointState> states) const {
  const auto verdict = region_verdict(states, app_.policy, weights_);
  return VantageVerdict{verdict.score, verdict.latency, verdict.failing, std::move(states)};
}

bool FailoverPolicy::news(RegionMemory& memory, const std::vector<std::pair<std::string, VantageVerdict>>& verdicts,
                          bool failing) const {
  const auto pulls_down = [](const EndpointState& state) { return check_points(state) < 100; };
  // Failing by latency alone, no check pulls the region down: then any new result is news.
  const bool by_checks = failing && std::ranges::any_of(verdicts, [&](const auto& verdict) {
                           return std::ranges::any_of(verdict.second.states, pulls_down);
                         });
  bool found = false;
  for (const auto& [vantage, verdict] : verdicts) {
    for (const auto& state : verdict.states) {
      auto& counted = memory.counted[vantage + '\n' + state.endpoint_id];
      if (state.last_check == counted) continue;
      counted = state.last_check;
      if (!by_checks || pulls_down(state)) found = true;
    }
  }
  return found;
}

RegionAssessment FailoverPolicy::assess(const FailoverSnapshot& snapshot, const std::string& region,
                                        RoundTime now) {
  RegionAssessment assessment;
  assessment.region = region;
  auto& memory = memory_[region];
  std::vector<std::pair<std::string, VantageVerdict>> verdicts;
  RegionStates stale;  // the newest stale state over the views, for the reason
  for (const auto& view : snapshot.views) {
    auto states = region_states(view, region, now.wall);
    if (states.newest_stale_age && (!stale.newest_stale_age || *states.newest_stale_age < *stale.newest_stale_age)) {
      stale.newest_stale_age = states.newest_stale_age;
      stale.stale_after = states.stale_after;
    }
    if (!states.fresh.empty()) verdicts.emplace_back(view.vantage, judge(std::move(states.fresh)));
  }
  int failing_votes = 0;
  for (const auto& [vantage, verdict] : verdicts) {
    // The worst vantage point's figures: a target must look good from everywhere.
    const bool first = &verdict == &verdicts.front().second;
    assessment.score = first ? verdict.score : std::min(assessment.score, verdict.score);
    assessment.latency = std::max(assessment.latency, verdict.latency);
    if (verdict.failing) ++failing_votes;
  }
  const int reporters = static_cast<int>(verdicts.size());
  const int quorum = app_.policy.quorum;
  if (reporters == 0 && stale.newest_stale_age) {
    assessment.unreported_reason =
        fmt::format("no fresh results: the newest is {:.0f}s old, stale after {}", seconds(*stale.newest_stale_age),
                    format_duration(stale.stale_after));
  } else if (reporters == 0) {
    assessment.unreported_reason = "no results for its checks";
  } else if (quorum > 0 && reporters < quorum) {
    // The quorum does not shrink to those who report: too few voices is not knowing.
    assessment.unreported_reason = fmt::format("{} vantage point{} it, the quorum is {}", reporters,
                                               reporters == 1 ? " reports" : "s report", quorum);
  }
  assessment.reported = assessment.unreported_reason.empty();
  if (assessment.reported) {
    // One vantage point's bad network must not move traffic for everyone: a quorum must agree.
    const int needed = quorum > 0 ? quorum : reporters / 2 + 1;
    assessment.failing = failing_votes >= needed;
    if (!news(memory, verdicts, assessment.failing)) {
      // Nothing new about this region: the same observation is not another round of evidence.
    } else if (assessment.failing) {
      if (memory.consecutive_failures++ == 0) memory.failing_since = now.steady;
      memory.healthy_since.reset();
      memory.healthy_since_wall.reset();
    } else {
      memory.consecutive_failures = 0;
      memory.failing_since.reset();
      if (!memory.healthy_since) {
        memory.healthy_since = now.steady;
        memory.healthy_since_wall = now.wall;
      }
    }
  } else {
    // No news is not good news: health must be seen without a gap. The failure count waits.
    memory.healthy_since.reset();
    memory.healthy_since_wall.reset();
  }
  assessment.consecutive_failures = memory.consecutive_failures;
  assessment.down = assessment.reported && memory.consecutive_failures >= app_.policy.consecutive_failures_threshold;
  assessment.healthy_since = memory.healthy_since_wall;
  if (memory.healthy_since) assessment.healthy_for = now.steady - *memory.healthy_since;
  if (memory.failing_since) assessment.failing_for = now.steady - *memory.failing_since;
  return assessment;
}

SteadyPoint FailoverPolicy::to_steady(TimePoint started_at, RoundTime now) const {
  // A move started since the previous round — the controller carries a decision out right after
  // it, and the policy sees the move first at the next round — is dated by that round's clocks:
  // a wall-clock jump between then and now must not move it.
  if (previous_round_ && started_at >= previous_round_->wall)
    return std::min(previous_round_->steady + (started_at - previous_round_->wall), now.steady);
  // Older (read from the journal at start): as long ago as the wall clock says now.
  return steady_at(started_at, now);
}

std::vector<FailoverPolicy::SteadyMove> FailoverPolicy::steady_moves(const std::vector<PastMove>& moves,
                                                                      RoundTime now) {
  std::vector<SteadyMove> out;
  std::map<std::pair<TimePoint, bool>, SteadyPoint> seen;
  for (const auto& move : moves) {
    if (move.steady_at) {
      out.push_back({*move.steady_at, move.failback});
      continue;
    }
    const std::pair key{move.started_at, move.failback};
    const auto known = converted_moves_.find(key);
    const SteadyPoint at = known != converted_moves_.end() ? known->second : to_steady(move.started_at, now);
    seen.emplace(key, at);
    out.push_back({at, move.failback});
  }
  converted_moves_ = std::move(seen);  // forget moves the journal no longer lists
  previous_round_ = now;
  return out;
}

std::optional<FailoverPolicy::Blocker> FailoverPolicy::move_blocker(const std::vector<SteadyMove>& moves,
                                                                     DecisionKind kind, SteadyPoint now) const {
  if (!moves.empty()) {
    const SteadyPoint last = std::ranges::max(moves, {}, &SteadyMove::at).at;
    const auto since = now - last;
    if (since < app_.policy.cooldown)
      return Blocker{"cool-down", fmt::format("cool-down: the last move was {:.0f}s ago, the cool-down is {:.0f}s",
                                              seconds(since), seconds(app_.policy.cooldown))};
  }
  // Failing back counts every move; failing over counts failovers only, so that a failback does
  // not keep traffic on a primary that relapses.
  const bool counting_all = kind == DecisionKind::failback;
  const auto in_last_hour = std::ranges::count_if(moves, [&](const SteadyMove& move) {
    return (counting_all || !move.failback) && move.at <= now && now - move.at < 1h;
  });
  if (in_last_hour >= app_.policy.max_moves_per_hour)
    return Blocker{"rate-limit", fmt::format("rate limit: {} {} in the last hour (max_moves_per_hour {})",
                                             in_last_hour, counting_all ? "moves" : "failovers",
                                             app_.policy.max_moves_per_hour)};
  return std::nullopt;
}

std::chrono::microseconds FailoverPolicy::promote_after(const FailoverSnapshot& snapshot,
                                                       const std::string& region) const {
  if (app_.policy.promote_after) return *app_.policy.promote_after;
  // Twice the time the policy needs to decide: the threshold's rounds of the region's slowest
  // check (a round counts only with news, so the slowest check sets the pace).
  std::chrono::milliseconds slowest{0};
  const auto checks = app_.checks.find(region);
  for (const auto& view : snapshot.views)
    for (const auto& state : view.states)
      if (state.region == region && checks != app_.checks.end() &&
          std::ranges::find(checks->second, state.endpoint_id) != checks->second.end())
        slowest = std::max(slowest, state.interval);
  if (slowest == 0ms) slowest = EndpointState{}.interval;
  return 2 * app_.policy.consecutive_failures_threshold * slowest;
}

std::optional<std::string> FailoverPolicy::promotion_wait(const FailoverSnapshot& snapshot,
                                                          const RegionAssessment& source,
                                                          const std::string& target) const {
  // An operator approving a proposal is the wait in the other modes; dry runs promote nothing.
  if (app_.policy.mode != FailoverMode::automatic) return std::nullopt;
  const auto replica = app_.plan.rds_replicas.find(target);
  if (replica == app_.plan.rds_replicas.end()) return std::nullopt;  // nothing irreversible
  const auto needed = promote_after(snapshot, source.region);
  if (source.failing_for >= needed) return std::nullopt;
  return fmt::format(
      "{} is down ({} failing rounds in {:.0f}s) but promoting {} in {} waits until {} has failed for {} "
      "(promote_after): {:.0f}s left",
      source.region, source.consecutive_failures, seconds(source.failing_for), replica->second, target,
      source.region, format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(needed)),
      seconds(needed - source.failing_for));
}

DecisionAction FailoverPolicy::action_for(DecisionKind kind) const {
  switch (app_.policy.mode) {
    case FailoverMode::dry_run: return DecisionAction::dry_run;
    case FailoverMode::manual_approval: return DecisionAction::propose;
    case FailoverMode::automatic:
      // Going back is not urgent: unless allowed, an operator approves it.
      return kind == DecisionKind::failback && !app_.policy.automatic_failback ? DecisionAction::propose
                                                                               : DecisionAction::execute;
  }
  return DecisionAction::propose;
}

FailoverDecision FailoverPolicy::decide(const FailoverSnapshot& snapshot, RoundTime now) {
  FailoverDecision decision;
  decision.from = snapshot.active_region.empty() ? app_.primary : snapshot.active_region;
  for (const auto& region : app_.regions()) decision.regions.push_back(assess(snapshot, region, now));
  const auto find = [&](const std::string& region) {
    return std::ranges::find(decision.regions, region, &RegionAssessment::region);
  };
  const auto moves = steady_moves(snapshot.moves, now);
  const auto active = find(decision.from);
  if (active == decision.regions.end()) {
    decision.reason = "the active region " + decision.from + " is not one of the application's regions";
    decision.rule = "unknown-active-region";
    decision.kind = DecisionKind::hold;
    return decision;
  }
  if (snapshot.plan_in_progress) {
    decision.reason = "a plan is in progress";
    decision.rule = "plan-in-progress";
    return decision;
  }
  if (!active->reported) {
    decision.rule = "unreported";
    decision.reason = active->region + " is unknown (" + active->unreported_reason + "): nothing moves on old or partial data";
    return decision;
  }

  if (active->down) {
    // Fail-open: only a region that is clearly better than the one we leave.
    std::vector<const RegionAssessment*> candidates;
    for (const auto& region : decision.regions) {
      if (region.region == active->region || !region.reported || region.failing || region.down) continue;
      if (region.score < app_.policy.health_threshold) continue;
      if (region.score < active->score + app_.policy.margin) continue;
      candidates.push_back(&region);
    }
    // Best score, then lowest latency (the seed's rule); stable, so ties keep the configured order.
    std::ranges::stable_sort(candidates, [](const RegionAssessment* a, const RegionAssessment* b) {
      if (a->score != b->score) return a->score > b->score;
      return a->latency < b->latency;
    });
    decision.kind = DecisionKind::hold;
    if (candidates.empty()) {
      decision.rule = "fail-open";
      decision.reason = fmt::format(
          "{} is down ({} failing rounds, score {:.0f}) but no region is healthy and {} points better: staying "
          "(fail-open)",
          active->region, active->consecutive_failures, active->score, app_.policy.margin);
      return decision;
    }
    if (const auto blocker = move_blocker(moves, DecisionKind::failover, now.steady)) {
      decision.rule = blocker->rule;
      decision.reason = active->region + " is down but " + blocker->reason;
      return decision;
    }
    if (auto wait = promotion_wait(snapshot, *active, candidates.front()->region)) {
      decision.rule = "promote-after";
      decision.reason = std::move(*wait);
      return decision;
    }
    decision.kind = DecisionKind::failover;
    decision.rule = "down";
    decision.to = candidates.front()->region;
    decision.action = action_for(decision.kind);
    decision.reason = fmt::format("{} is down ({} failing rounds, score {:.0f}); {} scores {:.0f} at {:.1f} ms",
                                  active->region, active->consecutive_failures, active->score, decision.to,
                                  candidates.front()->score, seconds(candidates.front()->latency) * 1000);
    return decision;
  }

  if (active->region != app_.primary) {
    const auto primary = find(app_.primary);
    const bool settled = primary->reported && !primary->failing && primary->healthy_since &&
                         primary->healthy_for >= app_.policy.failback_after;
    // Not back to a primary that is worse than where the application is now.
    if (settled && primary->score >= app_.policy.health_threshold && primary->score >= active->score) {
      if (const auto blocker = move_blocker(moves, DecisionKind::failback, now.steady)) {
        decision.kind = DecisionKind::hold;
        decision.rule = blocker->rule;
        decision.reason = "fail back to " + app_.primary + " waits: " + blocker->reason;
        return decision;
      }
      decision.kind = DecisionKind::failback;
      decision.rule = "primary-settled";
      decision.to = app_.primary;
      decision.action = action_for(decision.kind);
      decision.reason = fmt::format("{} has been healthy for {:.0f}s (score {:.0f})", app_.primary,
                                    seconds(primary->healthy_for), primary->score);
      return decision;
    }
  }
  decision.rule = active->failing ? "failing-not-down" : "healthy";
  decision.reason = active->region + " is " + (active->failing ? "failing but not down" : "healthy");
  return decision;
}

}  // namespace rg
