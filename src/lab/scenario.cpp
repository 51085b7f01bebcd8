#include "lab/scenario.h"

#include <fmt/format.h>

#include <algorithm>

namespace rg::lab {

namespace {

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::ranges::find(list, value) != list.end();
}

void expect(ScenarioRun& run, bool condition, std::string finding) {
  if (!condition) run.findings.push_back(std::move(finding));
}

// The primary (us-east-1) failed: one completed move to us-west-2, an alert about us-east-1, the
// new answer served and the client on the new region.
void judge_one_move(ScenarioRun& run, std::string_view alert_on) {
  expect(run, run.moves == 1, fmt::format("expected 1 move, saw {}", run.moves));
  expect(run, run.journal_state == "completed", fmt::format("expected the plan completed, journal says '{}'",
                                                            run.journal_state));
  expect(run, run.active_region == "us-west-2", fmt::format("expected us-west-2 active, is '{}'", run.active_region));
  expect(run, run.served_region == "us-west-2", fmt::format("expected knotd to serve us-west-2's address, serves '{}'",
                                                            run.served_region));
  expect(run, contains(run.alert_services, alert_on), fmt::format("expected an alert on {}", alert_on));
  expect(run, run.client_switched_s.has_value(), "the client never reached us-west-2");
}

void judge_no_move(ScenarioRun& run) {
  expect(run, run.moves == 0, fmt::format("expected no move, saw {}", run.moves));
  expect(run, !run.decision_s.has_value(), "expected no plan, one started");
  expect(run, run.active_region == "us-east-1", fmt::format("expected us-east-1 active, is '{}'", run.active_region));
}

std::vector<Scenario> make_scenarios() {
  std::vector<Scenario> list;
  list.push_back({.name = "dynamodb-empty-dns",
                  .summary = "dynamodb.us-east-1 answers NOERROR with no records (AWS, October 2025): move",
                  .script = [](bool) { return std::vector<ScenarioStep>{{0, {"dynamodb.us-east-1.lab", "empty"}}}; },
                  .window_s = [](bool) { return 30.0; },
                  .ends_when_moved = true,
                  .judge = [](ScenarioRun& run) { judge_one_move(run, "dynamodb/us-east-1"); }});
  list.push_back({.name = "region-blackhole",
                  .summary = "us-east-1's DNS and HTTP stop answering: move",
                  .script =
                      [](bool) {
                        return std::vector<ScenarioStep>{{0, {"us-east-1", "drop"}}, {0, {"app", "us-east-1", "hang"}}};
                      },
                  .window_s = [](bool) { return 30.0; },
                  .ends_when_moved = true,
                  .judge = [](ScenarioRun& run) { judge_one_move(run, "dynamodb/us-east-1"); }});
  list.push_back({.name = "http-500",
                  .summary = "us-east-1's application answers 500: move",
                  .script = [](bool) { return std::vector<ScenarioStep>{{0, {"app", "us-east-1", "http-500"}}}; },
                  .window_s = [](bool) { return 30.0; },
                  .ends_when_moved = true,
                  .judge = [](ScenarioRun& run) { judge_one_move(run, "app/us-east-1"); }});
  list.push_back(
      {.name = "latency-creep",
       .summary = "us-east-1's application slows by 10 ms a second up to 150 ms: an anomaly alert before any threshold",
       .warmup_s = 15,
       .script =
           [](bool short_run) {
             std::vector<ScenarioStep> steps;
             const int step_s = short_run ? 1 : 2;
             for (int ms = 10, i = 0; ms <= 150; ms += 10, ++i) {
               steps.push_back({static_cast<double>(i * step_s), {"app", "us-east-1", "slow", std::to_string(ms)}});
             }
             return steps;
           },
       .window_s = [](bool short_run) { return short_run ? 16.0 : 32.0; },
       .judge =
           [](ScenarioRun& run) {
             expect(run, !run.alert_rules.empty() && run.alert_rules.front() == "anomaly",
                    run.alert_rules.empty() ? std::string("expected an anomaly alert, none fired")
                                            : fmt::format("expected an anomaly alert first, the first was {}",
                                                          run.alert_rules.front()));
             judge_no_move(run);
           }});
  list.push_back({.name = "noise",
                  .summary = "5% of DNS queries lost and up to 50 ms of jitter everywhere: no move",
                  .script = [](bool) { return std::vector<ScenarioStep>{{0, {"all", "loss", "5"}}}; },
                  .window_s = [](bool short_run) { return short_run ? 20.0 : 180.0; },
                  .judge = judge_no_move});
  list.push_back(
      {.name = "flap",
       .summary = "us-east-1's DynamoDB name fails for 6 s and recovers for 3 s, again and again: one move, no failback while it flaps",
       .script =
           [](bool short_run) {
             std::vector<ScenarioStep> steps;
             const double until = short_run ? 24.0 : 50.0;
             // 6 s bad (enough to decide), 3 s good (too short to come back), again and again.
             for (double t = 0; t < until; t += 9) {
               steps.push_back({t, {"dynamodb.us-east-1.lab", "empty"}});
               steps.push_back({t + 6, {"dynamodb.us-east-1.lab", "ok"}});
             }
             return steps;
           },
       .window_s = [](bool short_run) { return short_run ? 26.0 : 55.0; },
       .judge =
           [](ScenarioRun& run) {
             expect(run, run.moves == 1, fmt::format("expected exactly 1 move while it flaps, saw {}", run.moves));
             expect(run, run.journal_state == "completed", fmt::format("expected the move completed, journal says '{}'",
                                                                       run.journal_state));
             expect(run, run.active_region == "us-west-2",
                    fmt::format("expected us-west-2 active (no failback during the flap), is '{}'", run.active_region));
           }});
  list.push_back({.name = "all-bad",
                  .summary = "the monitor's own resolver fails (SERVFAIL for every name): alerts, no move (fail-open)",
                  .script = [](bool) { return std::vector<ScenarioStep>{{0, {"all", "servfail"}}}; },
                  .window_s = [](bool short_run) { return short_run ? 12.0 : 30.0; },
                  .judge =
                      [](ScenarioRun& run) {
                        expect(run, contains(run.alert_services, "dynamodb/us-east-1") &&
                                        contains(run.alert_services, "dynamodb/us-west-2"),
                               "expected alerts on both regions' DynamoDB names");
                        judge_no_move(run);
                      }});
  list.push_back({.name = "partial",
                  .summary = "us-east-1's S3 name fails, not the application's checks: an alert naming it, no move",
                  .script = [](bool) { return std::vector<ScenarioStep>{{0, {"s3.us-east-1.lab", "nxdomain"}}}; },
                  .window_s = [](bool short_run) { return short_run ? 10.0 : 30.0; },
                  .judge =
                      [](ScenarioRun& run) {
                        expect(run, contains(run.alert_services, "s3/us-east-1"), "expected an alert on s3/us-east-1");
                        expect(run, !contains(run.alert_services, "dynamodb/us-east-1"),
                               "an alert blamed dynamodb/us-east-1, which is well");
                        judge_no_move(run);
                      }});
  list.push_back({.name = "crash-mid-plan",
                  .summary = "the daemon is SIGKILLed while its plan runs and started again: completed or rolled "
                             "back, never half",
                  // knotd applies the RFC 2136 update at once; its answer reaches the daemon 3 s later.
                  // The daemon dies in between: a change made whose answer was lost.
                  .script =
                      [](bool) {
                        return std::vector<ScenarioStep>{{0, {"lab", "delay", "3000"}},
                                                         {0, {"dynamodb.us-east-1.lab", "empty"}}};
                      },
                  .window_s = [](bool) { return 45.0; },
                  .crash_mid_plan = true,
                  // The restarted daemon's updates (resuming or undoing) get their answers at once.
                  .after_crash = {{"lab", "ok"}},
                  .judge =
                      [](ScenarioRun& run) {
                        expect(run, !run.crashed_during.empty(), "no plan ran, so the daemon was never killed");
                        const bool completed = run.journal_state == "completed";
                        const bool rolled_back = run.journal_state == "rolled_back";
                        expect(run, completed || rolled_back,
                               fmt::format("expected the plan completed or rolled back, journal says '{}'",
                                           run.journal_state));
                        // Never half: what knotd serves matches what the journal says.
                        if (completed)
                          expect(run, run.served_region == "us-west-2" && run.active_region == "us-west-2",
                                 fmt::format("completed, yet knotd serves '{}' and '{}' is active", run.served_region,
                                             run.active_region));
                        if (rolled_back)
                          expect(run, run.served_region == "us-east-1" && run.active_region == "us-east-1",
                                 fmt::format("rolled back, yet knotd serves '{}' and '{}' is active",
                                             run.served_region, run.active_region));
                      }});
  return list;
}

}  // namespace

const std::vector<Scenario>& scenarios() {
  static const std::vector<Scenario> list = make_scenarios();
  return list;
}

const Scenario* find_scenario(std::string_view name) {
  for (const auto& scenario : scenarios()) {
    if (scenario.name == name) return &scenario;
  }
  return nullptr;
}

}  // namespace rg::lab
