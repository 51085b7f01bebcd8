#include "act/failover/failover_plan_builder.h"

#include <fstream>
#include <sstream>

#include "act/failover/aws_steps.h"
#include "act/failover/cloudfront_step.h"
#include "act/failover/dns_answer_check.h"
#include "act/failover/dns_update_step.h"
#include "act/failover/ecs_steps.h"
#include "act/failover/readiness_checks.h"
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

}  // namespace

Plan build_failover_plan(const ApplicationConfig& app, const std::string& from, const std::string& to,
                         const PlanContext& context) {
  Plan plan;
  plan.app = app.name;
  plan.kind = to == app.primary ? "failback" : "failover";
  plan.from = from;
  plan.to = to;
  const auto& config = app.plan;

  plan.readiness.push_back(
      {"target " + to + " healthy", [reason = context.target_unhealthy, judged = context.target_judged](StepCallback done) {
         if (reason) return done(std::unexpected(*reason));
         done(judged ? "" : "not judged: no monitor data in this process");
       }});
  const auto group = config.autoscaling_groups.find(to);
  if (group != config.autoscaling_groups.end())
    plan.readiness.push_back(
        asg_capacity_check(context.clients("autoscaling", to), group->second, config.desired_capacity));
  const auto service = config.ecs_services.find(to);
  std::optional<EcsServiceTarget> ecs_target;
  if (service != config.ecs_services.end()) {
    ecs_target = EcsServiceTarget{service->second.cluster, service->second.service,
                                  service->second.desired_count.value_or(config.desired_capacity)};
    plan.readiness.push_back(ecs_service_check(context.clients("ecs", to), *ecs_target));
  }
  const auto replica = config.rds_replicas.find(to);
  if (replica != config.rds_replicas.end())
    plan.readiness.push_back(
        replica_ready_check(context.clients("rds", to), replica->second, context.replica_lag_seconds, config.rpo));

  for (const auto& table : config.dynamodb_tables)
    plan.readiness.push_back(dynamodb_replica_check(context.clients("dynamodb", to), table, to));
  for (const auto& [label, buckets] : config.s3_replication) {
    const auto source = buckets.find(from);
    const auto target = buckets.find(to);
    if (source == buckets.end() || target == buckets.end()) continue;  // the reader requires every region
    plan.readiness.push_back(s3_replication_check(context.clients("s3", from), context.clients("s3", to),
                                                  {source->second, from, target->second, to}));
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
  if (group != config.autoscaling_groups.end())
    plan.steps.push_back(scale_asg_step(context.clients("autoscaling", to), context.scheduler, group->second,
                                        config.desired_capacity, context.wait));
  if (ecs_target)
    plan.steps.push_back(scale_ecs_service_step(context.clients("ecs", to), context.scheduler, *ecs_target, context.wait));
  // Data: the replica becomes the writer, then the application's parameters point at it.
  if (replica != config.rds_replicas.end())
    plan.steps.push_back(
        promote_replica_step(context.clients("rds", to), context.scheduler, replica->second, context.wait));
  for (const auto& [name, values] : config.ssm_parameters) {
    const auto value = values.find(to);
    if (value != values.end()) plan.steps.push_back(ssm_parameter_step(context.clients("ssm", to), name, value->second));
  }
  // Traffic last (control plane, in us-east-1: a second path beside the data-plane gate).
  if (config.route53) {
    const auto& r53 = *config.route53;
    plan.steps.push_back(route53_record_step(context.clients("route53", "us-east-1"), context.scheduler,
                                             {r53.zone_id, r53.name, r53.type, r53.ttl, r53.values.at(to)},
                                             context.wait));
  }
  if (config.cloudfront)
    plan.steps.push_back(cloudfront_origin_step(context.clients("cloudfront", "us-east-1"),
                                                config.cloudfront->distribution_id, config.cloudfront->origins.at(to)));
  if (config.dns_update && tsig_key) {
    const auto& update = *config.dns_update;
    DnsUpdateTarget target{server_of(update.server), update.zone,
                           update.name,              dns_type_code(update.type),
                           static_cast<std::uint32_t>(update.ttl), update.values.at(to),
                           *tsig_key,                std::chrono::seconds(3)};
    plan.steps.push_back(dns_update_step(context.dns_executor, context.scheduler, std::move(target), context.wait));
  }
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
      plan.steps.push_back(verify_dns_step(context.dns_executor, context.scheduler, std::move(target),
                                           WaitOptions{context.wait.interval, verify.timeout}));
    }
  }
  return plan;
}

}  // namespace rg::act
