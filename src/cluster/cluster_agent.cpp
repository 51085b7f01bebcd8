#include "cluster/cluster_agent.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "config/duration.h"

namespace rg::cluster {
namespace {

using namespace std::chrono_literals;

// The leader stops acting this long before its lease could have expired in etcd: room for a
// renewal in flight and for the two clocks' rates to differ.
std::chrono::milliseconds safety_margin(std::chrono::milliseconds ttl) {
  return std::max<std::chrono::milliseconds>(ttl / 5, 500ms);
}

// After etcd fails to answer, try again this soon (a watch that ended, a grant refused).
constexpr auto kRetryDelay = 500ms;

}  // namespace

std::string leader_key(const ClusterConfig& config) { return config.prefix + "cluster/leader"; }
std::string agents_prefix(const ClusterConfig& config) { return config.prefix + "cluster/agents/"; }

struct ClusterAgent::State : std::enable_shared_from_this<State> {
  State(boost::asio::io_context& io, CurlMulti& curl, Options o)
      : options(std::move(o)),
        client(curl, EtcdSettings{options.config.endpoints, options.config.ca_file, options.config.cert_file,
                                  options.config.key_file, options.config.user, options.config.password,
                                  options.config.timeout}),
        tick_timer(io),
        watch_timer(io) {
    self.name = options.config.name;
    self.owner = options.holder.owner;
    self.host = options.holder.host;
    self.pid = options.holder.pid;
    self.api_url = options.config.advertise_url;
    self.digest = options.digest;
    self.started_at = options.clock();
  }

  Options options;
  EtcdClient client;
  boost::asio::steady_timer tick_timer;
  boost::asio::steady_timer watch_timer;
  std::unique_ptr<EtcdWatch> watch;
  bool stopped = false;

  std::int64_t lease = 0;
  bool granting = false;
  std::optional<SteadyPoint> renewed_at;  // when the last acknowledged renewal (or the grant) was sent
  std::optional<std::int64_t> token;      // the leader key's create_revision, when this agent created it
  bool campaigning = false;
  bool reported_leading = false;

  AgentRecord self;  // as published at the last round
  std::optional<LeaderRecord> leader;
  std::map<std::string, AgentRecord> agents;       // by name
  std::map<std::string, std::string> unreadable;   // key -> why
  std::int64_t revision = 0;                       // the picture is current up to this revision

  bool etcd_ok = false;
  std::string etcd_problem = "not connected yet";
  std::optional<TimePoint> etcd_ok_at;

  std::function<void(bool)>* on_leadership = nullptr;
  std::uint64_t writes = 0;
  std::uint64_t written_bytes = 0;

  std::chrono::milliseconds ttl() const { return options.config.lease_ttl; }

  bool leading() const {
    return token && lease != 0 && renewed_at &&
           options.steady_clock() < *renewed_at + (ttl() - safety_margin(ttl()));
  }

  void answered() {
    if (!etcd_ok) spdlog::info("cluster: etcd answers again");
    etcd_ok = true;
    etcd_problem.clear();
    etcd_ok_at = options.clock();
  }
  void failed(const std::string& what, const EtcdError& error) {
    if (etcd_ok || etcd_problem.empty()) spdlog::error("cluster: {}: {}", what, error.message);
    etcd_ok = false;
    etcd_problem = what + ": " + error.message;
  }

  // Tells the pipeline when leading() changed since it last heard.
  void report_leadership() {
    const bool now_leading = leading();
    if (now_leading == reported_leading) return;
    reported_leading = now_leading;
    if (now_leading)
      spdlog::warn("cluster: {} leads (fencing token {})", options.config.name, *token);
    else
      spdlog::warn("cluster: {} no longer leads{}", options.config.name,
                   etcd_problem.empty() ? "" : ": " + etcd_problem);
    if (on_leadership && *on_leadership) (*on_leadership)(now_leading);
  }

  template <class F>
  auto guarded(F f) {
    return [weak = weak_from_this(), f = std::move(f)](auto&&... args) mutable {
      if (auto self_state = weak.lock(); self_state && !self_state->stopped) f(*self_state, std::forward<decltype(args)>(args)...);
    };
  }

  // --- the lease ------------------------------------------------------------------------------

  void grant() {
    if (granting) return;
    granting = true;
    const auto sent = options.steady_clock();
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(ttl());
    client.grant(seconds, guarded([sent](State& s, EtcdResult<EtcdLease> granted) {
      s.granting = false;
      if (!granted) return s.failed("cannot take a lease", granted.error());
      s.answered();
      s.lease = granted->id;
      s.renewed_at = sent;
      s.token.reset();
      s.publish_self();
      s.campaign();
    }));
  }

  void renew() {
    const auto sent = options.steady_clock();
    client.keep_alive(lease, guarded([sent, renewing = lease](State& s, EtcdResult<EtcdLease> renewed) {
      if (renewing != s.lease) return;  // a new lease was taken meanwhile
      if (!renewed) {
        s.failed("cannot renew the lease", renewed.error());
        // A member that hangs with its port open (paused, partitioned) never ends a watch on
        // it: start the picture again, from whichever member answers.
        if (s.watch) {
          s.watch.reset();
          s.rewatch_later();
        }
        return s.report_leadership();
      }
      s.answered();
      if (renewed->ttl.count() <= 0) {
        // Expired in etcd (this agent was paused or cut off longer than the TTL): everything it
        // published is gone, its leadership too. Start again with a new lease.
        spdlog::warn("cluster: lease {} expired in etcd; taking a new one", renewing);
        s.lease = 0;
        s.token.reset();
        s.renewed_at.reset();
        s.report_leadership();
        return s.grant();
      }
      s.renewed_at = sent;
      s.report_leadership();
      if (!s.leader) s.campaign();
    }));
  }

  void tick() {
    if (stopped) return;
    if (lease == 0) grant();
    else renew();
    if (!watch && !watch_timer_armed && !loading) load_and_watch();
    report_leadership();
    tick_timer.expires_after(lease == 0 ? std::chrono::milliseconds(kRetryDelay) : ttl() / 3);
    tick_timer.async_wait(guarded([](State& s, const boost::system::error_code& ec) {
      if (!ec) s.tick();
    }));
  }

  // --- leadership ------------------------------------------------------------------------------

  void campaign() {
    if (campaigning || lease == 0) return;
    campaigning = true;
    LeaderRecord record{self.name, self.owner, self.host, self.pid, self.api_url, 0, lease};
    const auto key = leader_key(options.config);
    EtcdTxn txn;
    txn.compare.push_back({key, EtcdCompare::Target::create_revision, EtcdCompare::Result::equal, 0, {}});
    txn.success.push_back(EtcdOperation::put(key, to_json(record), lease));
    txn.failure.push_back(EtcdOperation::range(key));
    ++writes;
    written_bytes += txn.success.front().value.size();
    client.txn(std::move(txn), guarded([record, campaigned_with = lease](State& s, EtcdResult<EtcdResponse> answer) mutable {
      s.campaigning = false;
      if (!answer) return s.failed("cannot campaign for leadership", answer.error());
      s.answered();
      if (answer->succeeded) {
        record.create_revision = answer->revision;  // the put happened at the transaction's revision
        s.token = answer->revision;
        s.leader = record;
      } else if (!answer->ranges.empty() && !answer->ranges.front().empty()) {
        s.adopt_leader(answer->ranges.front().front());
        // Our own key from a campaign whose answer was lost: still ours, with this lease.
        if (s.leader && s.leader->owner == s.self.owner && s.leader->lease == campaigned_with)
          s.token = s.leader->create_revision;
      }
      s.report_leadership();
    }));
  }

  void adopt_leader(const EtcdKeyValue& kv) {
    auto parsed = leader_from_json(kv.value);
    if (!parsed) {
      unreadable[kv.key] = parsed.error();
      leader.reset();
      return;
    }
    unreadable.erase(kv.key);
    parsed->create_revision = kv.create_revision;
    parsed->lease = kv.lease;
    if (token && *token != kv.create_revision) token.reset();  // someone else's key now
    leader = std::move(*parsed);
  }

  void leader_gone() {
    leader.reset();
    token.reset();
    report_leadership();
    campaign();
  }

  // --- the picture -------------------------------------------------------------------------------

  bool watch_timer_armed = false;
  bool loading = false;

  void apply(const EtcdKeyValue& kv, bool erased) {
    const auto& config = options.config;
    if (kv.key == leader_key(config)) {
      if (erased) return leader_gone();
      adopt_leader(kv);
      return report_leadership();
    }
    const auto prefix = agents_prefix(config);
    if (!kv.key.starts_with(prefix)) return;
    const auto name = kv.key.substr(prefix.size());
    if (erased) {
      agents.erase(name);
      unreadable.erase(kv.key);
      return;
    }
    auto parsed = agent_from_json(kv.value);
    if (!parsed) {
      unreadable[kv.key] = parsed.error();
      agents.erase(name);
      return;
    }
    unreadable.erase(kv.key);
    agents[name] = std::move(*parsed);
  }

  // Reads every cluster key, then watches for changes from the revision read: a watch that ends
  // (its member gone, the network) starts over this way, so no change is missed.
  void load_and_watch() {
    const auto prefix = options.config.prefix + "cluster/";
    loading = true;
    client.range(prefix, prefix_end(prefix), guarded([prefix](State& s, EtcdResult<EtcdResponse> read) {
      s.loading = false;
      if (!read) {
        s.failed("cannot read the cluster", read.error());
        return s.rewatch_later();
      }
      s.answered();
      s.agents.clear();
      s.unreadable.clear();
      s.leader.reset();
      for (const auto& kv : read->ranges.empty() ? std::vector<EtcdKeyValue>{} : read->ranges.front()) s.apply(kv, false);
      if (!s.leader) s.leader_gone();  // whoever led (this agent too) is gone: campaign
      s.revision = read->revision;
      s.watch = s.client.watch(
          prefix, prefix_end(prefix), s.revision + 1,
          s.guarded([](State& w, std::vector<EtcdEvent> events, std::int64_t brought_to) {
            for (const auto& event : events) w.apply(event.kv, event.type == EtcdEvent::Type::erase);
            w.revision = std::max(w.revision, brought_to);
          }),
          s.guarded([](State& w, EtcdError error) {
            w.failed("the cluster watch ended", error);
            w.watch.reset();
            w.rewatch_later();
          }));
    }));
  }

  void rewatch_later() {
    watch_timer_armed = true;
    watch_timer.expires_after(kRetryDelay);
    watch_timer.async_wait(guarded([](State& s, const boost::system::error_code& ec) {
      s.watch_timer_armed = false;
      if (!ec && !s.watch) s.load_and_watch();
    }));
  }

  // --- publishing ----------------------------------------------------------------------------

  void publish_self() {
    if (lease == 0) return;
    auto value = to_json(self);
    ++writes;
    written_bytes += value.size();
    client.put(agents_prefix(options.config) + self.name, std::move(value), lease,
               guarded([](State& s, EtcdResult<EtcdResponse> put) {
                 if (!put) return s.failed("cannot publish this agent's view", put.error());
                 s.answered();
               }));
  }
};

ClusterAgent::ClusterAgent(boost::asio::io_context& io, CurlMulti& curl, Options options)
    : state_(std::make_shared<State>(io, curl, std::move(options))) {
  state_->on_leadership = &on_leadership;
}

ClusterAgent::~ClusterAgent() {
  state_->stopped = true;
  state_->on_leadership = nullptr;
}

void ClusterAgent::start() {
  spdlog::info("cluster: agent {} joins through etcd {} (prefix {}, lease {})", state_->options.config.name,
               fmt::join(state_->options.config.endpoints, ", "), state_->options.config.prefix,
               format_duration(state_->options.config.lease_ttl));
  state_->tick();
}

void ClusterAgent::resign() {
  auto& s = *state_;
  s.stopped = true;
  s.tick_timer.cancel();
  s.watch_timer.cancel();
  s.watch.reset();
  if (s.lease == 0) return;
  const auto& c = s.options.config;
  EtcdBlockingClient blocking(EtcdSettings{c.endpoints, c.ca_file, c.cert_file, c.key_file, c.user, c.password, c.timeout});
  if (const auto revoked = blocking.revoke(s.lease); !revoked)
    spdlog::warn("cluster: could not give the lease back ({}); others wait for it to expire", revoked.error().message);
  else
    spdlog::info("cluster: {} left the cluster{}", c.name, s.token ? " and gave up leadership" : "");
  s.lease = 0;
  s.token.reset();
}

void ClusterAgent::publish_round(TimePoint round_at, std::chrono::milliseconds interval,
                                 std::vector<EndpointState> states) {
  auto& s = *state_;
  s.self.round_at = round_at;
  s.self.interval = interval;
  s.self.states = std::move(states);
  ++s.self.rounds;
  s.publish_self();
  s.report_leadership();
}

void ClusterAgent::set_digest(std::string digest) { state_->self.digest = std::move(digest); }

bool ClusterAgent::leading() const { return state_->leading(); }

std::optional<std::int64_t> ClusterAgent::fencing_token() const {
  return state_->leading() ? state_->token : std::nullopt;
}

std::optional<std::string> ClusterAgent::not_leading_reason() const {
  const auto& s = *state_;
  if (s.leading()) return std::nullopt;
  if (!s.etcd_ok) return fmt::format("this agent ({}) cannot reach the etcd majority ({}); nobody acts without it",
                                     s.options.config.name, s.etcd_problem);
  if (s.token) return fmt::format("this agent ({}) leads but its lease renewal is overdue", s.options.config.name);
  if (s.leader)
    return fmt::format("agent {} leads the cluster{}", s.leader->name,
                       s.leader->api_url.empty() ? "" : " (" + s.leader->api_url + ")");
  return std::string("the cluster has no leader yet");
}

bool ClusterAgent::etcd_answers() const { return state_->etcd_ok; }

std::optional<std::string> ClusterAgent::disagreement() const {
  const auto& s = *state_;
  std::map<std::string, std::vector<std::string>> by_digest;
  by_digest[s.self.digest].push_back(s.self.name);
  for (const auto& [name, agent] : s.agents)
    if (name != s.self.name) by_digest[agent.digest].push_back(name);
  if (by_digest.size() <= 1) return std::nullopt;
  std::vector<std::string> groups;
  for (const auto& [digest, names] : by_digest)
    groups.push_back(fmt::format("{} run{} {}", fmt::join(names, ", "), names.size() == 1 ? "s" : "",
                                 digest.empty() ? "an unknown configuration" : digest));
  return fmt::format("agents run different applications ({}): no failover until they agree",
                     fmt::join(groups, "; "));
}

std::vector<VantageView> ClusterAgent::remote_views(TimePoint now) const {
  std::vector<VantageView> views;
  for (const auto& [name, agent] : state_->agents) {
    if (name == state_->self.name || agent.interval.count() <= 0) continue;
    // A view older than two of its rounds is an agent that stopped probing: it does not vote.
    if (now - agent.round_at > 2 * agent.interval) continue;
    views.push_back(VantageView{name, agent.states});
  }
  return views;
}

ClusterPicture ClusterAgent::picture() const {
  const auto& s = *state_;
  ClusterPicture picture;
  picture.self = s.self.name;
  picture.leading = s.leading();
  picture.leader = s.leader;
  // This agent as it is now, not as etcd last echoed it (etcd may not answer at all).
  for (const auto& [name, agent] : s.agents)
    if (name != s.self.name) picture.agents.push_back(agent);
  picture.agents.push_back(s.self);
  std::ranges::sort(picture.agents, {}, &AgentRecord::name);
  picture.etcd_ok = s.etcd_ok;
  picture.etcd_problem = s.etcd_problem;
  picture.etcd_ok_at = s.etcd_ok_at;
  for (const auto& [key, why] : s.unreadable) picture.unreadable.push_back(key + ": " + why);
  picture.digest = s.self.digest;
  picture.etcd_writes = s.writes;
  picture.etcd_written_bytes = s.written_bytes;
  return picture;
}

}  // namespace rg::cluster
