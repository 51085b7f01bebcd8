#include "lab/dns_fault_proxy.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <deque>
#include <exception>
#include <memory>
#include <stdexcept>
#include <utility>

namespace rg::lab {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using boost::system::error_code;

namespace {

using namespace std::chrono_literals;

// I/O errors are expected outcomes here (clients go away, upstream is down): values, not
// exceptions.
constexpr auto as_result = asio::as_tuple(asio::use_awaitable);

// How long the proxy waits for the upstream server before it gives up on a query (the
// client will have timed out long before).
constexpr auto upstream_timeout = 5s;

constexpr std::size_t max_udp_message = 65535;

std::array<std::uint8_t, 2> length_prefix(std::size_t size) {
  return {static_cast<std::uint8_t>(size >> 8), static_cast<std::uint8_t>(size & 0xff)};
}

std::size_t prefixed_length(const std::array<std::uint8_t, 2>& prefix) {
  return static_cast<std::size_t>((prefix[0] << 8) | prefix[1]);
}

// Closes a socket that is still waiting when the upstream timeout expires, which ends the
// pending operation with operation_aborted. It shares the socket, so the timer's handler never
// outlives it.
template <typename Socket>
class Watchdog {
 public:
  Watchdog(asio::io_context& io, std::shared_ptr<Socket> socket) : timer_(io, upstream_timeout) {
    timer_.async_wait([socket = std::move(socket)](error_code ec) {
      if (!ec) {
        socket->close();
      }
    });
  }

 private:
  asio::steady_timer timer_;  // its destructor cancels the wait
};

}  // namespace

// The writing side of one client TCP connection (a coroutine reads from it). Answers are
// written one at a time, as they become ready: out of order is allowed (RFC 7766 6.2.1.1).
class DnsFaultProxy::TcpConnection : public std::enable_shared_from_this<TcpConnection> {
 public:
  explicit TcpConnection(tcp::socket socket) : socket_(std::move(socket)) {}

  tcp::socket& socket() { return socket_; }

  void send(const dns::Bytes& answer) {
    const auto prefix = length_prefix(answer.size());
    dns::Bytes framed(prefix.begin(), prefix.end());
    framed.insert(framed.end(), answer.begin(), answer.end());
    outbox_.push_back(std::move(framed));
    if (outbox_.size() == 1) {
      write_next();
    }
  }

 private:
  void write_next() {
    asio::async_write(socket_, asio::buffer(outbox_.front()), [self = shared_from_this()](error_code ec, std::size_t) {
      self->outbox_.pop_front();
      if (ec) {
        self->outbox_.clear();  // the client is gone
      } else if (!self->outbox_.empty()) {
        self->write_next();
      }
    });
  }

  tcp::socket socket_;
  std::deque<dns::Bytes> outbox_;
};

DnsFaultProxy::DnsFaultProxy(std::string upstream_address, std::uint16_t upstream_port)
    : udp_socket_(io_), acceptor_(io_) {
  const auto upstream = asio::ip::make_address(upstream_address);
  upstream_udp_ = {upstream, upstream_port};
  upstream_tcp_ = {upstream, upstream_port};
  bind_loopback();
  spawn(serve_udp());
  spawn(serve_tcp());
  thread_ = std::thread([this] { io_.run(); });
}

DnsFaultProxy::~DnsFaultProxy() {
  io_.stop();
  thread_.join();
  // Coroutines still suspended are destroyed with io_, without being resumed.
}

void DnsFaultProxy::set_fault(DnsFault fault, std::chrono::milliseconds delay) {
  const std::lock_guard lock(mutex_);
  global_fault_ = {fault, delay};
}

void DnsFaultProxy::set_fault_for(std::string qname, DnsFault fault, std::chrono::milliseconds delay) {
  const std::lock_guard lock(mutex_);
  name_faults_[dns::normalize_name(qname)] = {fault, delay};
}

void DnsFaultProxy::clear() {
  const std::lock_guard lock(mutex_);
  global_fault_ = {};
  name_faults_.clear();
}

void DnsFaultProxy::clear_for(const std::string& qname) {
  const std::lock_guard lock(mutex_);
  name_faults_.erase(dns::normalize_name(qname));
}

void DnsFaultProxy::set_loss_percent(unsigned percent) {
  const std::lock_guard lock(mutex_);
  loss_percent_ = std::min(percent, 100u);
}

DnsFaultProxy::FaultSpec DnsFaultProxy::fault_for(const std::string& qname) const {
  const std::lock_guard lock(mutex_);
  const auto found = name_faults_.find(qname);
  return found != name_faults_.end() ? found->second : global_fault_;
}

void DnsFaultProxy::bind_loopback() {
  // The kernel picks a free TCP port; the UDP socket takes the same number, or we try again.
  constexpr int attempts = 100;
  const auto loopback = asio::ip::address_v4::loopback();
  for (int attempt = 0; attempt < attempts; ++attempt) {
    acceptor_.open(tcp::v4());
    acceptor_.bind({loopback, 0});
    acceptor_.listen();
    const std::uint16_t port = acceptor_.local_endpoint().port();
    error_code ec;
    udp_socket_.open(udp::v4());
    udp_socket_.bind({loopback, port}, ec);
    if (!ec) {
      port_ = port;
      return;
    }
    udp_socket_.close();
    acceptor_.close();
  }
  throw std::runtime_error("DnsFaultProxy: no port on 127.0.0.1 free for both UDP and TCP");
}

void DnsFaultProxy::spawn(asio::awaitable<void> task) {
  asio::co_spawn(io_, std::move(task), [](std::exception_ptr error) {
    // A bug in the proxy must not take the test process down through io_context::run.
    if (error) {
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "DnsFaultProxy: %s\n", e.what());
      }
    }
  });
}

asio::awaitable<void> DnsFaultProxy::serve_udp() {
  dns::Bytes buffer(max_udp_message);
  for (;;) {
    udp::endpoint client;
    const auto [ec, size] = co_await udp_socket_.async_receive_from(asio::buffer(buffer), client, as_result);
    if (ec == asio::error::operation_aborted) {
      co_return;
    }
    if (ec) {
      continue;
    }
    spawn(answer(Transport::udp, dns::Bytes(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(size)),
                 [this, client](dns::Bytes datagram) {
                   auto shared = std::make_shared<dns::Bytes>(std::move(datagram));
                   udp_socket_.async_send_to(asio::buffer(*shared), client, [shared](error_code, std::size_t) {});
                 }));
  }
}

asio::awaitable<void> DnsFaultProxy::serve_tcp() {
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(as_result);
    if (ec == asio::error::operation_aborted) {
      co_return;
    }
    if (!ec) {
      spawn(serve_tcp_connection(std::move(socket)));
    }
  }
}

asio::awaitable<void> DnsFaultProxy::serve_tcp_connection(tcp::socket socket) {
  const auto connection = std::make_shared<TcpConnection>(std::move(socket));
  for (;;) {
    std::array<std::uint8_t, 2> prefix{};
    if (auto [ec, read] = co_await asio::async_read(connection->socket(), asio::buffer(prefix), as_result); ec) {
      co_return;  // the client closed the connection
    }
    dns::Bytes query(prefixed_length(prefix));
    if (auto [ec, read] = co_await asio::async_read(connection->socket(), asio::buffer(query), as_result); ec) {
      co_return;
    }
    // Each query is answered on its own, so a delayed answer does not hold up the next query.
    // The reply keeps the connection open until its answer is written.
    spawn(answer(Transport::tcp, std::move(query), [connection](dns::Bytes reply) { connection->send(reply); }));
  }
}

asio::awaitable<void> DnsFaultProxy::answer(Transport transport, dns::Bytes query, Reply reply) {
  ++queries_seen_;
  if (transport == Transport::tcp) {
    ++tcp_queries_seen_;
  }
  const auto view = dns::parse_query(query);
  if (!view || view->header.qr()) {
    co_return;  // nothing we could answer in the client's name
  }
  FaultSpec spec = fault_for(dns::normalize_name(view->question.name));
  if (spec.fault == DnsFault::drop) {
    co_return;
  }
  if (spec.fault == DnsFault::loss) {
    const std::scoped_lock lock(mutex_);
    if (std::uniform_int_distribution<unsigned>(0, 99)(random_) < loss_percent_) {
      co_return;
    }
    if (spec.delay > 0ms) {
      spec.delay = std::chrono::milliseconds(
          std::uniform_int_distribution<std::chrono::milliseconds::rep>(0, spec.delay.count())(random_));
    }
  }

  std::optional<dns::Bytes> response = dns::made_up_answer(spec.fault, transport == Transport::udp, query, *view);
  if (!response && spec.fault == DnsFault::nodata) {
    const auto probe_answer = co_await ask_upstream(transport, dns::make_nodata_probe(query, *view));
    if (probe_answer) {
      response = dns::make_nodata_answer(*probe_answer, view->question.type);
      if (!response) {
        response = dns::make_nodata_answer(query, *view);  // upstream's answer was unreadable
      }
    }
  } else if (!response) {
    // Relayed over the client's transport, so a TCP fallback really goes over TCP.
    response = co_await ask_upstream(transport, std::move(query));
  }
  if (!response) {
    co_return;  // upstream is silent: so are we, and the client times out as without us
  }

  if (spec.delay > 0ms) {
    // A timer per answer: one slow answer never holds up another query.
    asio::steady_timer timer(io_, spec.delay);
    co_await timer.async_wait(as_result);
  }
  reply(std::move(*response));
}

asio::awaitable<std::optional<dns::Bytes>> DnsFaultProxy::ask_upstream(Transport transport, dns::Bytes query) {
  if (transport == Transport::udp) {
    co_return co_await ask_upstream_udp(std::move(query));
  }
  co_return co_await ask_upstream_tcp(std::move(query));
}

asio::awaitable<std::optional<dns::Bytes>> DnsFaultProxy::ask_upstream_udp(dns::Bytes query) {
  // A socket per query, connected to upstream: the answer needs no matching by ID and an
  // unreachable upstream shows up as an error instead of silence.
  const auto socket = std::make_shared<udp::socket>(io_);
  const Watchdog watchdog(io_, socket);
  error_code ec;
  socket->open(upstream_udp_.protocol(), ec);
  if (!ec) {
    socket->connect(upstream_udp_, ec);
  }
  if (ec) {
    co_return std::nullopt;
  }
  if (auto [send_ec, sent] = co_await socket->async_send(asio::buffer(query), as_result); send_ec) {
    co_return std::nullopt;
  }
  dns::Bytes response(max_udp_message);
  const auto [receive_ec, size] = co_await socket->async_receive(asio::buffer(response), as_result);
  if (receive_ec) {
    co_return std::nullopt;
  }
  response.resize(size);
  co_return response;
}

asio::awaitable<std::optional<dns::Bytes>> DnsFaultProxy::ask_upstream_tcp(dns::Bytes query) {
  const auto socket = std::make_shared<tcp::socket>(io_);
  const Watchdog watchdog(io_, socket);
  if (auto [ec] = co_await socket->async_connect(upstream_tcp_, as_result); ec) {
    co_return std::nullopt;
  }
  const auto prefix = length_prefix(query.size());
  const std::array<asio::const_buffer, 2> request{asio::buffer(prefix), asio::buffer(query)};
  if (auto [ec, written] = co_await asio::async_write(*socket, request, as_result); ec) {
    co_return std::nullopt;
  }
  std::array<std::uint8_t, 2> response_prefix{};
  if (auto [ec, read] = co_await asio::async_read(*socket, asio::buffer(response_prefix), as_result); ec) {
    co_return std::nullopt;
  }
  dns::Bytes response(prefixed_length(response_prefix));
  if (auto [ec, read] = co_await asio::async_read(*socket, asio::buffer(response), as_result); ec) {
    co_return std::nullopt;
  }
  co_return response;
}

}  // namespace rg::lab
