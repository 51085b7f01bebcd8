// A configuration reload on a running daemon against knotd (issue 19): an endpoint added and one
// removed, a broken file, a section that needs a restart, SIGHUP — each state checked through the
// API (the reload answer, GET /api/v1/endpoints, /metrics) and the WebSocket stream, which must
// stay connected through all of it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>

#include "integration/api_client.h"
#include "support/dns_fault_proxy.h"
#include "support/knot_server.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::HttpReply;
using testing::ElementsAre;
using testing::HasSubstr;

constexpr const char* kToken = "test-token-0123456789abcdef";
const std::vector<std::pair<std::string, std::string>> kAuth{{"Authorization", std::string("Bearer ") + kToken}};

const std::string kDynamoEast = "dynamodb.us-east-1.example.test";
const std::string kS3East = "s3.us-east-1.example.test";
const std::string kDynamoWest = "dynamodb.eu-west-1.example.test";
const std::string kS3West = "s3.eu-west-1.example.test";

test::KnotOptions four_names() {
  return {.zone = "example.test.",
          .records = {{"dynamodb.us-east-1", "A", "192.0.2.10", 60},
                      {"s3.us-east-1", "A", "192.0.2.20", 60},
                      {"dynamodb.eu-west-1", "A", "192.0.2.30", 60},
                      {"s3.eu-west-1", "A", "192.0.2.40", 60}},
          .update_key = std::nullopt};
}

std::vector<std::string> ids_of(const json& endpoints) {
  std::vector<std::string> ids;
  for (const auto& e : endpoints) ids.push_back(e["id"]);
  return ids;
}

const json* find_endpoint(const json& endpoints, const std::string& id) {
  for (const auto& e : endpoints)
    if (e["id"] == id) return &e;
  return nullptr;
}

double metric(test::Daemon& daemon, const std::string& name) {
  return test::metric_value(daemon.get("/metrics").body, name).value_or(-1);
}

class ReloadTest : public testing::Test {
 protected:
  ReloadTest() : knot_(four_names()), proxy_(knot_.address(), knot_.port()) {}

  test::DaemonOptions options(std::vector<std::string> hostnames) const {
    test::DaemonOptions options;
    options.resolver = "127.0.0.1:" + std::to_string(proxy_.port());
    for (const auto& name : hostnames)
      options.endpoints.emplace_back(name, name.starts_with("s3") ? "s3" : "dynamodb",
                                     name.find("eu-west-1") != std::string::npos ? "eu-west-1" : "us-east-1");
    return options;
  }

  test::KnotServer knot_;
  test::DnsFaultProxy proxy_;
};

TEST_F(ReloadTest, EndpointsComeAndGoWhileHistoryAndClientsStay) {
  test::Daemon daemon(options({kDynamoEast, kS3East, kDynamoWest}));
  const double started_at = metric(daemon, "regionguard_config_last_reload_success_timestamp_seconds");
  EXPECT_GT(started_at, 1.7e9);  // the start counts as the first successful load, as in Prometheus
  EXPECT_EQ(metric(daemon, "regionguard_config_last_reload_successful"), 1);

  // A few failed rounds give dynamodb.us-east-1 a history: its uptime falls below 100% and stays
  // there. A reload that kept nothing would start it again at 100%.
  proxy_.set_fault_for(kDynamoEast, test::DnsFault::servfail);
  daemon.wait_for("/api/v1/endpoints/" + kDynamoEast, [](const HttpReply& r) { return r.json()["status"] == "critical"; });
  proxy_.set_fault_for(kDynamoEast, test::DnsFault::none);
  const auto recovered = daemon.wait_for("/api/v1/endpoints/" + kDynamoEast, [](const HttpReply& r) {
    return r.json()["status"] == "healthy";
  });
  const double uptime_before = recovered.json()["uptime_percent"];
  ASSERT_LT(uptime_before, 100.0);

  test::StreamClient stream(daemon.port());
  ASSERT_TRUE(stream.connected()) << stream.error().message();
  ASSERT_TRUE(stream.next(10s).has_value());  // the snapshot

  // eu-west-1's dynamodb goes, its s3 comes.
  daemon.write_config(options({kDynamoEast, kS3East, kS3West}));
  EXPECT_EQ(daemon.post("/api/v1/reload").status, 401u);  // a token, as every POST
  const auto answer = daemon.post("/api/v1/reload", kAuth);
  ASSERT_EQ(answer.status, 200u) << answer.body;
  const auto report = answer.json();
  EXPECT_EQ(report["reloaded"], true);
  EXPECT_THAT(report["endpoints"]["added"], ElementsAre(kS3West));
  EXPECT_THAT(report["endpoints"]["removed"], ElementsAre(kDynamoWest));
  EXPECT_TRUE(report["endpoints"]["changed"].empty());
  EXPECT_EQ(report["endpoints"]["unchanged"], 2);
  EXPECT_TRUE(report["errors"].empty());
  EXPECT_TRUE(report["needs_restart"].empty());

  // The list changes at once; the new endpoint is probed by the next round.
  EXPECT_THAT(ids_of(daemon.get("/api/v1/endpoints").json()), ElementsAre(kDynamoEast, kS3East, kS3West));
  const auto probed = daemon.wait_for("/api/v1/endpoints", [&](const HttpReply& r) {
    const auto endpoints = r.json();  // kept: find_endpoint points into it
    const auto* added = find_endpoint(endpoints, kS3West);
    return added && (*added)["status"] == "healthy";
  });
  const auto endpoints = probed.json();
  const auto* kept = find_endpoint(endpoints, kDynamoEast);
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ((*kept)["status"], "healthy");
  EXPECT_LT((*kept)["uptime_percent"].get<double>(), 100.0) << "the unchanged endpoint lost its history";
  EXPECT_GE((*kept)["uptime_percent"].get<double>(), uptime_before);
  EXPECT_EQ(daemon.get("/api/v1/endpoints/" + kDynamoWest).status, 404u);

  // The WebSocket client stayed connected and hears rounds of the new configuration.
  bool heard_new_endpoint = false;
  for (int i = 0; i < 30 && !heard_new_endpoint; ++i) {
    const auto message = stream.next(10s);
    ASSERT_TRUE(message.has_value()) << "the stream dropped: " << stream.error().message();
    if ((*message)["type"] == "round") heard_new_endpoint = find_endpoint((*message)["endpoints"], kS3West) != nullptr;
  }
  EXPECT_TRUE(heard_new_endpoint);

  EXPECT_EQ(metric(daemon, "regionguard_config_last_reload_successful"), 1);
  const double reloaded_at = metric(daemon, "regionguard_config_last_reload_success_timestamp_seconds");
  EXPECT_GT(reloaded_at, started_at);
  EXPECT_EQ(metric(daemon, "regionguard_config_reloads_total"), 1);

  // A broken file: every error in the answer, the running configuration kept.
  auto broken = options({kDynamoEast, kS3East});
  broken.endpoints.emplace_back("lambda.us-east-1.example.test", "lambda", "us-east-1");
  broken.endpoints.emplace_back(kS3West, "s3", "us-west-9");
  daemon.write_config(broken);
  const auto refused = daemon.post("/api/v1/reload", kAuth);
  ASSERT_EQ(refused.status, 422u) << refused.body;
  const auto errors = refused.json()["errors"];
  ASSERT_EQ(errors.size(), 2u) << refused.body;
  const std::string file = daemon.config_path().string();
  EXPECT_THAT(errors[0].get<std::string>(), HasSubstr(file + ":13:"));
  EXPECT_THAT(errors[0].get<std::string>(), HasSubstr("endpoints[2].service: unknown service `lambda`"));
  EXPECT_THAT(errors[1].get<std::string>(), HasSubstr("endpoints[3].region: unknown region `us-west-9`"));
  EXPECT_EQ(refused.json()["reloaded"], false);
  EXPECT_THAT(ids_of(daemon.get("/api/v1/endpoints").json()), ElementsAre(kDynamoEast, kS3East, kS3West));
  EXPECT_EQ(metric(daemon, "regionguard_config_last_reload_successful"), 0);
  EXPECT_EQ(metric(daemon, "regionguard_config_last_reload_errors"), 2);
  EXPECT_EQ(metric(daemon, "regionguard_config_last_reload_success_timestamp_seconds"), reloaded_at);

  // A new listen address needs a restart: reported, and the server stays where it is.
  daemon.write_config(options({kDynamoEast, kS3East, kS3West, kDynamoWest}), test::free_port());
  const auto restart = daemon.post("/api/v1/reload", kAuth);
  ASSERT_EQ(restart.status, 200u) << restart.body;
  EXPECT_THAT(restart.json()["needs_restart"], ElementsAre("server"));
  EXPECT_THAT(restart.json()["endpoints"]["added"], ElementsAre(kDynamoWest));
  EXPECT_EQ(metric(daemon, "regionguard_config_last_reload_successful"), 1);

  // SIGHUP reloads the same way.
  daemon.write_config(options({kDynamoEast, kS3West, kDynamoWest}));
  ASSERT_EQ(::kill(daemon.process().pid(), SIGHUP), 0);
  const auto after_hangup = daemon.wait_for("/api/v1/endpoints", [](const HttpReply& r) {
    return ids_of(r.json()) == std::vector<std::string>{kDynamoEast, kS3West, kDynamoWest};
  });
  EXPECT_THAT(ids_of(after_hangup.json()), ElementsAre(kDynamoEast, kS3West, kDynamoWest));
  EXPECT_EQ(metric(daemon, "regionguard_config_reloads_total"), 4);
  EXPECT_TRUE(daemon.process().running());
  EXPECT_TRUE(stream.next(10s).has_value()) << "the stream dropped: " << stream.error().message();
}

}  // namespace
}  // namespace rg
