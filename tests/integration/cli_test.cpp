// The regionguard binary itself, as an operator runs it, against knotd behind the fault proxy:
// `probe` output and exit codes, `check-config`, and `run` writing rounds to the store and
// shutting down cleanly on SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "integration/example_zone.h"
#include "integration/regionguard_command.h"
#include "store/sqlite_store.h"
#include "support/child_process.h"
#include "support/dns_fault_proxy.h"
#include "support/free_port.h"
#include "support/http_test_server.h"
#include "support/test_certificates.h"
#include "support/knot_server.h"
#include "support/temp_dir.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
using test::DnsFault;

using test::regionguard;

class CliTest : public testing::Test {
 protected:
  CliTest()
      : knot_(test::example_zone()),
        proxy_(knot_.address(), knot_.port()) {}

  std::string resolver() const { return "127.0.0.1:" + std::to_string(proxy_.port()); }

  // A configuration of three endpoints behind the proxy, probed every second by default. The bands
  // are wide (DynamoDB healthy to 50 ms, S3 to 1 s, both warning to 2 s) so that delays in tests
  // sit far from any boundary even on a loaded machine.
  std::string write_config(const std::string& interval = "1s", const std::string& timeout = "500ms") {
    const auto path = dir_.path() / "regionguard.yaml";
    std::ofstream(path) << "regions: [us-east-1, eu-west-1]\n"
                           "defaults:\n"
                           "  interval: " << interval << "\n"
                           "  timeout: " << timeout << "\n"
                           "  jitter: 100ms\n"
                           "  resolvers: [\"" << resolver() << "\"]\n"
                           "services:\n"
                           "  dynamodb: { priority: critical, thresholds: { healthy: 50ms, warning: 2s } }\n"
                           "  s3: { thresholds: { healthy: 1s, warning: 2s } }\n"
                           "endpoints:\n"
                           "  - { hostname: dynamodb.us-east-1.example.test, service: dynamodb, region: us-east-1 }\n"
                           "  - { hostname: s3.us-east-1.example.test, service: s3, region: us-east-1 }\n"
                           "  - { hostname: dynamodb.eu-west-1.example.test, service: dynamodb, region: eu-west-1 }\n"
                           "store:\n"
                           "  path: history.db\n"
                           "  flush_interval: 200ms\n"
                           // `run` serves the API: on a port of its own, not the default 8080.
                           "server:\n"
                           "  listen: 127.0.0.1:" << test::free_port() << "\n";
    return path.string();
  }

  std::size_t stored_rows(const std::string& endpoint_id) {
    auto store = SqliteStore::open((dir_.path() / "history.db").string());
    if (!store) {
      ADD_FAILURE() << store.error().message;
      return 0;
    }
    auto rows = (*store)->observations(endpoint_id, TimePoint{}, now_us() + 1h);
    return rows ? rows->size() : 0;
  }

  test::TempDir dir_;
  test::KnotServer knot_;
  test::DnsFaultProxy proxy_;
};

TEST_F(CliTest, ProbeHostnamesAsJsonWhenAllIsWell) {
  const auto r = regionguard({"probe", "--json", "--resolver", resolver(), "dynamodb.us-east-1.example.test",
                              "s3.us-east-1.example.test"},
                             dir_);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  ASSERT_EQ(json["endpoints"].size(), 2u);
  EXPECT_EQ(json["endpoints"][0]["status"], "healthy");
  EXPECT_EQ(json["endpoints"][0]["failure"], "none");
  EXPECT_EQ(json["endpoints"][0]["address"], "192.0.2.10");
  EXPECT_EQ(json["endpoints"][0]["region"], "us-east-1");
  EXPECT_EQ(json["summary"]["healthy"], 2);
}

TEST_F(CliTest, AnEmptyAnswerMakesProbeExitCritical) {
  proxy_.set_fault_for("dynamodb.us-east-1.example.test", DnsFault::nodata);
  const auto r = regionguard({"probe", "--json", "--resolver", resolver(), "dynamodb.us-east-1.example.test",
                              "s3.us-east-1.example.test"},
                             dir_);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["endpoints"][0]["status"], "critical");
  EXPECT_EQ(json["endpoints"][0]["failure"], "nodata");
  EXPECT_EQ(json["endpoints"][1]["status"], "healthy");
  EXPECT_EQ(json["summary"]["critical"], 1);
}

TEST_F(CliTest, ASlowAnswerMakesProbeExitWarning) {
  proxy_.set_fault_for("s3.us-east-1.example.test", DnsFault::delay, 1200ms);  // S3: warning from 1 s to 2 s
  const auto r = regionguard({"probe", "--json", "-c", write_config("5s", "3s")}, dir_);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["endpoints"][1]["status"], "warning");
}

TEST_F(CliTest, TheTableIsPlainWhenPiped) {
  proxy_.set_fault_for("s3.us-east-1.example.test", DnsFault::servfail);
  const auto r = regionguard({"probe", "--resolver", resolver(), "dynamodb.us-east-1.example.test",
                              "s3.us-east-1.example.test"},
                             dir_);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << "colour codes in piped output";
  EXPECT_NE(r.out.find("STATUS    SERVICE"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("HEALTHY   DYNAMODB  us-east-1  dynamodb.us-east-1.example.test"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("servfail: SERVFAIL (2)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 endpoints: 1 healthy, 0 warning, 1 critical"), std::string::npos) << r.out;
}

TEST_F(CliTest, ProbeWithAConfigurationUsesItsThresholds) {
  // 300 ms is healthy for S3 (1 s) but a warning for DynamoDB (50 ms).
  proxy_.set_fault(DnsFault::delay, 300ms);
  const auto r = regionguard({"probe", "--json", "-c", write_config("5s", "3s")}, dir_);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  ASSERT_EQ(json["endpoints"].size(), 3u);
  EXPECT_EQ(json["endpoints"][0]["status"], "warning");
  EXPECT_EQ(json["endpoints"][1]["status"], "healthy");
}

TEST_F(CliTest, BadArgumentsAreUsageErrors) {
  EXPECT_EQ(regionguard({"probe", "--resolver", "dns.example:53", "x.example.test"}, dir_).exit_code, 3);
  EXPECT_EQ(regionguard({"probe", "--type", "BOGUS", "x.example.test"}, dir_).exit_code, 3);
  EXPECT_EQ(regionguard({"probe", "--timeout", "5", "x.example.test"}, dir_).exit_code, 3);
  EXPECT_EQ(regionguard({"frobnicate"}, dir_).exit_code, 3);
}

TEST_F(CliTest, CheckConfigExitsZeroOrOne) {
  const auto good = regionguard({"check-config", write_config()}, dir_);
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_NE(good.out.find("ok (3 endpoints, 2 regions)"), std::string::npos);

  const auto bad_path = (dir_.path() / "bad.yaml").string();
  std::ofstream(bad_path) << "regions: [us-east-1]\nservices: { s3: {} }\nendpoints:\n"
                             "  - { hostname: a.example.test, service: s3, region: us-east-1, timeout: 20s }\n";
  const auto bad = regionguard({"check-config", bad_path}, dir_);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find(bad_path + ":4:"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("endpoints[0].timeout: must be less than interval"), std::string::npos) << bad.err;

  EXPECT_EQ(regionguard({"check-config", (dir_.path() / "missing.yaml").string()}, dir_).exit_code, 1);
}

// Issue 18: --strict also fails on what an outage would take from a move. The example's Global
// Accelerator answers in us-west-2 only, so the move back from us-west-2 needs the control plane
// of the region it leaves.
TEST_F(CliTest, CheckConfigStrictFailsOnAMoveThatNeedsTheControlPlaneOfTheRegionItLeaves) {
  const std::string example = std::string(RG_SOURCE_DIR) + "/deploy/examples/aurora-ecs-accelerator.yaml";
  const auto lenient = regionguard({"check-config", example}, dir_);
  EXPECT_EQ(lenient.exit_code, 0) << lenient.err;
  const auto strict = regionguard({"check-config", "--strict", example}, dir_);
  EXPECT_EQ(strict.exit_code, 1) << strict.out;
  EXPECT_NE(strict.err.find("static stability: orders: us-west-2 -> us-east-1: step global_accelerator calls Global "
                            "Accelerator (UpdateEndpointGroup) in us-west-2, the region this move leaves"),
            std::string::npos)
      << strict.err;
  const auto clean = regionguard({"check-config", "--strict", write_config()}, dir_);
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
}

TEST_F(CliTest, RunStoresEveryRoundAndStopsAfterTheGivenCount) {
  const auto r = regionguard({"run", "-c", write_config(), "--rounds", "3"}, dir_);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(stored_rows("dynamodb.us-east-1.example.test"), 3u);
  EXPECT_EQ(stored_rows("dynamodb.eu-west-1.example.test"), 3u);
}

TEST_F(CliTest, RunLogsADownTransitionAndShutsDownCleanlyOnSigterm) {
  proxy_.set_fault_for("s3.us-east-1.example.test", DnsFault::servfail);
  const auto log = dir_.path() / "run.log";
  test::ChildProcess daemon({RG_BINARY, "run", "-c", write_config()}, log);
  // Three failures (the default `fall`) at one round a second.
  std::this_thread::sleep_for(3500ms);
  ASSERT_TRUE(daemon.running()) << test::file_tail(log);
  daemon.stop(5s);
  EXPECT_EQ(daemon.exit_status(), 0) << test::file_tail(log);
  const auto text = test::file_tail(log, 200);
  EXPECT_NE(text.find("s3.us-east-1.example.test is down: 3 consecutive failures, last servfail"), std::string::npos)
      << text;
  EXPECT_NE(text.find("received signal 15, shutting down"), std::string::npos) << text;
  EXPECT_GE(stored_rows("s3.us-east-1.example.test"), 3u);
}

}  // namespace
}  // namespace rg

namespace rg {
namespace {

TEST(CliHttpTargets, UrlsAndTcpTargetsOnTheCommandLine) {
  test::TempDir dir;
  test::HttpTestServer server;
  const auto closed = test::free_port();
  const auto r = regionguard({"probe", "--json", server.url("/ok"), server.url("/server-error"),
                              "tcp://127.0.0.1:" + std::to_string(server.port()),
                              "tcp://127.0.0.1:" + std::to_string(closed)},
                             dir);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  ASSERT_EQ(json["endpoints"].size(), 4u);
  EXPECT_EQ(json["endpoints"][0]["status"], "healthy");
  EXPECT_EQ(json["endpoints"][0]["http"]["status"], 200);
  EXPECT_GT(json["endpoints"][0]["http"]["phases_ms"]["connect"].get<double>(), 0.0);
  EXPECT_EQ(json["endpoints"][1]["failure"], "status");
  EXPECT_EQ(json["endpoints"][1]["http"]["status"], 500);
  EXPECT_EQ(json["endpoints"][2]["status"], "healthy");
  EXPECT_EQ(json["endpoints"][3]["failure"], "connect_refused");
}

TEST(CliHttpTargets, AnExpiringCertificateShowsAsAWarningInTheTable) {
  test::TempDir dir;
  test::TestPki pki;
  test::HttpTestServer server({true, pki.expiring_soon().cert, pki.expiring_soon().key});
  const auto r = regionguard({"probe", "--insecure", server.url("/ok")}, dir);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("WARNING"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("certificate expires in"), std::string::npos) << r.out;
}

TEST(CliHttpTargets, ATargetThatIsNeitherANameNorAUrlIsAUsageError) {
  test::TempDir dir;
  const auto r = regionguard({"probe", "ftp://example.test/file"}, dir);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("not a DNS name, an http(s):// URL or a tcp://HOST:PORT target"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace rg
