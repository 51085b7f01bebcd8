#pragma once

// The lab's fault scenarios (issue 18): each a script of faults from t=0, how long to watch, and
// the outcome its expectation asks for (moves, alerts, the journal's state). The runner
// (scenario_runner.h) builds a fresh world for each run, waits until the daemon judges both
// regions healthy, plays the script and fills a ScenarioRun; the scenario judges it.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rg::lab {

// What one run saw, times in seconds from the fault (t=0).
struct ScenarioRun {
  std::string scenario{};
  bool pass = false;
  std::vector<std::string> findings{};  // why it failed (empty when it passed)
  int moves = 0;                        // plans completed after t=0 (failovers and failbacks)
  std::string journal_state{};          // the newest plan's state after t=0, "" when none
  std::string active_region{};          // at the end
  std::string served_region{};          // whose address knotd serves for the application at the end
  std::vector<std::string> alerts{};    // alerts that fired after t=0, in order: "rule labels summary"
  std::vector<std::string> alert_rules{};
  std::vector<std::string> alert_services{};  // "service/region" of each, as labelled
  std::size_t client_requests = 0;
  std::size_t client_errors = 0;  // failed requests from t=0 until the client reached the new region
  std::string crashed_during{};   // crash-mid-plan: the plan's last step line when the daemon was killed
  double observed_s = 0;
  std::optional<double> first_alert_s, decision_s, answer_served_s, client_switched_s;
};

struct ScenarioStep {
  double at_s = 0;
  std::vector<std::string> fault{};  // words of `regionguard lab fault`
};

struct Scenario {
  std::string name{};
  std::string summary{};
  double warmup_s = 0;  // healthy history wanted before the fault (the anomaly baselines)
  std::function<std::vector<ScenarioStep>(bool short_run)> script{};
  std::function<double(bool short_run)> window_s{};  // watch at most this long
  bool ends_when_moved = false;  // stop once a move completed and the client reached its region
  bool crash_mid_plan = false;   // SIGKILL the daemon while a plan runs, then start it again
  std::vector<std::vector<std::string>> after_crash{};  // faults applied once it is killed
  std::function<void(ScenarioRun&)> judge{};  // sets pass and findings
};

const std::vector<Scenario>& scenarios();
const Scenario* find_scenario(std::string_view name);

}  // namespace rg::lab
