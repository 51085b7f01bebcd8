// Several agents, one acting controller (issue 17), end to end with real components: a
// three-member etcd cluster on loopback; three `regionguard run` agents, each seeing knotd
// through its own DNS fault proxy (so each has its own view of the regions) and reaching Route 53
// (moto) through its own HTTP fault proxy (so every AWS call is counted per agent). The
// application "web" fails over from us-east-1 to us-west-2 by changing a Route 53 record, after a
// custom step "drain" that takes a few seconds (so a leader can be killed or paused mid-plan).
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include "api_client.h"
#include "moto_suite.h"
#include "support/dns_fault_proxy.h"
#include "support/etcd_cluster.h"
#include "support/http_fault_proxy.h"
#include "support/http_test_server.h"
#include "support/knot_server.h"
#include "support/moto_server.h"

namespace rg {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using test::DnsFault;

constexpr int kAgents = 3;
constexpr std::string_view kPrimaryCheck = "app.us-east-1.example.test";
const std::string kToken = "test-token-0123456789abcdef";

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class ClusterTest : public test::MotoSuite {
 protected:
  static void SetUpTestSuite() {
    use_dummy_credentials();
    ::setenv("AWS_DEFAULT_REGION", "us-east-1", 1);
    MotoSuite::SetUpTestSuite();
  }

  ClusterTest()
      : knot_({.zone = "example.test.",
               .records = {{"app.us-east-1", "A", "192.0.2.10", 60},
                           {"app.us-west-2", "A", "192.0.2.20", 60},
                           {"api.us-east-1", "A", "192.0.2.11", 60},
                           {"api.us-west-2", "A", "192.0.2.21", 60}}}) {
    for (int i = 0; i < kAgents; ++i) {
      dns_.push_back(std::make_unique<test::DnsFaultProxy>(knot_.address(), knot_.port()));
      aws_.push_back(std::make_unique<test::HttpFaultProxy>("127.0.0.1", moto_->port()));
    }
  }

  void SetUp() override {
    MotoSuite::SetUp();
    const auto aws_cli = test::find_executable("aws");
    if (!aws_cli) FAIL() << "the AWS CLI is needed to set up moto: pip install awscli (or apt-get install awscli)";
    aws_cli_ = *aws_cli;
    const auto zone = aws({"route53", "create-hosted-zone", "--name", "example.com", "--caller-reference", "rg-cluster"});
    zone_id_ = zone["HostedZone"]["Id"].get<std::string>();
    zone_id_ = zone_id_.substr(zone_id_.rfind('/') + 1);
    aws({"route53", "change-resource-record-sets", "--hosted-zone-id", zone_id_, "--change-batch",
         R"({"Changes":[{"Action":"UPSERT","ResourceRecordSet":{"Name":"app.example.com","Type":"CNAME",)"
         R"("TTL":60,"ResourceRecords":[{"Value":"app-east.example.com"}]}}]})"});
  }

  void TearDown() override {
    if (HasFailure())
      for (std::size_t i = 0; i < agents_.size(); ++i)
        if (agents_[i])
          ADD_FAILURE() << "agent-" << i << "'s log (" << agents_[i]->log().string() << "):\n"
                        << test::file_tail(agents_[i]->log(), 60);
  }

  json aws(std::vector<std::string> args) {
    std::vector<std::string> argv{aws_cli_.string(), "--endpoint-url", moto_->endpoint(), "--region", "us-east-1",
                                  "--output", "json"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto out = scratch_.path() / "aws.out";
    std::filesystem::remove(out);
    const int status = test::run_command(argv, out);
    const auto text = read_file(out);
    if (status != 0) throw std::runtime_error("aws " + args[1] + " failed: " + text);
    return text.find_first_not_of(" \n") == std::string::npos ? json() : json::parse(text);
  }

  // The application's record in moto: its value, or what the zone holds instead.
  std::string record() {
    const auto sets = aws({"route53", "list-resource-record-sets", "--hosted-zone-id", zone_id_});
    for (const auto& set : sets["ResourceRecordSets"])
      if (set["Name"] == "app.example.com." && set["Type"] == "CNAME") return set["ResourceRecords"][0]["Value"];
    return "no CNAME app.example.com. in " + sets.dump();
  }

  // Route 53 changes agent `i` sent (POSTs: ChangeResourceRecordSets; reads are GETs).
  std::size_t route53_changes(int i) const {
    std::size_t n = 0;
    for (const auto& request : aws_[i]->requests()) n += request.service == "route53" && request.method == "POST";
    return n;
  }
  std::size_t route53_changes() const {
    std::size_t n = 0;
    for (int i = 0; i < kAgents; ++i) n += route53_changes(i);
    return n;
  }

  // Agent i's configuration: the same for all unless `failback_after` differs.
  test::DaemonOptions options(int i, std::string_view failback_after = "1h") {
    test::DaemonOptions options;
    options.resolver = "127.0.0.1:" + std::to_string(dns_[i]->port());
    options.regions = {"us-east-1", "us-west-2"};
    options.services = {"app"};
    options.endpoints = {{std::string(kPrimaryCheck), "app", "us-east-1"},
                         {"api.us-east-1.example.test", "app", "us-east-1"},
                         {"app.us-west-2.example.test", "app", "us-west-2"},
                         {"api.us-west-2.example.test", "app", "us-west-2"}};
    options.token = kToken;
    std::ostringstream yaml;
    yaml << "aws:\n  endpoint_url: " << aws_[i]->endpoint() << "\n  timeout: 10s\n"
         << "notifiers:\n  - { name: hook, type: webhook, url: \"" << hook_.url("/echo") << "\", attempts: 1 }\n"
         << "applications:\n  web:\n    primary: us-east-1\n    secondaries: [us-west-2]\n"
         << "    checks:\n      us-east-1: [app.us-east-1.example.test, api.us-east-1.example.test]\n"
         << "      us-west-2: [app.us-west-2.example.test, api.us-west-2.example.test]\n"
         << "    policy:\n      mode: automatic\n      consecutive_failures_threshold: 2\n"
         << "      cooldown: 1h\n      failback_after: " << failback_after << "\n"
         << "    plan:\n      custom_steps:\n"
         << "        - { name: drain, exec: [/bin/sh, -c, \"echo $RG_GENERATION >> " << (scratch_.path() / "drained").string()
         << "; sleep 4\"], timeout: 30s }\n"
         << "      route53: { zone_id: " << zone_id_
         << ", name: app.example.com, values: { us-east-1: app-east.example.com, us-west-2: app-west.example.com } }\n"
         << "      settle: 1s\n      gate: true\n"
         << "cluster:\n  name: agent-" << i << "\n  lease_ttl: 3s\n  etcd:\n    timeout: 1s\n    endpoints: [";
    const auto endpoints = etcd_.endpoints();
    for (std::size_t e = 0; e < endpoints.size(); ++e) yaml << (e ? ", " : "") << endpoints[e];
    yaml << "]\n";
    options.extra_server_yaml = yaml.str();
    return options;
  }

  void start_agents(std::string_view last_failback_after = "1h") {
    for (int i = 0; i < kAgents; ++i)
      agents_.push_back(std::make_unique<test::Daemon>(options(i, i == kAgents - 1 ? last_failback_after : "1h")));
  }

  json cluster(int i) {
    const auto reply = agents_[i]->get("/api/v1/cluster");
    return reply.status == 200 ? reply.json() : json();
  }

  // Waits until every agent in `among` names the same leader, that leader says it leads and sees
  // `agents` live agents; its index.
  int wait_for_leader(std::vector<int> among = {0, 1, 2}, std::size_t agents = kAgents,
                      std::chrono::seconds timeout = 60s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      std::optional<std::string> named;
      bool agreed = true;
      for (const int i : among) {
        const auto c = cluster(i);
        if (!c.is_object() || !c["leader"].is_string() || c["agents"].size() != agents) agreed = false;
        else if (!named) named = c["leader"].get<std::string>();
        else agreed = agreed && *named == c["leader"].get<std::string>();
      }
      if (agreed && named) {
        const int leader = std::stoi(named->substr(std::string("agent-").size()));
        if (cluster(leader)["leading"] == true) return leader;
      }
      std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << "no agreed leader among the agents; agent 0 says " << cluster(among.front()).dump();
    return -1;
  }

  // Waits until agent `i` has run `more` rounds beyond now (as it reports itself).
  void wait_rounds(int i, int more) {
    const auto rounds_of = [&] {
      const auto picture = cluster(i);  // kept: the loop must not walk a temporary's member
      if (picture.is_object())
        for (const auto& agent : picture["agents"])
          if (agent["self"] == true) return agent["rounds"].get<int>();
      return 0;
    };
    const int target = rounds_of() + more;
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (rounds_of() < target && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(100ms);
    ASSERT_GE(rounds_of(), target) << "agent-" << i << " stopped probing";
  }

  void fail_primary_for(std::vector<int> agents) {
    for (const int i : agents) dns_[i]->set_fault_for(std::string(kPrimaryCheck) + ".", DnsFault::servfail);
  }

  json application(int i) {
    const auto list = agents_[i]->get("/api/v1/applications").json();
    return list.empty() ? json() : list[0];
  }

  // Waits until agent `i` shows "web" idle on `active` (from the shared journal).
  bool wait_until_active(int i, std::string_view active, std::chrono::seconds timeout = 90s) {
    const auto reply = agents_[i]->wait_for(
        "/api/v1/applications",
        [&](const test::HttpReply& r) { return r.json()[0]["state"] == "idle" && r.json()[0]["active_region"] == active; },
        timeout);
    return reply.status == 200 && reply.json()[0]["active_region"] == active;
  }

  // How many times the drain step started (one line per start, with its plan's generation).
  std::vector<std::string> drains() {
    std::vector<std::string> lines;
    std::istringstream in(read_file(scratch_.path() / "drained"));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
  bool wait_for_drains(std::size_t count, std::chrono::seconds timeout = 60s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (drains().size() < count && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(50ms);
    return drains().size() >= count;
  }

  test::TempDir scratch_{"rg-cluster-"};
  test::EtcdCluster etcd_;
  test::KnotServer knot_;
  std::vector<std::unique_ptr<test::DnsFaultProxy>> dns_;
  std::vector<std::unique_ptr<test::HttpFaultProxy>> aws_;
  test::HttpTestServer hook_;
  std::filesystem::path aws_cli_;
  std::string zone_id_;
  std::vector<std::unique_ptr<test::Daemon>> agents_;
};

// 1. The primary is down for every agent: exactly one plan, run by the leader; its one Route 53
//    change reaches moto once, through the leader's proxy only. Followers show the move from the
//    shared journal and serve the same gate state.
TEST_F(ClusterTest, ThePrimaryDownForEveryAgentMovesTrafficOnceByTheLeaderAlone) {
  start_agents();
  const int leader = wait_for_leader();
  ASSERT_GE(leader, 0);
  fail_primary_for({0, 1, 2});
  for (int i = 0; i < kAgents; ++i) EXPECT_TRUE(wait_until_active(i, "us-west-2")) << "agent-" << i << ": " << application(i);
  EXPECT_EQ(record(), "app-west.example.com");
  EXPECT_EQ(route53_changes(), 1u) << "one change, once";
  EXPECT_EQ(route53_changes(leader), 1u) << "sent by the leader";
  EXPECT_EQ(drains().size(), 1u) << "one plan ran its steps";
  EXPECT_EQ(application((leader + 1) % kAgents)["history"].size(), 1u) << "followers read the leader's journal";
  // Route 53 health checks may point at any agent: every one serves the gate from the shared journal.
  for (int i = 0; i < kAgents; ++i) {
    EXPECT_EQ(agents_[i]->get("/gate/web/us-west-2").status, 200u) << "agent-" << i;
    EXPECT_EQ(agents_[i]->get("/gate/web/us-east-1").status, 503u) << "agent-" << i;
  }

  // What people see: the metrics, and `regionguard cluster status` on a follower's host.
  const auto metrics = agents_[leader]->get("/metrics").body;
  EXPECT_EQ(test::metric_value(metrics, "regionguard_cluster_is_leader"), 1.0);
  EXPECT_EQ(test::metric_value(metrics, "regionguard_cluster_agents"), 3.0);
  EXPECT_NE(metrics.find("regionguard_vantage_region_failing{vantage=\"agent-0\",region=\"us-east-1\",application=\"web\"} 1"),
            std::string::npos);
  const int follower = (leader + 1) % kAgents;
  const auto out = scratch_.path() / "status.out";
  const int status = test::run_command({test::daemon_binary(), "cluster", "status", "-c",
                                        agents_[follower]->config_path().string()}, out);
  EXPECT_EQ(status, 0) << read_file(out);
  EXPECT_NE(read_file(out).find("leader: agent-" + std::to_string(leader)), std::string::npos) << read_file(out);
}

// 2. Down for one agent only (its own network to us-east-1): no move; the matrix shows that
//    agent's verdict against the others'.
TEST_F(ClusterTest, ThePrimaryDownForOneAgentOnlyMovesNothingAndShowsWhoSeesWhat) {
  start_agents();
  const int leader = wait_for_leader();
  ASSERT_GE(leader, 0);
  const int lonely = (leader + 1) % kAgents;
  fail_primary_for({lonely});
  ASSERT_NO_FATAL_FAILURE(wait_rounds(leader, 6));  // three times the failure threshold
  EXPECT_EQ(route53_changes(), 0u);
  EXPECT_EQ(application(leader)["active_region"], "us-east-1");
  const auto views = cluster(leader)["views"];
  for (const auto& view : views) {
    if (view["region"] != "us-east-1" || view["reported"] != true) continue;
    EXPECT_EQ(view["failing"], view["vantage"] == "agent-" + std::to_string(lonely)) << view;
  }
}

// 3. SIGKILL the leader in the middle of the plan: another agent leads once the lease expires,
//    takes the plan up from the etcd journal and finishes it; the Route 53 change happens once.
TEST_F(ClusterTest, TheLeaderKilledMidPlanIsReplacedAndThePlanFinishesWithoutADuplicateChange) {
  start_agents();
  const int leader = wait_for_leader();
  ASSERT_GE(leader, 0);
  fail_primary_for({0, 1, 2});
  ASSERT_TRUE(wait_for_drains(1)) << "the plan never reached its drain step";
  agents_[leader]->kill();
  std::vector<int> survivors;
  for (int i = 0; i < kAgents; ++i)
    if (i != leader) survivors.push_back(i);
  const int successor = wait_for_leader(survivors, kAgents - 1);
  ASSERT_GE(successor, 0);
  EXPECT_NE(successor, leader);
  EXPECT_TRUE(wait_until_active(successor, "us-west-2")) << application(successor);
  EXPECT_EQ(record(), "app-west.example.com");
  EXPECT_EQ(route53_changes(), 1u);
  EXPECT_EQ(route53_changes(leader), 0u) << "the dead leader had not reached the traffic step";
  const auto history = application(successor)["history"];
  ASSERT_EQ(history.size(), 1u) << "resumed as the same plan, not a second one: " << history;
  EXPECT_EQ(history[0]["state"], "completed");
}

// 4. SIGSTOP the leader mid-plan for longer than its lease, then SIGCONT: it has lost the lease;
//    a successor finished the plan; the old leader's late journal writes are refused and it sends
//    no AWS mutation after its lease ended.
TEST_F(ClusterTest, ALeaderPausedPastItsLeaseComesBackFencedAndChangesNothing) {
  start_agents();
  const int leader = wait_for_leader();
  ASSERT_GE(leader, 0);
  fail_primary_for({0, 1, 2});
  ASSERT_TRUE(wait_for_drains(1));
  ::kill(agents_[leader]->process().pid(), SIGSTOP);
  std::vector<int> others;
  for (int i = 0; i < kAgents; ++i)
    if (i != leader) others.push_back(i);
  const int successor = wait_for_leader(others, kAgents - 1);
  ASSERT_GE(successor, 0);
  EXPECT_TRUE(wait_until_active(successor, "us-west-2")) << application(successor);
  const auto changes_before = route53_changes();
  ::kill(agents_[leader]->process().pid(), SIGCONT);
  // The old leader wakes with its drain step done, and gives up: its plan ends fenced, it follows.
  EXPECT_TRUE(wait_until_active(leader, "us-west-2")) << application(leader);
  EXPECT_EQ(cluster(leader)["leading"], false);
  EXPECT_EQ(route53_changes(leader), 0u) << "no AWS mutation from the deposed leader";
  EXPECT_EQ(route53_changes(), changes_before);
  EXPECT_EQ(record(), "app-west.example.com");
  const auto log = read_file(agents_[leader]->log());
  EXPECT_NE(log.find("fenced"), std::string::npos) << "its late journal write was refused";
}

// 5. One etcd member down: everything goes on. Two down: no agent acts (the primary's failure is
//    seen, probing and the API go on and say why); when the members return, the cluster leads
//    again and the move happens once.
TEST_F(ClusterTest, LosingTheEtcdMajorityStopsEveryActionUntilItReturns) {
  start_agents();
  ASSERT_GE(wait_for_leader(), 0);
  etcd_.kill(0);
  ASSERT_NO_FATAL_FAILURE(wait_rounds(1, 3));
  const int leader = wait_for_leader();
  ASSERT_GE(leader, 0) << "one member of three down changes nothing";
  etcd_.kill(1);
  for (int i = 0; i < kAgents; ++i) {
    const auto reply = agents_[i]->wait_for(
        "/api/v1/cluster", [](const test::HttpReply& r) { return r.json()["leading"] == false && r.json()["etcd"]["ok"] == false; },
        30s);
    EXPECT_EQ(reply.json()["leading"], false) << "agent-" << i;
    EXPECT_NE(reply.json()["warnings"].dump().find("no agent acts"), std::string::npos) << reply.json()["warnings"];
  }
  fail_primary_for({0, 1, 2});
  ASSERT_NO_FATAL_FAILURE(wait_rounds(leader, 6));
  EXPECT_EQ(route53_changes(), 0u) << "nobody acts without the etcd majority";
  EXPECT_EQ(agents_[leader]->get("/api/v1/summary").status, 200u) << "the API goes on";
  etcd_.restart(0);
  etcd_.restart(1);
  ASSERT_GE(wait_for_leader(), 0);
  for (int i = 0; i < kAgents; ++i) EXPECT_TRUE(wait_until_active(i, "us-west-2")) << "agent-" << i;
  EXPECT_EQ(route53_changes(), 1u);
}

// 6. An agent started with other applications: the leader does not act, and one alert names the
//    agents that differ.
TEST_F(ClusterTest, AgentsRunningDifferentApplicationsHoldEveryActionAndSayWhich) {
  start_agents("2h");
  const int leader = wait_for_leader();
  ASSERT_GE(leader, 0);
  const auto warned = agents_[leader]->wait_for("/api/v1/cluster", [](const test::HttpReply& r) {
    return r.json()["warnings"].dump().find("agents run different applications") != std::string::npos;
  });
  EXPECT_NE(warned.json()["warnings"].dump().find("agent-2 runs"), std::string::npos) << warned.json()["warnings"];
  fail_primary_for({0, 1, 2});
  ASSERT_NO_FATAL_FAILURE(wait_rounds(leader, 6));
  EXPECT_EQ(route53_changes(), 0u);
  EXPECT_EQ(application(leader)["active_region"], "us-east-1");
  ASSERT_TRUE(hook_.wait_for_requests("/echo", 1, 30s));
  std::size_t holds = 0;
  for (const auto& delivery : hook_.recorded("/echo"))
    holds += delivery.body.find("automation holds: agents run different applications") != std::string::npos;
  EXPECT_EQ(holds, 1u) << "one notification for the cluster, from the leader alone";
}

}  // namespace
}  // namespace rg
