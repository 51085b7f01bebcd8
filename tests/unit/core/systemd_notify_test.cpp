// SystemdNotifier against a datagram socket this test binds, as the service manager would: what
// goes out, that nothing goes out without NOTIFY_SOCKET, and whose watchdog WATCHDOG_PID names.
#include "core/systemd_notify.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

namespace rg {
namespace {

using namespace std::chrono_literals;

// An abstract socket: nothing to clean up, and unique to this process.
class Manager {
 public:
  Manager() : name_("@rg-notify-unit-" + std::to_string(::getpid())) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path + 1, name_.data() + 1, name_.size() - 1);
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name_.size());
    EXPECT_EQ(::bind(fd_, reinterpret_cast<const sockaddr*>(&address), length), 0) << std::strerror(errno);
  }
  ~Manager() { ::close(fd_); }
  const std::string& name() const { return name_; }

  // The next datagram, or "" after a second.
  std::string next() {
    pollfd waiting{fd_, POLLIN, 0};
    if (::poll(&waiting, 1, 1000) <= 0) return {};
    char buffer[1024];
    const auto got = ::recv(fd_, buffer, sizeof buffer, 0);
    return got > 0 ? std::string(buffer, static_cast<std::size_t>(got)) : std::string();
  }

 private:
  std::string name_;
  int fd_ = -1;
};

TEST(SystemdNotifier, SendsEachStateAsOneDatagram) {
  Manager manager;
  SystemdNotifier notifier(manager.name(), std::nullopt);
  ASSERT_TRUE(notifier.enabled());
  EXPECT_TRUE(notifier.ready());
  EXPECT_EQ(manager.next(), "READY=1");
  // A newline in the text would start another assignment: it becomes a space.
  EXPECT_TRUE(notifier.status("round 7:\n3 healthy"));
  EXPECT_EQ(manager.next(), "STATUS=round 7: 3 healthy");
  EXPECT_TRUE(notifier.reloading("reloading"));
  const auto reloading = manager.next();
  EXPECT_TRUE(reloading.starts_with("RELOADING=1\nMONOTONIC_USEC=")) << reloading;
  EXPECT_TRUE(reloading.ends_with("\nSTATUS=reloading")) << reloading;
  EXPECT_TRUE(notifier.reloaded("round 8"));
  EXPECT_EQ(manager.next(), "READY=1\nSTATUS=round 8");
  EXPECT_EQ(notifier.failures(), 0u);
}

TEST(SystemdNotifier, WithoutASocketNothingIsSent) {
  SystemdNotifier none("", std::nullopt);
  EXPECT_FALSE(none.enabled());
  EXPECT_FALSE(none.ready());
  // Only paths and abstract names: anything else (vsock, garbage) is not a socket we speak to.
  EXPECT_FALSE(SystemdNotifier("vsock:2:1234", std::nullopt).enabled());
}

TEST(SystemdNotifier, AManagerThatIsGoneCountsAFailureAndNeverBlocks) {
  SystemdNotifier notifier("@rg-notify-unit-nobody-" + std::to_string(::getpid()), std::nullopt);
  EXPECT_FALSE(notifier.ready());
  EXPECT_EQ(notifier.failures(), 1u);
}

TEST(SystemdNotifier, TheWatchdogIsOursOnlyWhenWatchdogPidNamesThisProcess) {
  ::setenv("NOTIFY_SOCKET", "@rg-notify-unit-env", 1);
  ::setenv("WATCHDOG_USEC", "30000000", 1);
  ::unsetenv("WATCHDOG_PID");
  EXPECT_EQ(SystemdNotifier::from_environment().watchdog(), std::chrono::microseconds(30s));
  ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
  EXPECT_EQ(SystemdNotifier::from_environment().watchdog(), std::chrono::microseconds(30s));
  ::setenv("WATCHDOG_PID", std::to_string(::getpid() + 1).c_str(), 1);  // meant for another process
  EXPECT_EQ(SystemdNotifier::from_environment().watchdog(), std::nullopt);
  ::setenv("WATCHDOG_USEC", "soon", 1);
  ::unsetenv("WATCHDOG_PID");
  EXPECT_EQ(SystemdNotifier::from_environment().watchdog(), std::nullopt);
  ::unsetenv("NOTIFY_SOCKET");
  ::unsetenv("WATCHDOG_USEC");
}

}  // namespace
}  // namespace rg
