#pragma once
// Reading the `cluster:` section into ClusterConfig, every problem as file:line:col.
#include <optional>
#include <string>

#include "config/cluster_config.h"
#include "config/yaml_reader.h"

namespace rg {

// `value` is the section; absent: nullopt (the daemon runs alone). `listen` gives the default
// advertise_url.
std::optional<ClusterConfig> read_cluster_section(const std::optional<YamlValue>& value, const std::string& config_file,
                                                  const ServerConfig& server, ErrorList& errors);

// A digest of what an agent runs that must be the same on every agent: the `regions` and
// `applications` sections as parsed (so formatting and comments do not count). Agents publish it;
// while live agents disagree, the leader does not act.
std::string applications_digest(const Mapping& root);

}  // namespace rg
