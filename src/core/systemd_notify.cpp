#include "core/systemd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

namespace rg {
namespace {

std::optional<std::chrono::microseconds> watchdog_from_environment() {
  const char* usec = std::getenv("WATCHDOG_USEC");
  if (!usec || !*usec) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const unsigned long long value = std::strtoull(usec, &end, 10);
  if (errno != 0 || *end != '\0' || value == 0) return std::nullopt;
  // WATCHDOG_PID names the process the watchdog is meant for; a child that inherited the
  // environment must not ping for its parent.
  if (const char* pid = std::getenv("WATCHDOG_PID"); pid && *pid) {
    if (std::strtoll(pid, nullptr, 10) != static_cast<long long>(::getpid())) return std::nullopt;
  }
  return std::chrono::microseconds(static_cast<std::int64_t>(value));
}

std::string one_line(std::string_view text) {
  std::string line(text);
  std::replace(line.begin(), line.end(), '\n', ' ');
  return line;
}

}  // namespace

std::uint64_t monotonic_usec() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000u + static_cast<std::uint64_t>(now.tv_nsec) / 1000u;
}

SystemdNotifier SystemdNotifier::from_environment() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  return SystemdNotifier(socket ? socket : "", watchdog_from_environment());
}

SystemdNotifier::SystemdNotifier(std::string socket_name, std::optional<std::chrono::microseconds> watchdog)
    : socket_name_(std::move(socket_name)), watchdog_(watchdog) {
  // Only a path or an abstract name; sd_notify(3) also knows vsock, which a host daemon never gets.
  if (!socket_name_.empty() && socket_name_[0] != '/' && socket_name_[0] != '@') socket_name_.clear();
  if (socket_name_.size() >= sizeof(sockaddr_un::sun_path)) socket_name_.clear();
  if (socket_name_.empty()) return;
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd_ < 0) socket_name_.clear();
}

SystemdNotifier::~SystemdNotifier() {
  if (fd_ >= 0) ::close(fd_);
}

SystemdNotifier::SystemdNotifier(SystemdNotifier&& other) noexcept
    : socket_name_(std::move(other.socket_name_)),
      watchdog_(other.watchdog_),
      fd_(std::exchange(other.fd_, -1)),
      failures_(other.failures_) {
  other.socket_name_.clear();
}

bool SystemdNotifier::notify(std::string_view state) {
  if (!enabled()) return false;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, socket_name_.data(), socket_name_.size());
  // An abstract name starts with a NUL byte in place of the '@', and its length is exact (no
  // terminating NUL); a path's length includes its terminator.
  if (address.sun_path[0] == '@') address.sun_path[0] = '\0';
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_name_.size() +
                                             (socket_name_[0] == '@' ? 0 : 1));
  const auto sent = ::sendto(fd_, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<const sockaddr*>(&address),
                             length);
  if (sent != static_cast<ssize_t>(state.size())) {
    ++failures_;
    return false;
  }
  return true;
}

bool SystemdNotifier::status(std::string_view text) { return notify("STATUS=" + one_line(text)); }

bool SystemdNotifier::reloading(std::string_view status_text) {
  return notify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(monotonic_usec()) + "\nSTATUS=" + one_line(status_text));
}

bool SystemdNotifier::reloaded(std::string_view status_text) {
  return notify("READY=1\nSTATUS=" + one_line(status_text));
}

}  // namespace rg
