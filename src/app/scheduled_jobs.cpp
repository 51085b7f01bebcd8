#include "app/scheduled_jobs.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <algorithm>
#include <sstream>

#include "act/dr/ami_sync.h"
#include "app/commands/ami_sync_command.h"
#include "app/commands/drill_command.h"

namespace rg {

ScheduledJobs::ScheduledJobs(boost::asio::io_context& io, const Config& config, aws::AwsSession& session,
                             WorkerPool& pool)
    : io_(io),
      config_(config),
      session_(session),
      scheduler_(io),
      drills_(pool, {.width = std::max<std::size_t>(config.jobs.drills.size(), 1),
                     .capacity = std::max<std::size_t>(config.jobs.drills.size(), 1)}) {}

ScheduledJobs::~ScheduledJobs() { drills_.wait_idle(); }

std::vector<ScheduledJob> ScheduledJobs::jobs() {
  std::vector<ScheduledJob> out;
  const auto& ami = config_.jobs.ami_sync;
  if (ami && ami->schedule) {
    out.push_back({"ami-sync", [schedule = *ami->schedule](TimePoint t) { return schedule.next_after(t); },
                   [this](std::function<void(bool)> done) { run_ami_sync(std::move(done)); }, nullptr});
  }
  for (const auto& drill : config_.jobs.drills) {
    if (!drill.schedule) continue;
    out.push_back({"drill " + drill.app, [schedule = *drill.schedule](TimePoint t) { return schedule.next_after(t); },
                   [this, &drill](std::function<void(bool)> done) { run_drill(drill, std::move(done)); }, nullptr});
  }
  return out;
}

void ScheduledJobs::run_ami_sync(std::function<void(bool)> done) {
  act::AmiSyncContext context{session_.lookup(config_.aws.timeout), scheduler_};
  context.progress = [](const std::string& line) { spdlog::info("{}", line); };
  act::run_ami_sync(*config_.jobs.ami_sync, std::move(context), [done = std::move(done)](act::AmiSyncReport report) {
    if (!report.ok) spdlog::error("ami-sync {}: {}", report.image_name, report.error);
    done(report.ok);
  });
}

void ScheduledJobs::run_drill(const DrillJobConfig& drill, std::function<void(bool)> done) {
  // Never refused: the lane is as wide as there are drills, and none runs twice at once.
  const bool queued = drills_.post([this, &drill, done]() mutable {
    std::ostringstream text;
    DrillCommandOptions options;
    options.config_file = config_.source_file;
    options.app = drill.app;
    const auto outcome = rg::run_drill(config_, options, text);
    std::istringstream lines(text.str());
    for (std::string line; std::getline(lines, line);) spdlog::info("{}", line);
    boost::asio::post(io_, [done = std::move(done), ready = outcome.ready] { done(ready); });
  });
  if (!queued) {
    spdlog::error("drill {}: not started, the worker pool refused it", drill.app);
    boost::asio::post(io_, [done = std::move(done)] { done(false); });
  }
}

}  // namespace rg
