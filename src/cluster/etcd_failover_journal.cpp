#include "cluster/etcd_failover_journal.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <utility>
#include <nlohmann/json.hpp>

namespace rg::cluster {
namespace {

using nlohmann::json;

// A read-modify-write that lost its race is read and tried again this many times: enough for a
// few writers (the executor, an operator's answer) on one plan; more means something loops.
constexpr int kAttempts = 8;

std::unexpected<StoreError> etcd_failed(const EtcdError& error) {
  return std::unexpected(StoreError{StoreError::Code::io, "failover journal in etcd: " + error.message});
}

std::unexpected<StoreError> corrupt(std::string message) {
  return std::unexpected(StoreError{StoreError::Code::io, "failover journal in etcd: " + std::move(message)});
}

// Enum names through the store's to_string, so etcd and SQLite spell states alike. The last
// enumerator bounds the search: a new state goes last (failover_journal.h) or this misses it.
template <class Enum>
std::optional<Enum> enum_named(std::string_view name, Enum last) {
  for (int i = 0; i <= static_cast<int>(last); ++i)
    if (to_string(static_cast<Enum>(i)) == name) return static_cast<Enum>(i);
  return std::nullopt;
}

// Field codecs: one `put` and one `get` per type, so a struct's codec is one line per field. A
// field absent from the document (written before the field existed) keeps its default.
void put(json& j, const char* name, const std::string& value) { j[name] = value; }
void put(json& j, const char* name, std::int64_t value) { j[name] = value; }
void put(json& j, const char* name, int value) { j[name] = value; }
void put(json& j, const char* name, TimePoint value) { j[name] = to_unix_us(value); }
void put(json& j, const char* name, const std::optional<TimePoint>& value) {
  j[name] = value ? json(to_unix_us(*value)) : json(nullptr);
}
void put(json& j, const char* name, PlanState value) { j[name] = to_string(value); }
void put(json& j, const char* name, StepPhase value) { j[name] = to_string(value); }

void get(const json& j, const char* name, std::string& out) {
  if (j.contains(name)) out = j.at(name).get<std::string>();
}
void get(const json& j, const char* name, std::int64_t& out) {
  if (j.contains(name)) out = j.at(name).get<std::int64_t>();
}
void get(const json& j, const char* name, int& out) {
  if (j.contains(name)) out = j.at(name).get<int>();
}
void get(const json& j, const char* name, TimePoint& out) {
  if (j.contains(name)) out = from_unix_us(j.at(name).get<std::int64_t>());
}
void get(const json& j, const char* name, std::optional<TimePoint>& out) {
  if (j.contains(name) && !j.at(name).is_null()) out = from_unix_us(j.at(name).get<std::int64_t>());
}
void get(const json& j, const char* name, PlanState& out) {
  if (!j.contains(name)) return;
  const auto text = j.at(name).get<std::string>();
  const auto state = enum_named(text, PlanState::withdrawn);
  if (!state) throw std::invalid_argument(fmt::format("unknown plan state \"{}\"", text));
  out = *state;
}
void get(const json& j, const char* name, StepPhase& out) {
  if (!j.contains(name)) return;
  const auto text = j.at(name).get<std::string>();
  const auto phase = enum_named(text, StepPhase::undo_failed);
  if (!phase) throw std::invalid_argument(fmt::format("unknown step phase \"{}\"", text));
  out = *phase;
}

json step_json(const JournalStep& step) {
  json j = json::object();
  put(j, "step", step.step);
  put(j, "name", step.name);
  put(j, "phase", step.phase);
  put(j, "at", step.at);
  put(j, "detail", step.detail);
  put(j, "undo_state", step.undo_state);
  put(j, "block", step.block);
  put(j, "parallel_group", step.parallel_group);
  return j;
}

JournalStep step_from(const json& j) {
  JournalStep step;
  get(j, "step", step.step);
  get(j, "name", step.name);
  get(j, "phase", step.phase);
  get(j, "at", step.at);
  get(j, "detail", step.detail);
  get(j, "undo_state", step.undo_state);
  get(j, "block", step.block);
  get(j, "parallel_group", step.parallel_group);
  return step;
}

std::string padded(std::int64_t generation) { return fmt::format("{:020}", generation); }

std::int64_t create_revision(const std::optional<EtcdKeyValue>& kv) { return kv ? kv->create_revision : 0; }
std::int64_t mod_revision(const std::optional<EtcdKeyValue>& kv) { return kv ? kv->mod_revision : 0; }

EtcdCompare compare(std::string key, EtcdCompare::Target target, std::int64_t number) {
  EtcdCompare out;
  out.key = std::move(key);
  out.target = target;
  out.result = EtcdCompare::Result::equal;
  out.number = number;
  return out;
}

StoreResult<std::int64_t> generation_of(const std::optional<EtcdKeyValue>& kv, const std::string& key) {
  if (!kv) return 0;
  std::int64_t value = 0;
  const auto& text = kv->value;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    return corrupt(fmt::format("{} holds \"{}\", not a generation", key, text));
  return value;
}

StoreResult<LeaseHolder> leader_of(const EtcdKeyValue& kv) {
  const json j = json::parse(kv.value, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return corrupt(fmt::format("the leader key {} holds no JSON object: \"{}\"", kv.key, kv.value));
  try {
    LeaseHolder holder;
    get(j, "owner", holder.owner);
    get(j, "host", holder.host);
    get(j, "pid", holder.pid);
    if (holder.owner.empty()) get(j, "name", holder.owner);  // an agent without an owner id: its name
    return holder;
  } catch (const std::exception& e) {
    return corrupt(fmt::format("the leader key {}: {}", kv.key, e.what()));
  }
}

}  // namespace

std::string plan_to_json(const JournalPlan& plan) {
  json j = json::object();
  put(j, "app", plan.app);
  put(j, "generation", plan.generation);
  put(j, "kind", plan.kind);
  put(j, "from", plan.from);
  put(j, "to", plan.to);
  put(j, "state", plan.state);
  put(j, "created_at", plan.created_at);
  put(j, "updated_at", plan.updated_at);
  put(j, "detail", plan.detail);
  put(j, "ready_at", plan.ready_at);
  put(j, "fingerprint", plan.fingerprint);
  put(j, "owner", plan.owner);
  put(j, "failing_since", plan.failing_since);
  put(j, "decided_at", plan.decided_at);
  put(j, "started_at", plan.started_at);
  j["steps"] = json::array();
  for (const auto& step : plan.steps) j["steps"].push_back(step_json(step));
  return j.dump();
}

StoreResult<JournalPlan> plan_from_json(std::string_view text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return corrupt("a plan is not a JSON object");
  try {
    JournalPlan plan;
    get(j, "app", plan.app);
    get(j, "generation", plan.generation);
    get(j, "kind", plan.kind);
    get(j, "from", plan.from);
    get(j, "to", plan.to);
    get(j, "state", plan.state);
    get(j, "created_at", plan.created_at);
    get(j, "updated_at", plan.updated_at);
    get(j, "detail", plan.detail);
    get(j, "ready_at", plan.ready_at);
    get(j, "fingerprint", plan.fingerprint);
    get(j, "owner", plan.owner);
    get(j, "failing_since", plan.failing_since);
    get(j, "decided_at", plan.decided_at);
    get(j, "started_at", plan.started_at);
    if (j.contains("steps"))
      for (const auto& step : j.at("steps")) plan.steps.push_back(step_from(step));
    return plan;
  } catch (const std::exception& e) {
    return corrupt(fmt::format("a plan cannot be read: {}", e.what()));
  }
}

struct EtcdFailoverJournal::Snapshot {
  std::optional<EtcdKeyValue> leader;
  std::vector<std::optional<EtcdKeyValue>> keys;  // as asked
};

EtcdFailoverJournal::EtcdFailoverJournal(EtcdBlockingClient& client, std::string prefix, ClusterFence fence,
                                         std::chrono::milliseconds leader_ttl)
    : client_(client), prefix_(std::move(prefix)), fence_(std::move(fence)), leader_ttl_(leader_ttl) {}

std::unique_ptr<EtcdFailoverJournal> EtcdFailoverJournal::open(EtcdSettings settings, std::string prefix,
                                                               ClusterFence fence, std::chrono::milliseconds leader_ttl) {
  auto client = std::make_unique<EtcdBlockingClient>(std::move(settings));
  std::unique_ptr<EtcdFailoverJournal> journal(
      new EtcdFailoverJournal(*client, std::move(prefix), std::move(fence), leader_ttl));
  journal->owned_client_ = std::move(client);
  return journal;
}

std::string EtcdFailoverJournal::generation_key(const std::string& app) const {
  return prefix_ + "journal/" + app + "/generation";
}
std::string EtcdFailoverJournal::plan_key(const std::string& app, std::int64_t generation) const {
  return prefix_ + "journal/" + app + "/plans/" + padded(generation);
}
std::string EtcdFailoverJournal::lock_key(const std::string& app) const { return prefix_ + "journal/" + app + "/lock"; }

std::optional<std::unexpected<StoreError>> EtcdFailoverJournal::known_unreachable() const {
  if (!fence_.etcd_answers || fence_.etcd_answers()) return std::nullopt;
  return std::unexpected(StoreError{StoreError::Code::io,
                                    "etcd does not answer the cluster agent (its last calls failed): not tried"});
}

StoreResult<EtcdFailoverJournal::Snapshot> EtcdFailoverJournal::read(const std::vector<std::string>& keys) {
  if (auto down = known_unreachable()) return *down;
  EtcdTxn txn;
  txn.success.push_back(EtcdOperation::range(fence_.leader_key));
  for (const auto& key : keys) txn.success.push_back(EtcdOperation::range(key));
  auto answer = client_.txn(txn);
  if (!answer) return etcd_failed(answer.error());
  if (answer->ranges.size() != keys.size() + 1)
    return corrupt(fmt::format("a read of {} keys came back with {} answers", keys.size() + 1, answer->ranges.size()));
  Snapshot out;
  auto first = [](const std::vector<EtcdKeyValue>& kvs) {
    return kvs.empty() ? std::nullopt : std::optional<EtcdKeyValue>(kvs.front());
  };
  out.leader = first(answer->ranges[0]);
  for (std::size_t i = 0; i < keys.size(); ++i) out.keys.push_back(first(answer->ranges[i + 1]));
  return out;
}

StoreResult<std::int64_t> EtcdFailoverJournal::next_generation(const std::string& app) {
  const auto key = generation_key(app);
  auto snapshot = read({key});
  if (!snapshot) return std::unexpected(snapshot.error());
  auto newest = generation_of(snapshot->keys[0], key);
  if (!newest) return newest;
  return *newest + 1;
}

StoreResult<JournalWrite> EtcdFailoverJournal::insert_plan(const JournalPlan& plan, const std::string& owner,
                                                           std::optional<std::int64_t> superseded) {
  const auto gen_key = generation_key(plan.app);
  const auto new_key = plan_key(plan.app, plan.generation);
  std::vector<std::string> keys{gen_key, new_key};
  if (superseded) keys.push_back(plan_key(plan.app, *superseded));
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    const auto token = fence_.token ? fence_.token() : std::nullopt;
    if (!token) return JournalWrite::fenced;
    auto snapshot = read(keys);
    if (!snapshot) return std::unexpected(snapshot.error());
    if (create_revision(snapshot->leader) != *token) return JournalWrite::fenced;
    auto newest = generation_of(snapshot->keys[0], gen_key);
    if (!newest) return std::unexpected(newest.error());
    if (plan.generation <= *newest || snapshot->keys[1]) return JournalWrite::fenced;
    // Plans begin under the application's lease: in a cluster, the leader's.
    auto leader = leader_of(*snapshot->leader);
    if (!leader) return std::unexpected(leader.error());
    if (leader->owner != owner) return JournalWrite::conflict;

    JournalPlan stored = plan;
    stored.updated_at = plan.created_at;
    stored.owner = owner;
    stored.steps.clear();
    stored.ready_at.reset();
    // As the SQLite journal: a plan begun running started then; a proposal starts when approved.
    stored.started_at = plan.state == PlanState::running ? std::optional(plan.created_at) : std::nullopt;
    EtcdTxn txn;
    txn.compare.push_back(compare(fence_.leader_key, EtcdCompare::Target::create_revision, *token));
    txn.compare.push_back(compare(gen_key, EtcdCompare::Target::mod_revision, mod_revision(snapshot->keys[0])));
    txn.compare.push_back(compare(new_key, EtcdCompare::Target::create_revision, 0));
    if (superseded) {
      const auto& old_kv = snapshot->keys[2];
      if (!old_kv) return JournalWrite::conflict;
      auto old = plan_from_json(old_kv->value);
      if (!old) return std::unexpected(old.error());
      if (old->state != PlanState::running) return JournalWrite::conflict;  // it finished meanwhile
      old->state = PlanState::fenced;
      old->updated_at = plan.created_at;
      old->detail = "superseded by " + plan.kind + " #" + std::to_string(plan.generation);
      txn.compare.push_back(compare(keys[2], EtcdCompare::Target::mod_revision, old_kv->mod_revision));
      txn.success.push_back(EtcdOperation::put(keys[2], plan_to_json(*old)));
    }
    txn.success.push_back(EtcdOperation::put(gen_key, std::to_string(plan.generation)));
    txn.success.push_back(EtcdOperation::put(new_key, plan_to_json(stored)));
    txn.failure.push_back(EtcdOperation::range(fence_.leader_key));
    auto answer = client_.txn(txn);
    if (!answer) return etcd_failed(answer.error());
    if (answer->succeeded) return JournalWrite::ok;
    // The fence failed: a deposed leader's write, refused by etcd. Otherwise another write came
    // between the read and this one: read again and decide anew.
    if (answer->ranges.empty() || answer->ranges[0].empty() || answer->ranges[0][0].create_revision != *token)
      return JournalWrite::fenced;
  }
  return corrupt(fmt::format("plan {} of {} kept changing under {} attempts to begin it", plan.generation, plan.app,
                             kAttempts));
}

StoreResult<JournalWrite> EtcdFailoverJournal::begin_plan(const JournalPlan& plan, const std::string& owner) {
  return insert_plan(plan, owner, std::nullopt);
}

StoreResult<JournalWrite> EtcdFailoverJournal::supersede(const JournalPlan& plan, std::int64_t superseded,
                                                         const std::string& owner) {
  return insert_plan(plan, owner, superseded);
}

StoreResult<JournalWrite> EtcdFailoverJournal::update_plan(
    const std::string& app, std::int64_t generation,
    const std::function<StoreResult<JournalWrite>(JournalPlan&)>& change) {
  const auto gen_key = generation_key(app);
  const auto key = plan_key(app, generation);
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    const auto token = fence_.token ? fence_.token() : std::nullopt;
    if (!token) return JournalWrite::fenced;
    auto snapshot = read({gen_key, key});
    if (!snapshot) return std::unexpected(snapshot.error());
    if (create_revision(snapshot->leader) != *token) return JournalWrite::fenced;
    auto newest = generation_of(snapshot->keys[0], gen_key);
    if (!newest) return std::unexpected(newest.error());
    if (generation < *newest) return JournalWrite::fenced;
    const auto& kv = snapshot->keys[1];
    if (!kv) return JournalWrite::conflict;  // no such plan: nothing is in the state the writer expects
    auto plan = plan_from_json(kv->value);
    if (!plan) return std::unexpected(plan.error());
    auto changed = change(*plan);
    if (!changed || *changed != JournalWrite::ok) return changed;

    EtcdTxn txn;
    txn.compare.push_back(compare(fence_.leader_key, EtcdCompare::Target::create_revision, *token));
    txn.compare.push_back(compare(gen_key, EtcdCompare::Target::mod_revision, mod_revision(snapshot->keys[0])));
    txn.compare.push_back(compare(key, EtcdCompare::Target::mod_revision, kv->mod_revision));
    txn.success.push_back(EtcdOperation::put(key, plan_to_json(*plan)));
    txn.failure.push_back(EtcdOperation::range(fence_.leader_key));
    auto answer = client_.txn(txn);
    if (!answer) return etcd_failed(answer.error());
    if (answer->succeeded) return JournalWrite::ok;
    if (answer->ranges.empty() || answer->ranges[0].empty() || answer->ranges[0][0].create_revision != *token)
      return JournalWrite::fenced;
  }
  return corrupt(fmt::format("plan {} of {} kept changing under {} attempts to write it", generation, app, kAttempts));
}

StoreResult<JournalWrite> EtcdFailoverJournal::record_step(const std::string& app, std::int64_t generation,
                                                           const JournalStep& step) {
  return update_plan(app, generation, [&](JournalPlan& plan) -> StoreResult<JournalWrite> {
    plan.steps.push_back(step);
    plan.updated_at = step.at;
    return JournalWrite::ok;
  });
}

StoreResult<JournalWrite> EtcdFailoverJournal::record_undo_state(const std::string& app, std::int64_t generation,
                                                                 int step, const std::string& state) {
  return update_plan(app, generation, [&](JournalPlan& plan) -> StoreResult<JournalWrite> {
    const auto started = std::find_if(plan.steps.rbegin(), plan.steps.rend(), [&](const JournalStep& s) {
      return s.step == step && s.phase == StepPhase::started;
    });
    if (started == plan.steps.rend())
      return corrupt(fmt::format("failover step {} of {} generation {} has no started row to keep its undo state on",
                                 step + 1, app, generation));
    started->undo_state = state;
    return JournalWrite::ok;
  });
}

StoreResult<JournalWrite> EtcdFailoverJournal::mark_ready(const std::string& app, std::int64_t generation, TimePoint at) {
  return update_plan(app, generation, [&](JournalPlan& plan) -> StoreResult<JournalWrite> {
    if (plan.state != PlanState::running) return JournalWrite::conflict;
    plan.ready_at = at;
    plan.updated_at = at;
    return JournalWrite::ok;
  });
}

StoreResult<JournalWrite> EtcdFailoverJournal::finish_plan(const std::string& app, std::int64_t generation,
                                                           PlanState expected, PlanState state, TimePoint at,
                                                           const std::string& detail) {
  return update_plan(app, generation, [&](JournalPlan& plan) -> StoreResult<JournalWrite> {
    if (plan.state != expected) return JournalWrite::conflict;
    plan.state = state;
    plan.updated_at = at;
    if (state == PlanState::running) plan.started_at = at;
    plan.detail = detail;
    return JournalWrite::ok;
  });
}

StoreResult<std::optional<JournalPlan>> EtcdFailoverJournal::latest(const std::string& app) {
  const auto gen_key = generation_key(app);
  auto snapshot = read({gen_key});
  if (!snapshot) return std::unexpected(snapshot.error());
  auto newest = generation_of(snapshot->keys[0], gen_key);
  if (!newest) return std::unexpected(newest.error());
  if (*newest == 0) return std::optional<JournalPlan>{};
  const auto key = plan_key(app, *newest);
  auto answer = client_.range(key);
  if (!answer) return etcd_failed(answer.error());
  if (answer->ranges.empty() || answer->ranges[0].empty())
    return corrupt(fmt::format("{} names generation {} but {} does not exist", gen_key, *newest, key));
  auto plan = plan_from_json(answer->ranges[0][0].value);
  if (!plan) return std::unexpected(plan.error());
  return std::optional(std::move(*plan));
}

StoreResult<std::vector<JournalPlan>> EtcdFailoverJournal::plans(const std::string& app, int limit) {
  if (auto down = known_unreachable()) return *down;
  const auto prefix = prefix_ + "journal/" + app + "/plans/";
  auto answer = client_.range(prefix, prefix_end(prefix));
  if (!answer) return etcd_failed(answer.error());
  std::vector<JournalPlan> out;
  if (answer->ranges.empty()) return out;
  const auto& kvs = answer->ranges[0];  // ascending by key, so by generation
  for (auto it = kvs.rbegin(); it != kvs.rend() && std::cmp_less(out.size(), limit); ++it) {
    auto plan = plan_from_json(it->value);
    if (!plan) return std::unexpected(plan.error());
    plan->steps.clear();
    out.push_back(std::move(*plan));
  }
  return out;
}

StoreResult<LeaseAnswer> EtcdFailoverJournal::acquire_lease(const std::string&, const LeaseHolder&, TimePoint now,
                                                            std::chrono::milliseconds ttl) {
  const auto token = fence_.token ? fence_.token() : std::nullopt;
  auto snapshot = read({});
  if (!snapshot) return std::unexpected(snapshot.error());
  if (!snapshot->leader) return LeaseAnswer{false, Lease{{}, now, now}};  // nobody leads: nothing is live
  auto leader = leader_of(*snapshot->leader);
  if (!leader) return std::unexpected(leader.error());
  const bool ours = token && snapshot->leader->create_revision == *token;
  const auto lasts = std::chrono::duration_cast<std::chrono::microseconds>(ours ? ttl : leader_ttl_);
  return LeaseAnswer{ours, Lease{*leader, now, now + lasts}};
}

StoreResult<void> EtcdFailoverJournal::release_lease(const std::string&, const std::string&) {
  return {};  // leadership is given up by the cluster agent, not per application
}

StoreResult<std::optional<Lease>> EtcdFailoverJournal::lease(const std::string&) {
  auto snapshot = read({});
  if (!snapshot) return std::unexpected(snapshot.error());
  if (!snapshot->leader) return std::optional<Lease>{};
  auto leader = leader_of(*snapshot->leader);
  if (!leader) return std::unexpected(leader.error());
  // The key exists only while the leader keeps its etcd lease alive: live for at least a TTL.
  const auto now = now_us();
  return std::optional(Lease{*leader, now, now + std::chrono::duration_cast<std::chrono::microseconds>(leader_ttl_)});
}

StoreResult<void> EtcdFailoverJournal::set_lock(const std::string& app, const LockState& state) {
  const auto token = fence_.token ? fence_.token() : std::nullopt;
  const auto refused = [&] {
    return std::unexpected(StoreError{StoreError::Code::constraint,
                                      fmt::format("cannot {} {}: this agent does not lead the cluster (fenced)",
                                                  state.locked ? "lock" : "unlock", app)});
  };
  if (!token) return refused();
  json j = json::object();
  put(j, "locked", std::int64_t{state.locked ? 1 : 0});
  put(j, "at", state.at);
  put(j, "generation", state.generation);
  put(j, "reason", state.reason);
  EtcdTxn txn;
  txn.compare.push_back(compare(fence_.leader_key, EtcdCompare::Target::create_revision, *token));
  txn.success.push_back(EtcdOperation::put(lock_key(app), j.dump()));
  auto answer = client_.txn(txn);
  if (!answer) return etcd_failed(answer.error());
  if (!answer->succeeded) return refused();
  return {};
}

StoreResult<LockState> EtcdFailoverJournal::lock(const std::string& app) {
  if (auto down = known_unreachable()) return *down;
  auto answer = client_.range(lock_key(app));
  if (!answer) return etcd_failed(answer.error());
  if (answer->ranges.empty() || answer->ranges[0].empty()) return LockState{};
  const json j = json::parse(answer->ranges[0][0].value, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return corrupt("the lock of " + app + " is not a JSON object");
  try {
    LockState out;
    std::int64_t locked = 0;
    get(j, "locked", locked);
    out.locked = locked != 0;
    get(j, "at", out.at);
    get(j, "generation", out.generation);
    get(j, "reason", out.reason);
    return out;
  } catch (const std::exception& e) {
    return corrupt(fmt::format("the lock of {} cannot be read: {}", app, e.what()));
  }
}

}  // namespace rg::cluster
