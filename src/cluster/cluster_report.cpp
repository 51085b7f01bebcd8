#include "cluster/cluster_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace rg::cluster {
namespace {

using nlohmann::json;

// The fresh states of `region`'s checks of `app` in one view, as the policy selects them.
std::vector<EndpointState> fresh_states(const ApplicationConfig& app, const std::string& region,
                                        const std::vector<EndpointState>& view, TimePoint now) {
  std::vector<EndpointState> fresh;
  const auto checks = app.checks.find(region);
  if (checks == app.checks.end()) return fresh;
  for (const auto& state : view) {
    if (state.region != region || std::ranges::find(checks->second, state.endpoint_id) == checks->second.end())
      continue;
    if (now - state.last_check <= app.policy.stale_after.value_or(3 * state.interval)) fresh.push_back(state);
  }
  return fresh;
}

// An agent that judges every region it reports failing while the others see at least one of
// them fine is most likely looking through a broken network of its own.
void flag_lonely_pessimists(ClusterReport& report) {
  std::set<std::string> agents;
  for (const auto& v : report.verdicts) agents.insert(v.vantage);
  if (agents.size() < 2) return;
  for (const auto& agent : agents) {
    bool reported_any = false;
    bool all_failing = true;
    bool others_see_fine = false;
    for (const auto& v : report.verdicts) {
      if (!v.reported) continue;
      if (v.vantage == agent) {
        reported_any = true;
        all_failing = all_failing && v.verdict.failing;
      }
    }
    if (!reported_any || !all_failing) continue;
    for (const auto& v : report.verdicts) {
      if (v.vantage == agent || !v.reported || v.verdict.failing) continue;
      // A region this agent also reports, seen fine from elsewhere.
      others_see_fine = others_see_fine || std::ranges::any_of(report.verdicts, [&](const auto& mine) {
                          return mine.vantage == agent && mine.reported && mine.application == v.application &&
                                 mine.region == v.region;
                        });
    }
    if (others_see_fine)
      report.warnings.push_back(agent + " sees all regions down: its own network? (the other agents outvote it)");
  }
}

}  // namespace

ClusterReport make_cluster_report(ClusterPicture picture, const Config& config, TimePoint now,
                                  std::optional<std::string> disagreement) {
  ClusterReport report;
  for (const auto& app : config.applications)
    for (const auto& agent : picture.agents) {
      const bool fresh_view = agent.interval.count() > 0 && now - agent.round_at <= 2 * agent.interval;
      for (const auto& region : app.regions()) {
        VantageRegionVerdict row;
        row.application = app.name;
        row.vantage = agent.name;
        row.region = region;
        if (fresh_view) {
          const auto states = fresh_states(app, region, agent.states, now);
          row.checks = static_cast<int>(states.size());
          row.reported = !states.empty();
          if (row.reported) row.verdict = region_verdict(states, app.policy, config.score_weights);
        }
        report.verdicts.push_back(std::move(row));
      }
    }
  if (!picture.etcd_ok)
    report.warnings.push_back("etcd does not answer (" + picture.etcd_problem +
                              "): no agent acts; probing, history and dashboards go on");
  else if (!picture.leader)
    report.warnings.push_back("the cluster has no leader yet");
  if (disagreement) report.warnings.push_back(*disagreement);
  flag_lonely_pessimists(report);
  for (const auto& record : picture.unreadable) report.warnings.push_back("unreadable record " + record);
  report.picture = std::move(picture);
  return report;
}

json to_json(const ClusterReport& report, TimePoint now) {
  const auto& p = report.picture;
  json agents = json::array();
  for (const auto& agent : p.agents)
    agents.push_back({{"name", agent.name},
                      {"self", agent.name == p.self},
                      {"leader", p.leader && p.leader->name == agent.name},
                      {"api_url", agent.api_url},
                      {"host", agent.host},
                      {"last_round", agent.rounds == 0 ? json(nullptr) : json(format_iso8601(agent.round_at))},
                      {"last_round_age_s", agent.rounds == 0 ? json(nullptr)
                                                             : json(std::chrono::duration<double>(now - agent.round_at).count())},
                      {"rounds", agent.rounds},
                      {"started", format_iso8601(agent.started_at)},
                      {"digest", agent.digest},
                      {"agrees", agent.digest == p.digest}});
  json views = json::array();
  for (const auto& v : report.verdicts) {
    json row{{"application", v.application}, {"vantage", v.vantage}, {"region", v.region},
             {"reported", v.reported}, {"checks", v.checks}};
    if (v.reported) {
      row["failing"] = v.verdict.failing;
      row["score"] = v.verdict.score;
      row["latency_ms"] = std::chrono::duration<double, std::milli>(v.verdict.latency).count();
    }
    views.push_back(std::move(row));
  }
  json etcd{{"ok", p.etcd_ok}};
  if (!p.etcd_problem.empty()) etcd["problem"] = p.etcd_problem;
  if (p.etcd_ok_at) etcd["last_answer"] = format_iso8601(*p.etcd_ok_at);
  return json{{"clustered", true},
              {"self", p.self},
              {"leader", p.leader ? json(p.leader->name) : json(nullptr)},
              {"leader_api_url", p.leader ? json(p.leader->api_url) : json(nullptr)},
              {"leading", p.leading},
              {"etcd", std::move(etcd)},
              {"agents", std::move(agents)},
              {"views", std::move(views)},
              {"warnings", report.warnings}};
}

}  // namespace rg::cluster
