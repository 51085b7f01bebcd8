#include "analyze/dependency_graph.h"

#include <algorithm>
#include <deque>
#include <set>

namespace rg {

DependencyGraph::DependencyGraph(const DependencyConfig& config) {
  for (const auto& [service, dependencies] : config.services) {
    for (const auto& dependency : dependencies) {
      depends_on_[service].push_back(dependency);
      dependents_[dependency].push_back(service);
    }
  }
  for (const auto& [application, services] : config.applications) applications_[application] = services;
}

std::vector<std::string> DependencyGraph::walk(const Edges& edges, std::string_view start) {
  // Breadth first, so the nearest come first in an alert's impact list.
  std::vector<std::string> out;
  std::set<std::string, std::less<>> seen{std::string(start)};
  std::deque<std::string> queue{std::string(start)};
  while (!queue.empty()) {
    const auto found = edges.find(queue.front());
    queue.pop_front();
    if (found == edges.end()) continue;
    for (const auto& next : found->second) {
      if (!seen.insert(next).second) continue;
      out.push_back(next);
      queue.push_back(next);
    }
  }
  return out;
}

std::vector<std::string> DependencyGraph::dependents_of(std::string_view service) const {
  return walk(dependents_, service);
}

std::vector<std::string> DependencyGraph::dependencies_of(std::string_view service) const {
  return walk(depends_on_, service);
}

std::vector<std::string> DependencyGraph::applications_affected_by(std::string_view service) const {
  auto affected = dependents_of(service);
  affected.emplace_back(service);
  std::vector<std::string> out;
  for (const auto& [application, services] : applications_) {
    if (std::ranges::any_of(services, [&](const std::string& s) { return std::ranges::find(affected, s) != affected.end(); }))
      out.push_back(application);
  }
  return out;
}

std::vector<std::string> DependencyGraph::services() const {
  std::set<std::string> names;
  for (const auto& [service, dependencies] : depends_on_) {
    names.insert(service);
    names.insert(dependencies.begin(), dependencies.end());
  }
  return {names.begin(), names.end()};
}

}  // namespace rg
