#pragma once

#include "lab/dns_fault.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>

namespace rg::lab {

// A DNS proxy on 127.0.0.1 (one port, UDP and TCP) in front of a real server, which answers
// the way a failing DNS does: late, never, with an error, empty, truncated or broken.
// It runs its own io_context on its own thread; the setters may be called from any thread
// and apply to queries that arrive afterwards.
class DnsFaultProxy {
 public:
  DnsFaultProxy(std::string upstream_address, std::uint16_t upstream_port);
  ~DnsFaultProxy();  // stops the thread; queries in flight get no answer

  DnsFaultProxy(const DnsFaultProxy&) = delete;
  DnsFaultProxy& operator=(const DnsFaultProxy&) = delete;

  std::uint16_t port() const { return port_; }  // same port for UDP and TCP
  std::string address() const { return "127.0.0.1"; }

  // For every name. `delay` holds back whatever answer the fault gives (for DnsFault::delay,
  // the relayed upstream answer) without blocking other queries.
  void set_fault(DnsFault fault, std::chrono::milliseconds delay = {});
  // For one name (case-insensitive, with or without the trailing dot); overrides set_fault.
  void set_fault_for(std::string qname, DnsFault fault, std::chrono::milliseconds delay = {});
  void clear();  // no faults, for every name
  void clear_for(const std::string& qname);  // this name follows set_fault again
  // The share of queries DnsFault::loss loses, 0 to 100 (default 20).
  void set_loss_percent(unsigned percent);

  std::size_t queries_seen() const { return queries_seen_; }          // UDP and TCP
  std::size_t tcp_queries_seen() const { return tcp_queries_seen_; }  // TCP only

 private:
  struct FaultSpec {
    DnsFault fault = DnsFault::none;
    std::chrono::milliseconds delay{};
  };
  enum class Transport { udp, tcp };
  using Reply = std::function<void(dns::Bytes)>;
  class TcpConnection;

  FaultSpec fault_for(const std::string& qname) const;
  void bind_loopback();
  void spawn(boost::asio::awaitable<void> task);

  // Coroutines on the proxy's thread, one per listening socket, client connection and query.
  boost::asio::awaitable<void> serve_udp();
  boost::asio::awaitable<void> serve_tcp();
  boost::asio::awaitable<void> serve_tcp_connection(boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<void> answer(Transport transport, dns::Bytes query, Reply reply);
  boost::asio::awaitable<std::optional<dns::Bytes>> ask_upstream(Transport transport, dns::Bytes query);
  boost::asio::awaitable<std::optional<dns::Bytes>> ask_upstream_udp(dns::Bytes query);
  boost::asio::awaitable<std::optional<dns::Bytes>> ask_upstream_tcp(dns::Bytes query);

  boost::asio::io_context io_;  // first member: destroyed last, after every socket
  boost::asio::ip::udp::socket udp_socket_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::ip::udp::endpoint upstream_udp_;
  boost::asio::ip::tcp::endpoint upstream_tcp_;
  std::uint16_t port_ = 0;

  mutable std::mutex mutex_;  // guards the two fault settings
  FaultSpec global_fault_;
  std::unordered_map<std::string, FaultSpec> name_faults_;  // keys from dns::normalize_name
  unsigned loss_percent_ = 20;
  std::minstd_rand random_{0x5eed};  // loss and jitter; guarded by mutex_ too

  std::atomic<std::size_t> queries_seen_{0};
  std::atomic<std::size_t> tcp_queries_seen_{0};

  std::thread thread_;  // last member: starts when everything it uses exists
};

}  // namespace rg::lab
