#include "act/failover/custom_steps.h"

#include "act/failover/exec_step.h"
#include "act/failover/webhook_step.h"
#include "aws/aws_transport.h"

namespace rg::act {
namespace {

struct Made {
  StepFunction function;
  std::string description;
};

Made make_call(const CustomCallConfig& config, const CustomStepContext& context,
               const std::shared_ptr<aws::AwsTransport>& transport, CustomCallFacts facts) {
  if (config.kind == CustomCallConfig::Kind::exec) {
    ExecCommand command{config.argv, config.timeout};
    return {exec_function(context.executor, command, std::move(facts)), describe(command)};
  }
  WebhookCall call{config.url, config.headers, config.timeout};
  return {webhook_function(transport, call, std::move(facts)), describe(call)};
}

}  // namespace

void append_custom_steps(Plan& plan, const std::vector<CustomStepConfig>& steps, const CustomStepContext& context) {
  if (steps.empty()) return;
  if (!plan.facts) plan.facts = std::make_shared<PlanFacts>(PlanFacts{plan.app, plan.kind, plan.from, plan.to, 0});
  const std::shared_ptr<const PlanFacts> facts = plan.facts;
  // One transport for the plan's webhooks; its own User-Agent, so a receiver's logs tell them apart.
  std::shared_ptr<aws::AwsTransport> transport;
  if (context.curl) {
    aws::TransportOptions options;
    options.user_agent = "regionguard/0.1 (failover webhook)";
    transport = std::make_shared<aws::CurlTransport>(*context.curl, options);
  }
  std::vector<std::string> commands;
  for (const auto& config : steps) {
    PlanStep step;
    step.name = config.name;
    step.block = config.name;  // what plan.order names
    auto action = make_call(config.action, context, transport, {facts, config.name, CustomPhase::action});
    step.action = std::move(action.function);
    step.description = action.description;
    if (config.undo) {
      auto undo = make_call(*config.undo, context, transport, {facts, config.name, CustomPhase::undo});
      step.undo = std::move(undo.function);
      step.description += "; undo: " + undo.description;
    }
    step.irreversible = config.irreversible;
    if (config.irreversible) step.description += "; irreversible: never undone";
    plan.steps.push_back(std::move(step));
    for (const auto* call : {&config.action, config.undo ? &*config.undo : nullptr})
      if (call && call->kind == CustomCallConfig::Kind::exec &&
          std::ranges::find(commands, call->argv.front()) == commands.end())
        commands.push_back(call->argv.front());
  }
  if (commands.empty()) return;
  plan.readiness.push_back({"custom step commands can run", [commands](StepCallback done) {
                              std::string found;
                              for (const auto& command : commands) {
                                auto path = find_command(command);
                                if (!path) return done(std::unexpected(path.error()));
                                found += (found.empty() ? "" : ", ") + *path;
                              }
                              done(found);
                            }});
}

}  // namespace rg::act
