#include "present/listener.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>

#include "present/http_session.h"

namespace rg {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using asio::ip::tcp;
using Admission = ConnectionBudget::Admission;

namespace {

using namespace std::chrono_literals;

constexpr auto kHandshakeTimeout = 10s;       // TLS
constexpr auto kProbeHandshakeTimeout = 2s;   // TLS, gate and reserve connections
constexpr std::size_t kMaxRefusalsInFlight = 256;

struct ConnectionCount {
  explicit ConnectionCount(ServerCore& c) : core(c) { ++core.connections; }
  ~ConnectionCount() { --core.connections; }
  ConnectionCount(const ConnectionCount&) = delete;
  ConnectionCount& operator=(const ConnectionCount&) = delete;
  ServerCore& core;
};

// An admitted connection holds its place in the budget until it ends.
struct BudgetPlace {
  BudgetPlace(ConnectionBudget& b, std::string c, Admission a) : budget(b), client(std::move(c)), admission(a) {}
  ~BudgetPlace() { budget.release(client, admission); }
  BudgetPlace(const BudgetPlace&) = delete;
  BudgetPlace& operator=(const BudgetPlace&) = delete;
  ConnectionBudget& budget;
  std::string client;
  Admission admission;
};

bool allowed_source(const std::vector<Cidr>& allow, const asio::ip::address& address) {
  if (allow.empty()) return true;
  const auto text = address.is_v6() && address.to_v6().is_v4_mapped()
                        ? asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string()
                        : address.to_string();
  return std::ranges::any_of(allow, [&](const Cidr& range) { return range.contains(text); });
}

// Beyond every budget: a short answer on plain HTTP (a TLS client would not understand it, so it
// is just closed), 429 so that it is told apart from a closed gate's 503.
asio::awaitable<void> refuse_connection(std::shared_ptr<ServerCore> core, tcp::socket socket, Admission admission) {
  // Each answer holds a descriptor for a moment: past a few hundred at once, close unanswered.
  if (core->tls || core->refusals_in_flight >= kMaxRefusalsInFlight) co_return;
  ++core->refusals_in_flight;
  struct Done {
    ServerCore& core;
    ~Done() { --core.refusals_in_flight; }
  } done{*core};
  ClientStream stream(std::move(socket));
  const auto& server = core->config.server;
  ApiResponse refusal =
      admission == Admission::refused_address
          ? too_many_requests("too many connections from this address (server.max_clients_per_address is " +
                                  std::to_string(server.max_clients_per_address) + ")",
                              RefusalReason::per_address_limit)
          : too_many_requests("too many clients (server.max_clients is " + std::to_string(server.max_clients) + ")",
                              RefusalReason::too_many_clients);
  co_await reply_and_close(stream, refusal);
}

asio::awaitable<void> serve_connection(std::shared_ptr<ServerCore> core, tcp::socket socket, ConnectionInfo info,
                                       ConnectionBudget& budget, Admission admission) {
  ConnectionCount count(*core);
  BudgetPlace place(budget, info.client, admission);
  beast::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  ClientStream stream(std::move(socket));
  if (!core->tls) {
    co_await serve_http(core, stream, info);
    co_return;
  }
  ClientTlsStream tls_stream(std::move(stream), *core->tls);
  beast::get_lowest_layer(tls_stream)
      .expires_after(info.listener == ApiRequest::Listener::main ? kHandshakeTimeout : kProbeHandshakeTimeout);
  auto [handshake_ec] = co_await tls_stream.async_handshake(ssl::stream_base::server, nothrow);
  if (handshake_ec) co_return;  // not a TLS client, or one that gave up
  co_await serve_http(core, tls_stream, info);
}

}  // namespace

std::string address_key(const asio::ip::address& address) {
  if (address.is_v4()) return address.to_string();
  const auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_string();
  auto bytes = v6.to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return asio::ip::address_v6(bytes).to_string() + "/64";
}

asio::awaitable<void> accept_loop(std::shared_ptr<ServerCore> core, tcp::acceptor& acceptor,
                                  ApiRequest::Listener listener) {
  const bool gate = listener == ApiRequest::Listener::gate;
  ConnectionBudget& budget = gate ? core->gate_budget : core->budget;
  while (!core->stopping) {
    auto [ec, socket] = co_await acceptor.async_accept(nothrow);
    if (core->stopping || ec == asio::error::operation_aborted) co_return;
    if (ec) {
      // Out of descriptors (EMFILE) or memory: wait a little instead of spinning on the error.
      spdlog::warn("cannot accept a connection: {}", ec.message());
      asio::steady_timer pause(core->io, 100ms);
      co_await pause.async_wait(nothrow);
      continue;
    }
    beast::error_code peer_ec;
    const auto peer = socket.remote_endpoint(peer_ec);
    if (peer_ec) continue;  // gone already
    ConnectionInfo info{address_key(peer.address()), listener};
    if (gate && !allowed_source(core->config.server.gate_allow, peer.address())) {
      core->note_refusal(RefusalReason::source_not_allowed, info.client, "not in server.gate_allow");
      continue;  // closed unanswered
    }
    const Admission admission = budget.admit(info.client, core->probers.contains(info.client, std::chrono::steady_clock::now()));
    if (admission == Admission::refused_address || admission == Admission::refused_total) {
      core->note_refusal(
          admission == Admission::refused_address ? RefusalReason::per_address_limit : RefusalReason::too_many_clients,
          info.client);
      asio::co_spawn(core->io, refuse_connection(core, std::move(socket), admission), log_unexpected("HTTP refusal"));
      continue;
    }
    if (admission == Admission::reserve || admission == Admission::reserve_known)
      info.listener = ApiRequest::Listener::reserve;
    asio::co_spawn(core->io, serve_connection(core, std::move(socket), info, budget, admission),
                   log_unexpected("HTTP connection"));
  }
}

}  // namespace rg
