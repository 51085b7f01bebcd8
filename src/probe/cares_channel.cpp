#include "probe/cares_channel.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <boost/asio/post.hpp>
#include <mutex>
#include <stdexcept>

namespace rg {
namespace {

void init_library_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (const int rc = ares_library_init(ARES_LIB_INIT_ALL); rc != ARES_SUCCESS)
      throw std::runtime_error(fmt::format("c-ares: library init failed: {}", ares_strerror(rc)));
  });
}

// Owns the node list handed to ares_set_servers_ports.
std::vector<ares_addr_port_node> server_nodes(const std::vector<NetworkAddress>& servers) {
  std::vector<ares_addr_port_node> nodes(servers.size());
  for (std::size_t i = 0; i < servers.size(); ++i) {
    auto& node = nodes[i];
    node.next = i + 1 < servers.size() ? &nodes[i + 1] : nullptr;
    node.udp_port = servers[i].port;
    node.tcp_port = servers[i].port;
    if (inet_pton(AF_INET, servers[i].host.c_str(), &node.addr.addr4) == 1) {
      node.family = AF_INET;
    } else if (inet_pton(AF_INET6, servers[i].host.c_str(), &node.addr.addr6) == 1) {
      node.family = AF_INET6;
    } else {
      throw std::runtime_error(fmt::format("c-ares: resolver address '{}' is not an IP literal", servers[i].host));
    }
  }
  return nodes;
}

}  // namespace

// A socket c-ares asked us to watch. The descriptor does not own the fd: c-ares closes it, after
// telling us (readable = writable = 0), and we release it first.
struct CaresChannel::Watch {
  Watch(boost::asio::io_context& io, ares_socket_t socket) : descriptor(io, socket), fd(socket) {}
  boost::asio::posix::stream_descriptor descriptor;
  ares_socket_t fd;
  bool want_read = false;
  bool want_write = false;
  bool reading = false;
  bool writing = false;
  bool closed = false;
};

CaresChannel::CaresChannel(boost::asio::io_context& io, CaresChannelOptions options)
    : io_(io), options_(std::move(options)), timer_(io) {
  init_library_once();
  init_channel();
}

CaresChannel::~CaresChannel() {
  // ares_destroy runs every pending callback with ARES_EDESTRUCTION and closes sockets through the
  // state callback, so our watches are released before the fds disappear.
  ares_destroy(channel_);
  for (auto& [fd, watch] : watches_) {
    watch->closed = true;
    watch->descriptor.release();
  }
}

void CaresChannel::init_channel() {
  ares_options opts{};
  int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB | ARES_OPT_SOCK_RCVBUF;
  // NOCHECKRESP: hand us SERVFAIL and REFUSED answers instead of trying the next server and then
  //   reporting a generic error; the rcode is exactly what we want to record.
  // IGNTC: we do the TCP fallback ourselves, on a TCP channel, so the result can say it happened.
  // NOSEARCH: the name is absolute; never append resolv.conf search domains.
  opts.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_IGNTC | ARES_FLAG_NOSEARCH | ARES_FLAG_STAYOPEN;
  if (options_.tcp_only) opts.flags |= ARES_FLAG_USEVC;
  opts.timeout = static_cast<int>(options_.timeout.count());
  opts.tries = 1;
  // Thousands of answers can arrive while the loop is busy launching a round; the default UDP
  // receive buffer (~200 KiB) drops them and turns answered queries into timeouts.
  opts.socket_receive_buffer_size = 4 << 20;
  opts.sock_state_cb = &CaresChannel::on_socket_state;
  opts.sock_state_cb_data = this;
  if (const int rc = ares_init_options(&channel_, &opts, mask); rc != ARES_SUCCESS)
    throw std::runtime_error(fmt::format("c-ares: channel init failed: {}", ares_strerror(rc)));
  if (!options_.servers.empty()) {
    auto nodes = server_nodes(options_.servers);
    if (const int rc = ares_set_servers_ports(channel_, nodes.data()); rc != ARES_SUCCESS) {
      ares_destroy(channel_);
      channel_ = nullptr;
      throw std::runtime_error(fmt::format("c-ares: cannot set resolvers: {}", ares_strerror(rc)));
    }
  }
}

// After an ICMP "port unreachable" c-ares keeps the server marked as failing; Envoy rebuilds the
// channel in that case, and so do we, once nothing is in flight on it.
void CaresChannel::rebuild_if_refused() {
  if (!saw_connection_refused_ || in_flight_ != 0) return;
  saw_connection_refused_ = false;
  ares_destroy(channel_);
  channel_ = nullptr;
  init_channel();
}

void CaresChannel::query(const std::string& name, std::uint16_t type, Callback callback) {
  rebuild_if_refused();
  unsigned char* packet = nullptr;
  int length = 0;
  // c-ares 1.18's ares_send keeps the ID we put in the packet. A fixed ID on a long-lived socket
  // would let an off-path attacker forge answers (an NXDOMAIN could drive a failover), and it puts
  // every query in flight in one lookup bucket, so matching answers slows down as load rises.
  const auto id = static_cast<unsigned short>(query_ids_() & 0xFFFF);
  if (const int rc = ares_create_query(name.c_str(), 1 /* IN */, type, id, 1, &packet, &length, 0);
      rc != ARES_SUCCESS) {
    // Only a name c-ares cannot encode gets here; report it through the callback like any result.
    boost::asio::post(io_, [callback = std::move(callback), rc] { callback(rc, {}); });
    return;
  }
  struct Pending {
    CaresChannel* self;
    Callback callback;
  };
  auto* pending = new Pending{this, std::move(callback)};
  ++in_flight_;
  ares_send(channel_, packet, length,
            [](void* arg, int status, int /*timeouts*/, unsigned char* answer, int answer_length) {
              std::unique_ptr<Pending> p(static_cast<Pending*>(arg));
              --p->self->in_flight_;
              if (status == ARES_EDESTRUCTION) return;  // the channel (and likely its user) is going away
              if (status == ARES_ECONNREFUSED) p->self->saw_connection_refused_ = true;
              p->callback(status, std::span<const unsigned char>(answer, answer ? static_cast<std::size_t>(answer_length) : 0));
            },
            pending);
  ares_free_string(packet);
  arm_timer();
}

void CaresChannel::on_socket_state(void* self, ares_socket_t fd, int readable, int writable) {
  static_cast<CaresChannel*>(self)->update_watch(fd, readable != 0, writable != 0);
}

void CaresChannel::update_watch(ares_socket_t fd, bool readable, bool writable) {
  auto it = watches_.find(fd);
  if (!readable && !writable) {  // c-ares is about to close fd
    if (it != watches_.end()) {
      it->second->closed = true;
      it->second->descriptor.release();  // cancels waits; c-ares owns and closes the fd
      watches_.erase(it);
    }
    return;
  }
  if (it == watches_.end()) it = watches_.emplace(fd, std::make_shared<Watch>(io_, fd)).first;
  auto watch = it->second;
  watch->want_read = readable;
  watch->want_write = writable;
  if (readable) arm_read(watch);
  if (writable) arm_write(watch);
}

void CaresChannel::arm_read(const std::shared_ptr<Watch>& watch) {
  if (watch->reading || watch->closed) return;
  watch->reading = true;
  watch->descriptor.async_wait(boost::asio::posix::descriptor_base::wait_read,
                               [this, watch](const boost::system::error_code& ec) {
                                 watch->reading = false;
                                 if (ec || watch->closed) return;
                                 ares_process_fd(channel_, watch->fd, ARES_SOCKET_BAD);
                                 if (!watch->closed && watch->want_read) arm_read(watch);
                                 arm_timer();
                               });
}

void CaresChannel::arm_write(const std::shared_ptr<Watch>& watch) {
  if (watch->writing || watch->closed) return;
  watch->writing = true;
  watch->descriptor.async_wait(boost::asio::posix::descriptor_base::wait_write,
                               [this, watch](const boost::system::error_code& ec) {
                                 watch->writing = false;
                                 if (ec || watch->closed) return;
                                 ares_process_fd(channel_, ARES_SOCKET_BAD, watch->fd);
                                 if (!watch->closed && watch->want_write) arm_write(watch);
                                 arm_timer();
                               });
}

// One timer for the whole channel. Every query on a channel has the same timeout, so a deadline
// already armed is never later than that of a query sent after it; re-arm only when it fires.
void CaresChannel::arm_timer() {
  if (timer_armed_ || in_flight_ == 0) return;
  timeval buffer{};
  const timeval* next = ares_timeout(channel_, nullptr, &buffer);
  if (next == nullptr) return;
  timer_armed_ = true;
  timer_.expires_after(std::chrono::seconds(next->tv_sec) + std::chrono::microseconds(next->tv_usec) +
                       std::chrono::milliseconds(1));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: only the destructor does that, so `this` may be gone
    timer_armed_ = false;
    ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    arm_timer();
  });
}

}  // namespace rg
