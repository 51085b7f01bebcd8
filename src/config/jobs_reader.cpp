#include "config/jobs_reader.h"

#include <algorithm>

namespace rg {
namespace {

using namespace std::chrono_literals;

const std::vector<std::string_view> jobs_keys{"ami_sync", "drills"};
const std::vector<std::string_view> ami_sync_keys{"source_region", "instance_id",   "instance_tag", "target_regions",
                                                  "name_prefix",   "retention",     "ssm_parameter", "schedule",
                                                  "no_reboot",     "timeout"};
const std::vector<std::string_view> tag_keys{"key", "value"};
const std::vector<std::string_view> retention_keys{"keep", "max_age"};
const std::vector<std::string_view> drill_keys{"app", "schedule", "real"};

// EC2 image names allow letters, digits and ( ) [ ] . / - ' @ _ (and spaces, which we keep out
// of a prefix: it ends up in filters and log lines).
bool is_image_name_prefix(std::string_view name) {
  return !name.empty() && name.size() <= 100 && std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("()[]./-'@_").find(c) != std::string_view::npos;
  });
}

class JobsReader {
 public:
  JobsReader(const Config& config, ErrorList& errors) : config_(config), errors_(errors) {}

  void read(const YamlValue& value, JobsConfig& out) {
    const auto fields = read_mapping(value, jobs_keys, errors_);
    if (!fields) return;
    if (const auto ami = fields->get("ami_sync")) out.ami_sync = read_ami_sync(*ami);
    if (const auto drills = fields->get("drills")) read_drills(*drills, out.drills);
  }

 private:
  std::optional<std::string> read_region(const YamlValue& value) {
    auto region = read_string(value, errors_);
    if (region && std::ranges::find(config_.regions, *region) == config_.regions.end()) {
      const std::vector<std::string_view> known{config_.regions.begin(), config_.regions.end()};
      errors_.add(value, with_suggestion("`" + *region + "` is not one of regions", *region, known));
      return std::nullopt;
    }
    return region;
  }

  std::optional<CronSchedule> read_schedule(const YamlValue& value) {
    const auto text = read_string(value, errors_);
    if (!text) return std::nullopt;
    auto schedule = CronSchedule::parse(*text);
    if (!schedule) {
      errors_.add(value, "not a cron schedule: " + schedule.error());
      return std::nullopt;
    }
    return std::move(*schedule);
  }

  std::optional<AmiSyncJobConfig> read_ami_sync(const YamlValue& value) {
    const auto fields = read_mapping(value, ami_sync_keys, errors_);
    if (!fields) return std::nullopt;
    AmiSyncJobConfig job;
    if (const auto v = fields->require("source_region", errors_)) job.source_region = read_region(*v).value_or("");
    const auto id = fields->get("instance_id");
    const auto tag = fields->get("instance_tag");
    if (id && tag) errors_.add(*tag, "give instance_id or instance_tag, not both");
    if (!id && !tag) errors_.add(value, "needs instance_id or instance_tag (the primary instance to image)");
    if (id) {
      job.instance_id = read_string(*id, errors_).value_or("");
      if (!job.instance_id.empty() && !job.instance_id.starts_with("i-"))
        errors_.add(*id, "`" + job.instance_id + "` is not an instance id (i-...)");
    }
    if (tag) {
      if (const auto tag_fields = read_mapping(*tag, tag_keys, errors_)) {
        if (const auto k = tag_fields->require("key", errors_)) job.tag_key = read_string(*k, errors_).value_or("");
        if (const auto v = tag_fields->require("value", errors_)) job.tag_value = read_string(*v, errors_).value_or("");
      }
    }
    if (const auto targets = fields->require("target_regions", errors_)) read_targets(*targets, job);
    if (const auto v = fields->get("name_prefix")) {
      const auto prefix = read_string(*v, errors_);
      if (prefix && !is_image_name_prefix(*prefix))
        errors_.add(*v, "`" + *prefix + "` cannot start an AMI name (letters, digits and ()[]./-'@_, at most 100)");
      else if (prefix)
        job.name_prefix = *prefix;
    }
    if (const auto v = fields->get("retention")) read_retention(*v, job.retention);
    if (const auto v = fields->get("ssm_parameter"); v && v->node.IsScalar() && v->node.Scalar().empty()) {
      job.ssm_parameter.clear();  // "": no parameter to write
    } else if (v) {
      const auto name = read_string(*v, errors_);
      if (name && !name->starts_with('/'))
        errors_.add(*v, "`" + *name + "` is not a parameter path (it starts with /)");
      else if (name)
        job.ssm_parameter = *name;
    }
    if (const auto v = fields->get("schedule")) job.schedule = read_schedule(*v);
    if (const auto v = fields->get("no_reboot")) job.no_reboot = read_bool(*v, errors_).value_or(job.no_reboot);
    if (const auto v = fields->get("timeout")) {
      const auto timeout = read_duration(*v, errors_);
      if (timeout && *timeout <= 0ms)
        errors_.add(*v, "must be greater than 0");
      else if (timeout)
        job.timeout = *timeout;
    }
    return job;
  }

  void read_targets(const YamlValue& value, AmiSyncJobConfig& job) {
    const auto items = read_list(value, errors_);
    if (!items) return;
    if (items->empty()) errors_.add(value, "must list at least one region to copy the image to");
    for (const auto& item : *items) {
      const auto region = read_region(item);
      if (!region) continue;
      if (*region == job.source_region) {
        errors_.add(item, "`" + *region + "` is the source region: the copy must go elsewhere");
      } else if (std::ranges::find(job.target_regions, *region) != job.target_regions.end()) {
        errors_.add(item, "`" + *region + "` is listed twice");
      } else {
        job.target_regions.push_back(*region);
      }
    }
  }

  // `retention: 3` (keep the newest 3), `retention: 14d` (delete older than 14 days), or both as
  // `{keep: 3, max_age: 14d}`.
  void read_retention(const YamlValue& value, AmiRetention& retention) {
    if (value.node.IsMap()) {
      const auto fields = read_mapping(value, retention_keys, errors_);
      if (!fields) return;
      if (const auto keep = fields->get("keep")) read_keep(*keep, retention);
      if (const auto age = fields->get("max_age")) read_max_age(*age, retention);
      return;
    }
    if (value.node.IsScalar()) {
      const std::string text = value.node.Scalar();
      if (!text.empty() && std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; }))
        return read_keep(value, retention);
      return read_max_age(value, retention);
    }
    errors_.add(value, "must be a count (keep 3), an age (14d) or {keep: N, max_age: AGE}");
  }

  void read_keep(const YamlValue& value, AmiRetention& retention) {
    const auto keep = read_int(value, errors_);
    // At least one: the image just made (and named in the SSM parameter) must survive its own run.
    if (keep && (*keep < 1 || *keep > 1000))
      errors_.add(value, "must keep between 1 and 1000 images");
    else if (keep)
      retention.keep = *keep;
  }

  void read_max_age(const YamlValue& value, AmiRetention& retention) {
    const auto age = read_duration(value, errors_);
    if (age && *age < 1h)
      errors_.add(value, "must be at least 1h (a shorter age would delete the images of the last runs)");
    else if (age)
      retention.max_age = *age;
  }

  void read_drills(const YamlValue& value, std::vector<DrillJobConfig>& out) {
    const auto items = read_list(value, errors_);
    if (!items) return;
    for (const auto& item : *items) {
      const auto fields = read_mapping(item, drill_keys, errors_);
      if (!fields) continue;
      DrillJobConfig drill;
      if (const auto app = fields->require("app", errors_)) {
        const auto name = read_string(*app, errors_);
        if (name && std::ranges::find(config_.applications, *name, &ApplicationConfig::name) ==
                        config_.applications.end()) {
          std::vector<std::string_view> known;
          for (const auto& a : config_.applications) known.push_back(a.name);
          errors_.add(*app, with_suggestion("`" + *name + "` is not an application of applications", *name, known));
        } else if (name) {
          drill.app = *name;
        }
      }
      // A drill in `jobs:` exists to be scheduled; `regionguard drill APP` runs any application.
      if (const auto schedule = fields->require("schedule", errors_)) drill.schedule = read_schedule(*schedule);
      if (const auto real = fields->get("real")) drill.real = read_bool(*real, errors_).value_or(false);
      out.push_back(std::move(drill));
    }
  }

  const Config& config_;
  ErrorList& errors_;
};

}  // namespace

void read_jobs_section(const std::optional<YamlValue>& value, const Config& config, JobsConfig& out,
                       ErrorList& errors) {
  if (!value) return;
  JobsReader(config, errors).read(*value, out);
}

}  // namespace rg
