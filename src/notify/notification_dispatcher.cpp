#include "notify/notification_dispatcher.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include <set>

#include "config/alerts_reader.h"

namespace rg {

struct NotificationDispatcher::Lane {
  Lane(boost::asio::io_context& io, std::unique_ptr<Notifier> n) : notifier(std::move(n)), timer(io) {}
  std::unique_ptr<Notifier> notifier;
  std::deque<Notification> queue;  // front() is the one being sent
  bool busy = false;
  int attempts = 0;  // of the front
  std::set<std::string> carried;  // groups this notifier has sent as firing and not yet resolved
  boost::asio::steady_timer timer;
  NotifierStats stats;
};

NotificationDispatcher::NotificationDispatcher(boost::asio::io_context& io,
                                               std::vector<std::unique_ptr<Notifier>> notifiers)
    : io_(io) {
  for (auto& notifier : notifiers) {
    auto lane = std::make_unique<Lane>(io_, std::move(notifier));
    lane->stats.name = lane->notifier->config().name;
    lane->stats.type = std::string(to_string(lane->notifier->config().kind));
    lanes_.push_back(std::move(lane));
  }
}

NotificationDispatcher::~NotificationDispatcher() {
  for (const auto& lane : lanes_)
    if (!lane->queue.empty())
      spdlog::warn("notifier {}: {} notifications not delivered at shutdown", lane->stats.name, lane->queue.size());
}

void NotificationDispatcher::dispatch(const Notification& notification) {
  for (auto& lane : lanes_) {
    const auto& config = lane->notifier->config();
    // A resolution goes wherever the firing went, whatever its severity says now.
    const bool wanted = notification.resolved ? lane->carried.erase(notification.group) > 0
                                              : notification.severity >= config.min_severity;
    if (!wanted) continue;
    if (!notification.resolved) lane->carried.insert(notification.group);
    if (lane->queue.size() >= kMaxQueue) {
      ++lane->stats.failed;
      spdlog::error("notifier {}: queue full, dropped the oldest notification '{}'", lane->stats.name,
                    lane->queue[1].title);
      lane->queue.erase(lane->queue.begin() + 1);  // not the front: it is in flight
    }
    lane->queue.push_back(notification);
    pump(*lane);
  }
}

void NotificationDispatcher::pump(Lane& lane) {
  if (lane.busy || lane.queue.empty()) return;
  lane.busy = true;
  lane.attempts = 0;
  attempt(lane);
}

void NotificationDispatcher::attempt(Lane& lane) {
  ++lane.attempts;
  if (lane.attempts > 1) ++lane.stats.retries;
  // Completions are posted, so a notifier that answers at once (no credentials) does not re-enter
  // this lane while its send() is still on the stack.
  lane.notifier->send(lane.queue.front(), [this, &lane](std::string error) {
    boost::asio::post(io_, [this, &lane, error = std::move(error)] { finish_attempt(lane, error); });
  });
}

void NotificationDispatcher::finish_attempt(Lane& lane, const std::string& error) {
  {
    const auto& config = lane.notifier->config();
    if (error.empty()) {
      ++lane.stats.sent;
      spdlog::info("notifier {}: sent '{}'", lane.stats.name, lane.queue.front().title);
    } else if (lane.attempts < config.attempts) {
      const auto delay = config.backoff * (1 << std::min(lane.attempts - 1, 10));
      spdlog::warn("notifier {}: attempt {} of {} failed ({}); retrying in {} ms", lane.stats.name, lane.attempts,
                   config.attempts, error, delay.count());
      lane.timer.expires_after(delay);
      lane.timer.async_wait([this, &lane](const boost::system::error_code& ec) {
        if (!ec) attempt(lane);
      });
      return;
    } else {
      ++lane.stats.failed;
      spdlog::error("notifier {}: FAILED to deliver '{}' after {} attempts: {}", lane.stats.name,
                    lane.queue.front().title, lane.attempts, error);
    }
    lane.queue.pop_front();
    lane.busy = false;
    pump(lane);
  }
}

std::vector<NotifierStats> NotificationDispatcher::stats() const {
  std::vector<NotifierStats> out;
  for (const auto& lane : lanes_) {
    out.push_back(lane->stats);
    out.back().queued = lane->queue.size();
  }
  return out;
}

bool NotificationDispatcher::idle() const {
  return std::ranges::all_of(lanes_, [](const auto& lane) { return lane->queue.empty(); });
}

}  // namespace rg
