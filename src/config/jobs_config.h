#pragma once
// Disaster-recovery jobs (`jobs:`, read by jobs_reader.cpp): the AMI copy of the DR project
// (`regionguard ami-sync`) and game days (`regionguard drill`), each runnable from the command
// line and, with a `schedule`, by the daemon (app/job_scheduler.h).
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/cron_schedule.h"

namespace rg {

// Which AMIs made by regionguard to keep; the others are deregistered and their snapshots deleted.
// Both may be set: an image goes when it is beyond `keep` OR older than `max_age`. The newest
// image (this run's) is never deleted.
struct AmiRetention {
  int keep = 7;                                       // the newest this many, per region
  std::optional<std::chrono::milliseconds> max_age;   // by CreationDate
  friend bool operator==(const AmiRetention&, const AmiRetention&) = default;
};

struct AmiSyncJobConfig {
  std::string source_region;
  std::string instance_id;  // either this, or the one running instance with the tag
  std::string tag_key;
  std::string tag_value;
  std::vector<std::string> target_regions;
  // Images are named "<prefix>-YYYYMMDD-HHMM" after the schedule slot (UTC) they belong to, so a
  // run repeated in the same slot finds and reuses its image instead of making another.
  std::string name_prefix = "regionguard";
  AmiRetention retention;
  std::string ssm_parameter = "/app/latest-ami-id";  // written in each target region; empty: none
  std::optional<CronSchedule> schedule;  // unset: only run by `regionguard ami-sync`
  bool no_reboot = true;  // a daily reboot of the primary is an outage of its own
  std::chrono::milliseconds timeout{std::chrono::hours(2)};  // for each image to become available
  friend bool operator==(const AmiSyncJobConfig&, const AmiSyncJobConfig&) = default;
};

struct DrillJobConfig {
  std::string app;  // an application of `applications:`
  std::optional<CronSchedule> schedule;
  bool real = false;  // execute the failover and roll it back, instead of a dry run
  friend bool operator==(const DrillJobConfig&, const DrillJobConfig&) = default;
};

struct JobsConfig {
  std::optional<AmiSyncJobConfig> ami_sync;
  std::vector<DrillJobConfig> drills;
  friend bool operator==(const JobsConfig&, const JobsConfig&) = default;
};

}  // namespace rg
