#pragma once
// What every coroutine of the HTTP server shares (listener.cpp, http_session.cpp,
// ws_session.cpp): the configuration, the dashboard state and handler, the WebSocket hub, the
// worker pool, the connection budgets and the refusal log. Coroutines hold it by shared_ptr, so
// whatever is still pending when the server object goes away keeps it alive until the io_context
// drops them. Everything here is touched on the loop's thread only, except the reads lane.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "config/config.h"
#include "core/worker_pool.h"
#include "present/api_handler.h"
#include "present/connection_budget.h"
#include "present/dashboard_state.h"
#include "present/metrics.h"
#include "present/refusals.h"
#include "present/ws_hub.h"

namespace rg {

inline constexpr std::size_t kServerWorkerThreads = 2;
inline constexpr std::size_t kMaxPendingJobs = 64;  // store and file reads queued or running
// The Server header: the product, not its version (which would tell an attacker what to try).
inline constexpr std::string_view kServerName = "regionguard";

// One accepted connection: where it came from and what its listener lets it ask.
struct ConnectionInfo {
  std::string client;  // address_key() of the peer
  ApiRequest::Listener listener = ApiRequest::Listener::main;
};

struct ServerCore : std::enable_shared_from_this<ServerCore> {
  ServerCore(boost::asio::io_context& io_context, const Config& configuration);

  SharedMessage snapshot_message();
  // Counts the refusal and logs it, at most once a minute per reason and source.
  void note_refusal(RefusalReason reason, const std::string& client, std::string_view detail = {});
  std::vector<std::pair<std::string, std::uint64_t>> refusal_counts() const;

  // Closing every HTTP connection at shutdown: each registers how to close itself.
  class Registration {
   public:
    Registration(ServerCore& core, std::function<void()> close);
    ~Registration() { reset(); }
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;
    void reset();

   private:
    ServerCore* core_;
    std::uint64_t id_;
  };

  boost::asio::io_context& io;
  const Config& config;
  DashboardState state;
  ProbeMetrics probes;
  WsHub hub;
  std::unique_ptr<ApiHandler> handler;
  std::unique_ptr<boost::asio::ssl::context> tls;
  boost::asio::ip::tcp::acceptor acceptor;
  std::optional<boost::asio::ip::tcp::acceptor> gate_acceptor;  // server.gate_listen
  ConnectionBudget budget;       // server.listen
  ConnectionBudget gate_budget;  // server.gate_listen
  RecentProbers probers;         // sources whose probes were answered: the reserve keeps places for them
  RefusalLog refusals;
  // Threads of its own, not the pipeline's pool: a burst of history reads must neither delay a
  // round's writes nor wait behind a retention pass, and the server also runs without a pipeline.
  WorkerLane reads{{.width = kServerWorkerThreads, .capacity = kMaxPendingJobs}};
  std::size_t pending_jobs = 0;
  std::size_t connections = 0;  // open connections on every listener, HTTP and WebSocket
  std::size_t refusals_in_flight = 0;  // refused connections still being answered
  std::map<std::uint64_t, std::function<void()>> closers;
  std::uint64_t next_connection_id = 0;
  SharedMessage snapshot;  // of the current round, built on the first connect after it
  bool stopping = false;
};

}  // namespace rg
