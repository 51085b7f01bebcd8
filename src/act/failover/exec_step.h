#pragma once
// A custom step that runs a command (`plan.custom_steps[].exec`, README "custom_steps"): argv with
// no shell, the plan's facts in its environment (custom_step_facts.h), a timeout after which its
// process group is killed. Exit 0 is success and its output (the tail) is the journal's note;
// anything else fails the step with the tail of the output in the error.
#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <expected>
#include <string>
#include <vector>

#include "act/failover/custom_step_facts.h"
#include "act/failover/plan.h"

namespace rg::act {

// What of a command's output the journal keeps (and `failover status` shows).
inline constexpr std::size_t kKeptCommandOutput = 2048;

struct ExecCommand {
  std::vector<std::string> argv;
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  std::chrono::milliseconds kill_grace{std::chrono::seconds(2)};
};

// Runs `command` on `executor` (an empty executor fails the step and says so).
StepFunction exec_function(boost::asio::any_io_executor executor, ExecCommand command, CustomCallFacts facts);

// "run /usr/local/bin/warm-cache --region (timeout 1m)": for the dry run's step list.
std::string describe(const ExecCommand& command);

// argv[0] as it would run: itself when it holds a '/', else the first executable of that name in
// PATH. Error: why it cannot run.
std::expected<std::string, std::string> find_command(const std::string& name);

}  // namespace rg::act
