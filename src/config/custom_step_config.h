#pragma once
// Custom steps of a failover plan (`applications.NAME.plan.custom_steps`, read by
// custom_step_reader.cpp): the operator's own command or webhook, run in order after the data
// steps (RDS, SSM) and before the traffic steps, each with an optional undo.
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rg {

inline constexpr std::chrono::milliseconds kDefaultExecTimeout{5 * 60'000};
inline constexpr std::chrono::milliseconds kDefaultWebhookTimeout{10'000};

// One call: a command (argv, no shell) or a POST to a webhook.
struct CustomCallConfig {
  enum class Kind { exec, webhook };
  Kind kind = Kind::exec;
  std::vector<std::string> argv;  // exec: argv[0] absolute, or a bare name looked up in PATH when the plan is built
  std::string url;                // webhook: https, or http to a loopback address
  std::vector<std::pair<std::string, std::string>> headers;  // webhook, in the file's order
  std::chrono::milliseconds timeout = kDefaultExecTimeout;
  friend bool operator==(const CustomCallConfig&, const CustomCallConfig&) = default;
};

struct CustomStepConfig {
  std::string name;  // unique within the plan; the step's name in the journal
  CustomCallConfig action;
  std::optional<CustomCallConfig> undo;
  // Cannot be taken back: after it ran, a failure rolls the plan forward or halts (as after an
  // RDS promotion); it has no undo.
  bool irreversible = false;
  friend bool operator==(const CustomStepConfig&, const CustomStepConfig&) = default;
};

}  // namespace rg
