#pragma once
// Reading the `jobs:` section (jobs_config.h) with every problem reported as
// file:line:col: jobs.KEY: message. Schedules are checked here, so a cron typo stops the daemon
// at start-up rather than silently never running the job.
#include <optional>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace rg {

// Needs config.regions and config.applications read first: the jobs name regions and applications.
void read_jobs_section(const std::optional<YamlValue>& value, const Config& config, JobsConfig& out,
                       ErrorList& errors);

}  // namespace rg
