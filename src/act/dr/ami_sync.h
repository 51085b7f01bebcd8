#pragma once
// The DR project's AMI automation as one job (`regionguard ami-sync`, `jobs.ami_sync`): image the
// tagged primary instance, copy the image to each DR region, tag both, point the SSM parameter
// (/app/latest-ami-id) of each DR region at its copy, and deregister the images regionguard made
// beyond the retention, with their snapshots (the cleanup the DR project lists as missing).
//
// Idempotent and resumable, because a run can die anywhere (and AWS image creation takes minutes):
//   - the image is named after the schedule slot ("<prefix>-YYYYMMDD-HHMM", UTC), and an image of
//     that name is reused instead of made again;
//   - a copy is found in a DR region by its regionguard:source-image tag (or, when a run died
//     before tagging it, by its name) and reused;
//   - the parameter is only written when it differs; deregistering an image or deleting a snapshot
//     that is already gone counts as done.
// Everything runs on the loop, like act/failover/aws_steps.cpp.
#include <expected>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "aws/aws_client.h"
#include "aws/client_lookup.h"
#include "aws/ec2_api.h"
#include "act/failover/wait_until.h"
#include "config/jobs_config.h"
#include "core/time.h"

namespace rg::act {

// Tags regionguard puts on the images it makes, and finds them by.
inline constexpr std::string_view kCreatedByTag = "regionguard:created-by";
inline constexpr std::string_view kCreatedByValue = "regionguard";
inline constexpr std::string_view kSourceImageTag = "regionguard:source-image";
inline constexpr std::string_view kSourceRegionTag = "regionguard:source-region";
inline constexpr std::string_view kSourceInstanceTag = "regionguard:source-instance";

struct AmiSyncContext {
  aws::ClientLookup clients;
  aws::AwsScheduler& scheduler;
  WaitOptions wait{std::chrono::seconds(15), std::chrono::hours(2)};
  std::function<TimePoint()> clock = now_us;
  std::function<void(const std::string&)> progress = [](const std::string&) {};  // one line per event
  bool dry_run = false;  // read-only calls; prints what it would do
};

struct AmiSyncReport {
  bool ok = false;
  std::string error;  // why not ok
  std::string image_name;
  std::string source_image_id;  // empty in a dry run that would create it
  bool created = false;         // false: this slot's image existed and was reused
  std::map<std::string, std::string> copies;  // DR region -> image id
  std::vector<std::string> deregistered;      // image ids, every region
  std::vector<std::string> deleted_snapshots;
};

// "<prefix>-YYYYMMDD-HHMM" of the slot `now` belongs to: the latest scheduled time at or before
// it, or the start of its UTC day without a schedule.
std::string ami_image_name(const AmiSyncJobConfig& job, TimePoint now);

// Which of regionguard's images in one region the retention retires: beyond the newest `keep`
// (newest by name, which carries the slot: moto and copies give CreationDate little meaning) or
// older than max_age. Never one in `current` (this run's), never one not yet available.
std::vector<aws::ec2::Image> images_to_retire(std::vector<aws::ec2::Image> images, const AmiRetention& retention,
                                              TimePoint now, const std::vector<std::string>& current);

void run_ami_sync(const AmiSyncJobConfig& job, AmiSyncContext context, std::function<void(AmiSyncReport)> done);

}  // namespace rg::act
