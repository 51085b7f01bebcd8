#pragma once
// The daemon's jobs from the configuration's `jobs:` section, for JobScheduler (job_scheduler.h):
// ami-sync runs on the loop with the daemon's AWS session; a drill runs the failover command,
// which blocks (it runs its own loop), so it runs on a lane of the worker pool (as wide as there are
// drills: JobScheduler starts no drill twice at once) and reports back on the loop. Wiring, in
// app/pipeline.cpp:
//
//   ScheduledJobs jobs(io, config, session, pool);
//   JobScheduler scheduler(io, jobs.jobs());
//   scheduler.start();   ...   scheduler.stop();   // before `jobs` goes
#include <boost/asio/io_context.hpp>
#include <functional>
#include <vector>

#include "aws/aws_client.h"
#include "app/job_scheduler.h"
#include "config/config.h"
#include "core/worker_pool.h"
#include "aws/aws_session.h"

namespace rg {

class ScheduledJobs {
 public:
  // `config`, `session` and `pool` must outlive this object.
  ScheduledJobs(boost::asio::io_context& io, const Config& config, aws::AwsSession& session, WorkerPool& pool);
  ~ScheduledJobs();  // waits for drills in progress: they hold the configuration
  ScheduledJobs(const ScheduledJobs&) = delete;
  ScheduledJobs& operator=(const ScheduledJobs&) = delete;

  // One per scheduled job: "ami-sync" (when jobs.ami_sync has a schedule), "drill APP" per drill.
  std::vector<ScheduledJob> jobs();

 private:
  void run_ami_sync(std::function<void(bool)> done);
  void run_drill(const DrillJobConfig& drill, std::function<void(bool)> done);

  boost::asio::io_context& io_;
  const Config& config_;
  aws::AwsSession& session_;
  aws::AsioScheduler scheduler_;
  WorkerLane drills_;
};

}  // namespace rg
