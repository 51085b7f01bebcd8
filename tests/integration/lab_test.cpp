// `regionguard lab` through the real binary (issue 18). Each fault scenario runs once, in its
// short form, as a test of its own (ctest -j runs them side by side; every name starts with Lab so
// the lead can set their parallelism apart), and asserts the outcome the scenario promises — moves,
// alerts, the journal's state, what knotd serves — never its timing: timings are bench/lab_bench.sh's.
// Then the interactive lab: `lab fault` reaches it, and Ctrl-C leaves no process of it behind.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "integration/regionguard_command.h"
#include "lab/http_call.h"
#include "lab/moto_server.h"
#include "support/child_process.h"
#include "support/temp_dir.h"

namespace rg {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

class LabScenarioTest : public testing::Test {
 protected:
  // `lab run --short --json SCENARIO`: its one JSON line; the run's progress is on stderr.
  json run(const std::string& scenario) {
    const auto output = test::regionguard({"lab", "run", "--short", "--json", scenario}, dir_);
    EXPECT_LT(output.exit_code, 2) << output.err;
    std::istringstream lines(output.out);
    std::string line;
    json last;
    while (std::getline(lines, line))
      if (!line.empty()) last = json::parse(line, nullptr, false);
    EXPECT_TRUE(last.is_object()) << "no JSON line; stdout:\n" << output.out << "\nstderr:\n" << output.err;
    if (!last.is_object()) return json::object();
    EXPECT_EQ(last["verdict"], "pass") << last.dump(2);
    EXPECT_EQ(output.exit_code, 0) << "exit code follows the verdict";
    return last;
  }

  static bool any_alert(const json& run, std::string_view text) {
    return std::ranges::any_of(run["alerts"], [&](const json& a) {
      return a.get<std::string>().find(text) != std::string::npos;
    });
  }

  test::TempDir dir_{"rg-lab-test-"};
};

// October 2025: dynamodb.us-east-1 answers NOERROR with nothing in it. The empty answer is a
// failure, the region goes down after three rounds, the plan moves app.lab to us-west-2 and
// completes; knotd serves the new address and the TTL-honouring client follows it.
TEST_F(LabScenarioTest, LabDynamodbEmptyDnsMovesTheApplicationOnce) {
  const auto outcome = run("dynamodb-empty-dns");
  EXPECT_EQ(outcome["moves"], 1);
  EXPECT_EQ(outcome["journal_state"], "completed");
  EXPECT_EQ(outcome["active_region"], "us-west-2");
  EXPECT_EQ(outcome["served_region"], "us-west-2");
  EXPECT_TRUE(any_alert(outcome, "endpoint-down dynamodb/us-east-1")) << outcome["alerts"];
  EXPECT_TRUE(any_alert(outcome, "(nodata)")) << "the alert names the empty answer: " << outcome["alerts"];
  EXPECT_FALSE(outcome["timeline"]["client_switched_s"].is_null()) << "the client reached us-west-2";
}

// us-east-1 goes dark: its DNS names stop answering and its server hangs. Timeouts are failures
// like any other; one move.
TEST_F(LabScenarioTest, LabRegionBlackholeMovesOnTimeouts) {
  const auto outcome = run("region-blackhole");
  EXPECT_EQ(outcome["moves"], 1);
  EXPECT_EQ(outcome["journal_state"], "completed");
  EXPECT_EQ(outcome["served_region"], "us-west-2");
  EXPECT_TRUE(any_alert(outcome, "(timeout)")) << outcome["alerts"];
}

// The application itself answers 500 in us-east-1 while DNS is fine: the HTTP check alone takes
// the region down (the application is judged by its DNS name and its HTTP check).
TEST_F(LabScenarioTest, LabHttp500MovesOnTheApplicationsOwnCheck) {
  const auto outcome = run("http-500");
  EXPECT_EQ(outcome["moves"], 1);
  EXPECT_EQ(outcome["journal_state"], "completed");
  EXPECT_TRUE(any_alert(outcome, "endpoint-down app/us-east-1")) << outcome["alerts"];
  EXPECT_FALSE(any_alert(outcome, "dynamodb/us-east-1")) << "DNS was well: " << outcome["alerts"];
}

// Latency creeps up 10 ms at a time, never past the critical band: the latency baseline notices
// first, and nothing moves.
TEST_F(LabScenarioTest, LabLatencyCreepAlertsAnAnomalyBeforeAnyThreshold) {
  const auto outcome = run("latency-creep");
  ASSERT_FALSE(outcome["alert_rules"].empty());
  EXPECT_EQ(outcome["alert_rules"][0], "anomaly") << outcome["alerts"];
  EXPECT_EQ(outcome["moves"], 0);
  EXPECT_EQ(outcome["journal_state"], "");
}

// 5% of DNS queries lost, the rest jittered, in every region: hysteresis absorbs it, no plan.
TEST_F(LabScenarioTest, LabNoiseNeverMoves) {
  const auto outcome = run("noise");
  EXPECT_EQ(outcome["moves"], 0);
  EXPECT_EQ(outcome["journal_state"], "") << "no plan started";
  EXPECT_TRUE(outcome["timeline"]["decision_s"].is_null());
}

// The primary fails 6 s and recovers 3 s, over and over: one move, and no failback while the
// primary keeps relapsing (failback needs it healthy for failback_after).
TEST_F(LabScenarioTest, LabFlapMovesOnceAndDoesNotComeBackWhileFlapping) {
  const auto outcome = run("flap");
  EXPECT_EQ(outcome["moves"], 1);
  EXPECT_EQ(outcome["journal_state"], "completed");
  EXPECT_EQ(outcome["active_region"], "us-west-2");
}

// The monitor's own resolver answers SERVFAIL for everything: both regions look down, which says
// more about us than about them. Alerts fire for both; fail-open keeps the application where it is.
TEST_F(LabScenarioTest, LabAllBadAlertsButFailsOpen) {
  const auto outcome = run("all-bad");
  EXPECT_TRUE(any_alert(outcome, "dynamodb/us-east-1")) << outcome["alerts"];
  EXPECT_TRUE(any_alert(outcome, "dynamodb/us-west-2")) << outcome["alerts"];
  EXPECT_EQ(outcome["moves"], 0);
  EXPECT_EQ(outcome["active_region"], "us-east-1");
  EXPECT_EQ(outcome["served_region"], "us-east-1");
}

// One service of the primary (S3) fails; the application is not judged by it. The alert names
// s3/us-east-1 and nothing else; the policy does not move.
TEST_F(LabScenarioTest, LabPartialNamesTheFailingServiceAndStays) {
  const auto outcome = run("partial");
  EXPECT_TRUE(any_alert(outcome, "endpoint-down s3/us-east-1")) << outcome["alerts"];
  EXPECT_TRUE(any_alert(outcome, "(nxdomain)")) << outcome["alerts"];
  EXPECT_EQ(outcome["moves"], 0);
  EXPECT_EQ(outcome["active_region"], "us-east-1");
}

// The daemon is SIGKILLed while knotd has applied the RFC 2136 update but its answer is still held
// at the DNS front, then started again. The journal ends completed or rolled back, and knotd serves
// what the journal says: never half a move.
TEST_F(LabScenarioTest, LabCrashMidPlanEndsCompletedOrRolledBackNeverHalf) {
  const auto outcome = run("crash-mid-plan");
  EXPECT_NE(outcome["crashed_during"], "") << "the daemon was killed while its plan ran";
  const auto state = outcome["journal_state"].get<std::string>();
  EXPECT_TRUE(state == "completed" || state == "rolled_back") << state;
  const auto expected_region = state == "completed" ? "us-west-2" : "us-east-1";
  EXPECT_EQ(outcome["served_region"], expected_region);
  EXPECT_EQ(outcome["active_region"], expected_region);
}

TEST_F(LabScenarioTest, LabRunRefusesAnUnknownScenarioAndListsTheKnownOnes) {
  const auto output = test::regionguard({"lab", "run", "dynamodb-empty"}, dir_);
  EXPECT_EQ(output.exit_code, 3);
  EXPECT_NE(output.err.find("unknown scenario 'dynamodb-empty'"), std::string::npos) << output.err;
  EXPECT_NE(output.err.find("dynamodb-empty-dns"), std::string::npos) << output.err;
}

// The interactive lab, as a newcomer runs it: started, broken from another command, stopped with
// Ctrl-C. Its state file lives in XDG_RUNTIME_DIR, here the test's own directory.
class LabInteractiveTest : public testing::Test {
 protected:
  LabInteractiveTest() { ::setenv("XDG_RUNTIME_DIR", dir_.path().c_str(), 1); }

  std::filesystem::path state_file() const { return dir_.path() / "regionguard-lab.json"; }

  // Waits until the lab has written its state file; its JSON (null if it never did).
  json wait_for_state(test::ChildProcess& lab, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline && lab.running()) {
      std::ifstream in(state_file());
      if (in) {
        const auto state = json::parse(std::string(std::istreambuf_iterator<char>(in), {}), nullptr, false);
        if (!state.is_discarded()) return state;
      }
      std::this_thread::sleep_for(50ms);
    }
    return json();
  }

  // The processes whose parent is `pid` (knotd and the daemon, for the lab).
  static std::vector<pid_t> children_of(pid_t pid) {
    std::vector<pid_t> children;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      const auto name = entry.path().filename().string();
      if (!std::ranges::all_of(name, [](char c) { return c >= '0' && c <= '9'; })) continue;
      std::ifstream stat(entry.path() / "stat");
      std::string text((std::istreambuf_iterator<char>(stat)), {});
      const auto close = text.rfind(')');
      if (close == std::string::npos) continue;
      std::istringstream rest(text.substr(close + 2));
      char state = 0;
      pid_t parent = 0;
      rest >> state >> parent;
      if (parent == pid) children.push_back(static_cast<pid_t>(std::stoi(name)));
    }
    return children;
  }

  static bool gone(pid_t pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

  test::TempDir dir_{"rg-lab-run-"};
};

TEST_F(LabInteractiveTest, LabFaultReachesTheRunningLabAndCtrlCLeavesNothingBehind) {
  test::ChildProcess lab({RG_BINARY, "lab"}, dir_.path() / "lab.out");
  const auto state = wait_for_state(lab, 40s);
  ASSERT_TRUE(state.is_object()) << "the lab wrote no state file; its output:\n" << test::file_tail(dir_.path() / "lab.out");
  const auto out = test::file_tail(dir_.path() / "lab.out", 40);
  EXPECT_NE(out.find("regionguard lab fault us-east-1 empty"), std::string::npos) << "it says how to break things:\n" << out;
  EXPECT_NE(out.find(state["dashboard"].get<std::string>()), std::string::npos) << "it prints the dashboard URL";

  // The daemon behind the dashboard URL probes dynamodb.us-east-1.lab; `lab fault` empties it.
  const std::string dashboard = state["dashboard"];
  const auto port = static_cast<std::uint16_t>(std::stoi(dashboard.substr(dashboard.rfind(':') + 1)));
  const auto fault = test::regionguard({"lab", "fault", "dynamodb.us-east-1.lab", "empty"}, dir_);
  ASSERT_EQ(fault.exit_code, 0) << fault.err;
  EXPECT_NE(fault.out.find("dynamodb.us-east-1.lab: empty"), std::string::npos) << fault.out;
  std::string failure;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline && failure != "nodata") {
    const auto answer = lab::http_call("127.0.0.1", port, "/api/v1/endpoints/dynamodb.us-east-1.lab", 1s);
    if (answer && answer->status == 200) {
      const auto endpoint = json::parse(answer->body, nullptr, false);
      if (endpoint.is_object() && endpoint["failure"].is_string()) failure = endpoint["failure"];
    }
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(failure, "nodata") << "the daemon saw the empty answer the fault made";

  // A fault the lab does not know is refused with the list of the ones it does.
  const auto bogus = test::regionguard({"lab", "fault", "app", "us-east-1", "on-fire"}, dir_);
  EXPECT_EQ(bogus.exit_code, 1);
  EXPECT_NE(bogus.err.find("ok, http-500, hang or slow"), std::string::npos) << bogus.err;

  // Ctrl-C: the lab stops its daemon and knotd before it exits, and removes its state file.
  const auto children = children_of(lab.pid());
  EXPECT_GE(children.size(), 2u) << "knotd and the daemon run as the lab's children";
  ::kill(lab.pid(), SIGINT);
  EXPECT_EQ(lab.wait(), 0) << test::file_tail(dir_.path() / "lab.out");
  for (const pid_t child : children) {
    EXPECT_TRUE(gone(child)) << "process " << child << " outlived the lab";
  }
  EXPECT_FALSE(std::filesystem::exists(state_file()));
  const auto after = test::regionguard({"lab", "fault", "us-east-1", "ok"}, dir_);
  EXPECT_EQ(after.exit_code, 1);
  EXPECT_NE(after.err.find("no lab is running"), std::string::npos) << after.err;
}

// The Route 53 variant (`lab --route53`): moto_server holds app.lab in a hosted zone, and the same
// fault moves the application with a Route 53 change. Read back through moto's
// ListResourceRecordSets, the record then holds us-west-2's address. A missing moto_server makes
// the lab exit with the install hint, and this test fail with it.
TEST_F(LabInteractiveTest, LabRoute53VariantMovesMotosRecordToUsWest2) {
  const auto output = dir_.path() / "lab.out";
  test::ChildProcess lab({RG_BINARY, "lab", "--route53"}, output);
  // moto_server's start is a few seconds of Python on a loaded machine.
  const auto state = wait_for_state(lab, 90s);
  ASSERT_TRUE(state.is_object() && state.contains("moto"))
      << "the lab did not start with moto_server (install it: pip install 'moto[server]'); its output:\n"
      << test::file_tail(output);
  EXPECT_NE(test::file_tail(output, 40).find("Route 53 variant"), std::string::npos) << "the help says what differs";
  const std::string moto = state["moto"];
  const auto moto_port = static_cast<std::uint16_t>(std::stoi(moto.substr(moto.rfind(':') + 1)));
  const auto records = "/2013-04-01/hostedzone/" + state["route53_zone_id"].get<std::string>() + "/rrset";
  // app.lab's value in moto: the text after its name's first <Value>.
  auto app_value = [&]() -> std::string {
    const auto listed = lab::moto_aws_request(moto_port, "route53", "GET", records);
    const auto name = listed.body.find("<Name>app.lab.</Name>");
    const auto value = name == std::string::npos ? name : listed.body.find("<Value>", name);
    const auto end = value == std::string::npos ? value : listed.body.find("</Value>", value);
    return end == std::string::npos ? std::string() : listed.body.substr(value + 7, end - value - 7);
  };
  EXPECT_EQ(app_value(), "127.0.1.1") << "before the fault the record points at us-east-1";

  const auto fault = test::regionguard({"lab", "fault", "us-east-1", "empty"}, dir_);
  ASSERT_EQ(fault.exit_code, 0) << fault.err;
  std::string value;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline && value != "127.0.2.1") {
    value = app_value();
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(value, "127.0.2.1") << "the plan's route53 step moved app.lab to us-west-2; the daemon's log:\n"
                                << test::file_tail(state["directory"].get<std::string>() + "/regionguard.log", 30);

  ::kill(lab.pid(), SIGINT);
  EXPECT_EQ(lab.wait(), 0) << test::file_tail(output);
}

// Ctrl-C in the middle of `lab run`: the run in progress is torn down (its daemon and knotd
// stopped) before the command exits with 130.
TEST_F(LabInteractiveTest, LabRunInterruptedStopsTheWorldItBuilt) {
  const auto output = dir_.path() / "run.out";
  test::ChildProcess run({RG_BINARY, "lab", "run", "--short", "noise"}, output);
  // The fault line is printed once the world runs and both regions were judged healthy.
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline && run.running() &&
         test::file_tail(output).find("fault: every DNS name") == std::string::npos) {
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_NE(test::file_tail(output).find("fault: every DNS name"), std::string::npos) << test::file_tail(output);
  const auto children = children_of(run.pid());
  EXPECT_GE(children.size(), 2u) << "knotd and the daemon run as its children";
  ::kill(run.pid(), SIGINT);
  EXPECT_EQ(run.wait(), 130) << test::file_tail(output);
  EXPECT_NE(test::file_tail(output).find("lab run noise: interrupted"), std::string::npos) << test::file_tail(output);
  for (const pid_t child : children) {
    EXPECT_TRUE(gone(child)) << "process " << child << " outlived the run";
  }
}

}  // namespace
}  // namespace rg
