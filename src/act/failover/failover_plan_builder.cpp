#include "act/failover/failover_plan_builder.h"

#include "act/failover/aws_steps.h"

namespace rg::act {

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
  const auto replica = config.rds_replicas.find(to);
  if (replica != config.rds_replicas.end())
    plan.readiness.push_back(
        replica_ready_check(context.clients("rds", to), replica->second, context.replica_lag_seconds, config.rpo));

  // Capacity first: the target must be able to take the traffic before anything points at it.
  if (group != config.autoscaling_groups.end())
    plan.steps.push_back(scale_asg_step(context.clients("autoscaling", to), context.scheduler, group->second,
                                        config.desired_capacity, context.wait));
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
  return plan;
}

}  // namespace rg::act
