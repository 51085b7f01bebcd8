// What agents publish to each other through etcd: a record read back is the record written, and a
// record this agent cannot read is refused with a reason rather than counted as a wrong vote.
#include <gtest/gtest.h>

#include "cluster/agent_record.h"

namespace rg::cluster {
namespace {

using namespace std::chrono_literals;

EndpointState rds_state() {
  EndpointState s;
  s.endpoint_id = "orders-db.us-west-2";
  s.region = "us-west-2";
  s.service = "rds";
  s.kind = ProbeKind::rds;
  s.priority = Priority::critical;
  s.status = HealthStatus::warning;
  s.success = true;
  s.failure = FailureKind::none;
  s.latency = 1234us;
  s.last_check = from_unix_us(1'800'000'000'123'456);
  s.interval = 15s;
  s.resource = ResourceDetails{"available", 1, 1, std::nullopt, 2.5};
  return s;
}

TEST(AgentRecord, AViewReadBackHoldsEveryFieldThePolicyJudgesBy) {
  AgentRecord record{"us-west-2", "host-b:42:7", "host-b", 42, "http://10.1.1.10:8080", "00ff",
                     from_unix_us(1'800'000'000'000'000), from_unix_us(1'800'000'010'000'000), 7, 1s, {rds_state()}};
  const auto read = agent_from_json(to_json(record));
  ASSERT_TRUE(read) << read.error();
  EXPECT_EQ(read->name, "us-west-2");
  EXPECT_EQ(read->api_url, "http://10.1.1.10:8080");
  EXPECT_EQ(read->digest, "00ff");
  EXPECT_EQ(read->round_at, record.round_at);
  EXPECT_EQ(read->rounds, 7u);
  EXPECT_EQ(read->interval, 1s);
  ASSERT_EQ(read->states.size(), 1u);
  const auto& s = read->states.front();
  const auto& w = record.states.front();
  EXPECT_EQ(s.endpoint_id, w.endpoint_id);
  EXPECT_EQ(s.kind, ProbeKind::rds);
  EXPECT_EQ(s.priority, Priority::critical);
  EXPECT_EQ(s.status, HealthStatus::warning);
  EXPECT_EQ(s.latency, w.latency);
  EXPECT_EQ(s.last_check, w.last_check);
  EXPECT_EQ(s.interval, 15s);
  ASSERT_TRUE(s.resource);
  EXPECT_EQ(s.resource->replica_lag_seconds, 2.5) << "readiness judges a replica's lag from another agent's view too";
}

TEST(AgentRecord, ARecordOfAnotherSchemaIsRefusedSayingSo) {
  const auto read = agent_from_json(R"({"schema": 2, "name": "x", "states": []})");
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().find("schema 2"), std::string::npos) << read.error();
}

TEST(AgentRecord, ACheckKindOutOfRangeMakesTheRecordUnreadableNotAWrongVote) {
  AgentRecord record{"a", "", "", 0, "", "", {}, {}, 1, 1s, {rds_state()}};
  auto text = to_json(record);
  const auto at = text.find("\"kind\":");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, std::string("\"kind\":6").size(), "\"kind\":99");
  const auto read = agent_from_json(text);
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().find("out of range"), std::string::npos) << read.error();
  EXPECT_FALSE(agent_from_json("{not json"));
  EXPECT_FALSE(agent_from_json(R"({"schema": 1})")) << "a record without a name";
}

TEST(AgentRecord, TheLeaderRecordCarriesWhereOperatorsReachTheLeader) {
  const auto read = leader_from_json(to_json(LeaderRecord{"us-east-1", "host-a:1:2", "host-a", 1, "https://a:8443", 99, 5}));
  ASSERT_TRUE(read) << read.error();
  EXPECT_EQ(read->name, "us-east-1");
  EXPECT_EQ(read->api_url, "https://a:8443");
  EXPECT_EQ(read->create_revision, 0) << "the fencing token comes from etcd, never from the JSON";
}

}  // namespace
}  // namespace rg::cluster
