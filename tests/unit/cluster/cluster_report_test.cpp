// The cluster report: "who sees what" for each application, and what an operator must know —
// told as a three-agent cluster (one agent per region) watching "shop" in us-east-1 and us-west-2.
#include <gtest/gtest.h>

#include "cluster/cluster_report.h"

namespace rg::cluster {
namespace {

using namespace std::chrono_literals;

const TimePoint now = from_unix_us(1'800'000'000'000'000);

Config shop() {
  Config config;
  ApplicationConfig app;
  app.name = "shop";
  app.primary = "us-east-1";
  app.secondaries = {"us-west-2"};
  for (const auto& region : app.regions()) app.checks[region] = {"web." + region};
  config.applications.push_back(app);
  return config;
}

EndpointState web(const std::string& region, bool ok, TimePoint at) {
  EndpointState s;
  s.endpoint_id = "web." + region;
  s.region = region;
  s.kind = ProbeKind::http;
  s.success = ok;
  s.status = ok ? HealthStatus::healthy : HealthStatus::critical;
  s.latency = 30ms;
  s.last_check = at;
  s.interval = 1s;
  return s;
}

AgentRecord agent(const std::string& name, bool east_ok, bool west_ok, TimePoint round_at = now - 500ms) {
  AgentRecord a;
  a.name = name;
  a.digest = "d1";
  a.round_at = round_at;
  a.rounds = 10;
  a.interval = 1s;
  a.states = {web("us-east-1", east_ok, round_at), web("us-west-2", west_ok, round_at)};
  return a;
}

ClusterPicture picture(std::vector<AgentRecord> agents) {
  ClusterPicture p;
  p.self = "a";
  p.etcd_ok = true;
  p.leader = LeaderRecord{"a", "", "", 0, "http://a:8080", 7, 1};
  p.leading = true;
  p.agents = std::move(agents);
  p.digest = "d1";
  return p;
}

const VantageRegionVerdict& cell(const ClusterReport& report, const std::string& vantage, const std::string& region) {
  const auto found = std::ranges::find_if(report.verdicts, [&](const auto& v) {
    return v.vantage == vantage && v.region == region;
  });
  EXPECT_NE(found, report.verdicts.end()) << vantage << " × " << region;
  return *found;
}

TEST(ClusterReport, EachAgentsVerdictOnEachRegionIsOneCellOfTheMatrix) {
  const auto report = make_cluster_report(picture({agent("a", false, true), agent("b", false, true), agent("c", true, true)}),
                                          shop(), now, std::nullopt);
  ASSERT_EQ(report.verdicts.size(), 6u) << "3 agents × 2 regions";
  EXPECT_TRUE(cell(report, "a", "us-east-1").verdict.failing);
  EXPECT_TRUE(cell(report, "b", "us-east-1").verdict.failing);
  EXPECT_FALSE(cell(report, "c", "us-east-1").verdict.failing);
  EXPECT_FALSE(cell(report, "a", "us-west-2").verdict.failing);
  EXPECT_EQ(cell(report, "c", "us-west-2").checks, 1);
  EXPECT_TRUE(report.warnings.empty()) << report.warnings.front();
}

TEST(ClusterReport, AnAgentThatAloneSeesEveryRegionDownIsNamedAsProbablyItsOwnNetwork) {
  const auto report = make_cluster_report(picture({agent("a", true, true), agent("b", true, true), agent("c", false, false)}),
                                          shop(), now, std::nullopt);
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_EQ(report.warnings.front(), "c sees all regions down: its own network? (the other agents outvote it)");
}

TEST(ClusterReport, WhenEveryAgentSeesEveryRegionDownNobodyIsBlamedForItsNetwork) {
  const auto report = make_cluster_report(picture({agent("a", false, false), agent("b", false, false)}), shop(), now,
                                          std::nullopt);
  EXPECT_TRUE(report.warnings.empty()) << report.warnings.front();
}

TEST(ClusterReport, AnAgentWhoseLastRoundIsOlderThanTwoIntervalsReportsNothing) {
  const auto report = make_cluster_report(picture({agent("a", true, true), agent("b", false, false, now - 3s)}), shop(),
                                          now, std::nullopt);
  EXPECT_FALSE(cell(report, "b", "us-east-1").reported) << "its view is stale: it does not vote";
  EXPECT_TRUE(cell(report, "a", "us-east-1").reported);
  EXPECT_TRUE(report.warnings.empty()) << "a silent agent is not a pessimist";
}

TEST(ClusterReport, EtcdUnreachableAndAgentsThatDisagreeAreSaid) {
  auto p = picture({agent("a", true, true)});
  p.etcd_ok = false;
  p.etcd_problem = "cannot renew the lease: timeout";
  const auto report = make_cluster_report(p, shop(), now, std::string("agents run different applications (x)"));
  ASSERT_EQ(report.warnings.size(), 2u);
  EXPECT_NE(report.warnings[0].find("etcd does not answer (cannot renew the lease: timeout): no agent acts"),
            std::string::npos) << report.warnings[0];
  EXPECT_EQ(report.warnings[1], "agents run different applications (x)");
  const auto json = to_json(report, now);
  EXPECT_EQ(json["leader"], "a");
  EXPECT_EQ(json["etcd"]["ok"], false);
  EXPECT_EQ(json["agents"][0]["last_round_age_s"], 0.5);
}

}  // namespace
}  // namespace rg::cluster
