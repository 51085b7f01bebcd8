// The JSON views shared by the API, the stream and `probe --json`; the WebSocket message; the
// /metrics page built from a round; bearer tokens; static paths; the fan-out's bounded queues.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "present/bearer_auth.h"
#include "present/dashboard_state.h"
#include "present/json_views.h"
#include "present/metrics.h"
#include "present/static_files.h"
#include "present/ws_hub.h"
#include "support/temp_dir.h"
#include "unit/present/present_fixture.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::kNewYear;

class RoundViews : public testing::Test {
 protected:
  void SetUp() override {
    analyzed_ = analyzer_.analyze(test::first_round());
    state_.update(7, kNewYear + 1s, analyzed_);
    probes_.observe(analyzed_, state_);
  }
  Config config_ = test::make_config();
  RoundAnalyzer analyzer_{config_};
  AnalyzedRound analyzed_;
  DashboardState state_{config_};
  ProbeMetrics probes_;
};

TEST_F(RoundViews, AnEndpointHasEveryFieldOfTheContract) {
  const auto view = endpoint_json(analyzed_.states[1], &analyzed_.observations[1].result, ProbeKind::dns);
  EXPECT_EQ(view, (json{{"id", "s3.us-east-1"},
                        {"kind", "dns"},
                        {"hostname", "s3.us-east-1.amazonaws.com"},
                        {"service", "s3"},
                        {"service_display", "S3"},
                        {"region", "us-east-1"},
                        {"status", "critical"},
                        {"success", false},
                        {"failure", "nodata"},
                        {"error", "NOERROR with no A records"},
                        {"latency_ms", 1.2},
                        {"address", ""},
                        {"rcode", 0},
                        {"used_tcp", false},
                        {"answers", json::array()},
                        {"warnings", json::array()},
                        {"http", nullptr},
                        {"resource", nullptr},
                        {"uptime_percent", 0.0},
                        {"last_check", "2026-01-01T00:00:00.000Z"}}));
}

TEST_F(RoundViews, HttpDetailsAreMilliseconds) {
  const auto view = http_details_json(*analyzed_.observations[2].result.http);
  EXPECT_EQ(view, (json{{"status", 200},
                        {"remote_address", "192.0.2.7"},
                        {"tls_verified", true},
                        {"redirects", 0},
                        {"certificate_days_left", 41},
                        {"phases_ms", {{"dns", 2.0}, {"connect", 10.0}, {"tls", 40.0}, {"first_byte", 70.0}, {"total", 80.0}}}}));
}

TEST_F(RoundViews, TheStreamMessageCarriesEverythingTheDashboardDraws) {
  const auto message = json::parse(state_.stream_message("round", kNewYear + 2s));
  EXPECT_EQ(message["type"], "round");
  EXPECT_EQ(message["round"], 7);
  EXPECT_EQ(message["published_at"], "2026-01-01T00:00:02.000Z");
  EXPECT_EQ(message["published_unix_ms"], 1'767'225'602'000.0);
  EXPECT_EQ(message["summary"], state_.summary_json());
  EXPECT_EQ(message["regions"], state_.regions_json());
  EXPECT_EQ(message["endpoints"].size(), 4u);
  EXPECT_EQ(message["trend"].size(), 1u);
  const auto snapshot = json::parse(state_.stream_message("snapshot", kNewYear + 2s));
  EXPECT_EQ(snapshot["type"], "snapshot");
  EXPECT_EQ(snapshot["events"], json::array());
}

TEST_F(RoundViews, BytesThatAreNotUtf8DoNotBreakTheStream) {
  auto results = test::first_round(kNewYear + 10s);
  results[0].answers = {{"TXT", "odd \xff bytes", 60}};  // a TXT record may hold any bytes
  state_.update(8, kNewYear + 11s, analyzer_.analyze(results));
  std::string message;
  EXPECT_NO_THROW(message = state_.stream_message("round", kNewYear + 12s));
  EXPECT_NE(message.find("odd \xEF\xBF\xBD bytes"), std::string::npos);  // U+FFFD in its place
}

TEST_F(RoundViews, TheTrendKeepsTheLastThousandRounds) {
  for (int i = 0; i < 1005; ++i) state_.update(8 + i, kNewYear + std::chrono::seconds(10 + i), analyzed_);
  EXPECT_EQ(state_.trend_json(5000).size(), 1000u);
  EXPECT_EQ(state_.trend_json(1)[0]["at"], format_iso8601(kNewYear + 1014s));
}

TEST_F(RoundViews, MetricsDescribeEveryProbedEndpoint) {
  const std::string text = render_metrics({state_, probes_, BatchWriter::Stats{12, 3, 1, ""}, 2, 5, 1, {}, {}});
  const auto has = [&](const std::string& line) { EXPECT_THAT(text, testing::HasSubstr(line + "\n")); };
  has("regionguard_probe_success{endpoint=\"dynamodb.us-east-1\",service=\"dynamodb\",region=\"us-east-1\","
      "kind=\"dns\",failure=\"none\"} 1");
  has("regionguard_probe_success{endpoint=\"s3.us-east-1\",service=\"s3\",region=\"us-east-1\",kind=\"dns\","
      "failure=\"nodata\"} 0");
  has("regionguard_probe_status{endpoint=\"s3.us-east-1\",service=\"s3\",region=\"us-east-1\",kind=\"dns\","
      "failure=\"nodata\"} 2");
  has("# TYPE regionguard_probe_duration_seconds histogram");
  has("regionguard_probe_duration_seconds_bucket{endpoint=\"dynamodb.us-east-1\",service=\"dynamodb\","
      "region=\"us-east-1\",kind=\"dns\",le=\"0.01\"} 0");
  has("regionguard_probe_duration_seconds_bucket{endpoint=\"dynamodb.us-east-1\",service=\"dynamodb\","
      "region=\"us-east-1\",kind=\"dns\",le=\"0.025\"} 1");
  has("regionguard_probe_duration_seconds_count{endpoint=\"dynamodb.us-east-1\",service=\"dynamodb\","
      "region=\"us-east-1\",kind=\"dns\"} 1");
  // HTTP phases as blackbox splits them: 2 ms resolve, 8 connect, 30 tls, 30 processing, 10 transfer.
  has("regionguard_probe_phase_duration_seconds{endpoint=\"app/health\",service=\"s3\",region=\"eu-west-1\","
      "kind=\"http\",phase=\"resolve\"} 0.002");
  has("regionguard_probe_phase_duration_seconds{endpoint=\"app/health\",service=\"s3\",region=\"eu-west-1\","
      "kind=\"http\",phase=\"tls\"} 0.03");
  has("regionguard_probe_phase_duration_seconds{endpoint=\"app/health\",service=\"s3\",region=\"eu-west-1\","
      "kind=\"http\",phase=\"transfer\"} 0.01");
  has("regionguard_region_healthy_endpoints{region=\"us-east-1\"} 1");
  has("regionguard_region_endpoints{region=\"us-east-1\"} 2");
  // One DNS probe of two healthy: dynamodb (critical, weight 4) up, s3 (medium, weight 2) down.
  has("regionguard_region_health_score{region=\"us-east-1\"} 66.66666666666667");
  has("regionguard_endpoints{status=\"critical\"} 1");
  has("regionguard_store_written_total 12");
  has("regionguard_store_dropped_total 3");
  has("regionguard_ws_clients 2");
  has("regionguard_ws_dropped_total 5");
  has("regionguard_triggered_rounds_total 1");
  // Never probed: no series yet.
  EXPECT_THAT(text, testing::Not(testing::HasSubstr("dynamodb.eu-west-1")));
}

TEST(ProcessStats, ReadsThisProcess) {
  const auto stats = read_process_stats();
  ASSERT_TRUE(stats.resident_memory_bytes.has_value());
  EXPECT_GT(*stats.resident_memory_bytes, 1e5);
  ASSERT_TRUE(stats.start_time_seconds.has_value());
  EXPECT_GT(*stats.start_time_seconds, 1.6e9);
  ASSERT_TRUE(stats.open_fds.has_value());
  EXPECT_GE(*stats.open_fds, 3u);
  EXPECT_TRUE(stats.cpu_seconds.has_value());
}

TEST(BearerAuth, AcceptsOnlyTheExactTokenAfterBearer) {
  const BearerAuth auth("abcdefghijklmnop0123");
  EXPECT_TRUE(auth.configured());
  EXPECT_TRUE(auth.accepts("Bearer abcdefghijklmnop0123"));
  EXPECT_TRUE(auth.accepts("BEARER abcdefghijklmnop0123"));
  EXPECT_FALSE(auth.accepts("Bearer abcdefghijklmnop012"));
  EXPECT_FALSE(auth.accepts("Bearer abcdefghijklmnop01234"));
  EXPECT_FALSE(auth.accepts("Bearer"));
  EXPECT_FALSE(auth.accepts("abcdefghijklmnop0123"));
  EXPECT_FALSE(auth.accepts(""));
  EXPECT_FALSE(BearerAuth("").accepts("Bearer "));
  EXPECT_FALSE(BearerAuth("").configured());
}

TEST(BearerAuth, LoadsATokenFileWithoutItsNewline) {
  test::TempDir dir;
  ServerConfig server;
  server.token_file = (dir.path() / "token").string();
  EXPECT_FALSE(load_token(server).has_value());  // missing
  std::ofstream(server.token_file) << "  abcdefghijklmnop0123\n";
  EXPECT_EQ(load_token(server), "abcdefghijklmnop0123");
  std::ofstream(server.token_file) << "\n";
  EXPECT_FALSE(load_token(server).has_value());  // empty
  std::ofstream(server.token_file) << "tiny\n";
  ASSERT_FALSE(load_token(server).has_value());
  EXPECT_EQ(load_token(server).error().find("tiny"), std::string::npos);  // never the token itself
  server.token_file.clear();
  server.token = "inline-token-0123456789";
  EXPECT_EQ(load_token(server), "inline-token-0123456789");
}

TEST(StaticPaths, MapToFilesUnderTheRootOrAreRefused) {
  EXPECT_EQ(static_relative_path("/"), std::filesystem::path("index.html"));
  EXPECT_EQ(static_relative_path("/assets/app.js"), std::filesystem::path("assets/app.js"));
  EXPECT_EQ(static_relative_path("//assets///app.js"), std::filesystem::path("assets/app.js"));
  EXPECT_FALSE(static_relative_path("/../x").has_value());
  EXPECT_FALSE(static_relative_path("/a/./b").has_value());
  EXPECT_FALSE(static_relative_path("/a\\b").has_value());
  EXPECT_FALSE(static_relative_path("/a\x01").has_value());
  EXPECT_FALSE(static_relative_path("relative").has_value());
  EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("main.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("style.css"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("logo.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_for("data.bin"), "application/octet-stream");
}

SharedMessage message(std::size_t size) { return std::make_shared<const std::string>(size, 'x'); }

TEST(SendQueue, IsBoundedByCountAndBytes) {
  SendQueue queue(3, 100);
  EXPECT_TRUE(queue.push(message(10)));
  EXPECT_TRUE(queue.push(message(10)));
  EXPECT_TRUE(queue.push(message(10)));
  EXPECT_FALSE(queue.push(message(10)));  // a fourth message
  EXPECT_EQ(queue.size(), 3u);
  EXPECT_EQ(queue.pop()->size(), 10u);
  EXPECT_FALSE(queue.push(message(81)));  // 20 + 81 bytes
  EXPECT_TRUE(queue.push(message(80)));
  EXPECT_EQ(queue.bytes(), 100u);
  queue.clear();
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.bytes(), 0u);
}

class FakeClient final : public WsClient {
 public:
  explicit FakeClient(WsHub& hub, std::size_t capacity) : hub_(hub), queue_(capacity, 1 << 20) {}
  void send(SharedMessage m) override {
    if (closed) return;
    if (!queue_.push(std::move(m))) {
      hub_.count_dropped();
      close(CloseReason::too_slow);
      return;
    }
    received.push_back(queue_.pop());
    if (slow) queue_.push(received.back());  // a slow client keeps what it has not written
  }
  void close(CloseReason reason) override {
    closed = reason;
    hub_.leave(this);
  }
  bool slow = false;
  std::optional<CloseReason> closed;
  std::vector<SharedMessage> received;

 private:
  WsHub& hub_;
  SendQueue queue_;
};

TEST(WsHub, EveryClientGetsTheSameMessageAndASlowOneIsDroppedAlone) {
  WsHub hub;
  auto fast = std::make_shared<FakeClient>(hub, 2);
  auto slow = std::make_shared<FakeClient>(hub, 2);
  slow->slow = true;
  hub.join(fast);
  hub.join(slow);
  for (int i = 0; i < 4; ++i) hub.broadcast(message(5));

  EXPECT_EQ(fast->received.size(), 4u);
  EXPECT_EQ(fast->received[0], slow->received[0]);  // one serialized message, shared
  EXPECT_EQ(slow->closed, WsClient::CloseReason::too_slow);
  EXPECT_EQ(hub.size(), 1u);
  EXPECT_EQ(hub.dropped(), 1u);

  hub.close_all();
  EXPECT_EQ(fast->closed, WsClient::CloseReason::going_away);
  EXPECT_EQ(hub.size(), 0u);
}

TEST(WsHub, AClientThatIsGoneIsSkipped) {
  WsHub hub;
  {
    auto gone = std::make_shared<FakeClient>(hub, 2);
    hub.join(gone);
  }
  hub.broadcast(message(5));  // nothing to send to, nothing breaks
  EXPECT_EQ(hub.size(), 1u);  // until the session leaves, as a real one does when its reader ends
}

}  // namespace
}  // namespace rg
