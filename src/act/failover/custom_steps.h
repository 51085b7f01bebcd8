#pragma once
// The plan's custom steps (`plan.custom_steps`, config/custom_step_config.h) made into PlanSteps:
// exec (exec_step.h) or webhook (webhook_step.h), each with its undo, and a readiness check that
// every command of them can run (found and executable), so that a missing command stops the plan
// before anything changes and shows in the dry run.
#include <boost/asio/any_io_executor.hpp>

#include <vector>

#include "act/failover/plan.h"
#include "config/custom_step_config.h"

namespace rg {
class CurlMulti;
}

namespace rg::act {

struct CustomStepContext {
  boost::asio::any_io_executor executor;  // commands run on it; empty: exec steps fail and say so
  CurlMulti* curl = nullptr;              // webhooks are sent with it; null: webhook steps fail and say so
};

// Appends them to plan.steps in order, makes plan.facts when it has none (from plan.app, kind,
// from and to), and adds the readiness check when a step runs a command.
void append_custom_steps(Plan& plan, const std::vector<CustomStepConfig>& steps, const CustomStepContext& context);

}  // namespace rg::act
