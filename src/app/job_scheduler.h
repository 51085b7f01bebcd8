#pragma once
// Runs the daemon's named jobs (ami-sync, drills) at their next scheduled time, on the loop:
// one steady timer per job, re-armed when it fires (not when the run ends), so that a run which
// outlasts its period finds the next one due while it is still running; that one is skipped and
// logged, never queued, since a backlog of AMI copies or game days helps nobody.
//
// Jobs start asynchronously and report on the loop; the scheduler never blocks it. A job whose
// work blocks by nature (a drill runs the failover command) moves it to a thread itself
// (scheduled_jobs.h).
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"

namespace rg {

struct ScheduledJob {
  std::string name;  // "ami-sync", "drill shop": in log lines
  // The next time the job is due strictly after `t` (a CronSchedule's next_after); nullopt: never.
  std::function<std::optional<TimePoint>(TimePoint t)> next_after;
  // Starts one run; calls `done` exactly once, on the loop, with whether it succeeded.
  std::function<void(std::function<void(bool ok)> done)> run;
  // Why this process must not run it now (in a cluster, only the leader runs jobs); the run is
  // then skipped. Empty: always runs.
  std::function<std::optional<std::string>()> hold;
};

struct JobStats {
  std::uint64_t runs = 0;       // started
  std::uint64_t succeeded = 0;
  std::uint64_t failed = 0;
  std::uint64_t skipped = 0;    // due while the previous run was still going, or held back
  bool running = false;
  std::optional<TimePoint> next;  // when it is due next
};

class JobScheduler {
 public:
  // `clock` is the wall clock the schedules are read in (UTC); timers wait on the steady clock
  // for the difference, and check the wall clock again when they fire.
  JobScheduler(boost::asio::io_context& io, std::vector<ScheduledJob> jobs, std::function<TimePoint()> clock = now_us);
  ~JobScheduler();
  JobScheduler(const JobScheduler&) = delete;
  JobScheduler& operator=(const JobScheduler&) = delete;

  // Arms every job's timer. Call on the loop (or before it runs).
  void start();
  // Cancels the timers: nothing new starts. A run in progress finishes on its own; its result is
  // still counted if the loop runs.
  void stop();

  std::vector<std::string> names() const;
  JobStats stats(const std::string& name) const;

 private:
  struct Slot;
  void arm(const std::shared_ptr<Slot>& slot);
  void fire(const std::shared_ptr<Slot>& slot);

  boost::asio::io_context& io_;
  std::function<TimePoint()> clock_;
  std::vector<std::shared_ptr<Slot>> slots_;
};

}  // namespace rg
