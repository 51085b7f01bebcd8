#include "present/api_server.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <filesystem>

#include "present/client_stream.h"
#include "present/listener.h"
#include "present/server_core.h"
#include "store/open_store.h"

namespace rg {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using asio::ip::tcp;

namespace {

using namespace std::chrono_literals;

constexpr auto kShutdownGrace = 1s;
constexpr std::size_t kReservedDescriptors = 256;  // probes, the store, logs

// Raises the soft limit on open files towards every listener's connections plus room for probes
// and the store.
void raise_descriptor_limit(std::size_t connections) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const rlim_t wanted = static_cast<rlim_t>(connections + kReservedDescriptors);
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted)
    spdlog::warn("only {} file descriptors allowed: fewer than the server's connection limits need ({}); raise "
                 "`ulimit -n`",
                 limit.rlim_cur, wanted);
}

std::expected<std::unique_ptr<ssl::context>, std::string> load_tls(const ServerTlsConfig& files) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  boost::system::error_code ec;
  context->use_certificate_chain_file(files.cert, ec);
  if (ec) return std::unexpected("server.tls.cert " + files.cert + ": " + ec.message());
  context->use_private_key_file(files.key, ssl::context::pem, ec);
  if (ec) return std::unexpected("server.tls.key " + files.key + ": " + ec.message());
  return context;
}

std::expected<void, std::string> listen_on(tcp::acceptor& acceptor, const NetworkAddress& where, std::string_view key) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(where.host, ec);
  if (ec) return std::unexpected("server." + std::string(key) + " " + where.to_string() + ": " + ec.message());
  const tcp::endpoint endpoint(address, where.port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return std::unexpected("cannot listen on " + where.to_string() + ": " + ec.message());
  return {};
}

std::uint16_t port_of(const tcp::acceptor& acceptor) {
  boost::system::error_code ec;
  const auto endpoint = acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

}  // namespace

std::expected<std::unique_ptr<ApiServer>, std::string> ApiServer::start(asio::io_context& io, const Config& config,
                                                                        Hooks hooks) {
  const ServerConfig& server = config.server;
  auto token = load_token(server);
  if (!token) return std::unexpected(token.error());
  auto core = std::make_shared<ServerCore>(io, config);
  if (server.tls) {
    auto tls = load_tls(*server.tls);
    if (!tls) return std::unexpected(tls.error());
    core->tls = std::move(*tls);
  }

  ApiHandler::Options options;
  options.token = std::move(*token);
  options.auth_reads = server.auth_reads;
  options.web_root = server.web_root;
  options.store_open = true;  // the pipeline opened it before starting the server
  options.listen_host = server.listen.host;
  options.allowed_hosts = server.allowed_hosts;
  options.tls = server.tls.has_value();
  options.max_clients = server.max_clients;
  options.max_clients_per_address = server.max_clients_per_address;
  if (config.store.path == ":memory:") {
    options.history_problem = "store.path is :memory:, which no second connection can read";
  } else if (auto store = open_store(config.store, StoreAccess::read_only)) {
    options.history = std::move(store->history);
  } else {
    options.history_problem = store.error().message;
    spdlog::warn("history queries unavailable: {}", store.error().message);
  }
  ServerCore* raw = core.get();  // the handler lives inside the core
  ApiHandler::Hooks handler_hooks;
  handler_hooks.trigger_round = std::move(hooks.trigger_round);
  if (hooks.store_stats)
    handler_hooks.store_stats = [stats = std::move(hooks.store_stats)] { return std::optional(stats()); };
  if (hooks.anomaly_stats)
    handler_hooks.anomaly_stats = [stats = std::move(hooks.anomaly_stats)] { return std::optional(stats()); };
  handler_hooks.alerts = std::move(hooks.alerts);
  handler_hooks.failover = std::move(hooks.failover);
  handler_hooks.reload = std::move(hooks.reload);
  handler_hooks.cluster = std::move(hooks.cluster);
  if (hooks.cloudwatch_stats)
    handler_hooks.cloudwatch_stats = [stats = std::move(hooks.cloudwatch_stats)] { return std::optional(stats()); };
  handler_hooks.ws_clients = [raw] { return static_cast<std::uint64_t>(raw->hub.size()); };
  handler_hooks.ws_dropped = [raw] { return raw->hub.dropped(); };
  handler_hooks.refusals = [raw] { return raw->refusal_counts(); };
  const bool has_token = !options.token.empty();
  core->handler = std::make_unique<ApiHandler>(core->state, core->probes, std::move(options), std::move(handler_hooks));

  if (auto listening = listen_on(core->acceptor, server.listen, "listen"); !listening)
    return std::unexpected(listening.error());
  std::size_t connections = static_cast<std::size_t>(server.max_clients) + core->budget.limits().reserve;
  if (server.gate_listen) {
    core->gate_acceptor.emplace(io);
    if (auto listening = listen_on(*core->gate_acceptor, *server.gate_listen, "gate_listen"); !listening)
      return std::unexpected(listening.error());
    connections += static_cast<std::size_t>(server.gate_max_clients);
  }
  raise_descriptor_limit(connections);
  asio::co_spawn(io, accept_loop(core, core->acceptor, ApiRequest::Listener::main), log_unexpected("HTTP acceptor"));
  if (core->gate_acceptor)
    asio::co_spawn(io, accept_loop(core, *core->gate_acceptor, ApiRequest::Listener::gate),
                   log_unexpected("gate acceptor"));

  const std::string scheme = core->tls ? "https" : "http";
  spdlog::info("serving the API and dashboard on {}://{}", scheme, server.listen.to_string());
  if (server.gate_listen)
    spdlog::info("serving the data-plane gate on {}://{}{}", scheme, server.gate_listen->to_string(),
                 server.gate_allow.empty() ? "" : " (sources in server.gate_allow only)");
  if (!asio::ip::make_address(server.listen.host).is_loopback() && !core->tls)
    spdlog::warn("server.listen {} is reachable from other machines over plain HTTP{}; add server.tls",
                 server.listen.to_string(), has_token ? ", and the bearer token travels in clear" : "");
  if (!has_token) spdlog::info("POST /api/v1/probe is disabled: no server.token or server.token_file");
  if (std::error_code missing; !std::filesystem::exists(std::filesystem::path(server.web_root) / "index.html", missing))
    spdlog::warn("dashboard not built: no index.html in server.web_root {} (cmake --build <build dir> --target web)",
                 server.web_root);
  return std::unique_ptr<ApiServer>(new ApiServer(std::move(core)));
}

ApiServer::~ApiServer() {
  core_->reads.abandon();
  core_->reads.wait_idle();
}

std::uint16_t ApiServer::port() const { return port_of(core_->acceptor); }

std::uint16_t ApiServer::gate_port() const { return core_->gate_acceptor ? port_of(*core_->gate_acceptor) : 0; }

void ApiServer::publish(std::uint64_t round, const AnalyzedRound& analyzed, std::vector<AnomalySignal> anomalies,
                        nlohmann::json applications) {
  ServerCore& core = *core_;
  const TimePoint now = now_us();
  core.state.update(round, now, analyzed);
  core.state.set_anomalies(std::move(anomalies));
  core.state.set_applications(std::move(applications));
  core.probes.observe(analyzed, core.state);
  core.snapshot.reset();
  if (core.hub.size() == 0) return;
  // Serialized once, shared by every client's queue.
  core.hub.broadcast(std::make_shared<const std::string>(core.state.stream_message("round", now)));
}

void ApiServer::reconfigure(const Config& config) {
  core_->state.reconfigure(config);
  core_->snapshot.reset();  // a client connecting now sees the new endpoint list
}

void ApiServer::stop(std::function<void()> on_stopped) {
  auto core = core_;
  if (core->stopping) return;
  core->stopping = true;
  boost::system::error_code ec;
  core->acceptor.close(ec);
  if (core->gate_acceptor) core->gate_acceptor->close(ec);
  core->hub.close_all();
  auto closers = core->closers;  // a closer may end its connection, which unregisters it
  for (auto& [id, close] : closers) close();
  asio::co_spawn(
      core->io,
      [core, on_stopped = std::move(on_stopped)]() -> asio::awaitable<void> {
        const auto deadline = std::chrono::steady_clock::now() + kShutdownGrace;
        asio::steady_timer timer(core->io);
        while (core->connections > 0 && std::chrono::steady_clock::now() < deadline) {
          timer.expires_after(10ms);
          co_await timer.async_wait(nothrow);
        }
        if (on_stopped) on_stopped();
      },
      log_unexpected("HTTP server shutdown"));
}

}  // namespace rg
