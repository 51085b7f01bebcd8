#pragma once
// What each agent publishes about itself in etcd, and what the leader key holds (issue 17).
//
//  PREFIX agents/NAME  AgentRecord, bound to the agent's lease: who it is, what it runs (the
//                      applications digest), its last round, and its view — its latest state of
//                      every check an application uses — so a dead agent's view vanishes with it.
//                      One key per agent, written once per round: one etcd write per agent per round.
//  PREFIX leader       LeaderRecord, bound to the leader's lease, created only when absent: its
//                      create_revision is the leader's fencing token.
//
// JSON with a schema number: an agent ignores (and names) a record it cannot read rather than
// guessing, so a rolling upgrade that changes the record shows up instead of miscounting votes.
#include <chrono>
#include <cstdint>
#include <expected>
#include <string>
#include <vector>

#include "analyze/health_summary.h"
#include "core/time.h"

namespace rg::cluster {

inline constexpr int kRecordSchema = 1;

struct AgentRecord {
  std::string name;    // cluster.name: its vantage point
  std::string owner;   // the process: host:pid:start (store/failover_journal.h LeaseHolder)
  std::string host;
  std::int64_t pid = 0;
  std::string api_url;  // cluster.advertise_url
  std::string digest;   // Config::applications_digest
  TimePoint started_at{};
  TimePoint round_at{};  // its last round (zero before the first)
  std::uint64_t rounds = 0;
  std::chrono::milliseconds interval{0};  // its probing tick: a view older than two of them is not counted
  std::vector<EndpointState> states;      // its view
};

struct LeaderRecord {
  std::string name;
  std::string owner;
  std::string host;
  std::int64_t pid = 0;
  std::string api_url;
  std::int64_t create_revision = 0;  // from etcd, not the JSON: the fencing token
  std::int64_t lease = 0;            // from etcd
};

std::string to_json(const AgentRecord& record);
std::expected<AgentRecord, std::string> agent_from_json(std::string_view text);
std::string to_json(const LeaderRecord& record);
std::expected<LeaderRecord, std::string> leader_from_json(std::string_view text);

}  // namespace rg::cluster
