#pragma once
// Cascade risk per region: for every failing or degraded service, the services that depend on it
// (transitively, by the configuration's dependency map) and the applications using them. A
// failing service none of whose own dependencies is failing is a *root*; a failing service that
// depends on a failing one is grouped under that root instead of being reported on its own.
//
// The score (0-100) is the share of the region's weighted services at risk: every service the map
// or the configuration knows weighs its priority (low 1, medium 2, high 3, critical 4); a root
// and its dependents count in full when the root is critical, half when it is a warning. Pure.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/dependency_graph.h"
#include "analyze/health_summary.h"
#include "config/config.h"

namespace rg {

struct CascadeRoot {
  std::string service;
  std::string region;
  HealthStatus status = HealthStatus::critical;
  std::vector<std::string> impacted_services;      // what depends on it, nearest first
  std::vector<std::string> impacted_applications;  // applications using it or its dependents
  std::vector<std::string> failing_dependents;     // dependents failing too: grouped under this root
  std::string runbook;                             // the configuration's text for the service; may be empty
  int score = 0;  // this root's own share of the region's risk (0-100): what the cascade_risk rule compares
};

struct RegionCascadeRisk {
  std::string region;
  int score = 0;  // 0-100
  std::vector<CascadeRoot> roots;
};

// One entry per region of `summary` (healthy regions with score 0 and no roots).
std::vector<RegionCascadeRisk> assess_cascade_risk(const Config& config, const DependencyGraph& graph,
                                                   const HealthSummary& summary);

// The root that `service` in `region` is grouped under: its own when it is a root, the failing
// service it depends on when it is impacted; null when it is neither.
const CascadeRoot* find_root(std::span<const RegionCascadeRisk> risks, std::string_view service,
                             std::string_view region);

}  // namespace rg
