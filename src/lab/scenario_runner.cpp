#include "lab/scenario_runner.h"

#include "lab/dns_client.h"
#include "lab/dns_wire.h"
#include "lab/http_call.h"
#include "lab/lab_client.h"

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <ostream>
#include <set>
#include <stdexcept>
#include <thread>

namespace rg::lab {

namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr auto poll_every = 100ms;
constexpr auto baseline_timeout = 40s;
constexpr std::string_view target_region = "us-west-2";

const std::set<std::string, std::less<>> terminal_states{"completed", "rolled_back", "rollback_failed", "not_ready",
                                                          "fenced",    "declined",    "halted",          "expired",
                                                          "withdrawn"};

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// The daemon's JSON at `target`, or null when it does not answer (it may be restarting).
json api_get(const LabWorld& world, const std::string& target) {
  const auto answer = http_call("127.0.0.1", world.api_port(), target, 1s);
  if (!answer || answer->status != 200) return json();
  const auto parsed = json::parse(answer->body, nullptr, false);
  return parsed.is_discarded() ? json() : parsed;
}

json application(const LabWorld& world) {
  const auto list = api_get(world, "/api/v1/applications");
  return list.is_array() && !list.empty() ? list[0] : json();
}

bool both_regions_healthy(const json& app) {
  if (!app.is_object() || app.value("state", "") != "idle" || !app["regions"].is_array()) return false;
  for (const auto& region : app["regions"]) {
    if (!region.value("reported", false) || region.value("failing", true)) return false;
  }
  return app["regions"].size() == lab_regions().size();
}

std::int64_t newest_generation(const json& app) {
  std::int64_t newest = 0;
  if (app.is_object() && app["history"].is_array()) {
    for (const auto& plan : app["history"]) newest = std::max(newest, plan.value("generation", std::int64_t{0}));
  }
  return newest;
}

// The region whose address knotd serves for the application's name ("" when it serves none).
std::string served_region(LabWorld& world) {
  static std::uint16_t id = 0x4c41;
  const auto query = dns::make_query(++id, world.app_name(), dns::type_a, false);
  const auto answer = dns::exchange(dns::Transport::udp, world.knot().address(), world.knot().port(), query, 500ms);
  if (!answer) return {};
  const auto message = dns::parse_message(*answer);
  if (!message) return {};
  for (const auto& record : message->answers) {
    if (record.type == dns::type_a) return world.region_of_address(dns::rdata_text(record));
  }
  return {};
}

std::string label(const json& alert, const char* key) {
  return alert.contains("labels") && alert["labels"].is_object() ? alert["labels"].value(key, "") : std::string();
}

class Progress {
 public:
  Progress(std::ostream* out, Clock::time_point t0) : out_(out), t0_(t0) {}
  void say(std::string_view text) const {
    if (out_) fmt::print(*out_, "  {:+7.2f} s  {}\n", seconds_between(t0_, Clock::now()), text), out_->flush();
  }
  void set_t0(Clock::time_point t0) { t0_ = t0; }

 private:
  std::ostream* out_;
  Clock::time_point t0_;
};

}  // namespace

ScenarioRun run_scenario(const Scenario& scenario, const RunOptions& options) {
  ScenarioRun run;
  run.scenario = scenario.name;
  LabWorld world(options.lab);
  Progress progress(options.progress, Clock::now());
  world.start_daemon();
  const auto daemon_started = Clock::now();

  // The client runs from before the fault, so its cache holds the primary's address at t=0.
  // It asks knotd, not the DNS front: the front stands for the monitor's resolvers, whose failure
  // (all-bad) is the monitor's problem, not the users'.
  LabClient client({.dns_address = world.knot().address(),
                    .dns_port = world.knot().port(),
                    .name = world.app_name(),
                    .port_of = [&world](const std::string& address) -> std::optional<std::uint16_t> {
                      const auto region = world.region_of_address(address);
                      if (region.empty()) return std::nullopt;
                      return world.region_server(region).port();
                    }});

  // Both regions healthy for two seconds in a row, and the warm-up the scenario asks for.
  const auto baseline_deadline = Clock::now() + baseline_timeout + std::chrono::duration_cast<Clock::duration>(
                                                                         std::chrono::duration<double>(scenario.warmup_s));
  std::optional<Clock::time_point> healthy_since;
  json app;
  for (;;) {
    app = application(world);
    const auto now = Clock::now();
    if (both_regions_healthy(app)) {
      if (!healthy_since) healthy_since = now;
    } else {
      healthy_since.reset();
    }
    if (healthy_since && now - *healthy_since >= 2s && seconds_between(daemon_started, now) >= scenario.warmup_s) break;
    if (now > baseline_deadline) {
      throw std::runtime_error(fmt::format("{}: the daemon did not judge both regions healthy within {} s; its log:\n{}",
                                           scenario.name, std::chrono::seconds(baseline_timeout).count(),
                                           file_tail(world.daemon_log(), 30)));
    }
    if (options.cancelled && *options.cancelled) throw RunCancelled();
    std::this_thread::sleep_for(poll_every);
  }
  const std::int64_t baseline_generation = newest_generation(app);
  std::set<std::string> old_alerts;
  if (const auto alerts = api_get(world, "/api/v1/alerts"); alerts.is_array()) {
    for (const auto& alert : alerts) old_alerts.insert(alert.value("id", ""));
  }

  const auto script = scenario.script(options.short_run);
  const double window = scenario.window_s(options.short_run);
  std::size_t next_step = 0;
  bool crashed = false;
  std::optional<double> moved_at;
  const auto t0 = Clock::now();
  progress.set_t0(t0);
  progress.say(fmt::format("{}: {}", scenario.name, scenario.summary));

  for (;;) {
    const auto now = Clock::now();
    const double t = seconds_between(t0, now);
    while (next_step < script.size() && script[next_step].at_s <= t) {
      const auto& words = script[next_step].fault;
      const auto done = world.apply_fault(words);
      progress.say(done ? "fault: " + *done : "fault refused: " + done.error());
      ++next_step;
    }

    if (const auto alerts = api_get(world, "/api/v1/alerts"); alerts.is_array()) {
      for (const auto& alert : alerts) {
        const auto id = alert.value("id", "");
        if (alert.value("state", "") != "firing" || old_alerts.contains(id)) continue;
        old_alerts.insert(id);
        if (!run.first_alert_s) run.first_alert_s = t;
        const auto rule = alert.value("rule", "");
        const auto where = label(alert, "service") + "/" + label(alert, "region");
        run.alert_rules.push_back(rule);
        run.alert_services.push_back(where);
        run.alerts.push_back(fmt::format("{} {}: {}", rule, where, alert.value("summary", "")));
        progress.say("alert: " + run.alerts.back());
      }
    }

    app = application(world);
    if (app.is_object()) {
      int moves = 0;
      std::string newest_state;
      std::int64_t newest = baseline_generation;
      if (app["history"].is_array()) {
        for (const auto& plan : app["history"]) {
          const auto generation = plan.value("generation", std::int64_t{0});
          if (generation <= baseline_generation) continue;
          if (plan.value("state", "") == "completed") ++moves;
          if (generation > newest) {
            newest = generation;
            newest_state = plan.value("state", "");
          }
        }
      }
      const bool planning = !app["plan"].is_null() || newest > baseline_generation || app.value("state", "") != "idle";
      if (planning && !run.decision_s) {
        run.decision_s = t;
        progress.say(fmt::format("decision: {}", app["decision"].is_object() ? app["decision"].value("reason", "")
                                                                              : std::string()));
      }
      if (newest_state != run.journal_state && !newest_state.empty()) progress.say("journal: plan " + newest_state);
      if (moves > run.moves && !moved_at) moved_at = t;
      run.moves = moves;
      run.journal_state = newest_state;
      run.active_region = app.value("active_region", "");

      // A second into the plan: past readiness, inside the traffic step (crash-mid-plan holds the
      // RFC 2136 answer back for 3 s).
      if (scenario.crash_mid_plan && !crashed && app.value("state", "") == "running" && run.decision_s &&
          t >= *run.decision_s + 1.0) {
        const auto& steps = app["steps"];
        run.crashed_during = steps.is_array() && !steps.empty() ? steps.back().get<std::string>() : "(no step yet)";
        world.kill_daemon();
        progress.say("SIGKILL the daemon; the plan's last line was: " + run.crashed_during);
        crashed = true;
        for (const auto& words : scenario.after_crash) {
          const auto done = world.apply_fault(words);
          progress.say(done ? "fault: " + *done : "fault refused: " + done.error());
        }
        world.start_daemon();
        progress.say("daemon started again");
      }
    }

    const auto served = served_region(world);
    if (!served.empty() && served != lab_regions().front().name && !run.answer_served_s) {
      run.answer_served_s = t;
      progress.say("knotd serves " + served + "'s address");
    }
    if (!served.empty()) run.served_region = served;

    bool done = t >= window;
    if (scenario.ends_when_moved && moved_at) {
      const auto requests = client.requests();
      const bool switched = std::ranges::any_of(
          requests, [&](const ClientRequest& r) { return r.at >= t0 && r.ok && r.region == target_region; });
      done = done || (switched && t >= *moved_at + 0.5);
    }
    if (scenario.crash_mid_plan && crashed && app.is_object() && app.value("state", "") == "idle" &&
        terminal_states.contains(run.journal_state)) {
      done = true;
    }
    if (done) {
      run.observed_s = t;
      break;
    }
    if (options.cancelled && *options.cancelled) throw RunCancelled();
    std::this_thread::sleep_for(poll_every);
  }

  // The client's view: when it first reached the new region, and what failed until then.
  const auto requests = client.requests();
  std::optional<Clock::time_point> switched_at;
  for (const auto& request : requests) {
    if (request.at >= t0 && request.ok && request.region == target_region) {
      switched_at = request.at;
      break;
    }
  }
  if (switched_at) run.client_switched_s = seconds_between(t0, *switched_at);
  for (const auto& request : requests) {
    if (request.at < t0) continue;
    ++run.client_requests;
    if (!request.ok && (!switched_at || request.at < *switched_at)) ++run.client_errors;
  }
  scenario.judge(run);
  run.pass = run.findings.empty();
  return run;
}

}  // namespace rg::lab
