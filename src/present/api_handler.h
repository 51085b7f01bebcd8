#pragma once
// The routes of docs/api.md: a request in, an answer out, without sockets. An answer is ready
// at once (JSON from the dashboard state), or is blocking work for the worker pool (store reads,
// static files), or is the go-ahead for a WebSocket upgrade. The server does the I/O; the
// handler decides. Nothing a bad request does changes any state.
//
//   GET  /api/v1/summary | regions | endpoints | endpoints/{id} | endpoints/{id}/history | trends
//        | alerts | applications                       reads (token when server.auth_reads)
//   POST /api/v1/probe, /api/v1/alerts/silences, /api/v1/reload   token always
//   POST /api/v1/failover/{app}/{plan|execute|approve|rollback}   token always
//   GET  /gate/{app}/{region}                          open: Route 53 health checkers call it
// Requests must name this server in Host (server.allowed_hosts), except the open probes
// /healthz, /readyz and /gate; wrong tokens and /metrics are rate limited per source.
//   GET  /api/v1/stream                                WebSocket
//   GET  /metrics                                      Prometheus (token when server.auth_reads)
//   GET  /healthz, /readyz                             open
//   GET  anything else                                 the dashboard's files, open
// HEAD is answered wherever GET is.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>

#include "present/alert_views.h"
#include "present/api_response.h"
#include "present/bearer_auth.h"
#include "present/dashboard_state.h"
#include "present/failover_hooks.h"
#include "present/metrics.h"
#include "present/cluster_hooks.h"
#include "present/reload_hooks.h"
#include "present/request_checks.h"
#include "present/request_target.h"
#include "present/source_rate_limiter.h"
#include "store/store.h"

namespace rg {

inline constexpr std::size_t kMaxRequestBody = 64 * 1024;
inline constexpr std::size_t kMaxHistoryBuckets = 2000;
inline constexpr std::size_t kMaxTrendRounds = DashboardState::kMaxTrendRounds;

struct ApiRequest {
  std::string method;  // "GET", "POST", ... as sent
  std::string target;  // the request target as sent: "/api/v1/endpoints?status=critical"
  std::string authorization;
  std::string body;
  std::string host;    // Host header
  std::string origin;  // Origin header, "" when absent
  bool websocket_upgrade = false;
  // The client's address as the per-source limits count it (an IPv6 client: its /64).
  std::string client;
  // Where the connection came in, which bounds what it may ask (see ConnectionBudget):
  //   main     everything;
  //   reserve  a connection beyond the main listener's budget: /healthz, /readyz and /gate only;
  //   gate     server.gate_listen: /gate and /healthz only, whatever Host it names.
  enum class Listener { main, reserve, gate };
  Listener listener = Listener::main;
};

// Work that blocks (disk): the server runs it on its worker pool and sends what it returns. It
// must not touch the loop's state: it holds copies and shared pointers only.
struct BlockingWork {
  std::function<ApiResponse()> run;
};

// Accept the WebSocket handshake for /api/v1/stream.
struct UpgradeToWebSocket {};

using HandlerResult = std::variant<ApiResponse, BlockingWork, UpgradeToWebSocket>;

class ApiHandler {
 public:
  struct Options {
    std::string token;  // "" when none is configured: POST answers 401
    bool auth_reads = false;
    std::filesystem::path web_root;
    // The store the history routes read, on the worker pool (a read-only connection of its own).
    // Null when there is none; `history_problem` then says why, in the 503.
    std::shared_ptr<Store> history;
    std::string history_problem;
    bool store_open = false;  // the daemon's store (for /readyz)
    // Host names requests may carry (DNS rebinding), and the scheme a WebSocket's Origin must have.
    std::string listen_host = "127.0.0.1";
    std::vector<std::string> allowed_hosts;
    bool tls = false;
    int max_clients = 1024;  // for the reserve's refusal message
    int max_clients_per_address = 64;
  };
  struct Hooks {
    std::function<bool()> trigger_round;  // POST /api/v1/probe; false when no round was started
    std::function<std::optional<BatchWriter::Stats>()> store_stats;
    std::function<std::optional<AnomalyStats>()> anomaly_stats;
    std::function<std::uint64_t()> ws_clients;
    std::function<std::uint64_t()> ws_dropped;
    std::function<TimePoint()> now = now_us;
    std::function<std::chrono::steady_clock::time_point()> monotonic_now = std::chrono::steady_clock::now;
    // For /metrics: the server's refusals by reason. May be empty.
    std::function<std::vector<std::pair<std::string, std::uint64_t>>()> refusals;
    AlertHooks alerts;  // GET /api/v1/alerts, POST /api/v1/alerts/silences, alert metrics
    FailoverHooks failover;  // GET /api/v1/applications, POST /api/v1/failover/..., /gate/...
    std::function<std::optional<CloudWatchStats>()> cloudwatch_stats;  // /metrics, when publishing
    ReloadHooks reload;  // POST /api/v1/reload, reload metrics
    ClusterHooks cluster;  // GET /api/v1/cluster, cluster metrics (empty: the daemon runs alone)
  };

  // `state` and `probes` must outlive the handler (they live beside it in the server).
  ApiHandler(const DashboardState& state, const ProbeMetrics& probes, Options options, Hooks hooks);

  HandlerResult handle(const ApiRequest& request);

  // Before a request's body is read (and before 100 Continue is sent): the answer that turns it
  // away whatever its body says (a wrong listener or Host, a missing or wrong token), if any.
  std::optional<ApiResponse> refuse_before_body(const ApiRequest& request);

  // /readyz: a round has completed and the store is open.
  bool ready() const;
  std::uint64_t triggered_rounds() const { return triggered_rounds_; }

 private:
  HandlerResult handle_api(const ApiRequest& request, std::string_view path,
                           const std::vector<std::pair<std::string, std::string>>& query);
  HandlerResult endpoint_route(const ApiRequest& request, std::string_view tail,
                               const std::vector<std::pair<std::string, std::string>>& query);
  HandlerResult endpoints(const std::vector<std::pair<std::string, std::string>>& query);
  HandlerResult history(const std::string& id, const std::vector<std::pair<std::string, std::string>>& query);
  HandlerResult trends(const std::vector<std::pair<std::string, std::string>>& query);
  HandlerResult probe(const ApiRequest& request);
  HandlerResult silence(const ApiRequest& request);
  HandlerResult reload(const ApiRequest& request);
  HandlerResult failover(const ApiRequest& request, std::string_view tail);
  HandlerResult gate(const ApiRequest& request, std::string_view tail);
  HandlerResult stream(const ApiRequest& request);
  std::optional<ApiResponse> check_admission(const ApiRequest& request, const RequestTarget& target) const;
  std::optional<ApiResponse> check_read_auth(const ApiRequest& request);
  std::optional<ApiResponse> check_write_auth(const ApiRequest& request);
  std::optional<ApiResponse> check_token(const ApiRequest& request);
  ApiResponse metrics(const ApiRequest& request);
  ApiResponse render_metrics_page() const;

  const DashboardState& state_;
  const ProbeMetrics& probes_;
  Options options_;
  Hooks hooks_;
  BearerAuth auth_;
  HostAllowlist hosts_;
  SourceRateLimiter wrong_tokens_;  // wrong bearer tokens per source: a few a minute
  SourceRateLimiter scrapes_;       // /metrics per source
  std::uint64_t triggered_rounds_ = 0;
  // /metrics changes about once a round: the page is made again when the round or a counter the
  // server itself keeps changes, and at least once a second for the rest (process, refusals).
  struct MetricsKey {
    std::uint64_t round = 0, triggered_rounds = 0, ws_clients = 0, ws_dropped = 0, reloads = 0;
    friend bool operator==(const MetricsKey&, const MetricsKey&) = default;
  };
  std::string metrics_page_;
  MetricsKey metrics_key_;
  std::chrono::steady_clock::time_point metrics_rendered_{};
  // /gate answers, made once for each gate state the controller reports (gate_generation).
  std::unordered_map<std::string, ApiResponse> gate_answers_;
  std::uint64_t gate_generation_ = 0;
};

// The history answer for `buckets` (GET /api/v1/endpoints/{id}/history).
nlohmann::json history_json(const std::string& id, TimePoint from, TimePoint to, std::chrono::milliseconds step,
                            const std::vector<HistoryBucket>& buckets);
// The trend answer from the store (GET /api/v1/trends?from&to&step).
nlohmann::json stored_trend_json(const std::vector<StateCountBucket>& buckets);

// /healthz, /readyz and /gate/...: open, cheap, and what health checkers and Route 53 ask.
bool is_open_probe(std::string_view path);

// The number of step-aligned buckets [from, to) touches (see Store::history).
std::int64_t bucket_count(TimePoint from, TimePoint to, std::chrono::milliseconds step);

}  // namespace rg
