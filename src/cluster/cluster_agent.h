#pragma once
// This agent's membership of a regionguard cluster (issue 17; README "Running several agents").
//
// Several agents, typically one per region, each beside an etcd member, run the same
// configuration. Each one:
//  - holds an etcd lease, renewed every third of cluster.lease_ttl; everything it publishes is
//    bound to it, so an agent that dies or is cut off disappears from the cluster within the TTL;
//  - publishes its record (agent_record.h) after every round: who it is, what it runs (the
//    applications digest) and its view — its latest state of every check an application uses;
//  - campaigns for leadership: a transaction that creates PREFIX cluster/leader, bound to its
//    lease, only when the key does not exist. The key's create_revision is the fencing token that
//    every journal write of the leader compares (cluster/etcd_failover_journal.h);
//  - keeps its picture of the cluster (leader, agents, their views) current with one watch on
//    PREFIX cluster/, so a leader that goes is replaced as soon as etcd deletes its key.
//
// Leadership is local knowledge with a deadline: this agent leads while it holds the leader key
// and its last renewal that etcd acknowledged was *sent* less than lease_ttl minus a margin ago,
// on the monotonic clock. etcd expires the lease no earlier than lease_ttl after it received that
// renewal, so by the time another agent can hold the key this one has stopped acting — even if
// it was paused (SIGSTOP) or cut off from the etcd majority in between.
//
// Everything runs on the loop through the asynchronous EtcdClient; nothing here blocks.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/agent_record.h"
#include "cluster/etcd_client.h"
#include "config/cluster_config.h"
#include "decide/failover_decision.h"
#include "decide/round_time.h"
#include "store/failover_journal.h"

namespace rg::cluster {

// Keys under cluster.prefix.
std::string leader_key(const ClusterConfig& config);        // PREFIX cluster/leader
std::string agents_prefix(const ClusterConfig& config);     // PREFIX cluster/agents/

// What this agent knows of the cluster now.
struct ClusterPicture {
  std::string self;
  bool leading = false;
  std::optional<LeaderRecord> leader;
  std::vector<AgentRecord> agents;  // live (their key exists), by name; this agent's own included once published
  // etcd: whether it answered lately, and if not why (the last error) and since when.
  bool etcd_ok = false;
  std::string etcd_problem;
  std::optional<TimePoint> etcd_ok_at;
  std::vector<std::string> unreadable;  // records that could not be read: "key: why"
  std::string digest;                   // this agent's applications digest
  // What this agent wrote to etcd since it started: puts and transactions, and the bytes of the
  // values they carried (its views are most of it).
  std::uint64_t etcd_writes = 0;
  std::uint64_t etcd_written_bytes = 0;
};

class ClusterAgent {
 public:
  struct Options {
    ClusterConfig config;
    std::string digest;  // Config::applications_digest
    LeaseHolder holder = this_process_holder();
    std::function<TimePoint()> clock = now_us;
    std::function<SteadyPoint()> steady_clock = steady_now_us;
  };

  // `curl` must outlive the agent. Nothing happens before start().
  ClusterAgent(boost::asio::io_context& io, CurlMulti& curl, Options options);
  ~ClusterAgent();
  ClusterAgent(const ClusterAgent&) = delete;
  ClusterAgent& operator=(const ClusterAgent&) = delete;

  // Takes a lease, publishes this agent, campaigns and watches; retries on its own while etcd
  // does not answer.
  void start();
  // Gives the lease back (blocking, bounded by etcd.timeout; call it off the loop or at exit), so
  // that another agent leads at once instead of after the TTL.
  void resign();

  // After every round: this agent's states of the checks its applications use.
  void publish_round(TimePoint round_at, std::chrono::milliseconds interval, std::vector<EndpointState> states);
  // A reload changed the applications: published with the next round.
  void set_digest(std::string digest);

  // Whether this agent may act as the leader now (see the top of this file).
  bool leading() const;
  // The fencing token while leading.
  std::optional<std::int64_t> fencing_token() const;
  // Why this agent must not change anything now, for refusals and logs: who leads instead, or
  // what is wrong with etcd. nullopt while leading.
  std::optional<std::string> not_leading_reason() const;
  // Whether etcd answered this agent's last call (renewal, publication, watch...).
  bool etcd_answers() const;
  // Why the leader must hold back although it leads: live agents run different applications
  // (names them). nullopt when they agree.
  std::optional<std::string> disagreement() const;
  // The other live agents' views fresher than two of their intervals, for the policy.
  std::vector<VantageView> remote_views(TimePoint now) const;
  ClusterPicture picture() const;

  // Runs on the loop whenever leadership (as leading() sees it) may have changed.
  std::function<void(bool leading)> on_leadership;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace rg::cluster
