#pragma once
// Sends each notification to every notifier that wants its severity, on the event loop and
// without waiting: every notifier has its own queue, so one that is down (a webhook timing out)
// delays nothing else. A failed attempt is retried after `backoff`, doubled each time, up to the
// notifier's `attempts`; then the notification is logged as failed and counted (for /metrics) —
// never dropped silently. A resolved notification goes to every notifier that carried the group.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "notify/notifier.h"

namespace rg {

struct NotifierStats {
  std::string name;
  std::string type;
  std::uint64_t sent = 0;     // delivered notifications
  std::uint64_t failed = 0;   // given up after every attempt
  std::uint64_t retries = 0;  // attempts after the first
  std::size_t queued = 0;     // waiting or in flight
};

class NotificationDispatcher {
 public:
  static constexpr std::size_t kMaxQueue = 1000;  // per notifier; beyond it the oldest is counted failed

  NotificationDispatcher(boost::asio::io_context& io, std::vector<std::unique_ptr<Notifier>> notifiers);
  ~NotificationDispatcher();
  NotificationDispatcher(const NotificationDispatcher&) = delete;
  NotificationDispatcher& operator=(const NotificationDispatcher&) = delete;

  void dispatch(const Notification& notification);
  std::vector<NotifierStats> stats() const;
  // Nothing queued or in flight anywhere (tests, shutdown).
  bool idle() const;

 private:
  struct Lane;
  void pump(Lane& lane);
  void attempt(Lane& lane);
  void finish_attempt(Lane& lane, const std::string& error);

  boost::asio::io_context& io_;
  std::vector<std::unique_ptr<Lane>> lanes_;
};

}  // namespace rg
