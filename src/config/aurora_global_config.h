#pragma once
// plan.aurora_global: the Aurora global database whose secondary in the target region becomes the
// writer (act/failover/aurora_global_step.h). Read by config/aurora_global_reader.cpp.
#include <map>
#include <string>

namespace rg {

struct AuroraGlobalConfig {
  std::string global_cluster;                  // GlobalClusterIdentifier
  std::map<std::string, std::string> clusters;  // region -> ARN of that region's member DB cluster
  // When FailoverGlobalCluster is refused: detach the target (RemoveFromGlobalCluster), which
  // makes it a standalone writer. Irreversible, like the failover.
  bool fallback_detach = false;
  friend bool operator==(const AuroraGlobalConfig&, const AuroraGlobalConfig&) = default;
};

}  // namespace rg
