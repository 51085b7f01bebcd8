#pragma once
// The dependency map of the configuration as a graph: which services fail when one does, and
// which applications feel it. The same map holds in every region (a regional service depends on
// its own region's DynamoDB). Pure.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace rg {

class DependencyGraph {
 public:
  explicit DependencyGraph(const DependencyConfig& config);

  // Services that depend on `service` directly or through others, nearest first, each once,
  // never `service` itself (a cycle in the map is tolerated, not followed twice).
  std::vector<std::string> dependents_of(std::string_view service) const;
  // Services `service` depends on, directly or not, nearest first.
  std::vector<std::string> dependencies_of(std::string_view service) const;
  // Applications that use `service` or anything that depends on it, sorted.
  std::vector<std::string> applications_affected_by(std::string_view service) const;
  // Every service the map names.
  std::vector<std::string> services() const;

 private:
  using Edges = std::map<std::string, std::vector<std::string>, std::less<>>;
  static std::vector<std::string> walk(const Edges& edges, std::string_view start);

  Edges depends_on_;
  Edges dependents_;
  Edges applications_;  // application -> services
};

}  // namespace rg
