#pragma once
// `regionguard lab` (issue 18): a whole two-region world on this machine, with faults to inject.
//   regionguard lab [--route53]                       the world, until Ctrl-C; prints how to break it
//   regionguard lab fault us-east-1 empty|ok|...      a fault, sent to the running lab
//   regionguard lab run SCENARIO... [--repeat N] [--json] [--short]   fault scenarios with verdicts
#include <CLI/CLI.hpp>
#include <iosfwd>
#include <string>
#include <vector>

namespace rg {

struct LabCommandOptions {
  std::vector<std::string> fault_words;
  std::vector<std::string> scenarios;
  unsigned repeat = 1;
  bool json = false;
  bool short_run = false;
  bool route53 = false;  // the interactive lab's Route 53 variant (moto_server holds the record)
  CLI::App* run = nullptr;
  CLI::App* fault = nullptr;
};

CLI::App* add_lab_command(CLI::App& cli, LabCommandOptions& options);

// Exit codes: 0 (every run passed, the fault applied, the lab stopped by a signal), 1 (a run
// failed, the fault was refused, the lab could not start), 3 (a usage error: unknown scenario),
// 130 (`lab run` interrupted: the run in progress torn down first).
int run_lab_command(const LabCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace rg
