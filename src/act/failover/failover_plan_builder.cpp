#include "act/failover/failover_plan_builder.h"

#include <fstream>
#include <sstream>

#include "act/failover/aurora_global_step.h"
#include "act/failover/aws_steps.h"
#include "act/failover/cloudfront_step.h"
#include "act/failover/custom_steps.h"
#include "act/failover/dns_answer_check.h"
#include "act/failover/dns_update_step.h"
#include "act/failover/ecs_steps.h"
#include "act/failover/global_accelerator_step.h"
#include "act/failover/rds_steps.h"
#include "act/failover/readiness_checks.h"
#include "act/failover/route53_record_step.h"
#include "config/duration.h"
#include "dns/record_type.h"

namespace rg::act {
namespace {

// The configuration lets these steps name A, AAAA or CNAME; A stands in for anything else.
std::uint16_t dns_type_code(std::string_view name) {
  const std::uint16_t code = dns::record_type_code(name);
  return code != 0 ? code : dns::kTypeA;
}

// The TSIG key with its secret decoded, read from secret_file now (not at config load: the
// config stage reads only its own file, and a rotated key file is picked up by the next plan).
std::expected<dns::TsigKey, std::string> load_tsig_key(const TsigKeyConfig& config) {
  dns::TsigKey key{config.name, config.algorithm, {}};
  std::string text = config.secret;
  if (text.empty()) {
    std::ifstream in(config.secret_file);
    if (!in) return std::unexpected("cannot read secret_file " + config.secret_file);
    std::ostringstream content;
    content << in.rdbuf();
    text = content.str();
  }
  auto secret = dns::decode_base64(text);
  if (!secret) return std::unexpected("TSIG key " + config.name + ": " + secret.error());
  key.secret = std::move(*secret);
  return key;
}

dns::Server server_of(const NetworkAddress& address) { return {address.host, address.port}; }

// `steps` rearranged as `order` says (config/plan_order.h): each entry's blocks in turn, the
// blocks of one entry in one parallel group, and approval pauses where it has them. The reader
// made sure every configured block is listed once; a block with no steps here (the gate, in a
// command line) is passed over, and a group left with one step runs it alone.
std::vector<PlanStep> in_configured_order(std::vector<PlanStep> steps, const std::vector<PlanOrderEntry>& order) {
  std::vector<PlanStep> ordered;
  int groups = 0;
  int pauses = 0;
  for (std::size_t e = 0; e < order.size(); ++e) {
    const auto& entry = order[e];
    if (entry.approval) {
      PlanStep pause;
      const auto next = e + 1 < order.size() && !order[e + 1].blocks.empty() ? order[e + 1].blocks.front() : std::string();
      pause.name = "approval " + std::to_string(++pauses) + (next.empty() ? std::string(" at the end") : " before " + next);
      pause.description = "waits for an operator (`regionguard failover approve`, the API or the dashboard); rolls back "
                          "after " + format_duration(*entry.approval) + " without an answer";
      pause.block = "approve";
      pause.approval_timeout = entry.approval;
      ordered.push_back(std::move(pause));
      continue;
    }
    const std::size_t first = ordered.size();
    for (const auto& block : entry.blocks)
      for (auto& step : steps)
        if (step.block == block) ordered.push_back(std::move(step));
    if (entry.blocks.size() > 1 && ordered.size() - first > 1) {
      ++groups;
      for (std::size_t i = first; i < ordered.size(); ++i) ordered[i].parallel_group = groups;
    }
  }
  return ordered;
}

}  // namespace

std::expected<Plan, std::string> build_failover_plan(const ApplicationConfig& app, const std::string& from,
                                                     const std::string& to, const PlanContext& context) {
  // Each client is looked up where a step first needs it; one that cannot be made (no
  // credentials, a bad endpoint) stops the plan before any step exists, with the reason.
  std::string lookup_error;
  const auto client = [&](std::string_view service, const std::string& region) -> aws::AwsClient* {
    auto found = context.clients(service, region);
    if (found) return *found;
    if (lookup_error.empty()) lookup_error = found.error();
    return nullptr;
  };
  Plan plan;
  plan.app = app.name;
  plan.kind = to == app.primary ? "failback" : "failover";
  plan.from = from;
  plan.to = to;
  const auto& config = app.plan;
  // Every step is tagged with the plan key that made it, which `order` names.
  const auto add = [&plan](std::string block, PlanStep step) {
    step.block = std::move(block);
    plan.steps.push_back(std::move(step));
  };

  plan.readiness.push_back(
      {"target " + to + " healthy", [reason = context.target_unhealthy, judged = context.target_judged](StepCallback done) {
         if (reason) return done(std::unexpected(*reason));
         done(judged ? "" : "not judged: no monitor data in this process");
       }});
  const auto group = config.autoscaling_groups.find(to);
  aws::AwsClient* autoscaling = group != config.autoscaling_groups.end() ? client("autoscaling", to) : nullptr;
  if (autoscaling) plan.readiness.push_back(asg_capacity_check(*autoscaling, group->second, config.desired_capacity));
  const auto service = config.ecs_services.find(to);
  std::optional<EcsServiceTarget> ecs_target;
  if (service != config.ecs_services.end())
    ecs_target = EcsServiceTarget{service->second.cluster, service->second.service,
                                  service->second.desired_count.value_or(config.desired_capacity)};
  aws::AwsClient* ecs = ecs_target ? client("ecs", to) : nullptr;
  if (ecs) plan.readiness.push_back(ecs_service_check(*ecs, *ecs_target));
  const auto replica = config.rds_replicas.find(to);
  aws::AwsClient* rds = replica != config.rds_replicas.end() ? client("rds", to) : nullptr;
  // The replica must replicate from the writer being left (when the configuration names one there);
  // the promotion step is made now so that the check can see that the plan promoted it itself.
  std::optional<PlanStep> promote;
  if (rds) {
    const auto source = config.rds_replicas.find(from);
    const RdsReplicaTarget target{replica->second,
                                  source != config.rds_replicas.end() ? std::optional<std::string>(source->second)
                                                                      : std::nullopt,
                                  config.rpo_unknown == RpoUnknown::allow};
    promote = promote_replica_step(*rds, context.scheduler, target, context.wait);
    plan.readiness.push_back(replica_ready_check(*rds, target, context.replica_lag_seconds, config.rpo, promote->memory));
  } else if (const auto writer = config.rds_replicas.find(from); writer != config.rds_replicas.end()) {
    // Leaving the region whose replica a failover promoted: its instance is the writer now, and
    // the database of `to` (the old writer, typically) missed every write since. Going there is
    // ready only with a replica of that writer in `to` to promote.
    plan.readiness.push_back(missing_replica_check(writer->second, from, to));
  }

  // aurora_global: readiness decides switchover or failover; the step goes with the data steps.
  std::optional<PlanStep> aurora;
  if (const auto& aurora_config = config.aurora_global) {
    const auto target_cluster = aurora_config->clusters.find(to);
    const auto source_cluster = aurora_config->clusters.find(from);
    auto* target_rds = client("rds", to);
    auto* source_rds = client("rds", from);
    auto* cloudwatch = client("cloudwatch", to);
    if (target_cluster != aurora_config->clusters.end() && source_cluster != aurora_config->clusters.end() &&
        target_rds && source_rds && cloudwatch) {
      AuroraGlobalTarget target{aurora_config->global_cluster, target_cluster->second, source_cluster->second,
                                context.source_healthy,        config.rpo,             config.rpo_unknown == RpoUnknown::allow,
                                aurora_config->fallback_detach};
      auto move = aurora_global_move({*target_rds, *source_rds, *cloudwatch}, context.scheduler, std::move(target),
                                     context.wait);
      plan.readiness.push_back(std::move(move.readiness));
      aurora = std::move(move.step);
      // Fixed now, before readiness picks the way: unless the source is judged healthy (a
      // switchover only), a failover with data loss, or a detach, is possible and is never undone.
      aurora->irreversible = context.source_healthy != true;
    }
  }

  aws::AwsClient* dynamodb = config.dynamodb_tables.empty() ? nullptr : client("dynamodb", to);
  if (dynamodb)
    for (const auto& table : config.dynamodb_tables) plan.readiness.push_back(dynamodb_replica_check(*dynamodb, table, to));
  for (const auto& [label, buckets] : config.s3_replication) {
    const auto source = buckets.find(from);
    const auto target = buckets.find(to);
    if (source == buckets.end() || target == buckets.end()) continue;  // the reader requires every region
    auto* source_s3 = client("s3", from);
    auto* target_s3 = client("s3", to);
    if (source_s3 && target_s3)
      plan.readiness.push_back(
          s3_replication_check(*source_s3, *target_s3, {source->second, from, target->second, to}));
  }
  std::optional<dns::TsigKey> tsig_key;
  if (config.dns_update) {
    auto key = load_tsig_key(config.dns_update->key);
    if (key) tsig_key = std::move(*key);
    // A key that cannot be read stops the plan before anything changes.
    plan.readiness.push_back({"TSIG key " + config.dns_update->key.name + " readable",
                              [error = key ? std::string() : key.error()](StepCallback done) {
                                if (!error.empty()) return done(std::unexpected(error));
                                done("");
                              }});
  }

  // Capacity first: the target must be able to take the traffic before anything points at it.
  if (autoscaling)
    add("autoscaling_groups",
        scale_asg_step(*autoscaling, context.scheduler, group->second, config.desired_capacity, context.wait));
  if (ecs) add("ecs_services", scale_ecs_service_step(*ecs, context.scheduler, *ecs_target, context.wait));
  // Data: the replica becomes the writer, then the application's parameters point at it.
  if (promote) {
    promote->irreversible = true;  // a promoted replica is a writer for good
    add("rds_replicas", std::move(*promote));
  }
  if (aurora) add("aurora_global", std::move(*aurora));
  for (const auto& [name, values] : config.ssm_parameters) {
    const auto value = values.find(to);
    if (value == values.end()) continue;
    if (auto* ssm = client("ssm", to)) add("ssm_parameters", ssm_parameter_step(*ssm, name, value->second));
  }
  // custom_steps: the operator's own commands and webhooks, once the data is in place and before
  // traffic moves.
  append_custom_steps(plan, config.custom_steps, {context.dns_executor, context.curl});
  // Traffic last (control plane, in us-east-1: a second path beside the data-plane gate).
  if (config.route53) {
    const auto& r53 = *config.route53;
    if (auto* route53 = client("route53", "us-east-1")) {
      const RecordTarget target{r53.zone_id, r53.name, r53.type, r53.ttl, r53.values.at(to)};
      plan.readiness.push_back(route53_record_type_check(*route53, target));
      add("route53", route53_record_step(*route53, context.scheduler, target, context.wait));
    }
  }
  if (config.cloudfront)
    if (auto* cloudfront = client("cloudfront", "us-east-1"))
      add("cloudfront", cloudfront_origin_step(*cloudfront, context.scheduler, config.cloudfront->distribution_id,
                                               config.cloudfront->origins.at(to), context.wait));
  // global_accelerator: its control plane answers in us-west-2 only, whichever regions it moves between.
  if (config.global_accelerator) {
    const auto& groups = config.global_accelerator->endpoint_groups;
    const auto target = groups.find(to);
    const auto source = groups.find(from);
    if (target != groups.end() && source != groups.end())  // the reader requires every region
      if (auto* accelerator = client("globalaccelerator", "us-west-2")) {
        const AcceleratorMove move{target->second, source->second,
                                   config.global_accelerator->method == AcceleratorMethodConfig::weights
                                       ? AcceleratorMethod::weights
                                       : AcceleratorMethod::dials,
                                   config.global_accelerator->weight};
        plan.readiness.push_back(global_accelerator_ready_check(*accelerator, move));
        add("global_accelerator", global_accelerator_step(*accelerator, move));
      }
  }
  if (config.dns_update && tsig_key) {
    const auto& update = *config.dns_update;
    DnsUpdateTarget target{server_of(update.server), update.zone,
                           update.name,              dns_type_code(update.type),
                           static_cast<std::uint32_t>(update.ttl), update.values.at(to),
                           *tsig_key,                std::chrono::seconds(3)};
    add("dns_update", dns_update_step(context.dns_executor, context.scheduler, std::move(target), context.wait));
  }
  // The caller's own traffic steps (the daemon's data-plane gate) go with the others, before the
  // verification, which may depend on them.
  for (const auto& step : context.extra_traffic_steps) add("gate", step);
  // Last, the check that traffic moved: the public name answers the target's value.
  if (config.verify_dns) {
    const auto& verify = *config.verify_dns;
    std::string type = verify.type;
    const std::map<std::string, std::string>* values = &verify.values;
    if (values->empty() && config.dns_update) {
      values = &config.dns_update->values;
      if (type.empty()) type = config.dns_update->type;
    } else if (values->empty() && config.route53) {
      values = &config.route53->values;
      if (type.empty()) type = config.route53->type;
    }
    const auto value = values->find(to);
    if (value != values->end()) {
      DnsAnswerTarget target{verify.name, dns_type_code(type.empty() ? "A" : type), {},
                             value->second, std::chrono::seconds(3)};
      for (const auto& resolver : verify.resolvers) target.resolvers.push_back(server_of(resolver));
      add("verify_dns", verify_dns_step(context.dns_executor, context.scheduler, std::move(target),
                                        WaitOptions{context.wait.interval, verify.timeout}));
    }
  }
  if (!lookup_error.empty()) return std::unexpected(lookup_error);
  if (!config.order.empty()) plan.steps = in_configured_order(std::move(plan.steps), config.order);
  return plan;
}

}  // namespace rg::act
