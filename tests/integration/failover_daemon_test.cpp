// The failover controller in `regionguard run`, end to end: knotd serves the application's checks
// through the DNS fault proxy, moto_server holds the Auto Scaling group, the SSM parameter and the
// Route 53 record, knotd also takes the TSIG-signed RFC 2136 update of the public name, and a
// webhook receiver gets the notifications. The proxy makes the primary's
// check fail; the test follows the daemon's API and checks every effect in moto, the data-plane
// gate, the journal, and what happens on flapping, approval, a failing step, a readiness failure
// and a SIGKILL in the middle of a plan.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "api_client.h"
#include "store/sqlite_failover_journal.h"
#include "support/dns_client.h"
#include "support/dns_fault_proxy.h"
#include "support/http_test_server.h"
#include "support/knot_server.h"
#include "moto_suite.h"
#include "support/moto_server.h"

namespace rg {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using test::DnsFault;
namespace http = boost::beast::http;

constexpr std::string_view kPrimaryCheck = "app.us-east-1.example.test";
constexpr std::string_view kSecondaryCheck = "app.us-west-2.example.test";
// Automatic mode never acts on one probe: each region has a second check, which stays healthy
// (one failing check of two scores 50, below the threshold of 70).
constexpr std::string_view kPrimaryApiCheck = "api.us-east-1.example.test";
constexpr std::string_view kSecondaryApiCheck = "api.us-west-2.example.test";
const std::string kToken = "test-token-0123456789abcdef";
constexpr std::uint16_t kTypeA = 1;
constexpr std::string_view kSecret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==";

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class FailoverDaemonTest : public test::MotoSuite {
 protected:
  static void SetUpTestSuite() {
    use_dummy_credentials();  // of the daemon, the CLI and the aws command
    ::setenv("AWS_DEFAULT_REGION", "us-east-1", 1);
    MotoSuite::SetUpTestSuite();
  }

  FailoverDaemonTest()
      : knot_({.zone = "example.test.",
               .records = {{"app.us-east-1", "A", "192.0.2.10", 60},
                           {"app.us-west-2", "A", "192.0.2.20", 60},
                           {"api.us-east-1", "A", "192.0.2.11", 60},
                           {"api.us-west-2", "A", "192.0.2.21", 60},
                           {"www", "A", "192.0.2.10", 60}},  // the public name, moved by RFC 2136
               .update_key = test::TsigKey{"failover-key", "hmac-sha256", std::string(kSecret)}}),
        proxy_(knot_.address(), knot_.port()) {}

  void SetUp() override {
    MotoSuite::SetUp();
    const auto aws_cli = test::find_executable("aws");
    if (!aws_cli) FAIL() << "the AWS CLI is needed to set up moto: pip install awscli (or apt-get install awscli)";
    aws_cli_ = *aws_cli;
    aws("us-west-2", {"autoscaling", "create-launch-configuration", "--launch-configuration-name", "web-lc",
                      "--image-id", "ami-12345678", "--instance-type", "t3.micro"});
    aws("us-west-2", {"autoscaling", "create-auto-scaling-group", "--auto-scaling-group-name", "web-west",
                      "--launch-configuration-name", "web-lc", "--min-size", "0", "--max-size", max_size_,
                      "--desired-capacity", "0", "--availability-zones", "us-west-2a"});
    aws("us-west-2", {"ssm", "put-parameter", "--name", "/app/active-region", "--value", "us-east-1", "--type",
                      "String"});
    const auto zone = aws("us-east-1", {"route53", "create-hosted-zone", "--name", "example.com",
                                        "--caller-reference", "rg-failover-test"});
    zone_id_ = zone["HostedZone"]["Id"].get<std::string>();
    zone_id_ = zone_id_.substr(zone_id_.rfind('/') + 1);
    aws("us-east-1", {"route53", "change-resource-record-sets", "--hosted-zone-id", zone_id_, "--change-batch",
                      // UPSERT, not CREATE: moto 5.2.1 refuses a CREATE identical to one in its change
                      // history while the record exists, even in a batch that first DELETEs it, so the
                      // plan's compare-and-swap back to this value would fail there (AWS accepts it).
                      R"({"Changes":[{"Action":"UPSERT","ResourceRecordSet":{"Name":"app.example.com","Type":"CNAME",)"
                      R"("TTL":60,"ResourceRecords":[{"Value":"app-east.example.com"}]}}]})"});
  }

  // One AWS CLI call against moto; its JSON answer.
  json aws(const std::string& region, std::vector<std::string> args) {
    std::vector<std::string> argv{aws_cli_.string(), "--endpoint-url", moto_->endpoint(), "--region", region,
                                  "--output", "json"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto out = scratch_.path() / "aws.out";
    std::filesystem::remove(out);
    const int status = test::run_command(argv, out);
    const auto text = read_file(out);
    if (status != 0) throw std::runtime_error("aws " + args[0] + " " + args[1] + " failed: " + text);
    if (text.find_first_not_of(" \n") == std::string::npos) return json();
    return json::parse(text);
  }

  std::int64_t desired_capacity() {
    return aws("us-west-2", {"autoscaling", "describe-auto-scaling-groups", "--auto-scaling-group-names",
                             "web-west"})["AutoScalingGroups"][0]["DesiredCapacity"];
  }
  // The parameter as the region's application reads it (a plan writes it in its target region).
  std::string parameter(const std::string& region = "us-west-2") {
    return aws(region, {"ssm", "get-parameter", "--name", "/app/active-region"})["Parameter"]["Value"];
  }
  std::string record() {
    const auto sets = aws("us-east-1", {"route53", "list-resource-record-sets", "--hosted-zone-id", zone_id_});
    for (const auto& set : sets["ResourceRecordSets"])
      if (set["Name"] == "app.example.com." && set["Type"] == "CNAME")
        return set["ResourceRecords"][0]["Value"];
    return "";
  }

  // `update_server`: where the daemon sends its RFC 2136 updates (default: knotd).
  test::DaemonOptions options(std::string_view mode, std::string update_server = {}) {
    if (update_server.empty()) update_server = "127.0.0.1:" + std::to_string(knot_.port());
    test::DaemonOptions options;
    options.resolver = "127.0.0.1:" + std::to_string(proxy_.port());
    options.regions = {"us-east-1", "us-west-2"};
    options.services = {"app"};
    options.endpoints = {{std::string(kPrimaryCheck), "app", "us-east-1"},
                         {std::string(kPrimaryApiCheck), "app", "us-east-1"},
                         {std::string(kSecondaryCheck), "app", "us-west-2"},
                         {std::string(kSecondaryApiCheck), "app", "us-west-2"}};
    options.token = kToken;
    std::ostringstream yaml;
    yaml << "aws:\n  endpoint_url: " << moto_->endpoint() << "\n  timeout: 30s\n"
         << "notifiers:\n  - { name: hook, type: webhook, url: \"" << hook_.url("/echo") << "\", attempts: 1 }\n"
         << "applications:\n  web:\n    primary: us-east-1\n    secondaries: [us-west-2]\n"
         << "    checks:\n      us-east-1: [" << kPrimaryCheck << ", " << kPrimaryApiCheck << "]\n      us-west-2: ["
         << kSecondaryCheck << ", " << kSecondaryApiCheck << "]\n"
         << "    policy:\n      mode: " << mode << "\n      consecutive_failures_threshold: 2\n"
         << "      cooldown: 1h\n      failback_after: 1h\n"
         << "    plan:\n      autoscaling_groups: { us-west-2: web-west }\n      desired_capacity: 1\n"
         << "      ssm_parameters: { /app/active-region: { us-east-1: us-east-1, us-west-2: us-west-2 } }\n"
         << "      route53: { zone_id: " << zone_id_
         << ", name: app.example.com, values: { us-east-1: app-east.example.com, us-west-2: app-west.example.com } }\n"
         << "      dns_update:\n        server: \"" << update_server << "\"\n        zone: example.test\n"
         << "        name: www.example.test\n        type: A\n        ttl: 60\n"
         << "        key: { name: failover-key, algorithm: hmac-sha256, secret: \"" << kSecret << "\" }\n"
         << "        values: { us-east-1: 192.0.2.10, us-west-2: 192.0.2.20 }\n"
         << "      verify_dns: { name: www.example.test, resolvers: [\"127.0.0.1:" << proxy_.port()
         << "\"], timeout: 30s }\n"
         << "      gate: true\n      settle: " << settle_ << "\n";
    options.extra_server_yaml = yaml.str();
    return options;
  }

  // Waits until a plan has opened its gate and settles (its last step); false if it never does.
  static bool wait_until_settling(test::Daemon& daemon) {
    const auto reply = daemon.wait_for(
        "/api/v1/applications",
        [](const test::HttpReply& r) {
          return r.json()[0]["state"] == "running" &&
                 r.json()[0]["steps"].dump().find("done: open the gate") != std::string::npos;
        },
        120s);
    return reply.status == 200 && reply.json()[0]["state"] == "running";
  }

  static json application(test::Daemon& daemon) {
    const auto list = daemon.get("/api/v1/applications").json();
    EXPECT_EQ(list.size(), 1u) << list;
    return list.empty() ? json() : list[0];
  }

  // Waits until the application is idle again after a plan; its JSON.
  static json wait_until_idle_with(test::Daemon& daemon, std::string_view active, std::chrono::seconds timeout = 120s) {
    const auto reply = daemon.wait_for(
        "/api/v1/applications",
        [&](const test::HttpReply& r) {
          const auto app = r.json()[0];
          return app["state"] == "idle" && app["active_region"] == active && !app["history"].empty();
        },
        timeout);
    if (reply.status != 200) {
      ADD_FAILURE() << "no answer from the daemon (" << reply.error << "); log:\n" << test::file_tail(daemon.log(), 80);
      return json::object();
    }
    return reply.json()[0];
  }

  std::unique_ptr<FailoverJournal> journal(test::Daemon& daemon) {
    auto opened = SqliteFailoverJournal::open((daemon.dir().path() / "history.db").string());
    if (!opened) throw std::runtime_error(opened.error().message);
    return std::move(*opened);
  }

  // What knotd itself serves for the public name.
  std::vector<std::string> served() {
    const auto query = test::dns::make_query(4242, "www.example.test", kTypeA, false);
    const auto answer = test::dns::exchange(test::dns::Transport::udp, knot_.address(), knot_.port(), query, 2s);
    if (!answer) throw std::runtime_error(answer.error().message());
    const auto message = test::dns::parse_message(*answer).value();
    std::vector<std::string> values;
    for (const auto& record : message.answers)
      if (record.type == kTypeA) values.push_back(test::dns::rdata_text(record));
    return values;
  }

  unsigned gate(test::Daemon& daemon, std::string_view region) {
    return daemon.get("/gate/web/" + std::string(region)).status;
  }

  test::HttpReply post(test::Daemon& daemon, const std::string& target, bool with_token = true) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (with_token) headers.emplace_back("Authorization", "Bearer " + kToken);
    return test::http_request(daemon.port(), http::verb::post, target, headers, "{}");
  }

  test::KnotServer knot_;
  test::DnsFaultProxy proxy_;
  test::HttpTestServer hook_;
  test::TempDir scratch_{"rg-failover-daemon-"};
  std::filesystem::path aws_cli_;
  std::string zone_id_;
  std::string max_size_ = "2";
  std::string settle_ = "2s";
};


TEST_F(FailoverDaemonTest, PrimaryFailsTrafficMovesOnceAndEveryEffectIsInPlace) {
  test::Daemon daemon(options("automatic"));
  auto app = application(daemon);
  EXPECT_EQ(app["active_region"], "us-east-1");
  EXPECT_EQ(app["state"], "idle");
  EXPECT_EQ(gate(daemon, "us-east-1"), 200u);
  EXPECT_EQ(gate(daemon, "us-west-2"), 503u);
  EXPECT_EQ(gate(daemon, "eu-west-1"), 404u);
  EXPECT_EQ(daemon.get("/gate/nope/us-east-1").status, 404u);

  // The primary's answer goes empty, as DynamoDB's did in October 2025.
  proxy_.set_fault_for(std::string(kPrimaryCheck), DnsFault::nodata);
  app = wait_until_idle_with(daemon, "us-west-2");
  ASSERT_EQ(app["active_region"], "us-west-2") << app.dump(2) << test::file_tail(daemon.log(), 60);
  EXPECT_EQ(app["history"][0]["state"], "completed") << app.dump(2);
  EXPECT_EQ(app["history"][0]["kind"], "failover");

  // Every step's effect, in moto and in the daemon.
  EXPECT_EQ(desired_capacity(), 1);
  EXPECT_EQ(parameter(), "us-west-2");
  EXPECT_EQ(record(), "app-west.example.com");
  EXPECT_EQ(served(), std::vector<std::string>{"192.0.2.20"}) << "knotd serves the TSIG-signed update";
  EXPECT_EQ(gate(daemon, "us-east-1"), 503u);
  EXPECT_EQ(gate(daemon, "us-west-2"), 200u);
  const auto steps = app["steps"].dump();
  for (const auto* expected : {"scale web-west to 1", "set /app/active-region", "point app.example.com.",
                               "open the gate of us-west-2", "settle: us-west-2"})
    EXPECT_NE(steps.find(expected), std::string::npos) << expected << " not in " << steps;

  // The primary flaps: healthy, failing, healthy... No second move (cool-down, and fail-back
  // needs an hour of health).
  for (int i = 0; i < 4; ++i) {
    proxy_.set_fault_for(std::string(kPrimaryCheck), DnsFault::none);
    std::this_thread::sleep_for(1500ms);
    proxy_.set_fault_for(std::string(kPrimaryCheck), DnsFault::nodata);
    std::this_thread::sleep_for(1500ms);
  }
  auto store = journal(daemon);
  const auto plans = store->plans("web", 10);
  ASSERT_TRUE(plans.has_value());
  EXPECT_EQ(plans->size(), 1u) << "flapping must not move traffic again";
  EXPECT_EQ(application(daemon)["active_region"], "us-west-2");

  // Notified at the start, at each step and at the end; the alert rule saw it too.
  EXPECT_GE(hook_.requests("/echo"), 6u);
  const auto alerts = daemon.get("/api/v1/alerts").body;
  EXPECT_NE(alerts.find("failover"), std::string::npos) << alerts;
  EXPECT_NE(test::file_tail(daemon.log(), 400).find("[FAILOVER]") , std::string::npos);
}

// Issue 18: where a real failover's time went. The primary fails, the daemon moves web to
// us-west-2 against moto, knotd and its own gate, and the API, `failover status` and its --json
// then show the breakdown from the first failing round to the settled plan: every phase of this
// plan present, in the order they happened, back to back, adding up to the total.
TEST_F(FailoverDaemonTest, AFailoverShowsWhereItsRecoveryTimeWent) {
  test::Daemon daemon(options("automatic"));
  proxy_.set_fault_for(std::string(kPrimaryCheck), DnsFault::nodata);
  const auto moved = wait_until_idle_with(daemon, "us-west-2");
  ASSERT_EQ(moved.value("active_region", ""), "us-west-2") << moved.dump(2) << test::file_tail(daemon.log(), 60);

  const auto reply = daemon.get("/api/v1/failover/web");
  ASSERT_EQ(reply.status, 200u) << reply.body;
  const auto recovery = reply.json()["recovery"];
  ASSERT_TRUE(recovery.is_object()) << reply.body;
  EXPECT_EQ(recovery["generation"], 1);
  EXPECT_EQ(recovery["outcome"], "recovered");
  EXPECT_EQ(recovery["running"], false);
  EXPECT_EQ(recovery["resumed"], false);

  // The plan's steps by stage: the Auto Scaling group, the SSM parameter, then Route 53, the RFC
  // 2136 update and the gate, then verify_dns, then the settling period.
  std::vector<std::string> names;
  std::int64_t sum = 0;
  const auto& phases = recovery["phases"];
  ASSERT_FALSE(phases.empty()) << recovery.dump(2);
  for (std::size_t i = 0; i < phases.size(); ++i) {
    names.push_back(phases[i]["name"]);
    sum += phases[i]["ms"].get<std::int64_t>();
    EXPECT_GE(phases[i]["ms"].get<std::int64_t>(), 0) << phases[i].dump();
    EXPECT_LE(phases[i]["from"].get<std::string>(), phases[i]["to"].get<std::string>()) << phases[i].dump();
    if (i > 0) {
      EXPECT_EQ(phases[i]["from"], phases[i - 1]["to"]) << "phases lie back to back: " << recovery.dump(2);
    }
  }
  EXPECT_EQ(names, (std::vector<std::string>{"detect", "decide", "readiness", "scale", "data", "traffic", "verify",
                                             "settle"}))
      << recovery.dump(2);
  EXPECT_EQ(sum, recovery["total_ms"].get<std::int64_t>()) << recovery.dump(2);
  EXPECT_GT(phases[0]["ms"].get<std::int64_t>(), 0) << "two failing rounds a second apart before the decision";
  EXPECT_GE(phases.back()["ms"].get<std::int64_t>(), 2000) << "settle: 2s";

  // The milestones, in the order the plan reached them (fixed-width ISO 8601 compares as text).
  std::vector<std::string> milestones;
  for (const auto* key : {"failing_since", "decided_at", "started_at", "ready_at", "traffic_moved_at", "verified_at",
                          "settled_at"}) {
    ASSERT_TRUE(recovery[key].is_string()) << key << " missing: " << recovery.dump(2);
    milestones.push_back(recovery[key]);
  }
  EXPECT_TRUE(std::ranges::is_sorted(milestones)) << recovery.dump(2);
  EXPECT_EQ(phases[0]["from"], recovery["failing_since"]);
  EXPECT_EQ(phases.back()["to"], recovery["settled_at"]);
  const std::string text = recovery["text"];
  EXPECT_TRUE(text.starts_with("recovered in ")) << text;

  // The command line reads the same journal and says the same.
  const auto config = (daemon.dir().path() / "regionguard.yaml").string();
  const auto cli = [&](std::vector<std::string> args, const std::string& name) {
    args.insert(args.begin(), RG_BINARY);
    args.insert(args.end(), {"-c", config});
    const auto out = daemon.dir().path() / (name + ".out");
    const int status = test::run_command(args, out);
    return std::pair{status, read_file(out)};
  };
  const auto [status, said] = cli({"failover", "status", "web"}, "status");
  EXPECT_EQ(status, 0) << said;
  EXPECT_NE(said.find("recovery time of #1: " + text), std::string::npos) << said;
  EXPECT_NE(said.find("traffic moved: " + recovery["traffic_moved_at"].get<std::string>()), std::string::npos) << said;
  const auto [json_status, json_said] = cli({"failover", "status", "web", "--json"}, "status-json");
  ASSERT_EQ(json_status, 0) << json_said;
  // The output file holds stderr too (the configuration's warnings come first): the JSON is the
  // object that starts a line.
  const auto object = json_said.starts_with("{") ? 0 : json_said.find("\n{");
  ASSERT_NE(object, std::string::npos) << json_said;
  const auto listed = json::parse(json_said.substr(object), nullptr, false);
  ASSERT_TRUE(listed.is_object()) << json_said;
  EXPECT_EQ(listed["recovery"]["total_ms"], recovery["total_ms"]) << json_said;
  EXPECT_EQ(listed["recovery"]["phases"], recovery["phases"]) << json_said;
}

TEST_F(FailoverDaemonTest, ManualApprovalWaitsForTheOperator) {
  test::Daemon daemon(options("manual-approval"));
  proxy_.set_fault_for(std::string(kPrimaryCheck), DnsFault::nodata);
  const auto proposed = daemon.wait_for("/api/v1/applications", [](const test::HttpReply& r) {
    return r.json()[0]["state"] == "awaiting_approval";
  });
  auto app = proposed.json()[0];
  ASSERT_EQ(app["state"], "awaiting_approval") << app.dump(2) << test::file_tail(daemon.log(), 40);
  EXPECT_EQ(app["plan"]["to"], "us-west-2");
  EXPECT_EQ(app["plan"]["state"], "proposed");
  // Nothing moves while it waits.
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(desired_capacity(), 0);
  EXPECT_EQ(record(), "app-east.example.com");

  EXPECT_EQ(post(daemon, "/api/v1/failover/web/approve", false).status, 401u);
  EXPECT_EQ(post(daemon, "/api/v1/failover/nope/approve").status, 404u);
  EXPECT_EQ(post(daemon, "/api/v1/failover/web/teleport").status, 404u);
  EXPECT_EQ(desired_capacity(), 0);

  // Approved on the command line: the daemon owns the application, so the CLI asks it through its
  // API; the daemon checks the primary is still down and runs the proposal.
  const auto out = daemon.dir().path() / "approve.out";
  const int status = test::run_command(
      {RG_BINARY, "failover", "approve", "web", "-c", (daemon.dir().path() / "regionguard.yaml").string()}, out);
  ASSERT_EQ(status, 0) << read_file(out);
  EXPECT_NE(read_file(out).find("asking it through its API"), std::string::npos) << read_file(out);
  EXPECT_NE(read_file(out).find(R"("generation":1)"), std::string::npos) << read_file(out);
  app = wait_until_idle_with(daemon, "us-west-2");
  ASSERT_EQ(app["active_region"], "us-west-2") << app.dump(2) << test::file_tail(daemon.log(), 60);
  EXPECT_EQ(app["history"][0]["generation"], 1) << "the proposal runs as its own generation";
  EXPECT_EQ(app["history"][0]["state"], "completed");
  EXPECT_EQ(desired_capacity(), 1);
  EXPECT_EQ(record(), "app-west.example.com");

  // Rolled back on the API: a new plan back to the region it left, once the daemon sees the
  // primary healthy again (before that, its readiness check refuses).
  proxy_.set_fault_for(std::string(kPrimaryCheck), DnsFault::none);
  daemon.wait_for("/api/v1/applications",
                  [](const test::HttpReply& r) { return r.json()[0]["regions"][0]["failing"] == false; });
  const auto rollback = post(daemon, "/api/v1/failover/web/rollback");
  ASSERT_EQ(rollback.status, 202u) << rollback.body;
  app = wait_until_idle_with(daemon, "us-east-1");
  ASSERT_EQ(app["active_region"], "us-east-1") << app.dump(2);
  EXPECT_EQ(app["history"][0]["kind"], "failback");
  EXPECT_EQ(record(), "app-east.example.com");
  EXPECT_EQ(parameter("us-east-1"), "us-east-1");
}

TEST_F(FailoverDaemonTest, AFailingStepRollsEverythingBack) {
  // No DNS server where the updates go (the discard port, closed on loopback): the RFC 2136 step
  // cannot even read the record, after capacity, the parameter and the Route 53 record moved. (A
  // missing hosted zone no longer gets that far: the Route 53 readiness check reads the zone.)
  test::Daemon daemon(options("automatic", "127.0.0.1:9"));
  proxy_.set_fault_for(std::string(kPrimaryCheck), DnsFault::nodata);
  const auto reply = daemon.wait_for(
      "/api/v1/applications",
      [](const test::HttpReply& r) {
        const auto app = r.json()[0];
        return app["state"] == "idle" && !app["history"].empty();
      },
      120s);
  const auto app = reply.json()[0];
  ASSERT_FALSE(app["history"].empty()) << app.dump(2) << test::file_tail(daemon.log(), 60);
  EXPECT_EQ(app["history"][0]["state"], "rolled_back") << app.dump(2);
  EXPECT_EQ(app["active_region"], "us-east-1");
  EXPECT_EQ(desired_capacity(), 1) << "an undo never removes capacity (issue 15, section 6)";
  EXPECT_EQ(parameter(), "us-east-1") << "the parameter is put back";
  EXPECT_EQ(record(), "app-east.example.com");
  EXPECT_EQ(served(), std::vector<std::string>{"192.0.2.10"});
  EXPECT_EQ(gate(daemon, "us-east-1"), 200u);
}

TEST_F(FailoverDaemonTest, ReadinessFailureChangesNothing) {
  max_size_ = "0";  // the group cannot reach the desired capacity of 1
  SetUp();          // again, with the smaller group
  test::Daemon daemon(options("automatic"));
  proxy_.set_fault_for(std::string(kPrimaryCheck), DnsFault::nodata);
  const auto reply = daemon.wait_for(
      "/api/v1/applications", [](const test::HttpReply& r) { return !r.json()[0]["history"].empty(); }, 60s);
  const auto app = reply.json()[0];
  ASSERT_FALSE(app["history"].empty()) << test::file_tail(daemon.log(), 60);
  EXPECT_EQ(app["history"][0]["state"], "not_ready") << app.dump(2);
  EXPECT_NE(app["history"][0]["detail"].get<std::string>().find("max size 0 < desired 1"), std::string::npos)
      << app.dump(2);
  std::this_thread::sleep_for(3s);  // and it is not retried every round (paced by the cool-down)
  EXPECT_EQ(application(daemon)["history"].size(), 1u);
  EXPECT_EQ(desired_capacity(), 0);
  EXPECT_EQ(parameter(), "us-east-1");
  EXPECT_EQ(record(), "app-east.example.com");
  EXPECT_EQ(served(), std::vector<std::string>{"192.0.2.10"});
  EXPECT_EQ(gate(daemon, "us-east-1"), 200u);
}

TEST_F(FailoverDaemonTest, KilledMidPlanTheRestartResumesIt) {
  settle_ = "8s";  // long enough to kill the daemon while the plan settles
  test::Daemon daemon(options("automatic"));
  proxy_.set_fault_for(std::string(kPrimaryCheck), DnsFault::nodata);
  ASSERT_TRUE(wait_until_settling(daemon)) << test::file_tail(daemon.log(), 60);
  daemon.kill();
  {
    auto store = journal(daemon);
    const auto latest = store->latest("web");
    ASSERT_TRUE(latest && *latest);
    EXPECT_EQ((*latest)->state, PlanState::running) << "the crash left the plan running";
  }
  EXPECT_EQ(desired_capacity(), 1);

  daemon.start();
  // The gate answers what the journal says the plan did, at once.
  EXPECT_EQ(gate(daemon, "us-west-2"), 200u);
  const auto app = wait_until_idle_with(daemon, "us-west-2");
  ASSERT_EQ(app["active_region"], "us-west-2") << app.dump(2) << test::file_tail(daemon.log(), 60);
  EXPECT_EQ(app["history"].size(), 1u) << "resumed, not started again";
  EXPECT_EQ(app["history"][0]["state"], "completed");
  EXPECT_NE(app["steps"].dump().find("resuming at step"), std::string::npos) << app["steps"].dump();
  EXPECT_EQ(desired_capacity(), 1);
  EXPECT_EQ(record(), "app-west.example.com");
}

// Issue 15, section 1: one owner at a time. The daemon owns the application; the operator's CLI
// commands go to it through its API instead of running a second plan beside it. A second
// `execute` during the plan is refused naming the plan; `rollback` during the plan is a new
// generation that fences the running one, whose steps are then undone.
TEST_F(FailoverDaemonTest, TheCliHandsItsCommandsToTheDaemonThatOwnsTheApplication) {
  settle_ = "6s";  // the plan stays running long enough to race it
  test::Daemon daemon(options("manual-approval"));
  const auto config = (daemon.dir().path() / "regionguard.yaml").string();
  const auto cli = [&](std::vector<std::string> args, const std::string& name) {
    args.insert(args.begin(), RG_BINARY);
    args.insert(args.end(), {"-c", config});
    const auto out = daemon.dir().path() / (name + ".out");
    const int status = test::run_command(args, out);
    return std::pair{status, read_file(out)};
  };
  daemon.wait_for("/api/v1/applications", [](const test::HttpReply& r) { return r.json()[0]["owned"] == true; });
  const auto [status, said] = cli({"failover", "status", "web"}, "status");
  EXPECT_EQ(status, 0) << said;
  EXPECT_NE(said.find("owner: "), std::string::npos) << said;

  const auto [executed, execute_said] = cli({"failover", "execute", "web"}, "execute");
  ASSERT_EQ(executed, 0) << execute_said;
  EXPECT_NE(execute_said.find("asking it through its API"), std::string::npos) << execute_said;
  daemon.wait_for("/api/v1/applications", [](const test::HttpReply& r) {
    return r.json()[0]["state"] == "running" && r.json()[0]["steps"].dump().find("done: open the gate") != std::string::npos;
  });
  const auto [again, again_said] = cli({"failover", "execute", "web"}, "execute-again");
  EXPECT_EQ(again, 1) << again_said;
  EXPECT_NE(again_said.find("plan #1"), std::string::npos) << "the refusal names the running plan: " << again_said;

  const auto [rolled, rollback_said] = cli({"failover", "rollback", "web"}, "rollback");
  ASSERT_EQ(rolled, 0) << rollback_said;
  const auto app = wait_until_idle_with(daemon, "us-east-1");
  ASSERT_GE(app["history"].size(), 2u) << app.dump(2) << test::file_tail(daemon.log(), 60);
  EXPECT_EQ(app["history"][0]["kind"], "rollback");
  EXPECT_EQ(app["history"][0]["state"], "rolled_back") << app.dump(2);
  EXPECT_EQ(app["history"][1]["state"], "fenced") << "the running plan was fenced, not overwritten";
  EXPECT_EQ(app["history"].size(), 2u) << "exactly one plan moved anything";
  EXPECT_EQ(record(), "app-east.example.com");
  EXPECT_EQ(parameter(), "us-east-1");
  EXPECT_EQ(served(), std::vector<std::string>{"192.0.2.10"});
  EXPECT_EQ(gate(daemon, "us-east-1"), 200u);
}

// Issue 15, section 2: a proposal is withdrawn as soon as the region it would leave recovers, so
// an operator cannot approve a move the outage no longer needs; and approving it afterwards is
// refused with the reason.
TEST_F(FailoverDaemonTest, AProposalIsWithdrawnWhenItsSourceRecovers) {
  test::Daemon daemon(options("manual-approval"));
  proxy_.set_fault_for(std::string(kPrimaryCheck), DnsFault::nodata);
  const auto proposed = daemon.wait_for("/api/v1/applications", [](const test::HttpReply& r) {
    return r.json()[0]["state"] == "awaiting_approval";
  });
  ASSERT_EQ(proposed.json()[0]["state"], "awaiting_approval") << proposed.body << test::file_tail(daemon.log(), 40);
  proxy_.set_fault_for(std::string(kPrimaryCheck), DnsFault::none);
  const auto withdrawn = daemon.wait_for("/api/v1/applications", [](const test::HttpReply& r) {
    const auto app = r.json()[0];
    return !app["history"].empty() && app["history"][0]["state"] == "withdrawn";
  });
  const auto app = withdrawn.json()[0];
  ASSERT_EQ(app["history"][0]["state"], "withdrawn") << app.dump(2) << test::file_tail(daemon.log(), 40);
  EXPECT_EQ(app["state"], "idle");
  EXPECT_NE(app["history"][0]["detail"].get<std::string>().find("us-east-1 recovered"), std::string::npos)
      << app.dump(2);
  const auto approve = post(daemon, "/api/v1/failover/web/approve");
  EXPECT_EQ(approve.status, 409u) << approve.body;
  EXPECT_EQ(desired_capacity(), 0);
  EXPECT_EQ(record(), "app-east.example.com");
}

}  // namespace
}  // namespace rg

namespace rg {
namespace {

// Issue 19: a reload that changes the applications while a plan runs. The plan finishes under the
// configuration it started with; the controller takes the new one once it is idle, re-reading
// the journal (traffic stays where the plan moved it).
TEST_F(FailoverDaemonTest, AReloadDuringAPlanWaitsForItToFinish) {
  settle_ = "6s";  // long enough to reload while the plan settles
  test::Daemon daemon(options("automatic"));
  proxy_.set_fault_for(std::string(kPrimaryCheck), DnsFault::nodata);
  ASSERT_TRUE(wait_until_settling(daemon)) << test::file_tail(daemon.log(), 60);

  settle_ = "7s";
  daemon.write_config(options("automatic"));
  const auto answer = post(daemon, "/api/v1/reload");
  ASSERT_EQ(answer.status, 200u) << answer.body;
  const auto report = answer.json();
  EXPECT_EQ(report["applied"], json::array({"applications"}));
  EXPECT_EQ(report["deferred"], json::array({"applications"}));

  const auto app = wait_until_idle_with(daemon, "us-west-2");
  ASSERT_EQ(app["history"].size(), 1u) << app.dump(2);
  EXPECT_EQ(app["history"][0]["state"], "completed") << "the reload must not cut the plan short";
  // The next round hands the applications to a controller started from the new configuration,
  // which reads back from the journal where traffic is.
  daemon.wait_for("/api/v1/applications", [&](const test::HttpReply&) {
    return read_file(daemon.log()).find("the deferred applications change is applied") != std::string::npos;
  });
  EXPECT_NE(read_file(daemon.log()).find("the deferred applications change is applied"), std::string::npos)
      << test::file_tail(daemon.log(), 40);
  const auto after = application(daemon);
  EXPECT_EQ(after["active_region"], "us-west-2") << after.dump(2);
  EXPECT_EQ(gate(daemon, "us-west-2"), 200u);
  EXPECT_EQ(gate(daemon, "us-east-1"), 503u);
}

}  // namespace
}  // namespace rg
