#pragma once
// One c-ares channel driven by an Asio io_context: c-ares tells us which sockets it wants watched
// (socket-state callback) and we tell it when they are ready; one timer follows ares_timeout().
// No threads, so thousands of queries share one loop (Envoy's cares/dns_impl.cc works this way).
#include <ares.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/network_address.h"

namespace rg {

struct CaresChannelOptions {
  std::vector<NetworkAddress> servers;  // empty: the system's (/etc/resolv.conf)
  std::chrono::milliseconds timeout{5000};  // for one attempt at one server
  bool tcp_only = false;                 // ARES_FLAG_USEVC: every query over TCP
};

class CaresChannel {
 public:
  // status is an ARES_* code; on ARES_SUCCESS `answer` holds the raw response packet.
  using Callback = std::function<void(int status, std::span<const unsigned char> answer)>;

  // Throws std::runtime_error when c-ares cannot be set up (bad server list, out of memory):
  // that is a configuration or system problem, not a probe result.
  CaresChannel(boost::asio::io_context& io, CaresChannelOptions options);
  ~CaresChannel();
  CaresChannel(const CaresChannel&) = delete;
  CaresChannel& operator=(const CaresChannel&) = delete;

  // Sends a query for `name`/`type`; the callback runs on the io_context thread exactly once,
  // unless the channel is destroyed first (then never).
  void query(const std::string& name, std::uint16_t type, Callback callback);

  std::size_t in_flight() const { return in_flight_; }

 private:
  struct Watch;
  static void on_socket_state(void* self, ares_socket_t fd, int readable, int writable);
  void update_watch(ares_socket_t fd, bool readable, bool writable);
  void arm_read(const std::shared_ptr<Watch>& watch);
  void arm_write(const std::shared_ptr<Watch>& watch);
  void arm_timer();
  void init_channel();
  void rebuild_if_refused();

  boost::asio::io_context& io_;
  CaresChannelOptions options_;
  ares_channel channel_ = nullptr;
  boost::asio::steady_timer timer_;
  bool timer_armed_ = false;
  std::unordered_map<ares_socket_t, std::shared_ptr<Watch>> watches_;
  std::size_t in_flight_ = 0;
  std::mt19937 query_ids_{std::random_device{}()};  // unpredictable DNS IDs, one per query
  bool saw_connection_refused_ = false;
};

}  // namespace rg
