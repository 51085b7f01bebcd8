#pragma once
// `cluster:`: this agent's place among several regionguard agents coordinated through etcd
// (issue 17; README "Running several agents"). Without the section the daemon runs alone, with
// its SQLite lease and journal.
#include <chrono>
#include <string>
#include <vector>

namespace rg {

struct ClusterConfig {
  std::string name;  // this agent's vantage point, unique in the cluster (e.g. its region)
  // etcd's client URLs (http:// or https://), tried in turn.
  std::vector<std::string> endpoints;
  std::string ca_file;  // TLS to etcd: its CA, and a client certificate and key (both or neither);
  std::string cert_file;  // paths resolved against the config file's directory
  std::string key_file;
  std::string user;  // etcd authentication (both or neither)
  std::string password;
  std::string prefix = "/regionguard/";  // every key of this cluster starts with it
  // The agent's etcd lease: keys it publishes (its views, its leadership) vanish this long after
  // it stops renewing; a leader whose renewal is not acknowledged within it, less a margin, stops
  // acting.
  std::chrono::milliseconds lease_ttl{10'000};
  std::chrono::milliseconds timeout{2'000};  // one request to one etcd member
  // Where other agents and operators reach this agent's API (followers name the leader's);
  // default: http:// and server.listen.
  std::string advertise_url;
  friend bool operator==(const ClusterConfig&, const ClusterConfig&) = default;
};

}  // namespace rg
