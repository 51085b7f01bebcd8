#include "decide/failover_policy.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "analyze/region_score.h"
#include "config/duration.h"

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
  // The general region score (analyze/region_score.h), over this application's checks only: a
  // region can be fine for one application and failing for another that uses other services.
  const auto scores = region_health_scores(states, {}, weights_);
  VantageVerdict verdict;
  verdict.score = scores.empty() ? 0 : scores.front().score;
  std::chrono::microseconds total{0};
  int successes = 0;
  for (const auto& state : states) {
    if (!state.success) continue;
    total += state.latency;
    ++successes;
  }
  verdict.latency = successes == 0 ? 0us : total / successes;
  verdict.failing = verdict.score < app_.policy.health_threshold ||
                    verdict.latency > std::chrono::duration_cast<std::chrono::microseconds>(
                                          app_.policy.response_time_threshold);
  verdict.states = std::move(states);
  return verdict;
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
      if (state.last_check <= counted) continue;
      counted = state.last_check;
      if (!by_checks || pulls_down(state)) found = true;
    }
  }
  return found;
}

RegionAssessment FailoverPolicy::assess(const FailoverSnapshot& snapshot, const std::string& region,
                                        TimePoint now) {
  RegionAssessment assessment;
  assessment.region = region;
  auto& memory = memory_[region];
  std::vector<std::pair<std::string, VantageVerdict>> verdicts;
  RegionStates stale;  // the newest stale state over the views, for the reason
  for (const auto& view : snapshot.views) {
    auto states = region_states(view, region, now);
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
      ++memory.consecutive_failures;
      memory.healthy_since.reset();
    } else {
      memory.consecutive_failures = 0;
      if (!memory.healthy_since) memory.healthy_since = now;
    }
  } else {
    // No news is not good news: health must be seen without a gap. The failure count waits.
    memory.healthy_since.reset();
  }
  assessment.consecutive_failures = memory.consecutive_failures;
  assessment.down = assessment.reported && memory.consecutive_failures >= app_.policy.consecutive_failures_threshold;
  assessment.healthy_since = memory.healthy_since;
  return assessment;
}

std::optional<FailoverPolicy::Blocker> FailoverPolicy::move_blocker(const FailoverSnapshot& snapshot,
                                                                     DecisionKind kind, TimePoint now) const {
  if (!snapshot.moves.empty()) {
    const TimePoint last = std::ranges::max(snapshot.moves, {}, &PastMove::started_at).started_at;
    const auto since = now - last;
    if (since < app_.policy.cooldown)
      return Blocker{"cool-down", fmt::format("cool-down: the last move was {:.0f}s ago, the cool-down is {:.0f}s",
                                              seconds(since), seconds(app_.policy.cooldown))};
  }
  // Failing back counts every move; failing over counts failovers only, so that a failback does
  // not keep traffic on a primary that relapses.
  const bool counting_all = kind == DecisionKind::failback;
  const auto in_last_hour = std::ranges::count_if(snapshot.moves, [&](const PastMove& move) {
    return (counting_all || !move.failback) && move.started_at <= now && now - move.started_at < 1h;
  });
  if (in_last_hour >= app_.policy.max_moves_per_hour)
    return Blocker{"rate-limit", fmt::format("rate limit: {} {} in the last hour (max_moves_per_hour {})",
                                             in_last_hour, counting_all ? "moves" : "failovers",
                                             app_.policy.max_moves_per_hour)};
  return std::nullopt;
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

FailoverDecision FailoverPolicy::decide(const FailoverSnapshot& snapshot, TimePoint now) {
  FailoverDecision decision;
  decision.from = snapshot.active_region.empty() ? app_.primary : snapshot.active_region;
  for (const auto& region : app_.regions()) decision.regions.push_back(assess(snapshot, region, now));
  const auto find = [&](const std::string& region) {
    return std::ranges::find(decision.regions, region, &RegionAssessment::region);
  };
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
    if (const auto blocker = move_blocker(snapshot, DecisionKind::failover, now)) {
      decision.rule = blocker->rule;
      decision.reason = active->region + " is down but " + blocker->reason;
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
                         now - *primary->healthy_since >= app_.policy.failback_after;
    // Not back to a primary that is worse than where the application is now.
    if (settled && primary->score >= app_.policy.health_threshold && primary->score >= active->score) {
      if (const auto blocker = move_blocker(snapshot, DecisionKind::failback, now)) {
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
                                    seconds(now - *primary->healthy_since), primary->score);
      return decision;
    }
  }
  decision.rule = active->failing ? "failing-not-down" : "healthy";
  decision.reason = active->region + " is " + (active->failing ? "failing but not down" : "healthy");
  return decision;
}

}  // namespace rg
