#pragma once
// The service manager's notification protocol (sd_notify(3)), spoken directly rather than through
// libsystemd: one datagram of "KEY=VALUE" lines to the Unix socket named by $NOTIFY_SOCKET (a path,
// or an abstract socket when the name starts with '@'). The daemon says READY=1 once it serves,
// STATUS=... after each round, WATCHDOG=1 from its event loop (so a stuck loop misses pings and
// systemd restarts it), and RELOADING=1 ... READY=1 around a configuration reload.
//
// Without $NOTIFY_SOCKET (not started by systemd, or a Type= that does not listen) every call does
// nothing, so the daemon runs the same under a shell, a test or a container. Sending never blocks:
// the socket is non-blocking, and a datagram the manager cannot take is dropped and counted.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rg {

class SystemdNotifier {
 public:
  // Reads $NOTIFY_SOCKET, $WATCHDOG_USEC and $WATCHDOG_PID. The variables are left in place: the
  // daemon starts no children that should inherit the socket, and leaving them helps debugging.
  static SystemdNotifier from_environment();
  // For tests: an explicit socket name ("" disables) and watchdog interval.
  SystemdNotifier(std::string socket_name, std::optional<std::chrono::microseconds> watchdog);
  ~SystemdNotifier();
  SystemdNotifier(SystemdNotifier&& other) noexcept;
  SystemdNotifier& operator=(SystemdNotifier&&) = delete;
  SystemdNotifier(const SystemdNotifier&) = delete;
  SystemdNotifier& operator=(const SystemdNotifier&) = delete;

  bool enabled() const { return !socket_name_.empty(); }
  // The manager's watchdog timeout (WatchdogSec=), when it is enabled for this process; the
  // daemon pings at half of it, as sd_watchdog_enabled(3) advises.
  std::optional<std::chrono::microseconds> watchdog() const { return watchdog_; }

  // Sends `state` (newline-separated assignments) as one datagram; false when it was not sent
  // (disabled, or the socket refused it).
  bool notify(std::string_view state);
  bool ready() { return notify("READY=1"); }
  bool watchdog_ping() { return notify("WATCHDOG=1"); }
  // One line: newlines would start a new assignment.
  bool status(std::string_view text);
  // RELOADING=1 with the CLOCK_MONOTONIC time, which systemd 253+ requires to match a reload to
  // its READY=1 (older versions ignore the extra field).
  bool reloading(std::string_view status_text);
  // After a reload: READY=1 and the new status.
  bool reloaded(std::string_view status_text);

  std::uint64_t failures() const { return failures_; }

 private:
  std::string socket_name_;
  std::optional<std::chrono::microseconds> watchdog_;
  int fd_ = -1;
  std::uint64_t failures_ = 0;
};

// CLOCK_MONOTONIC in microseconds, as MONOTONIC_USEC= carries it.
std::uint64_t monotonic_usec();

}  // namespace rg
