#pragma once
// The failover journal of a cluster of agents (issue 17), in etcd: the FailoverJournal that
// SqliteFailoverJournal is on one host, with the same answers (store/failover_journal.h).
//
// Design. Every write is ONE etcd transaction whose comparisons include
//   create_revision(leader key) == the writer's fencing token
// (the token is the create_revision of the leader key this agent created when it won the
// election; a new leader re-creates the key, so its create_revision changes). A deposed leader's
// late write therefore fails inside etcd itself, whatever the writer believes about its lease:
// it is answered `fenced` and nothing of it lands. The journal's own rules come on top, in the
// same transaction: generation fencing compares the mod_revision of the application's
// `generation` key as it was read, and a state change (finish_plan, mark_ready, supersede, a
// step) compares the mod_revision of the plan's key as it was read. A read-modify-write whose
// only failed comparison was one of those mod_revisions (someone else wrote meanwhile, e.g. an
// operator's approval through the leader) is read and checked again, a bounded number of times:
// the re-read decides between ok, conflict and fenced with the same rules as the first read.
//
// Why blocking: a journal write must be known to have landed before the executor makes its next
// AWS call (as with SQLite's synchronous = FULL), so the executor waits for it. Each call is
// bounded by the client's timeout per member (EtcdSettings::timeout), so a lost etcd majority
// makes writes fail within that time instead of hanging; the executor treats the error as it
// treats a failed SQLite write (stop before the next AWS call).
//
// Key layout under `prefix` (e.g. "/regionguard/prod/"):
//   cluster/leader                          the election key (cluster/cluster_agent.h), its value
//                                           the leader's JSON {"name", "owner", "host", "pid", "api_url"}
//   journal/<app>/generation                the newest generation of <app>, decimal
//   journal/<app>/plans/<generation>        one plan with its steps, JSON; the generation is
//                                           zero-padded to 20 digits so keys sort by generation
//   journal/<app>/lock                      the lock state, JSON
// A plan and its steps are one value: a step is a read-modify-write of its plan, so the plan's
// updated_at and its steps can never disagree, and latest() is one read.
//
// Leases: in a cluster the application's owner is the cluster's leader. acquire_lease answers
// `ours` iff this agent holds a fencing token and the leader key still has that create_revision;
// the lease it describes is the leader's. release_lease does nothing (leadership is given up by
// the agent, which revokes its etcd lease). A plan begins only when `owner` is the leader's owner.
// Without a token (not the leader) every write is refused: `fenced` for journal writes, an error
// for set_lock.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "cluster/etcd_client.h"
#include "store/failover_journal.h"

namespace rg::cluster {

struct ClusterFence {
  std::string leader_key;  // the election key (cluster/cluster_agent.h: PREFIX cluster/leader), its value the leader's JSON
  // This agent's fencing token: the create_revision of the leader key it holds; nullopt when it
  // does not lead (then every write is refused).
  std::function<std::optional<std::int64_t>()> token;
  // Whether etcd answered the cluster agent lately (empty: always try). While it does not, every
  // call fails at once instead of waiting out each member's timeout on the daemon's loop: with
  // the etcd majority lost, rounds, probes and the API must go on at their pace.
  std::function<bool()> etcd_answers;
};

// A plan (with its steps) as the JSON stored in etcd, and back. One function pair, so a new
// JournalPlan field is one line in each.
std::string plan_to_json(const JournalPlan& plan);
StoreResult<JournalPlan> plan_from_json(std::string_view json);

class EtcdFailoverJournal final : public FailoverJournal {
 public:
  // `client` must outlive the journal. `leader_ttl`: the cluster's lease TTL, given as the
  // leader's expiry in lease() (etcd keeps the key only while the leader keeps its lease alive).
  EtcdFailoverJournal(EtcdBlockingClient& client, std::string prefix, ClusterFence fence,
                      std::chrono::milliseconds leader_ttl = std::chrono::seconds(10));
  // The journal with a client of its own (the daemon's and the command line's).
  static std::unique_ptr<EtcdFailoverJournal> open(EtcdSettings settings, std::string prefix, ClusterFence fence,
                                                   std::chrono::milliseconds leader_ttl);

  StoreResult<std::int64_t> next_generation(const std::string& app) override;
  StoreResult<JournalWrite> begin_plan(const JournalPlan& plan, const std::string& owner) override;
  StoreResult<JournalWrite> supersede(const JournalPlan& plan, std::int64_t superseded,
                                      const std::string& owner) override;
  StoreResult<JournalWrite> record_step(const std::string& app, std::int64_t generation,
                                        const JournalStep& step) override;
  StoreResult<JournalWrite> record_undo_state(const std::string& app, std::int64_t generation, int step,
                                              const std::string& state) override;
  StoreResult<JournalWrite> mark_ready(const std::string& app, std::int64_t generation, TimePoint at) override;
  StoreResult<JournalWrite> finish_plan(const std::string& app, std::int64_t generation, PlanState expected,
                                        PlanState state, TimePoint at, const std::string& detail) override;
  StoreResult<std::optional<JournalPlan>> latest(const std::string& app) override;
  StoreResult<std::vector<JournalPlan>> plans(const std::string& app, int limit) override;
  StoreResult<LeaseAnswer> acquire_lease(const std::string& app, const LeaseHolder& holder, TimePoint now,
                                         std::chrono::milliseconds ttl) override;
  StoreResult<void> release_lease(const std::string& app, const std::string& owner) override;
  StoreResult<std::optional<Lease>> lease(const std::string& app) override;
  StoreResult<void> set_lock(const std::string& app, const LockState& state) override;
  StoreResult<LockState> lock(const std::string& app) override;

  // Keys, for tests and tools.
  std::string generation_key(const std::string& app) const;
  std::string plan_key(const std::string& app, std::int64_t generation) const;
  std::string lock_key(const std::string& app) const;

 private:
  struct Snapshot;
  // An error when the fence says etcd does not answer now; nullopt when a call is worth trying.
  std::optional<std::unexpected<StoreError>> known_unreachable() const;
  // Reads the leader key and the given keys in one transaction (one consistent revision).
  StoreResult<Snapshot> read(const std::vector<std::string>& keys);
  StoreResult<JournalWrite> insert_plan(const JournalPlan& plan, const std::string& owner,
                                        std::optional<std::int64_t> superseded);
  // Read-modify-write of plan `generation`: `change` edits it (or answers conflict, or fails);
  // fenced when a newer generation exists or the fence fails.
  StoreResult<JournalWrite> update_plan(const std::string& app, std::int64_t generation,
                                        const std::function<StoreResult<JournalWrite>(JournalPlan&)>& change);

  std::unique_ptr<EtcdBlockingClient> owned_client_;  // open()'s; before client_, which may refer to it
  EtcdBlockingClient& client_;
  std::string prefix_;
  ClusterFence fence_;
  std::chrono::milliseconds leader_ttl_;
};

}  // namespace rg::cluster
