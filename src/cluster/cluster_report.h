#pragma once
// The cluster as people see it (issue 17): GET /api/v1/cluster, `regionguard cluster status`,
// the dashboard's cluster panel and /metrics all show this report. "Who sees what" is the
// vantage × region matrix: each live agent's verdict on each region of each application, judged
// from that agent's fresh checks exactly as the policy judges one view (decide/region_verdict.h).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cluster/cluster_agent.h"
#include "config/config.h"
#include "decide/region_verdict.h"

namespace rg::cluster {

struct VantageRegionVerdict {
  std::string application;
  std::string vantage;
  std::string region;
  bool reported = false;  // the agent has fresh results for the region's checks
  RegionVerdict verdict;  // when reported
  int checks = 0;         // fresh results it was judged on
};

struct ClusterReport {
  ClusterPicture picture;
  std::vector<VantageRegionVerdict> verdicts;  // by application, agent, region (configured order)
  // What an operator should know: etcd unreachable, no leader, agents that disagree on the
  // applications, an agent that alone sees every region down ("its own network?"), unreadable records.
  std::vector<std::string> warnings;
};

ClusterReport make_cluster_report(ClusterPicture picture, const Config& config, TimePoint now,
                                  std::optional<std::string> disagreement);

// {"clustered": true, "self", "leader": NAME|null, "leading", "etcd": {...}, "agents": [...],
//  "views": [...], "warnings": [...]} — docs/api.md, GET /api/v1/cluster.
nlohmann::json to_json(const ClusterReport& report, TimePoint now);

}  // namespace rg::cluster
