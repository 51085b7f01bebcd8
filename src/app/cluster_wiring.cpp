#include "app/cluster_wiring.h"

#include <set>

#include "cluster/cluster_report.h"
#include "cluster/etcd_failover_journal.h"

namespace rg {

std::expected<std::unique_ptr<FailoverJournal>, std::string> cluster_journal(
    const ClusterConfig& cluster, std::function<std::optional<std::int64_t>()> token, std::function<bool()> answers) {
  cluster::ClusterFence fence{cluster::leader_key(cluster), std::move(token), std::move(answers)};
  return cluster::EtcdFailoverJournal::open(
      cluster::EtcdSettings{cluster.endpoints, cluster.ca_file, cluster.cert_file, cluster.key_file, cluster.user,
                            cluster.password, cluster.timeout},
      cluster.prefix, std::move(fence), cluster.lease_ttl);
}

void join_cluster(act::ControllerSetup& setup, cluster::ClusterAgent& agent, aws::AwsSession& aws,
                  const Config& config) {
  setup.clients = aws.guarded_lookup(config.aws.timeout, [&agent] { return agent.not_leading_reason(); });
  setup.vantage = config.cluster->name;
  setup.remote_views = [&agent](TimePoint now) { return agent.remote_views(now); };
  setup.hold = [&agent] { return agent.disagreement(); };
}

std::optional<ApiResponse> refuse_unless_leading(const cluster::ClusterAgent& agent) {
  const auto why = agent.not_leading_reason();
  if (!why) return std::nullopt;
  const auto picture = agent.picture();
  // The API's error object (docs/api.md "Errors"), and where to go instead.
  nlohmann::json body{{"error", {{"code", "not_leader"}, {"message", *why + ": only the cluster's leader changes anything"}}}};
  if (picture.leader) body["leader"] = {{"name", picture.leader->name}, {"api_url", picture.leader->api_url}};
  else body["leader"] = nullptr;
  return json_response(409, body);
}

ClusterHooks cluster_hooks(cluster::ClusterAgent& agent, const ConfigReload& configs) {
  const auto report = [&agent, &configs] {
    return cluster::make_cluster_report(agent.picture(), configs.current(), now_us(), agent.disagreement());
  };
  ClusterHooks hooks;
  hooks.status = [report] { return cluster::to_json(report(), now_us()); };
  hooks.metrics = [report] {
    const auto made = report();
    ClusterMetrics metrics;
    metrics.leading = made.picture.leading;
    metrics.agents = made.picture.agents.size();
    metrics.etcd_writes = made.picture.etcd_writes;
    metrics.etcd_written_bytes = made.picture.etcd_written_bytes;
    for (const auto& v : made.verdicts)
      if (v.reported) metrics.verdicts.push_back({v.vantage, v.region, v.application, v.verdict.failing});
    return metrics;
  };
  return hooks;
}

std::vector<EndpointState> application_states(const Config& config, const std::vector<EndpointState>& states) {
  std::set<std::string_view> used;
  for (const auto& app : config.applications)
    for (const auto& [region, ids] : app.checks) used.insert(ids.begin(), ids.end());
  std::vector<EndpointState> out;
  for (const auto& state : states)
    if (used.contains(state.endpoint_id)) out.push_back(state);
  return out;
}

}  // namespace rg
