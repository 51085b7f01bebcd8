#include "lab/free_port.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace rg::lab {

namespace {

// Closes the descriptor when it goes out of scope.
class Socket {
 public:
  explicit Socket(int type) : fd_(::socket(AF_INET, type | SOCK_CLOEXEC, 0)) {
    if (fd_ < 0) {
      throw std::system_error(errno, std::generic_category(), "socket");
    }
  }
  ~Socket() { ::close(fd_); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  bool bind_loopback(std::uint16_t port) const {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return ::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  }

  std::uint16_t local_port() const {
    sockaddr_in address{};
    socklen_t length = sizeof address;
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::system_error(errno, std::generic_category(), "getsockname");
    }
    return ntohs(address.sin_port);
  }

 private:
  int fd_;
};

}  // namespace

std::uint16_t free_port() {
  constexpr int attempts = 100;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    // The kernel picks a free TCP port; the same number must also be free for UDP.
    Socket tcp(SOCK_STREAM);
    if (!tcp.bind_loopback(0)) {
      throw std::system_error(errno, std::generic_category(), "bind 127.0.0.1:0 (TCP)");
    }
    const std::uint16_t port = tcp.local_port();
    Socket udp(SOCK_DGRAM);
    if (udp.bind_loopback(port)) {
      return port;
    }
  }
  throw std::runtime_error("free_port: no port on 127.0.0.1 free for both UDP and TCP");
}

}  // namespace rg::lab
