#pragma once
// etcd v3 through its JSON gateway (etcd 3.4: POST /v3/kv/range|put|txn|deleterange,
// /v3/lease/grant|keepalive|revoke, /v3/watch, /v3/auth/authenticate), over libcurl. Why the
// gateway rather than gRPC: README, "Running several agents" → design.
//
//  - EtcdClient: asynchronous, on the event loop through CurlMulti. The cluster agent uses it for
//    its lease keep-alives, leader election, views and the watch that keeps its picture current.
//  - EtcdBlockingClient: curl_easy_perform on the calling thread, bounded by the timeout, for the
//    journal (store/failover_journal.h is synchronous: a journal write is a small transaction the
//    executor must know the answer to before its next AWS call) and one-shot CLI commands.
//
// Both try the configured endpoints in turn: a call that cannot connect to one member goes to the
// next (a transaction is sent again only when the first member never received it). Keys and
// values are bytes (base64 on the wire); 64-bit numbers are strings on the wire; fields left out
// by the gateway read as zero, false or empty.
#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rg {
class CurlMulti;
}

namespace rg::cluster {

// How to reach the cluster: `cluster.etcd` in the configuration.
struct EtcdSettings {
  std::vector<std::string> endpoints;  // http(s)://host:port
  std::string ca_file;                 // TLS: the members' CA (empty: the system's)
  std::string cert_file;               // TLS client certificate and key (both or neither)
  std::string key_file;
  std::string user;                    // etcd auth (empty: none)
  std::string password;
  std::chrono::milliseconds timeout{2000};  // one request to one member, connect to last byte
};

struct EtcdKeyValue {
  std::string key;
  std::string value;
  std::int64_t create_revision = 0;
  std::int64_t mod_revision = 0;
  std::int64_t version = 0;
  std::int64_t lease = 0;
};

// One comparison of a transaction: `key`'s target compared with `number` (revisions, version,
// lease) or `value`. A missing key has create_revision, mod_revision, version and lease 0.
struct EtcdCompare {
  enum class Target { create_revision, mod_revision, version, value, lease };
  enum class Result { equal, not_equal, less, greater };
  std::string key;
  Target target = Target::create_revision;
  Result result = Result::equal;
  std::int64_t number = 0;
  std::string value;
};

// One operation: a range read, a put or a delete. `range_end` empty means the one key;
// prefix_end(key) means every key starting with `key`.
struct EtcdOperation {
  enum class Kind { range, put, delete_range };
  Kind kind = Kind::range;
  std::string key;
  std::string range_end;
  std::string value;       // put
  std::int64_t lease = 0;  // put: bound to this lease (0: none)
  std::int64_t limit = 0;  // range: at most this many (0: all)

  static EtcdOperation range(std::string key, std::string range_end = {}, std::int64_t limit = 0);
  static EtcdOperation put(std::string key, std::string value, std::int64_t lease = 0);
  static EtcdOperation erase(std::string key, std::string range_end = {});
};

struct EtcdTxn {
  std::vector<EtcdCompare> compare;
  std::vector<EtcdOperation> success;
  std::vector<EtcdOperation> failure;
};

// The answer to a range, put, delete or transaction.
struct EtcdResponse {
  std::int64_t revision = 0;  // the store's revision when it answered
  bool succeeded = true;      // transactions: whether the comparisons held
  // The key-values read: for a range, its keys; for a transaction, one entry per operation of
  // the branch taken (empty for puts and deletes).
  std::vector<std::vector<EtcdKeyValue>> ranges;
  std::int64_t deleted = 0;  // deletes: how many keys went
};

struct EtcdLease {
  std::int64_t id = 0;
  std::chrono::seconds ttl{0};  // keep_alive: 0 when the lease no longer exists
};

struct EtcdEvent {
  enum class Type { put, erase };
  Type type = Type::put;
  EtcdKeyValue kv;  // erase: the key and mod_revision only
};

struct EtcdError {
  enum class Kind {
    unreachable,   // no member could be connected to
    timeout,       // no complete answer within the timeout
    refused,       // an HTTP error answer: `code` is the gRPC code etcd gave (e.g. 14 unavailable)
    bad_response,  // not the JSON the gateway sends
    auth,          // authentication failed
  };
  Kind kind = Kind::unreachable;
  int code = 0;
  std::string message;  // names the member
};

template <class T>
using EtcdResult = std::expected<T, EtcdError>;

// The end of the range of keys that start with `prefix` (its last byte below 0xff plus one).
std::string prefix_end(std::string_view prefix);

// A running watch: events stop when it is destroyed.
class EtcdWatch {
 public:
  virtual ~EtcdWatch() = default;
};

class EtcdClient {
 public:
  template <class T>
  using Callback = std::function<void(EtcdResult<T>)>;

  // `curl` must outlive the client. Callbacks run on the loop, exactly once, never before the
  // call returns, unless the client is destroyed first.
  EtcdClient(CurlMulti& curl, EtcdSettings settings);
  ~EtcdClient();
  EtcdClient(const EtcdClient&) = delete;
  EtcdClient& operator=(const EtcdClient&) = delete;

  void range(std::string key, std::string range_end, Callback<EtcdResponse> done);
  void put(std::string key, std::string value, std::int64_t lease, Callback<EtcdResponse> done);
  void erase(std::string key, std::string range_end, Callback<EtcdResponse> done);
  void txn(EtcdTxn txn, Callback<EtcdResponse> done);
  void grant(std::chrono::seconds ttl, Callback<EtcdLease> done);
  // One renewal of `lease` (the gateway's keepalive answers one request with one renewal).
  void keep_alive(std::int64_t lease, Callback<EtcdLease> done);
  void revoke(std::int64_t lease, Callback<void> done);

  // Streams the changes of [key, range_end) from `start_revision` (0: from now): `events` for each
  // batch with the revision it brings the watcher to; `ended` once when the stream stops (member
  // gone, compaction, network) — the caller reads again and watches anew. No timeout: the stream
  // lives until it ends or the returned handle is destroyed.
  std::unique_ptr<EtcdWatch> watch(std::string key, std::string range_end, std::int64_t start_revision,
                                   std::function<void(std::vector<EtcdEvent>, std::int64_t revision)> events,
                                   std::function<void(EtcdError)> ended);

  const EtcdSettings& settings() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

class EtcdBlockingClient {
 public:
  explicit EtcdBlockingClient(EtcdSettings settings);
  ~EtcdBlockingClient();
  EtcdBlockingClient(const EtcdBlockingClient&) = delete;
  EtcdBlockingClient& operator=(const EtcdBlockingClient&) = delete;

  EtcdResult<EtcdResponse> range(const std::string& key, const std::string& range_end = {});
  EtcdResult<EtcdResponse> put(const std::string& key, const std::string& value, std::int64_t lease = 0);
  EtcdResult<EtcdResponse> erase(const std::string& key, const std::string& range_end = {});
  EtcdResult<EtcdResponse> txn(const EtcdTxn& txn);
  EtcdResult<EtcdLease> grant(std::chrono::seconds ttl);
  EtcdResult<EtcdLease> keep_alive(std::int64_t lease);
  EtcdResult<void> revoke(std::int64_t lease);

  const EtcdSettings& settings() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace rg::cluster
