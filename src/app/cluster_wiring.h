#pragma once
// How the daemon's parts take part in a cluster (issue 17), kept out of pipeline.cpp: the
// journal in etcd, the controller's views, hold and guarded AWS clients, the API's refusal on a
// follower, and GET /api/v1/cluster with its metrics.
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "act/failover/failover_controller.h"
#include "app/config_reload.h"
#include "aws/aws_session.h"
#include "cluster/cluster_agent.h"
#include "present/api_response.h"
#include "present/cluster_hooks.h"
#include "store/failover_journal.h"

namespace rg {

// The failover journal in etcd under cluster.prefix, every write fenced by `token` (the agent's
// fencing_token; a command line, which never leads, gives none and can only read). `answers`:
// the agent's word on whether etcd answers (empty: always try).
std::expected<std::unique_ptr<FailoverJournal>, std::string> cluster_journal(
    const ClusterConfig& cluster, std::function<std::optional<std::int64_t>()> token,
    std::function<bool()> answers = nullptr);

// The controller votes with the other agents' views, holds back while they run different
// applications, and plans with AWS clients that refuse to send once `agent` stops leading.
void join_cluster(act::ControllerSetup& setup, cluster::ClusterAgent& agent, aws::AwsSession& aws, const Config& config);

// A failover operation on a follower: refused (409), naming the leader and its API. nullopt on the leader.
std::optional<ApiResponse> refuse_unless_leading(const cluster::ClusterAgent& agent);

ClusterHooks cluster_hooks(cluster::ClusterAgent& agent, const ConfigReload& configs);

// The states of the checks `config`'s applications use: what an agent publishes as its view.
std::vector<EndpointState> application_states(const Config& config, const std::vector<EndpointState>& states);

}  // namespace rg
