#include "analyze/cascade_risk.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace rg {
namespace {

int weight_of(const Config& config, std::string_view service) {
  const ServiceConfig* found = config.find_service(service);
  // A service only the dependency map names (ECS, not probed) weighs as a medium one.
  const Priority priority = found != nullptr ? found->priority : Priority::medium;
  return static_cast<int>(priority) + 1;
}

double factor_of(HealthStatus status) {
  switch (status) {
    case HealthStatus::critical: return 1.0;
    case HealthStatus::warning: return 0.5;
    case HealthStatus::healthy: break;
  }
  return 0.0;
}

// An application configured for failover depends on the services of the endpoints its checks in
// this region name.
void add_applications_by_checks(const Config& config, const std::string& region, const std::string& service,
                                CascadeRoot& root) {
  const auto affected = [&](const std::string& name) {
    return name == service || std::ranges::find(root.impacted_services, name) != root.impacted_services.end();
  };
  for (const auto& application : config.applications) {
    const auto checks = application.checks.find(region);
    if (checks == application.checks.end()) continue;
    const bool uses = std::ranges::any_of(checks->second, [&](const std::string& id) {
      const auto endpoint = std::ranges::find(config.endpoints, id, &EndpointConfig::id);
      return endpoint != config.endpoints.end() && affected(endpoint->service);
    });
    if (uses && std::ranges::find(root.impacted_applications, application.name) == root.impacted_applications.end())
      root.impacted_applications.push_back(application.name);
  }
  std::ranges::sort(root.impacted_applications);
}

RegionCascadeRisk assess_region(const Config& config, const DependencyGraph& graph, const RegionSummary& region) {
  RegionCascadeRisk risk{region.region, 0, {}};
  std::map<std::string, HealthStatus, std::less<>> failing;
  std::set<std::string, std::less<>> universe;
  for (const auto& name : graph.services()) universe.insert(name);
  for (const auto& service : region.services) {
    universe.insert(service.service);
    if (service.status != HealthStatus::healthy) failing[service.service] = service.status;
  }
  std::map<std::string, double, std::less<>> at_risk;  // service -> the largest factor it is at risk with
  for (const auto& [service, status] : failing) {
    const auto dependencies = graph.dependencies_of(service);
    const bool has_failing_dependency =
        std::ranges::any_of(dependencies, [&](const std::string& d) { return failing.contains(d); });
    if (has_failing_dependency) continue;  // grouped under the root it depends on
    CascadeRoot root;
    root.service = service;
    root.region = region.region;
    root.status = status;
    root.impacted_services = graph.dependents_of(service);
    root.impacted_applications = graph.applications_affected_by(service);
    add_applications_by_checks(config, region.region, service, root);
    for (const auto& dependent : root.impacted_services)
      if (failing.contains(dependent)) root.failing_dependents.push_back(dependent);
    if (const auto runbook = config.dependencies.runbooks.find(service); runbook != config.dependencies.runbooks.end())
      root.runbook = runbook->second;
    // No failover line here: whether to move is the failover policy's to say, and it runs after
    // this; the alert engine adds its line to the notification (failover_advice.h).
    for (const auto& name : root.impacted_services) at_risk[name] = std::max(at_risk[name], factor_of(status));
    at_risk[service] = std::max(at_risk[service], factor_of(status));
    risk.roots.push_back(std::move(root));
  }
  // A failing service in a dependency cycle has no root outside the cycle: it reports itself.
  for (const auto& [service, status] : failing) {
    const bool covered = at_risk.contains(service);
    if (covered) continue;
    CascadeRoot root{service, region.region, status, graph.dependents_of(service),
                     graph.applications_affected_by(service), {}, {}};
    at_risk[service] = factor_of(status);
    risk.roots.push_back(std::move(root));
  }
  double total = 0;
  double risky = 0;
  for (const auto& name : universe) {
    const double weight = weight_of(config, name);
    total += weight;
    if (const auto found = at_risk.find(name); found != at_risk.end()) risky += weight * found->second;
  }
  const auto percent = [&](double part) { return static_cast<int>(std::lround(std::min(100.0, 100.0 * part / total))); };
  if (total > 0) {
    risk.score = percent(risky);
    for (auto& root : risk.roots) {
      double own = weight_of(config, root.service);
      for (const auto& name : root.impacted_services) own += weight_of(config, name);
      root.score = percent(own * factor_of(root.status));
    }
  }
  // Worst first, so an alert and the API lead with what matters.
  std::ranges::stable_sort(risk.roots, [&](const CascadeRoot& a, const CascadeRoot& b) {
    return std::pair(static_cast<int>(a.status), a.impacted_services.size()) >
           std::pair(static_cast<int>(b.status), b.impacted_services.size());
  });
  return risk;
}

}  // namespace

std::vector<RegionCascadeRisk> assess_cascade_risk(const Config& config, const DependencyGraph& graph,
                                                   const HealthSummary& summary) {
  std::vector<RegionCascadeRisk> risks;
  for (const auto& region : summary.regions) risks.push_back(assess_region(config, graph, region));
  return risks;
}

const CascadeRoot* find_root(std::span<const RegionCascadeRisk> risks, std::string_view service,
                             std::string_view region) {
  for (const auto& risk : risks) {
    if (risk.region != region) continue;
    for (const auto& root : risk.roots)
      if (root.service == service) return &root;
    for (const auto& root : risk.roots)
      if (std::ranges::find(root.impacted_services, service) != root.impacted_services.end()) return &root;
  }
  return nullptr;
}

}  // namespace rg
