#pragma once
// The daemon's HTTP and WebSocket server (Boost.Beast, C++20 coroutines) on the pipeline's
// io_context: the REST API and the /api/v1/stream WebSocket of docs/api.md, Prometheus /metrics,
// /healthz and /readyz, and the dashboard's static files; HTTPS/WSS when server.tls is set.
//
// Laid out as Beast's chat-multi example: this file starts and stops the server; listener.cpp
// accepts and admits connections (per-address limits, a reserve for health probes, the gate's own
// listener and allowlist), http_session.cpp serves requests, ws_session.cpp the stream, and
// server_core.h holds what they share. Expected I/O outcomes come back as error codes; only the
// unexpected throws, caught at each coroutine's boundary. Nothing blocks the loop: store and file
// reads run on a worker pool of two threads, and rounds reach WebSocket clients through
// publish(), serialized once per round and shared by every client's bounded queue.
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyze/anomaly_signal.h"
#include "analyze/round_analyzer.h"
#include "config/config.h"
#include "present/alert_views.h"
#include "present/failover_hooks.h"
#include "present/metrics.h"  // CloudWatchStats
#include "present/cluster_hooks.h"
#include "present/reload_hooks.h"
#include "store/batch_writer.h"

namespace rg {

struct ServerCore;

class ApiServer {
 public:
  struct Hooks {
    // POST /api/v1/probe: start a round now; false when none was started.
    std::function<bool()> trigger_round;
    // For /metrics: the BatchWriter's counters. May be empty.
    std::function<BatchWriter::Stats()> store_stats;
    // For /metrics: anomaly detection's counters (app/anomaly_runner.h). May be empty.
    std::function<AnomalyStats()> anomaly_stats;
    // The alert list, silences and alert metrics (app/alerting.h). Members may be empty.
    AlertHooks alerts;
    // Applications, failover operations and the data-plane gate (present/failover_api.h).
    FailoverHooks failover;
    // For /metrics: the CloudWatch publisher's counters (present/cloudwatch/cloudwatch_publisher.h). May be empty.
    std::function<CloudWatchStats()> cloudwatch_stats;
    // POST /api/v1/reload and the reload metrics (app/config_reload.h). Members may be empty.
    ReloadHooks reload;
    // GET /api/v1/cluster and the cluster metrics (cluster/cluster_agent.h). Empty: alone.
    ClusterHooks cluster{};
  };

  // Reads server.token_file, loads the TLS certificate, opens the read-only store connection and
  // starts listening on server.listen. The error says what failed (never the token).
  static std::expected<std::unique_ptr<ApiServer>, std::string> start(boost::asio::io_context& io,
                                                                      const Config& config, Hooks hooks);
  // Forgets the reads not started and waits for those running. Coroutines still pending on the io_context keep what they use alive
  // and end when it runs again or is destroyed.
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // After every analysed round (on the loop): updates what the API answers and pushes a "round"
  // message to every WebSocket client, with the round's anomaly signals and the applications'
  // failover state (an array, as GET /api/v1/applications).
  void publish(std::uint64_t round, const AnalyzedRound& analyzed, std::vector<AnomalySignal> anomalies = {},
               nlohmann::json applications = nlohmann::json::array());

  // A configuration reload: the endpoints of `config` (which must outlive the server, or the next
  // reload) are listed from now on. The server's own settings (listen, TLS, token, limits) stay as
  // they started: they need a restart. WebSocket clients stay connected.
  void reconfigure(const Config& config);

  // Graceful shutdown: stops accepting, sends WebSocket clients a close frame (1001), closes
  // HTTP connections, and calls `on_stopped` on the loop once every connection has ended or
  // after a second, whichever is first. Later calls do nothing.
  void stop(std::function<void()> on_stopped);

  std::uint16_t port() const;
  std::uint16_t gate_port() const;  // server.gate_listen's; 0 when there is none

 private:
  explicit ApiServer(std::shared_ptr<ServerCore> core) : core_(std::move(core)) {}
  std::shared_ptr<ServerCore> core_;
};

}  // namespace rg
