// `regionguard run` under systemd's notification protocol (sd_notify(3)), with this test in the
// service manager's place: a Unix datagram socket named by NOTIFY_SOCKET, read as the daemon
// starts, runs rounds, is reloaded by SIGHUP and stops. Each state is waited for, never slept on.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "integration/api_client.h"
#include "integration/example_zone.h"
#include "support/knot_server.h"
#include "support/temp_dir.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
using testing::HasSubstr;

// The manager's end: binds the socket, collects datagrams, and sets NOTIFY_SOCKET (and a
// watchdog) for the daemon this test starts, which inherits the environment.
class NotifySocket {
 public:
  // `name`: a path, or "@..." for the abstract namespace.
  explicit NotifySocket(std::string name) : name_(std::move(name)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, name_.data(), name_.size());
    // A path's length counts its terminating NUL; an abstract name's is exact.
    auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name_.size() + 1);
    if (name_[0] == '@') {
      address.sun_path[0] = '\0';
      length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name_.size());
    }
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&address), length) != 0)
      ADD_FAILURE() << "bind " << name_ << ": " << std::strerror(errno);
    ::setenv("NOTIFY_SOCKET", name_.c_str(), 1);
  }
  ~NotifySocket() {
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
    ::close(fd_);
  }

  // Waits for a datagram for which `accept` holds, keeping every one read on the way.
  std::optional<std::string> wait_for(const std::function<bool(const std::string&)>& accept,
                                      std::chrono::milliseconds timeout = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd waiting{fd_, POLLIN, 0};
      if (::poll(&waiting, 1, static_cast<int>(left.count())) <= 0) continue;
      char buffer[4096];
      const auto got = ::recv(fd_, buffer, sizeof buffer, 0);
      if (got <= 0) continue;
      received_.emplace_back(buffer, static_cast<std::size_t>(got));
      if (accept(received_.back())) return received_.back();
    }
  }
  const std::vector<std::string>& received() const { return received_; }

 private:
  std::string name_;
  int fd_ = -1;
  std::vector<std::string> received_;
};

bool has_line(const std::string& message, const std::string& line) {
  return ("\n" + message + "\n").find("\n" + line + "\n") != std::string::npos;
}

std::string value_of(const std::string& message, const std::string& key) {
  const auto at = ("\n" + message).find("\n" + key + "=");
  if (at == std::string::npos) return {};
  const auto start = at + key.size() + 1;
  return message.substr(start, message.find('\n', start) - start);
}

std::uint64_t monotonic_now_usec() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000u + static_cast<std::uint64_t>(now.tv_nsec) / 1000u;
}

test::DaemonOptions options(const test::KnotServer& knot) {
  test::DaemonOptions options;
  options.resolver = "127.0.0.1:" + std::to_string(knot.port());
  options.endpoints = {{"dynamodb.us-east-1.example.test", "dynamodb", "us-east-1"},
                       {"s3.us-east-1.example.test", "s3", "us-east-1"},
                       {"dynamodb.eu-west-1.example.test", "dynamodb", "eu-west-1"}};
  return options;
}

TEST(SystemdNotify, ReadyOnceStoredThenStatusWatchdogAndReload) {
  test::KnotServer knot(test::example_zone());
  test::TempDir dir("rg-notify-");
  NotifySocket manager((dir.path() / "notify.sock").string());
  ::setenv("WATCHDOG_USEC", "400000", 1);  // a ping every 200 ms
  test::Daemon daemon(options(knot));

  const auto ready = manager.wait_for([](const std::string& m) { return has_line(m, "READY=1"); });
  ASSERT_TRUE(ready) << "no READY=1; log:\n" << test::file_tail(daemon.log(), 30);
  EXPECT_THAT(value_of(*ready, "STATUS"), HasSubstr("round 1: 3 endpoints, 3 healthy"));
  // READY=1 came once the first round was in the store: its history is there to read.
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  const auto history = daemon.get("/api/v1/endpoints/dynamodb.us-east-1.example.test/history?from=" +
                                  std::to_string(now.count() - 300) + "&step=1s");
  ASSERT_EQ(history.status, 200u) << history.body;
  EXPECT_FALSE(history.json()["points"].empty()) << history.body;

  // The loop pings the watchdog, and every round updates the status.
  int pings = 0;
  EXPECT_TRUE(manager.wait_for([&](const std::string& m) { return has_line(m, "WATCHDOG=1") && ++pings == 3; }));
  EXPECT_TRUE(manager.wait_for([](const std::string& m) { return value_of(m, "STATUS").starts_with("round 3:"); }));

  // SIGHUP: RELOADING=1 with the monotonic time systemd 253+ checks, then READY=1 again.
  const auto before = monotonic_now_usec();
  ASSERT_EQ(::kill(daemon.process().pid(), SIGHUP), 0);
  const auto reloading = manager.wait_for([](const std::string& m) { return has_line(m, "RELOADING=1"); });
  ASSERT_TRUE(reloading) << test::file_tail(daemon.log(), 30);
  const auto stamp = std::stoull(value_of(*reloading, "MONOTONIC_USEC"));
  EXPECT_GE(stamp, before);
  EXPECT_LE(stamp, monotonic_now_usec());
  const auto reloaded = manager.wait_for([](const std::string& m) { return has_line(m, "READY=1"); });
  ASSERT_TRUE(reloaded);
  EXPECT_THAT(value_of(*reloaded, "STATUS"), HasSubstr("endpoints"));

  daemon.process().stop();
  EXPECT_TRUE(manager.wait_for([](const std::string& m) { return has_line(m, "STOPPING=1"); }, 5s));
}

TEST(SystemdNotify, AnAbstractSocketNameIsReachedToo) {
  test::KnotServer knot(test::example_zone());
  NotifySocket manager("@regionguard-test-" + std::to_string(::getpid()));
  test::Daemon daemon(options(knot));
  EXPECT_TRUE(manager.wait_for([](const std::string& m) { return has_line(m, "READY=1"); }))
      << test::file_tail(daemon.log(), 30);
  // No WATCHDOG_USEC: no pings, however long it runs.
  EXPECT_TRUE(manager.wait_for([](const std::string& m) { return value_of(m, "STATUS").starts_with("round 3:"); }));
  for (const auto& message : manager.received()) EXPECT_FALSE(has_line(message, "WATCHDOG=1")) << message;
}

}  // namespace
}  // namespace rg
