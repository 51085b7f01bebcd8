#include "app/job_scheduler.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace rg {

struct JobScheduler::Slot {
  Slot(boost::asio::io_context& io, ScheduledJob j) : job(std::move(j)), timer(io) {}
  ScheduledJob job;
  boost::asio::steady_timer timer;
  JobStats stats;
  bool active = false;  // false once stopped: a late completion must not re-arm anything
};

JobScheduler::JobScheduler(boost::asio::io_context& io, std::vector<ScheduledJob> jobs,
                           std::function<TimePoint()> clock)
    : io_(io), clock_(std::move(clock)) {
  for (auto& job : jobs) slots_.push_back(std::make_shared<Slot>(io_, std::move(job)));
}

JobScheduler::~JobScheduler() { stop(); }

void JobScheduler::start() {
  for (const auto& slot : slots_) {
    slot->active = true;
    slot->stats.next = slot->job.next_after(clock_());
    if (slot->stats.next)
      spdlog::info("job {}: next run {}", slot->job.name, format_iso8601(*slot->stats.next));
    else
      spdlog::warn("job {}: its schedule never fires", slot->job.name);
    arm(slot);
  }
}

void JobScheduler::stop() {
  for (const auto& slot : slots_) {
    slot->active = false;
    slot->timer.cancel();
  }
}

void JobScheduler::arm(const std::shared_ptr<Slot>& slot) {
  if (!slot->active || !slot->stats.next) return;
  const auto wait = std::max(std::chrono::microseconds(0), *slot->stats.next - clock_());
  slot->timer.expires_after(wait);
  slot->timer.async_wait([this, slot](const boost::system::error_code& error) {
    if (error || !slot->active) return;
    // The steady clock and the wall clock drift apart (NTP steps, a suspended VM): run only once
    // the wall clock says it is time, else wait the rest.
    if (clock_() < *slot->stats.next) return arm(slot);
    fire(slot);
  });
}

void JobScheduler::fire(const std::shared_ptr<Slot>& slot) {
  const TimePoint due = *slot->stats.next;
  // Next slot from whichever is later, so a late wake-up (the loop was busy, the host slept) does
  // not replay every slot it missed.
  slot->stats.next = slot->job.next_after(std::max(due, clock_()));
  arm(slot);
  if (slot->stats.running) {
    ++slot->stats.skipped;
    spdlog::warn("job {}: due at {} but the previous run is still going: skipped", slot->job.name,
                 format_iso8601(due));
    return;
  }
  if (const auto why = slot->job.hold ? slot->job.hold() : std::nullopt) {
    ++slot->stats.skipped;
    spdlog::info("job {}: due at {}, not run by this process: {}", slot->job.name, format_iso8601(due), *why);
    return;
  }
  slot->stats.running = true;
  ++slot->stats.runs;
  spdlog::info("job {}: starting (due {})", slot->job.name, format_iso8601(due));
  slot->job.run([slot](bool ok) {
    slot->stats.running = false;
    ++(ok ? slot->stats.succeeded : slot->stats.failed);
    if (ok)
      spdlog::info("job {}: done", slot->job.name);
    else
      spdlog::error("job {}: failed", slot->job.name);
  });
}

std::vector<std::string> JobScheduler::names() const {
  std::vector<std::string> out;
  for (const auto& slot : slots_) out.push_back(slot->job.name);
  return out;
}

JobStats JobScheduler::stats(const std::string& name) const {
  for (const auto& slot : slots_)
    if (slot->job.name == name) return slot->stats;
  return {};
}

}  // namespace rg
