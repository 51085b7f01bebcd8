#include "act/failover/cloudfront_step.h"

#include <memory>

#include "aws/cloudfront_api.h"

namespace rg::act {
namespace {

namespace cf = aws::cloudfront;

// Reads the configuration, points its default behaviour at `origin_id` and writes it back with
// the ETag just read. `on_read` sees the configuration before the change (the step remembers the
// previous origin there; an error stops the switch). One retry after PreconditionFailed, from a
// fresh read.
void switch_origin(aws::AwsClient& client, std::string distribution_id, std::string origin_id, bool may_retry,
                   std::function<std::expected<void, std::string>(const cf::DistributionConfigSummary&)> on_read,
                   StepCallback done) {
  cf::get_distribution_config(client, distribution_id, [&client, distribution_id, origin_id, may_retry,
                                                        on_read, done](auto config) {
    if (!config) return done(std::unexpected(config.error().to_string()));
    if (on_read)
      if (auto read = on_read(config->summary); !read) return done(std::unexpected(read.error()));
    // Idempotent: a resumed plan finds the distribution switched already.
    if (config->summary.default_target_origin_id == origin_id) return done("already on origin " + origin_id);
    auto changed = cf::set_default_target_origin(config->config_xml, origin_id);
    if (!changed) return done(std::unexpected(changed.error().to_string()));
    cf::update_distribution(
        client, {distribution_id, config->etag, std::move(*changed)},
        [&client, distribution_id, origin_id, may_retry, on_read, done](auto updated) {
          if (!updated && updated.error().code == "PreconditionFailed" && may_retry)
            return switch_origin(client, distribution_id, origin_id, false, on_read, done);
          if (!updated) return done(std::unexpected(updated.error().to_string()));
          done("origin " + origin_id + ", status " + updated->status);
        });
  });
}

}  // namespace

PlanStep cloudfront_origin_step(aws::AwsClient& client, aws::AwsScheduler& scheduler, std::string distribution_id,
                                std::string origin_id, WaitOptions wait) {
  auto memory = std::make_shared<UndoMemory>();
  PlanStep step;
  step.memory = memory;
  step.name = "point CloudFront " + distribution_id + " at " + origin_id;
  step.description = "UpdateDistribution " + distribution_id + " DefaultCacheBehavior.TargetOriginId=" + origin_id +
                     " (If-Match the ETag read), read back, wait until Deployed";
  step.action = [&client, distribution_id, origin_id, memory](StepCallback done) {
    const auto remember = [memory](const cf::DistributionConfigSummary& summary) {
      return memory->remember({{"origin", summary.default_target_origin_id}});
    };
    switch_origin(client, distribution_id, origin_id, true, remember, std::move(done));
  };
  step.verify = [&client, &scheduler, distribution_id, origin_id, wait](StepCallback done) {
    cf::get_distribution_config(client, distribution_id, [&client, &scheduler, distribution_id, origin_id, wait,
                                                          done](auto config) {
      if (!config) return done(std::unexpected(config.error().to_string()));
      if (config->summary.default_target_origin_id != origin_id)
        return done(std::unexpected("reads back origin " + config->summary.default_target_origin_id));
      // The edge locations serve the new origin only once the distribution is Deployed again.
      wait_until(scheduler, wait, distribution_id + " Deployed",
                 [&client, distribution_id](PollCallback look) {
                   cf::get_distribution(client, distribution_id, [look](auto distribution) {
                     if (!distribution) return look(poll_failed(distribution.error()));
                     look(PollResult{distribution->status == "Deployed", "status " + distribution->status});
                   });
                 },
                 done);
    });
  };
  step.undo = [&client, distribution_id, memory](StepCallback done) {
    if (!memory->state()) return done("nothing was changed");
    const std::string origin = memory->state()->at("origin").get<std::string>();
    switch_origin(client, distribution_id, origin, true, nullptr, [&client, distribution_id, origin, done](StepResult r) {
      if (!r) return done(r);
      cf::get_distribution_config(client, distribution_id, [origin, done](auto config) {
        if (!config) return done(std::unexpected(config.error().to_string()));
        if (config->summary.default_target_origin_id != origin)
          return done(std::unexpected("after undo reads back origin " + config->summary.default_target_origin_id));
        done("origin back to " + origin);
      });
    });
  };
  return step;
}

}  // namespace rg::act
