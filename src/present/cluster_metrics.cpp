#include "present/cluster_hooks.h"

namespace rg {

void render_cluster_metrics(PrometheusText& out, const ClusterMetrics& metrics) {
  using Type = PrometheusText::Type;
  out.family("regionguard_cluster_is_leader", Type::gauge,
             "Whether this agent leads the cluster now (1): only the leader runs failover plans, jobs and notifications.");
  out.sample("regionguard_cluster_is_leader", {}, std::uint64_t{metrics.leading ? 1u : 0u});
  out.family("regionguard_cluster_agents", Type::gauge, "Live agents in the cluster, this one included.");
  out.sample("regionguard_cluster_agents", {}, static_cast<std::uint64_t>(metrics.agents));
  out.family("regionguard_cluster_etcd_writes_total", Type::counter,
             "Puts and transactions this agent sent to etcd (its views, once a round, and its campaigns).");
  out.sample("regionguard_cluster_etcd_writes_total", {}, metrics.etcd_writes);
  out.family("regionguard_cluster_etcd_written_bytes_total", Type::counter,
             "Bytes of the values this agent wrote to etcd.");
  out.sample("regionguard_cluster_etcd_written_bytes_total", {}, metrics.etcd_written_bytes);
  out.family("regionguard_vantage_region_failing", Type::gauge,
             "Whether a vantage point (agent) judges a region of an application failing (1) from its own fresh checks.");
  for (const auto& v : metrics.verdicts)
    out.sample("regionguard_vantage_region_failing",
               {{"vantage", v.vantage}, {"region", v.region}, {"application", v.application}},
               std::uint64_t{v.failing ? 1u : 0u});
}

}  // namespace rg
