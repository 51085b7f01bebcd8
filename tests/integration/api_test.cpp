// `regionguard run`'s HTTP server over real HTTP and WebSocket, with the daemon probing a real
// knotd behind the DNS fault proxy: every route of docs/api.md, its errors, authentication, the
// stream, a slow WebSocket client, TLS and a clean SIGTERM.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <fstream>
#include <set>
#include <thread>

#include "integration/example_zone.h"
#include "integration/api_client.h"
#include "support/dns_fault_proxy.h"
#include "support/knot_server.h"
#include "support/test_certificates.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::DnsFault;
using test::HttpReply;
namespace http = boost::beast::http;

constexpr const char* kToken = "test-token-0123456789abcdef";

std::string bearer(const std::string& token = kToken) { return "Bearer " + token; }

class ApiTest : public testing::Test {
 protected:
  ApiTest()
      : knot_(test::example_zone()),
        proxy_(knot_.address(), knot_.port()) {}

  test::DaemonOptions options() const {
    test::DaemonOptions options;
    options.resolver = "127.0.0.1:" + std::to_string(proxy_.port());
    options.endpoints = {{"dynamodb.us-east-1.example.test", "dynamodb", "us-east-1"},
                         {"s3.us-east-1.example.test", "s3", "us-east-1"},
                         {"dynamodb.eu-west-1.example.test", "dynamodb", "eu-west-1"}};
    return options;
  }

  test::KnotServer knot_;
  test::DnsFaultProxy proxy_;
};

std::vector<std::string> ids_of(const json& endpoints) {
  std::vector<std::string> ids;
  for (const auto& e : endpoints) ids.push_back(e["id"]);
  return ids;
}

double triggered_rounds(test::Daemon& daemon) {
  return test::metric_value(daemon.get("/metrics").body, "regionguard_triggered_rounds_total").value_or(-1);
}

TEST_F(ApiTest, SummaryRegionsAndEndpointsAgree) {
  test::Daemon daemon(options());
  const auto summary = daemon.wait_for("/api/v1/summary", [](const HttpReply& r) { return r.json()["total"] == 3; });
  ASSERT_EQ(summary.status, 200u) << summary.body;
  EXPECT_EQ(summary.header("Content-Type"), "application/json");
  const auto s = summary.json();
  EXPECT_GE(s["round"].get<int>(), 1);
  EXPECT_FALSE(s["updated_at"].is_null());
  EXPECT_EQ(s["healthy"], 3);
  EXPECT_EQ(s["critical"], 0);
  EXPECT_EQ(s["uptime_window_hours"], 24);
  EXPECT_EQ(s["regions"], (json::array({{{"region", "us-east-1"}, {"healthy", 2}, {"total", 2}, {"status", "healthy"},
                                         {"health_score", 100.0}},
                                        {{"region", "eu-west-1"}, {"healthy", 1}, {"total", 1}, {"status", "healthy"},
                                         {"health_score", 100.0}}})));

  const auto regions = daemon.get("/api/v1/regions").json();
  ASSERT_EQ(regions.size(), 2u);
  int total = 0;
  for (const auto& region : regions) {
    total += region["total"].get<int>();
    int in_services = 0;
    for (const auto& service : region["services"]) in_services += service["endpoints"].get<int>();
    EXPECT_EQ(in_services, region["total"]) << region;
  }
  EXPECT_EQ(total, 3);

  const auto endpoints = daemon.get("/api/v1/endpoints").json();
  EXPECT_THAT(ids_of(endpoints), testing::ElementsAre("dynamodb.us-east-1.example.test", "s3.us-east-1.example.test",
                                                      "dynamodb.eu-west-1.example.test"));
  EXPECT_EQ(endpoints[0]["status"], "healthy");
  EXPECT_EQ(endpoints[0]["kind"], "dns");
  EXPECT_EQ(endpoints[0]["address"], "192.0.2.10");
  EXPECT_EQ(endpoints[0]["answers"][0]["data"], "192.0.2.10");
  EXPECT_TRUE(endpoints[0]["http"].is_null());

  EXPECT_THAT(ids_of(daemon.get("/api/v1/endpoints?region=eu-west-1").json()),
              testing::ElementsAre("dynamodb.eu-west-1.example.test"));
  EXPECT_THAT(ids_of(daemon.get("/api/v1/endpoints?service=s3").json()),
              testing::ElementsAre("s3.us-east-1.example.test"));
  EXPECT_THAT(ids_of(daemon.get("/api/v1/endpoints?service=dynamodb&region=us-east-1&status=healthy&kind=dns").json()),
              testing::ElementsAre("dynamodb.us-east-1.example.test"));
  EXPECT_THAT(ids_of(daemon.get("/api/v1/endpoints?status=critical").json()), testing::IsEmpty());
  EXPECT_THAT(ids_of(daemon.get("/api/v1/endpoints?kind=http").json()), testing::IsEmpty());

  const auto one = daemon.get("/api/v1/endpoints/s3.us-east-1.example.test");
  ASSERT_EQ(one.status, 200u);
  EXPECT_EQ(one.json()["id"], "s3.us-east-1.example.test");
  const auto missing = daemon.get("/api/v1/endpoints/nope.example.test");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(missing.json()["error"]["code"], "not_found");

  EXPECT_EQ(daemon.get("/api/v1/alerts").body, "[]");
  EXPECT_EQ(daemon.get("/api/v1/applications").body, "[]");
  EXPECT_EQ(daemon.get("/api/v1/cluster").json(), (json{{"clustered", false}})) << "a daemon alone says so";
  EXPECT_GE(daemon.get("/api/v1/trends").json().size(), 1u);
  EXPECT_EQ(daemon.get("/healthz").json(), (json{{"status", "ok"}}));

  const auto head = test::http_request(daemon.port(), http::verb::head, "/api/v1/summary");
  EXPECT_EQ(head.status, 200u);
  EXPECT_TRUE(head.body.empty());
  EXPECT_NE(head.header("Content-Length"), "0");
}

TEST_F(ApiTest, HistoryHasPointsAfterAFewRounds) {
  test::Daemon daemon(options());
  const std::string history = "/api/v1/endpoints/dynamodb.us-east-1.example.test/history";
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  const auto reply = daemon.wait_for(history + "?from=" + std::to_string(now.count() - 300) + "&step=1s", [](const HttpReply& r) {
    int total = 0;
    const auto body = r.json();  // not r.json()["points"] in the loop: the temporary would die first
    for (const auto& point : body["points"]) total += point["total"].get<int>();
    return total >= 3;
  });
  ASSERT_EQ(reply.status, 200u) << reply.body;
  const auto h = reply.json();
  EXPECT_EQ(h["id"], "dynamodb.us-east-1.example.test");
  EXPECT_EQ(h["step_ms"], 1000);
  ASSERT_GE(h["points"].size(), 1u);
  const auto& point = h["points"][0];
  EXPECT_EQ(point["total"], point["healthy"]);
  EXPECT_EQ(point["successes"], point["total"]);
  EXPECT_GT(point["average_latency_ms"].get<double>(), 0.0);

  const auto minutes = daemon.get(history).json();  // the last hour by minute
  ASSERT_GE(minutes["points"].size(), 1u);
  EXPECT_LE(minutes["points"].size(), 2u);

  const auto trend = daemon.get("/api/v1/trends?from=" + std::to_string(now.count() - 600) + "&step=10m").json();
  ASSERT_GE(trend.size(), 1u);
  EXPECT_EQ(trend.back()["healthy"], 3);

  EXPECT_EQ(daemon.get(history + "?from=last+week").status, 400u);
  EXPECT_EQ(daemon.get(history + "?step=0s").status, 400u);
  EXPECT_EQ(daemon.get("/api/v1/endpoints/nope/history").status, 404u);
}

TEST_F(ApiTest, AnEmptyAnswerTurnsAnEndpointCriticalEverywhere) {
  test::Daemon daemon(options());
  daemon.wait_for("/api/v1/summary", [](const HttpReply& r) { return r.json()["healthy"] == 3; });
  proxy_.set_fault_for("s3.us-east-1.example.test", DnsFault::nodata);

  const auto critical = daemon.wait_for("/api/v1/endpoints?status=critical",
                                        [](const HttpReply& r) { return r.json().size() == 1; });
  ASSERT_EQ(critical.status, 200u);
  const auto endpoint = critical.json()[0];
  EXPECT_EQ(endpoint["id"], "s3.us-east-1.example.test");
  EXPECT_EQ(endpoint["failure"], "nodata");
  EXPECT_EQ(endpoint["success"], false);
  const auto summary = daemon.get("/api/v1/summary").json();
  EXPECT_EQ(summary["critical"], 1);
  EXPECT_EQ(summary["healthy"], 2);
  EXPECT_EQ(summary["regions"][0]["status"], "critical");
  EXPECT_EQ(summary["regions"][1]["status"], "healthy");

  proxy_.clear();
  const auto healthy = daemon.wait_for("/api/v1/summary", [](const HttpReply& r) { return r.json()["healthy"] == 3; });
  EXPECT_EQ(healthy.json()["critical"], 0);
}

TEST_F(ApiTest, ProbeNeedsTheRightToken) {
  test::Daemon daemon(options());
  const auto post = [&](const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body = "") {
    return test::http_request(daemon.port(), http::verb::post, "/api/v1/probe", headers, body);
  };
  const auto none = post({});
  EXPECT_EQ(none.status, 401u);
  EXPECT_EQ(none.header("WWW-Authenticate"), "Bearer realm=\"regionguard\"");
  EXPECT_EQ(none.json()["error"]["code"], "unauthorized");
  EXPECT_EQ(post({{"Authorization", bearer("wrong-token-0123456789abcd")}}).status, 401u);
  EXPECT_EQ(triggered_rounds(daemon), 0);

  const auto round_before = daemon.get("/api/v1/summary").json()["round"].get<int>();
  const auto accepted = post({{"Authorization", bearer()}});
  EXPECT_EQ(accepted.status, 202u);
  EXPECT_EQ(accepted.json()["accepted"], true);
  EXPECT_EQ(triggered_rounds(daemon), accepted.json()["started"] == true ? 1 : 0);
  daemon.wait_for("/api/v1/summary", [&](const HttpReply& r) { return r.json()["round"].get<int>() > round_before; });
  // The token never reaches the log.
  EXPECT_EQ(test::file_tail(daemon.log(), 1000).find(kToken), std::string::npos);
}

TEST_F(ApiTest, BadRequestsGetTheRightStatusAndChangeNothing) {
  test::Daemon daemon(options());
  const double triggered = triggered_rounds(daemon);
  const auto post = [&](const std::string& body, std::vector<std::pair<std::string, std::string>> headers = {}) {
    headers.emplace_back("Authorization", bearer());
    return test::http_request(daemon.port(), http::verb::post, "/api/v1/probe", headers, body);
  };

  const auto malformed = post("{\"now\": tru", {{"Content-Type", "application/json"}});
  EXPECT_EQ(malformed.status, 400u);
  EXPECT_EQ(malformed.json()["error"]["code"], "bad_request");
  const auto huge = post(std::string(100 * 1024, 'x'));
  EXPECT_EQ(huge.status, 413u) << huge.error;
  EXPECT_EQ(huge.json()["error"]["code"], "payload_too_large");
  const auto unknown = daemon.get("/api/v1/nothing-here");
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(unknown.json()["error"]["code"], "not_found");
  const auto wrong_method = test::http_request(daemon.port(), http::verb::delete_, "/api/v1/summary");
  EXPECT_EQ(wrong_method.status, 405u);
  EXPECT_EQ(wrong_method.header("Allow"), "GET, HEAD");
  EXPECT_EQ(wrong_method.json()["error"]["code"], "method_not_allowed");
  const auto bad_status = daemon.get("/api/v1/endpoints?status=sideways");
  EXPECT_EQ(bad_status.status, 400u);
  EXPECT_EQ(bad_status.json()["error"]["message"], "status: unknown status `sideways` (expected healthy, warning or critical)");
  const auto bad_from = daemon.get("/api/v1/endpoints/s3.us-east-1.example.test/history?from=not-a-time");
  EXPECT_EQ(bad_from.status, 400u);
  EXPECT_EQ(bad_from.json()["error"]["code"], "bad_request");

  EXPECT_EQ(triggered_rounds(daemon), triggered);  // no round was started by any of them
  EXPECT_EQ(daemon.get("/api/v1/endpoints").json().size(), 3u);
  EXPECT_TRUE(daemon.process().running());
}

TEST_F(ApiTest, StaticFilesAndTheirBoundaries) {
  test::TempDir web("rg-web-");
  auto options = this->options();
  options.web_root = web.path();
  test::Daemon daemon(options);

  const auto unbuilt = daemon.get("/");
  EXPECT_EQ(unbuilt.status, 503u);
  EXPECT_EQ(unbuilt.json()["error"]["code"], "unavailable");
  EXPECT_EQ(unbuilt.body.find(web.path().string()), std::string::npos) << unbuilt.body;

  std::ofstream(web.path() / "index.html") << "<!doctype html><title>regionguard</title>";
  std::filesystem::create_directories(web.path() / "assets");
  std::ofstream(web.path() / "assets" / "main.js") << "export {};";
  std::ofstream(web.path() / "assets" / "style.css") << "body {}";
  std::ofstream(daemon.dir().path() / "secret.txt") << "do not serve";

  const auto index = daemon.get("/");
  EXPECT_EQ(index.status, 200u);
  EXPECT_EQ(index.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.body, "<!doctype html><title>regionguard</title>");
  EXPECT_EQ(daemon.get("/index.html").body, index.body);
  EXPECT_EQ(daemon.get("/assets/main.js").header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(daemon.get("/assets/style.css").header("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(daemon.get("/assets/missing.js").status, 404u);
  for (const char* escape : {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt",
                             "/%2E%2E%2Fsecret.txt", "/assets/..%2f..%2fsecret.txt"}) {
    const auto reply = daemon.get(escape);
    EXPECT_THAT(reply.status, testing::AnyOf(400u, 404u)) << escape;
    EXPECT_EQ(reply.body.find("do not serve"), std::string::npos) << escape;
  }
  EXPECT_EQ(daemon.get(daemon.dir().path().string() + "/secret.txt").status, 404u);  // an absolute path
}

TEST_F(ApiTest, AWebSocketClientGetsASnapshotThenEveryRound) {
  test::Daemon daemon(options());
  test::StreamClient client(daemon.port());
  ASSERT_TRUE(client.connected()) << client.error().message();
  const auto snapshot = client.next(10s);
  ASSERT_TRUE(snapshot) << client.error().message();
  EXPECT_EQ((*snapshot)["type"], "snapshot");
  EXPECT_EQ((*snapshot)["endpoints"].size(), 3u);
  EXPECT_TRUE((*snapshot)["summary"].contains("healthy"));
  EXPECT_TRUE((*snapshot)["trend"].is_array());

  const auto round = client.next(10s);
  ASSERT_TRUE(round) << client.error().message();
  EXPECT_EQ((*round)["type"], "round");
  EXPECT_GT((*round)["round"].get<int>(), (*snapshot)["round"].get<int>());
  EXPECT_EQ((*round)["summary"]["total"], 3);
  EXPECT_EQ(test::metric_value(daemon.get("/metrics").body, "regionguard_ws_clients"), 1.0);

  // Browsers send Origin; another site's page may not read the stream.
  test::StreamClient foreign(daemon.port(), "http://evil.example");
  EXPECT_FALSE(foreign.connected());
  EXPECT_EQ(foreign.handshake_status(), 403u);
  test::StreamClient same_origin(daemon.port(), "http://127.0.0.1:" + std::to_string(daemon.port()));
  EXPECT_TRUE(same_origin.connected());

  // SIGTERM: the client gets a close frame (1001 going away) and the daemon exits cleanly.
  kill(daemon.process().pid(), SIGTERM);
  std::optional<json> message;
  do {
    message = client.next(10s);
  } while (message);
  EXPECT_EQ(client.close_code(), 1001) << client.error().message();
  EXPECT_EQ(daemon.process().wait(), 0) << test::file_tail(daemon.log());
}

// A client that never reads is dropped once its queue is full; the others keep receiving.
TEST(ApiSlowClient, AClientThatNeverReadsIsDroppedWhileAnotherKeepsReceiving) {
  // Forty endpoints, so that each round's message is tens of kilobytes and a client that does
  // not read falls behind in a few dozen rounds (forced with POST /api/v1/probe).
  const auto numbered = test::numbered_zone(40);
  test::KnotServer knot(numbered.zone);
  test::DaemonOptions options;
  options.regions = {"us-east-1"};
  options.services = {"s3"};
  options.jitter = "0ms";
  options.endpoints = numbered.endpoints;
  options.resolver = "127.0.0.1:" + std::to_string(knot.port());
  test::Daemon daemon(options);

  // The slow one: a tiny receive buffer, a handshake, and then it never reads again.
  test::NeverReadingClient slow(daemon.port());

  std::atomic<bool> stop{false};
  std::atomic<int> good_messages{0};
  std::atomic<int> last_good_round{0};
  std::thread good_reader([&] {
    test::StreamClient good(daemon.port());
    while (!stop) {
      const auto message = good.next(2s);
      if (!message) continue;
      ++good_messages;
      last_good_round = (*message)["round"].get<int>();
    }
  });

  // Rounds as fast as the daemon runs them, until the slow client is dropped.
  double dropped = 0;
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  int posts = 0;
  while (dropped < 1 && std::chrono::steady_clock::now() < deadline) {
    test::http_request(daemon.port(), http::verb::post, "/api/v1/probe", {{"Authorization", bearer()}});
    ++posts;
    if (posts % 10 == 0)
      dropped = test::metric_value(daemon.get("/metrics").body, "regionguard_ws_dropped_total").value_or(0);
  }
  ASSERT_GE(dropped, 1) << "after " << posts << " POSTs\n" << test::file_tail(daemon.log());
  EXPECT_NE(test::file_tail(daemon.log(), 2000).find("is too slow"), std::string::npos);

  // The reader is still connected and still gets rounds after the drop.
  const int seen = good_messages;
  const int round_at_drop = last_good_round;
  test::http_request(daemon.port(), http::verb::post, "/api/v1/probe", {{"Authorization", bearer()}});
  const auto until = std::chrono::steady_clock::now() + 15s;
  while (good_messages == seen && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(50ms);
  // Asked until it answers: under load one request can be refused while the flood drains.
  const auto page = daemon.wait_for("/metrics", [](const test::HttpReply& r) {
                            return r.status == 200 && test::metric_value(r.body, "regionguard_ws_clients").has_value();
                          }).body;
  stop = true;
  good_reader.join();
  EXPECT_GT(good_messages, seen);
  EXPECT_GT(last_good_round, round_at_drop);
  EXPECT_EQ(test::metric_value(page, "regionguard_ws_clients"), 1.0);  // the reader, not the dropped one
  EXPECT_EQ(test::metric_value(page, "regionguard_ws_dropped_total"), 1.0);

  // The slow client's connection was cut: reading what is left ends, with no more than the
  // bounded queue's worth of messages behind it.
  std::size_t leftover = 0;
  boost::beast::error_code ec;
  std::array<char, 65536> buffer{};
  slow.socket().non_blocking(false);
  while (!ec) leftover += slow.socket().read_some(boost::asio::buffer(buffer), ec);
  EXPECT_TRUE(ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset) << ec.message();
  EXPECT_LT(leftover, 64u * 1024 * 1024);
}

TEST_F(ApiTest, TlsServesHttpsWithTheConfiguredCertificate) {
  test::TestPki pki;
  auto options = this->options();
  options.extra_server_yaml = "  tls: { cert: " + pki.valid().cert.string() + ", key: " + pki.valid().key.string() + " }\n";
  // The fixture waits on plain HTTP, which a TLS server does not answer: start it by hand.
  const auto port = test::free_port();
  test::TempDir dir("rg-api-tls-");
  const auto config = dir.path() / "regionguard.yaml";
  std::ofstream(config) << "regions: [us-east-1]\ndefaults: { interval: 1s, timeout: 500ms, jitter: 100ms, resolvers: [\""
                        << options.resolver
                        << "\"] }\nservices: { s3: {} }\nendpoints:\n"
                           "  - { hostname: s3.us-east-1.example.test, service: s3, region: us-east-1 }\n"
                           "store: { path: history.db }\nserver:\n  listen: 127.0.0.1:"
                        << port << "\n" << options.extra_server_yaml;
  test::ChildProcess daemon({RG_BINARY, "run", "-c", config.string()}, dir.path() / "run.log");
  const auto curl = test::find_executable("curl");
  ASSERT_TRUE(curl) << "curl is missing: apt-get install curl";
  const auto out = dir.path() / "curl.txt";
  int status = 1;
  for (int attempt = 0; attempt < 100 && status != 0; ++attempt) {
    std::this_thread::sleep_for(200ms);
    status = test::run_command({curl->string(), "-sS", "--fail", "--cacert", pki.ca_cert().string(), "-o",
                                (dir.path() / "body.json").string(),
                                "https://127.0.0.1:" + std::to_string(port) + "/readyz"},
                               out);
  }
  ASSERT_EQ(status, 0) << test::file_tail(out) << test::file_tail(dir.path() / "run.log");
  std::ifstream body(dir.path() / "body.json");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(body), {}), R"({"status":"ready"})");
  // Plain HTTP to the TLS port gets nothing useful.
  EXPECT_NE(test::http_get(port, "/healthz").status, 200u);
}

}  // namespace
}  // namespace rg
