#pragma once
// `regionguard cluster status [-c FILE] [--json]`: the cluster as the local agent sees it (GET
// /api/v1/cluster of the daemon the configuration's server.listen names): which agent leads,
// each agent's last round and whether it runs the same applications, who sees what (the vantage ×
// region matrix of each application) and the warnings (etcd unreachable, agents that disagree, an
// agent that alone sees every region down).
#include <CLI/CLI.hpp>
#include <iosfwd>
#include <string>

#include "config/config.h"

namespace rg {

struct ClusterCommandOptions {
  std::string config_file = "config/regionguard.yaml";
  std::string action;  // status
  bool json = false;
};

CLI::App* add_cluster_command(CLI::App& cli, ClusterCommandOptions& options);

// Exit codes: 0 printed and a leader exists, 1 printed but the cluster has no leader or etcd does
// not answer, 2 no cluster: section or the daemon cannot be reached.
int run_cluster_command(const Config& config, const ClusterCommandOptions& options, std::ostream& out,
                        std::ostream& err);

}  // namespace rg
