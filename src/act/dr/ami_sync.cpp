#include "act/dr/ami_sync.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "aws/ssm_api.h"

namespace rg::act {
namespace {

namespace ec2 = aws::ec2;

// By const reference: moving the expected into a by-value parameter makes GCC 12 at -O2 warn
// (wrongly) that its vector may be used uninitialized.
using ImagesCallback = std::function<void(const std::expected<std::vector<ec2::Image>, std::string>&)>;

// Every page of a DescribeImages answer.
void list_images(aws::AwsClient& client, ec2::DescribeImagesRequest request, std::vector<ec2::Image> so_far,
                 ImagesCallback done) {
  ec2::describe_images(client, request,
                       [&client, request, so_far = std::move(so_far), done = std::move(done)](auto result) mutable {
                         if (!result) return done(std::unexpected(result.error().to_string()));
                         for (auto& image : result->images) so_far.push_back(std::move(image));
                         if (!result->next_token) return done(std::move(so_far));
                         request.next_token = result->next_token;
                         list_images(client, std::move(request), std::move(so_far), std::move(done));
                       });
}

// Images that are gone or going are not worth reusing.
bool usable(const ec2::Image& image) {
  return image.state == "available" || image.state == "pending";
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

class AmiSyncRun : public std::enable_shared_from_this<AmiSyncRun> {
 public:
  AmiSyncRun(AmiSyncJobConfig job, AmiSyncContext context, std::function<void(AmiSyncReport)> done)
      : job_(std::move(job)), context_(std::move(context)), done_(std::move(done)) {}

  void start() {
    now_ = context_.clock();
    report_.image_name = ami_image_name(job_, now_);
    say(fmt::format("ami-sync {}: {} in {} -> {}{}", report_.image_name,
                    job_.instance_id.empty() ? "instance tagged " + job_.tag_key + "=" + job_.tag_value
                                             : job_.instance_id,
                    job_.source_region, join(job_.target_regions), context_.dry_run ? " (dry run)" : ""));
    find_instance();
  }

 private:
  void say(const std::string& line) { context_.progress(line); }

  void fail(std::string why) {
    report_.ok = false;
    report_.error = std::move(why);
    done_(std::move(report_));
  }

  aws::AwsClient* client(std::string_view service, const std::string& region) {
    auto found = context_.clients(service, region);
    if (!found) {
      fail(std::string(service) + " in " + region + ": " + found.error());
      return nullptr;
    }
    return *found;
  }

  // --- the instance -----------------------------------------------------------------------------

  void find_instance() {
    if (!job_.instance_id.empty()) {
      instance_id_ = job_.instance_id;
      return find_source_image();
    }
    auto* ec2_client = client("ec2", job_.source_region);
    if (!ec2_client) return;
    ec2::DescribeInstancesRequest request;
    request.filters = {{"tag:" + job_.tag_key, {job_.tag_value}}, {"instance-state-name", {"running", "stopped"}}};
    ec2::describe_instances(*ec2_client, request, [self = shared_from_this()](auto result) {
      if (!result) return self->fail("DescribeInstances: " + result.error().to_string());
      const auto& found = result->instances;
      const std::string tag = self->job_.tag_key + "=" + self->job_.tag_value;
      if (found.empty())
        return self->fail("no running or stopped instance is tagged " + tag + " in " + self->job_.source_region);
      // The DR project assumes one primary; imaging an arbitrary one of several would be a guess.
      if (found.size() > 1) {
        std::vector<std::string> ids;
        for (const auto& i : found) ids.push_back(i.instance_id);
        return self->fail(fmt::format("{} instances are tagged {} ({}): tag exactly one, or set instance_id",
                                      found.size(), tag, join(ids)));
      }
      self->instance_id_ = found.front().instance_id;
      self->say("instance " + self->instance_id_ + " (" + tag + ", " + found.front().state + ")");
      self->find_source_image();
    });
  }

  // --- the image in the source region -----------------------------------------------------------

  void find_source_image() {
    auto* ec2_client = client("ec2", job_.source_region);
    if (!ec2_client) return;
    ec2::DescribeImagesRequest request;
    request.owners = {"self"};
    request.filters = {{"name", {report_.image_name}}};
    list_images(*ec2_client, request, {}, [self = shared_from_this(), ec2_client](const auto& images) {
      if (!images) return self->fail("DescribeImages: " + images.error());
      for (const auto& image : *images) {
        if (!usable(image)) continue;
        self->report_.source_image_id = image.image_id;
        self->say("image " + image.image_id + " (" + image.name + ") exists already (" + image.state + "): reused");
        return self->wait_source();
      }
      if (self->context_.dry_run) {
        self->say("would create image " + self->report_.image_name + " from " + self->instance_id_ + " in " +
                  self->job_.source_region);
        return self->next_target(0);
      }
      self->create_source_image(*ec2_client);
    });
  }

  void create_source_image(aws::AwsClient& ec2_client) {
    ec2::CreateImageRequest request;
    request.instance_id = instance_id_;
    request.name = report_.image_name;
    request.description = "regionguard ami-sync of " + instance_id_;
    request.no_reboot = job_.no_reboot;
    request.tags = {{"Name", report_.image_name},
                    {std::string(kCreatedByTag), std::string(kCreatedByValue)},
                    {std::string(kSourceInstanceTag), instance_id_}};
    ec2::create_image(ec2_client, request, [self = shared_from_this()](auto result) {
      if (!result) return self->fail("CreateImage: " + result.error().to_string());
      self->report_.source_image_id = *result;
      self->report_.created = true;
      self->say("created image " + *result + " (" + self->report_.image_name + ") in " + self->job_.source_region);
      self->wait_source();
    });
  }

  void wait_available(const std::string& region, const std::string& image_id, std::function<void()> then) {
    auto* ec2_client = client("ec2", region);
    if (!ec2_client) return;
    WaitOptions wait = context_.wait;
    wait.timeout = job_.timeout;
    wait_until(context_.scheduler, wait, image_id + " in " + region + " available",
               [ec2_client, image_id](PollCallback look) {
                 ec2::DescribeImagesRequest request;
                 request.image_ids = {image_id};
                 ec2::describe_images(*ec2_client, request, [image_id, look](auto result) {
                   if (!result) return look(std::unexpected(result.error().to_string()));
                   if (result->images.empty()) return look(std::unexpected(image_id + " no longer exists"));
                   const auto& state = result->images.front().state;
                   if (state == "failed" || state == "error" || state == "invalid" || state == "deregistered")
                     return look(std::unexpected("the image is " + state));
                   look(PollResult{state == "available", state});
                 });
               },
               [self = shared_from_this(), then = std::move(then)](StepResult result) {
                 if (!result) return self->fail(result.error());
                 then();
               });
  }

  void wait_source() {
    if (context_.dry_run) return next_target(0);
    wait_available(job_.source_region, report_.source_image_id, [self = shared_from_this()] {
      self->say(self->report_.source_image_id + " is available");
      self->next_target(0);
    });
  }

  // --- copies, one DR region at a time ----------------------------------------------------------

  void next_target(std::size_t index) {
    if (index == job_.target_regions.size()) return retire_in_region(0);
    const std::string& region = job_.target_regions[index];
    if (report_.source_image_id.empty()) {  // dry run, image not made yet
      say("would copy it to " + region + ", tag it and set " + parameter_text(region));
      return next_target(index + 1);
    }
    auto* ec2_client = client("ec2", region);
    if (!ec2_client) return;
    ec2::DescribeImagesRequest by_tag;
    by_tag.owners = {"self"};
    by_tag.filters = {{"tag:" + std::string(kSourceImageTag), {report_.source_image_id}}};
    list_images(*ec2_client, by_tag, {}, [self = shared_from_this(), ec2_client, index](const auto& images) {
      self->copies_by_tag(*ec2_client, index, images);
    });
  }

  void copies_by_tag(aws::AwsClient& ec2_client, std::size_t index,
                     const std::expected<std::vector<ec2::Image>, std::string>& images) {
    if (!images) return fail("DescribeImages: " + images.error());
    for (const auto& image : *images)
      if (usable(image)) return reuse_copy(index, image, "found by its source-image tag");
    find_copy_by_name(ec2_client, index);
  }

  // A run that died between CopyImage and CreateTags left an untagged copy with this run's name
  // (names are unique per region: a second CopyImage would be refused anyway).
  void find_copy_by_name(aws::AwsClient& ec2_client, std::size_t index) {
    ec2::DescribeImagesRequest by_name;
    by_name.owners = {"self"};
    by_name.filters = {{"name", {report_.image_name}}};
    list_images(ec2_client, by_name, {}, [self = shared_from_this(), &ec2_client, index](const auto& images) {
      if (!images) return self->fail("DescribeImages: " + images.error());
      for (const auto& image : *images) {
        if (!usable(image)) continue;
        const auto source = image.tags.find(kSourceImageTag);
        if (source != image.tags.end() && source->second != self->report_.source_image_id)
          return self->fail("an image named " + image.name + " in " + self->job_.target_regions[index] +
                            " (" + image.image_id + ") is a copy of " + source->second + ", not of " +
                            self->report_.source_image_id);
        return self->reuse_copy(index, image, "found by name");
      }
      self->copy(ec2_client, index);
    });
  }

  void reuse_copy(std::size_t index, const ec2::Image& image, const std::string& how) {
    say("copy " + image.image_id + " in " + job_.target_regions[index] + " exists already (" + how + "): reused");
    tag_copy(index, image.image_id);
  }

  void copy(aws::AwsClient& ec2_client, std::size_t index) {
    const std::string& region = job_.target_regions[index];
    if (context_.dry_run) {
      say("would copy " + report_.source_image_id + " to " + region + ", tag it and set " + parameter_text(region));
      return next_target(index + 1);
    }
    ec2::CopyImageRequest request;
    request.source_region = job_.source_region;
    request.source_image_id = report_.source_image_id;
    request.name = report_.image_name;
    request.description = "regionguard ami-sync copy of " + report_.source_image_id + " from " + job_.source_region;
    ec2::copy_image(ec2_client, request, [self = shared_from_this(), index, region](auto result) {
      if (!result) return self->fail("CopyImage to " + region + ": " + result.error().to_string());
      self->say("copied " + self->report_.source_image_id + " to " + region + ": " + *result);
      self->tag_copy(index, *result);
    });
  }

  // Tags go on after the copy: CopyImage's CopyImageTags carries the source's tags, not ours (and
  // moto ignores both it and TagSpecifications). CreateTags is idempotent, so a reused copy gets
  // them too, whatever run made it.
  void tag_copy(std::size_t index, const std::string& copy_id) {
    const std::string& region = job_.target_regions[index];
    report_.copies[region] = copy_id;
    if (context_.dry_run) {
      say("would tag " + copy_id + " and set " + parameter_text(region));
      return next_target(index + 1);
    }
    auto* ec2_client = client("ec2", region);
    if (!ec2_client) return;
    ec2::CreateTagsRequest request;
    request.resource_ids = {copy_id};
    request.tags = {{"Name", report_.image_name},
                    {std::string(kCreatedByTag), std::string(kCreatedByValue)},
                    {std::string(kSourceImageTag), report_.source_image_id},
                    {std::string(kSourceRegionTag), job_.source_region}};
    ec2::create_tags(*ec2_client, request, [self = shared_from_this(), index, region, copy_id](auto result) {
      if (!result) return self->fail("CreateTags on " + copy_id + " in " + region + ": " + result.error().to_string());
      self->wait_available(region, copy_id, [self, index, region, copy_id] {
        self->say(copy_id + " in " + region + " is tagged and available");
        self->set_parameter(index, copy_id);
      });
    });
  }

  std::string parameter_text(const std::string& region) const {
    return job_.ssm_parameter.empty() ? std::string("no parameter") : job_.ssm_parameter + " in " + region;
  }

  void set_parameter(std::size_t index, const std::string& copy_id) {
    const std::string& region = job_.target_regions[index];
    if (job_.ssm_parameter.empty()) return next_target(index + 1);
    auto* ssm = client("ssm", region);
    if (!ssm) return;
    aws::ssm::get_parameter(*ssm, {job_.ssm_parameter, false}, [self = shared_from_this(), ssm, index, region,
                                                                copy_id](auto current) {
      const auto& name = self->job_.ssm_parameter;
      if (!current && current.error().code != "ParameterNotFound")
        return self->fail("GetParameter " + name + " in " + region + ": " + current.error().to_string());
      if (current && current->value == copy_id) {
        self->say(name + " in " + region + " is " + copy_id + " already");
        return self->next_target(index + 1);
      }
      aws::ssm::put_parameter(*ssm, {name, copy_id, "String", true, std::nullopt, std::nullopt},
                              [self, index, region, copy_id, name](auto result) {
                                if (!result)
                                  return self->fail("PutParameter " + name + " in " + region + ": " +
                                                    result.error().to_string());
                                self->say("set " + name + " in " + region + " to " + copy_id + " (version " +
                                          std::to_string(result->version) + ")");
                                self->next_target(index + 1);
                              });
    });
  }

  // --- retention, the source region and then each DR region -------------------------------------

  const std::string& retention_region(std::size_t index) const {
    return index == 0 ? job_.source_region : job_.target_regions[index - 1];
  }

  void retire_in_region(std::size_t index) {
    if (index == job_.target_regions.size() + 1) {
      report_.ok = true;
      say(fmt::format("ami-sync {}: done ({} image{} retired)", report_.image_name, report_.deregistered.size(),
                      report_.deregistered.size() == 1 ? "" : "s"));
      return done_(std::move(report_));
    }
    const std::string& region = retention_region(index);
    auto* ec2_client = client("ec2", region);
    if (!ec2_client) return;
    ec2::DescribeImagesRequest request;
    request.owners = {"self"};
    request.filters = {{"tag:" + std::string(kCreatedByTag), {std::string(kCreatedByValue)}},
                       {"name", {job_.name_prefix + "-*"}}};
    list_images(*ec2_client, request, {}, [self = shared_from_this(), index, region](const auto& found) {
      if (!found) return self->fail("DescribeImages in " + region + ": " + found.error());
      auto images = *found;
      // "" stands for this run's image where it does not exist yet (a dry run): it still takes
      // its place among the newest, so the dry run retires what the real run would.
      std::vector<std::string> current{self->report_.source_image_id, ""};
      for (const auto& [copy_region, id] : self->report_.copies) current.push_back(id);
      if (self->context_.dry_run && std::ranges::none_of(images, [&](const ec2::Image& image) {
            return image.name == self->report_.image_name;
          }))
      {
        ec2::Image placeholder;
        placeholder.name = self->report_.image_name;
        placeholder.state = "available";
        images.push_back(std::move(placeholder));
      }
      auto retire = images_to_retire(std::move(images), self->job_.retention, self->now_, current);
      self->retire_next(index, std::make_shared<std::vector<ec2::Image>>(std::move(retire)), 0);
    });
  }

  void retire_next(std::size_t region_index, std::shared_ptr<std::vector<ec2::Image>> images, std::size_t i) {
    if (i == images->size()) return retire_in_region(region_index + 1);
    const std::string& region = retention_region(region_index);
    const ec2::Image& image = (*images)[i];
    std::vector<std::string> snapshots;
    for (const auto& device : image.block_devices)
      if (device.snapshot_id) snapshots.push_back(*device.snapshot_id);
    if (context_.dry_run) {
      say("would deregister " + image.image_id + " (" + image.name + ") in " + region +
          (snapshots.empty() ? std::string() : " and delete " + join(snapshots)));
      return retire_next(region_index, std::move(images), i + 1);
    }
    auto* ec2_client = client("ec2", region);
    if (!ec2_client) return;
    ec2::deregister_image(*ec2_client, image.image_id, [self = shared_from_this(), ec2_client, region_index, images, i,
                                                        snapshots](auto result) {
      const auto& retired = (*images)[i];
      const std::string& where = self->retention_region(region_index);
      // Gone already: a run that died after deregistering and before deleting its snapshots.
      if (!result && result.error().code != "InvalidAMIID.NotFound" && result.error().code != "InvalidAMIID.Unavailable")
        return self->fail("DeregisterImage " + retired.image_id + " in " + where + ": " + result.error().to_string());
      self->report_.deregistered.push_back(retired.image_id);
      self->say("deregistered " + retired.image_id + " (" + retired.name + ") in " + where);
      self->delete_snapshots(*ec2_client, region_index, images, i, snapshots, 0);
    });
  }

  void delete_snapshots(aws::AwsClient& ec2_client, std::size_t region_index,
                        std::shared_ptr<std::vector<ec2::Image>> images, std::size_t i,
                        std::vector<std::string> snapshots, std::size_t s) {
    if (s == snapshots.size()) return retire_next(region_index, std::move(images), i + 1);
    const std::string snapshot = snapshots[s];
    ec2::delete_snapshot(ec2_client, snapshot, [self = shared_from_this(), &ec2_client, region_index, images, i,
                                                snapshots, s, snapshot](auto result) {
      if (!result && result.error().code != "InvalidSnapshot.NotFound")
        return self->fail("DeleteSnapshot " + snapshot + ": " + result.error().to_string());
      self->report_.deleted_snapshots.push_back(snapshot);
      self->say("deleted snapshot " + snapshot);
      self->delete_snapshots(ec2_client, region_index, images, i, snapshots, s + 1);
    });
  }

  AmiSyncJobConfig job_;
  AmiSyncContext context_;
  std::function<void(AmiSyncReport)> done_;
  AmiSyncReport report_;
  TimePoint now_;
  std::string instance_id_;
};

}  // namespace

std::string ami_image_name(const AmiSyncJobConfig& job, TimePoint now) {
  std::optional<TimePoint> slot;
  if (job.schedule) slot = job.schedule->latest_at_or_before(now);
  if (!slot) slot = std::chrono::floor<std::chrono::days>(now);
  return fmt::format("{}-{:%Y%m%d-%H%M}", job.name_prefix, std::chrono::floor<std::chrono::minutes>(*slot));
}

std::vector<ec2::Image> images_to_retire(std::vector<ec2::Image> images, const AmiRetention& retention, TimePoint now,
                                         const std::vector<std::string>& current) {
  std::ranges::sort(images, [](const auto& a, const auto& b) { return a.name > b.name; });
  std::vector<ec2::Image> out;
  for (std::size_t i = 0; i < images.size(); ++i) {
    const auto& image = images[i];
    if (std::ranges::find(current, image.image_id) != current.end()) continue;
    // A pending image belongs to a run in progress (perhaps another process's): leave it be.
    if (image.state != "available" && image.state != "failed") continue;
    const bool beyond_count = i >= static_cast<std::size_t>(retention.keep);
    const bool too_old = retention.max_age && image.creation_date &&
                         *image.creation_date < now - std::chrono::duration_cast<std::chrono::microseconds>(*retention.max_age);
    if (beyond_count || too_old) out.push_back(image);
  }
  return out;
}

void run_ami_sync(const AmiSyncJobConfig& job, AmiSyncContext context, std::function<void(AmiSyncReport)> done) {
  std::make_shared<AmiSyncRun>(job, std::move(context), std::move(done))->start();
}

}  // namespace rg::act
