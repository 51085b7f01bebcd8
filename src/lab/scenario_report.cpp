#include "lab/scenario_report.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <cmath>
#include <ostream>

namespace rg::lab {

namespace {

std::string seconds(const std::optional<double>& value) {
  return value ? fmt::format("{:.1f} s", *value) : std::string("-");
}

nlohmann::json seconds_json(const std::optional<double>& value) {
  return value ? nlohmann::json(std::round(*value * 100) / 100) : nlohmann::json();
}

struct Step {
  const char* name;
  std::optional<double> ScenarioRun::*field;
  const char* route53;  // Route 53's documented figure for the same step
};

// Route 53 health checks: a request every 30 s (10 s with fast checks), unhealthy after 3 failures
// in a row by default; a record change reaches all of its name servers within about 60 s; resolvers
// and clients then keep the old answer for up to its TTL.
constexpr Step steps[] = {
    {"first alert", &ScenarioRun::first_alert_s, "health check fails: 30 s (10 s fast) x 3 = 90 s (30 s)"},
    {"decision", &ScenarioRun::decision_s, "failover record switches: after 90 s (30 s fast)"},
    {"answer served", &ScenarioRun::answer_served_s, "a change reaches every Route 53 name server: <= 60 s"},
    {"client switched", &ScenarioRun::client_switched_s, "the above + the record's TTL"},
};

}  // namespace

std::optional<double> quantile(std::vector<double> values, double q) {
  if (values.empty()) return std::nullopt;
  std::ranges::sort(values);
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

void print_run(std::ostream& out, const ScenarioRun& run) {
  const std::string indent(20, ' ');
  fmt::print(out, "{:<19} fault 0.00 s · first alert {} · decision {} · knotd serves new answer {}\n", run.scenario,
             seconds(run.first_alert_s), seconds(run.decision_s), seconds(run.answer_served_s));
  fmt::print(out, "{}· TTL-honouring client on us-west-2 {} · client errors during switch {} of {}\n", indent,
             seconds(run.client_switched_s), run.client_errors, run.client_requests);
  fmt::print(out, "{}· moves {} · journal {} · active {} · {}\n", indent, run.moves,
             run.journal_state.empty() ? "-" : run.journal_state, run.active_region, run.pass ? "PASS" : "FAIL");
  if (!run.crashed_during.empty()) fmt::print(out, "{}· killed after the plan's line: {}\n", indent, run.crashed_during);
  for (const auto& alert : run.alerts) fmt::print(out, "{}  alert: {}\n", indent, alert);
  for (const auto& finding : run.findings) fmt::print(out, "{}  FAIL: {}\n", indent, finding);
}

nlohmann::json run_json(const ScenarioRun& run) {
  return {{"scenario", run.scenario},
          {"verdict", run.pass ? "pass" : "fail"},
          {"moves", run.moves},
          {"client_errors", run.client_errors},
          {"client_requests", run.client_requests},
          {"journal_state", run.journal_state},
          {"active_region", run.active_region},
          {"served_region", run.served_region},
          {"alerts", run.alerts},
          {"alert_rules", run.alert_rules},
          {"crashed_during", run.crashed_during},
          {"findings", run.findings},
          {"observed_s", seconds_json(run.observed_s)},
          {"timeline",
           {{"fault_s", 0.0},
            {"first_alert_s", seconds_json(run.first_alert_s)},
            {"decision_s", seconds_json(run.decision_s)},
            {"answer_served_s", seconds_json(run.answer_served_s)},
            {"client_switched_s", seconds_json(run.client_switched_s)}}}};
}

void print_summary(std::ostream& out, const std::vector<ScenarioRun>& runs) {
  if (runs.empty()) return;
  const auto passed = std::ranges::count_if(runs, [](const ScenarioRun& run) { return run.pass; });
  fmt::print(out, "{}: {} of {} runs passed\n", runs.front().scenario, passed, runs.size());
  fmt::print(out, "  {:<16} {:>8} {:>8}   {}\n", "step", "median", "p95", "Route 53 (documented defaults)");
  for (const auto& step : steps) {
    std::vector<double> values;
    for (const auto& run : runs)
      if (run.*step.field) values.push_back(*(run.*step.field));
    fmt::print(out, "  {:<16} {:>8} {:>8}   {}\n", step.name, seconds(quantile(values, 0.5)),
               seconds(quantile(values, 0.95)), step.route53);
  }
  std::vector<double> errors, moves;
  for (const auto& run : runs) {
    errors.push_back(static_cast<double>(run.client_errors));
    moves.push_back(run.moves);
  }
  fmt::print(out, "  {:<16} {:>8} {:>8}\n", "client errors", quantile(errors, 0.5).value_or(0),
             quantile(errors, 0.95).value_or(0));
  fmt::print(out, "  {:<16} {:>8} {:>8}\n", "moves", quantile(moves, 0.5).value_or(0), quantile(moves, 0.95).value_or(0));
}

nlohmann::json summary_json(const std::vector<ScenarioRun>& runs) {
  nlohmann::json summary = {{"scenario", runs.empty() ? "" : runs.front().scenario},
                            {"runs", runs.size()},
                            {"passed", std::ranges::count_if(runs, [](const ScenarioRun& run) { return run.pass; })}};
  const char* keys[] = {"first_alert_s", "decision_s", "answer_served_s", "client_switched_s"};
  for (std::size_t i = 0; i < std::size(steps); ++i) {
    std::vector<double> values;
    for (const auto& run : runs)
      if (run.*steps[i].field) values.push_back(*(run.*steps[i].field));
    summary[keys[i]] = {{"median", seconds_json(quantile(values, 0.5))},
                        {"p95", seconds_json(quantile(values, 0.95))},
                        {"route53", steps[i].route53}};
  }
  std::vector<double> errors, moves;
  for (const auto& run : runs) {
    errors.push_back(static_cast<double>(run.client_errors));
    moves.push_back(run.moves);
  }
  summary["client_errors"] = {{"median", quantile(errors, 0.5).value_or(0)}, {"p95", quantile(errors, 0.95).value_or(0)}};
  summary["moves"] = {{"median", quantile(moves, 0.5).value_or(0)}, {"p95", quantile(moves, 0.95).value_or(0)}};
  return summary;
}

}  // namespace rg::lab
