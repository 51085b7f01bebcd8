#pragma once
// What the API asks of the cluster agent (cluster/cluster_agent.h, issue 17): GET
// /api/v1/cluster and the cluster's lines on /metrics. Both empty when the daemon runs alone.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "present/prometheus_text.h"

namespace rg {

struct ClusterMetrics {
  bool leading = false;
  std::size_t agents = 0;  // live agents, this one included
  std::uint64_t etcd_writes = 0;         // puts and transactions this agent sent to etcd
  std::uint64_t etcd_written_bytes = 0;  // the bytes of the values they carried
  struct Verdict {
    std::string vantage;
    std::string region;
    std::string application;
    bool failing = false;
  };
  std::vector<Verdict> verdicts;  // reported ones only: a region a vantage point does not see has no line
};

struct ClusterHooks {
  std::function<nlohmann::json()> status;
  std::function<ClusterMetrics()> metrics;
};

// regionguard_cluster_is_leader, regionguard_cluster_agents, regionguard_vantage_region_failing.
void render_cluster_metrics(PrometheusText& out, const ClusterMetrics& metrics);

}  // namespace rg
