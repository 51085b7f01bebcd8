// The API's routes without sockets: each request in, each answer (status, error code, JSON) out,
// and for every bad request, proof that nothing changed.
#include "present/api_handler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "unit/present/present_fixture.h"
#include "store/sqlite_store.h"
#include "support/temp_dir.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::kNewYear;

constexpr std::string_view kToken = "s3cr3t-t0ken-0123456789";

class ApiHandlerTest : public testing::Test {
 protected:
  ApiHandlerTest() {
    std::filesystem::create_directories(web_root());
    std::ofstream(web_root() / "index.html") << "<!doctype html><title>regionguard</title>";
    std::filesystem::create_directories(web_root() / "assets");
    std::ofstream(web_root() / "assets" / "app.js") << "export {};";
  }

  std::filesystem::path web_root() const { return dir_.path() / "web"; }

  // A handler over the fixture's state, with `options` changed by `adjust`.
  ApiHandler& handler(std::function<void(ApiHandler::Options&)> adjust = {}) {
    ApiHandler::Options options;
    options.token = std::string(kToken);
    options.web_root = web_root();
    options.history = store();
    options.store_open = true;
    if (adjust) adjust(options);
    ApiHandler::Hooks hooks;
    hooks.trigger_round = [this] {
      ++triggers_;
      return true;
    };
    hooks.now = [] { return kNewYear + 1h; };
    hooks.reload = reload_hooks_;
    handler_.emplace(state_, probes_, std::move(options), std::move(hooks));
    return *handler_;
  }

  std::shared_ptr<Store> store() {
    if (!store_) {
      auto opened = SqliteStore::open((dir_.path() / "history.db").string());
      EXPECT_TRUE(opened.has_value()) << opened.error().message;
      store_ = std::shared_ptr<Store>(std::move(*opened));
    }
    return store_;
  }

  void analyse_first_round() {
    const auto analyzed = analyzer_.analyze(test::first_round());
    state_.update(7, kNewYear + 1s, analyzed);
    probes_.observe(analyzed, state_);
  }

  // The answer, with blocking work run here (the server runs it on its pool).
  ApiResponse answer(std::string method, std::string target, std::string authorization = "", std::string body = "") {
    ApiRequest request;
    request.method = std::move(method);
    request.target = std::move(target);
    request.authorization = std::move(authorization);
    request.body = std::move(body);
    request.host = "127.0.0.1:8080";
    if (!handler_) handler();
    auto result = handler_->handle(request);
    if (auto* work = std::get_if<BlockingWork>(&result)) return work->run();
    if (std::holds_alternative<UpgradeToWebSocket>(result)) return text_response(101, "", "");
    return std::get<ApiResponse>(result);
  }

  static json body(const ApiResponse& response) { return json::parse(response.body); }
  static std::string error_code(const ApiResponse& response) { return body(response)["error"]["code"]; }
  static std::string bearer() { return "Bearer " + std::string(kToken); }

  test::TempDir dir_{"rg-api-handler-"};
  Config config_ = test::make_config();
  RoundAnalyzer analyzer_{config_};
  DashboardState state_{config_};
  ProbeMetrics probes_;
  std::shared_ptr<Store> store_;
  std::optional<ApiHandler> handler_;
  int triggers_ = 0;
  ReloadHooks reload_hooks_;
};

TEST_F(ApiHandlerTest, BeforeTheFirstRoundTheSummaryIsEmpty) {
  const auto response = answer("GET", "/api/v1/summary");
  ASSERT_EQ(response.status, 200u);
  EXPECT_EQ(response.content_type, "application/json");
  const auto summary = body(response);
  EXPECT_EQ(summary["round"], 0);
  EXPECT_TRUE(summary["updated_at"].is_null());
  EXPECT_EQ(summary["total"], 0);
  EXPECT_EQ(summary["uptime_window_hours"], 24);
  EXPECT_EQ(summary["regions"], json::array());
}

TEST_F(ApiHandlerTest, TheSummaryCountsTheLatestRound) {
  analyse_first_round();
  const auto summary = body(answer("GET", "/api/v1/summary"));
  EXPECT_EQ(summary["round"], 7);
  EXPECT_EQ(summary["updated_at"], "2026-01-01T00:00:01.000Z");
  EXPECT_EQ(summary["total"], 3);
  EXPECT_EQ(summary["healthy"], 2);
  EXPECT_EQ(summary["warning"], 0);
  EXPECT_EQ(summary["critical"], 1);
  EXPECT_EQ(summary["average_latency_ms"], 50.0);  // (20 + 80) / 2: failures do not count
  ASSERT_EQ(summary["regions"].size(), 2u);
  // Health score: one DNS probe healthy (100, dynamodb: critical priority, weight 4), one critical
  // (0, s3: medium, weight 2): 400 / 6.
  EXPECT_EQ(summary["regions"][0], (json{{"region", "us-east-1"}, {"healthy", 1}, {"total", 2}, {"status", "critical"},
                                         {"health_score", 66.7}}));
  EXPECT_EQ(summary["regions"][1]["region"], "eu-west-1");
}

TEST_F(ApiHandlerTest, RegionsListTheirServices) {
  analyse_first_round();
  const auto regions = body(answer("GET", "/api/v1/regions"));
  ASSERT_EQ(regions.size(), 2u);
  ASSERT_EQ(regions[0]["services"].size(), 2u);
  EXPECT_EQ(regions[0]["services"][0],
            (json{{"service", "dynamodb"}, {"display_name", "DYNAMODB"}, {"status", "healthy"},
                  {"average_latency_ms", 20.0}, {"endpoints", 1}, {"healthy", 1}}));
  EXPECT_EQ(regions[0]["services"][1]["status"], "critical");
}

TEST_F(ApiHandlerTest, EndpointsListEveryConfiguredOneAndNeverProbedOnesWithStatusNull) {
  analyse_first_round();
  const auto endpoints = body(answer("GET", "/api/v1/endpoints"));
  ASSERT_EQ(endpoints.size(), 4u);
  EXPECT_EQ(endpoints[0]["id"], "dynamodb.us-east-1");
  EXPECT_EQ(endpoints[0]["status"], "healthy");
  EXPECT_EQ(endpoints[0]["answers"], (json::array({{{"type", "A"}, {"data", "192.0.2.10"}, {"ttl", 60}}})));
  EXPECT_EQ(endpoints[1]["failure"], "nodata");
  EXPECT_EQ(endpoints[1]["error"], "NOERROR with no A records");
  EXPECT_EQ(endpoints[2]["kind"], "http");
  EXPECT_EQ(endpoints[2]["http"]["status"], 200);
  EXPECT_EQ(endpoints[2]["http"]["phases_ms"]["tls"], 40.0);
  EXPECT_EQ(endpoints[3]["id"], "dynamodb.eu-west-1");
  EXPECT_TRUE(endpoints[3]["status"].is_null());
  EXPECT_EQ(endpoints[3]["service_display"], "DYNAMODB");
}

TEST_F(ApiHandlerTest, FiltersCombineWithAnd) {
  analyse_first_round();
  const auto ids = [&](const std::string& target) {
    std::vector<std::string> out;
    for (const auto& e : body(answer("GET", target))) out.push_back(e["id"]);
    return out;
  };
  EXPECT_THAT(ids("/api/v1/endpoints?status=critical"), testing::ElementsAre("s3.us-east-1"));
  EXPECT_THAT(ids("/api/v1/endpoints?region=eu-west-1"), testing::ElementsAre("app/health", "dynamodb.eu-west-1"));
  EXPECT_THAT(ids("/api/v1/endpoints?region=eu-west-1&status=healthy"), testing::ElementsAre("app/health"));
  EXPECT_THAT(ids("/api/v1/endpoints?kind=http"), testing::ElementsAre("app/health"));
  EXPECT_THAT(ids("/api/v1/endpoints?service=dynamodb&region=us-east-1"), testing::ElementsAre("dynamodb.us-east-1"));
  EXPECT_THAT(ids("/api/v1/endpoints?region=ap-south-1"), testing::IsEmpty());
}

TEST_F(ApiHandlerTest, UnknownFilterValuesAndParametersAre400) {
  analyse_first_round();
  for (const char* target : {"/api/v1/endpoints?status=down", "/api/v1/endpoints?kind=smtp",
                             "/api/v1/endpoints?stauts=critical", "/api/v1/endpoints?status=critical&status=healthy"}) {
    const auto response = answer("GET", target);
    EXPECT_EQ(response.status, 400u) << target;
    EXPECT_EQ(error_code(response), "bad_request") << target;
  }
  EXPECT_EQ(body(answer("GET", "/api/v1/endpoints?status=down"))["error"]["message"],
            "status: unknown status `down` (expected healthy, warning or critical)");
}

TEST_F(ApiHandlerTest, OneEndpointByItsPercentEncodedId) {
  analyse_first_round();
  const auto encoded = answer("GET", "/api/v1/endpoints/app%2Fhealth");
  ASSERT_EQ(encoded.status, 200u);
  EXPECT_EQ(body(encoded)["id"], "app/health");
  EXPECT_EQ(answer("GET", "/api/v1/endpoints/app/health").status, 200u);  // not encoded: still found

  const auto missing = answer("GET", "/api/v1/endpoints/nope.example");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(error_code(missing), "not_found");
  EXPECT_EQ(body(missing)["error"]["message"], "no endpoint with id 'nope.example'");
}

TEST_F(ApiHandlerTest, UnknownPathsAre404AndWrongMethods405WithAllow) {
  EXPECT_EQ(answer("GET", "/api/v1/nothing").status, 404u);
  EXPECT_EQ(answer("GET", "/api/v2/summary").status, 404u);
  EXPECT_EQ(answer("GET", "/api/v1/summary/").status, 404u);
  EXPECT_EQ(error_code(answer("GET", "/api")), "not_found");

  const auto post = answer("POST", "/api/v1/summary");
  EXPECT_EQ(post.status, 405u);
  EXPECT_EQ(error_code(post), "method_not_allowed");
  EXPECT_EQ(post.header("Allow"), "GET, HEAD");
  EXPECT_EQ(answer("GET", "/api/v1/probe").header("Allow"), "POST");
  EXPECT_EQ(answer("DELETE", "/metrics").status, 405u);
  EXPECT_EQ(answer("PUT", "/index.html").status, 405u);
}

TEST_F(ApiHandlerTest, AMalformedTargetIs400) {
  EXPECT_EQ(answer("GET", "/api/v1/endpoints/%zz").status, 400u);
  EXPECT_EQ(answer("GET", "http:///api/v1/summary").status, 400u);  // an absolute form without a host
  EXPECT_EQ(answer("GET", "*").status, 400u);
  // A well-formed absolute form is accepted (RFC 9112 3.2.2); its authority must be this server.
  EXPECT_EQ(answer("GET", "http://example.com/api/v1/summary").status, 421u);
  EXPECT_EQ(answer("GET", "http://127.0.0.1:8080/api/v1/summary").status, 200u);
}

TEST_F(ApiHandlerTest, ProbeNeedsTheRightTokenAndChangesNothingOtherwise) {
  handler();
  const auto none = answer("POST", "/api/v1/probe");
  EXPECT_EQ(none.status, 401u);
  EXPECT_EQ(error_code(none), "unauthorized");
  EXPECT_EQ(none.header("WWW-Authenticate"), "Bearer realm=\"regionguard\"");
  EXPECT_EQ(answer("POST", "/api/v1/probe", "Bearer wrong-token-0123456789").status, 401u);
  EXPECT_EQ(answer("POST", "/api/v1/probe", "Basic " + std::string(kToken)).status, 401u);
  EXPECT_EQ(answer("POST", "/api/v1/probe", std::string(kToken)).status, 401u);
  EXPECT_EQ(triggers_, 0);

  const auto accepted = answer("POST", "/api/v1/probe", bearer());
  EXPECT_EQ(accepted.status, 202u);
  EXPECT_EQ(body(accepted), (json{{"accepted", true}, {"started", true}}));
  EXPECT_EQ(answer("POST", "/api/v1/probe", "bearer " + std::string(kToken), "{}").status, 202u);
  EXPECT_EQ(triggers_, 2);
  EXPECT_EQ(handler_->triggered_rounds(), 2u);
}

TEST_F(ApiHandlerTest, ABadProbeBodyIs400AndStartsNoRound) {
  handler();
  for (const char* bad : {"{not json", "[1, 2]", "{\"rounds\": 3}"}) {
    const auto response = answer("POST", "/api/v1/probe", bearer(), bad);
    EXPECT_EQ(response.status, 400u) << bad;
    EXPECT_EQ(error_code(response), "bad_request") << bad;
  }
  EXPECT_EQ(triggers_, 0);
  EXPECT_EQ(handler_->triggered_rounds(), 0u);
}

TEST_F(ApiHandlerTest, WithoutAConfiguredTokenProbeIsRefusedNotOpen) {
  handler([](auto& options) { options.token.clear(); });
  EXPECT_EQ(answer("POST", "/api/v1/probe").status, 401u);
  EXPECT_EQ(answer("POST", "/api/v1/probe", "Bearer ").status, 401u);
  EXPECT_EQ(triggers_, 0);
}

TEST_F(ApiHandlerTest, AuthReadsGuardsReadsButNotHealthOrTheDashboard) {
  analyse_first_round();
  handler([](auto& options) { options.auth_reads = true; });
  EXPECT_EQ(answer("GET", "/api/v1/summary").status, 401u);
  EXPECT_EQ(answer("GET", "/api/v1/endpoints/app%2Fhealth").status, 401u);
  EXPECT_EQ(answer("GET", "/metrics").status, 401u);
  EXPECT_EQ(answer("GET", "/api/v1/summary", bearer()).status, 200u);
  EXPECT_EQ(answer("GET", "/metrics", bearer()).status, 200u);
  EXPECT_EQ(answer("GET", "/healthz").status, 200u);
  EXPECT_EQ(answer("GET", "/readyz").status, 200u);
  EXPECT_EQ(answer("GET", "/").status, 200u);
}

TEST_F(ApiHandlerTest, HealthzAlwaysReadyzAfterTheFirstRound) {
  EXPECT_EQ(answer("GET", "/healthz").body, R"({"status":"ok"})");
  const auto not_yet = answer("GET", "/readyz");
  EXPECT_EQ(not_yet.status, 503u);
  EXPECT_EQ(error_code(not_yet), "unavailable");
  analyse_first_round();
  EXPECT_EQ(answer("GET", "/readyz").status, 200u);
  handler([](auto& options) { options.store_open = false; });
  EXPECT_EQ(answer("GET", "/readyz").status, 503u);
}

TEST_F(ApiHandlerTest, HistoryBucketsComeFromTheStore) {
  analyse_first_round();
  std::vector<Observation> rows;
  for (int i = 0; i < 12; ++i) {  // two minutes, a probe every 10 s; the last one fails
    Observation row;
    row.result = test::dns_answer("dynamodb.us-east-1", kNewYear + i * 10s, std::chrono::milliseconds(10 + i), "192.0.2.10");
    row.status = i == 11 ? HealthStatus::critical : HealthStatus::healthy;
    row.result.success = i != 11;
    rows.push_back(row);
  }
  ASSERT_TRUE(store()->append(rows).has_value());

  const auto response = answer("GET", "/api/v1/endpoints/dynamodb.us-east-1/history?from=2026-01-01T00:00:00Z&to=1767225900&step=1m");
  ASSERT_EQ(response.status, 200u) << response.body;
  const auto history = body(response);
  EXPECT_EQ(history["id"], "dynamodb.us-east-1");
  EXPECT_EQ(history["from"], "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(history["to"], "2026-01-01T00:05:00.000Z");
  EXPECT_EQ(history["step_ms"], 60000);
  ASSERT_EQ(history["points"].size(), 2u);  // empty minutes are left out
  EXPECT_EQ(history["points"][0],
            (json{{"at", "2026-01-01T00:00:00.000Z"}, {"total", 6}, {"successes", 6}, {"healthy", 6},
                  {"warning", 0}, {"critical", 0}, {"average_latency_ms", 12.5}, {"max_latency_ms", 15.0}}));
  EXPECT_EQ(history["points"][1]["critical"], 1);
  EXPECT_EQ(history["points"][1]["successes"], 5);
}

TEST_F(ApiHandlerTest, HistoryDefaultsToTheLastHourByMinute) {
  const auto history = body(answer("GET", "/api/v1/endpoints/dynamodb.us-east-1/history"));
  EXPECT_EQ(history["from"], "2026-01-01T00:00:00.000Z");  // the handler's clock says 01:00
  EXPECT_EQ(history["to"], "2026-01-01T01:00:00.000Z");
  EXPECT_EQ(history["step_ms"], 60000);
  EXPECT_EQ(history["points"], json::array());
}

TEST_F(ApiHandlerTest, BadHistoryRequestsAre400Or404) {
  const std::string base = "/api/v1/endpoints/dynamodb.us-east-1/history";
  const std::pair<std::string, std::string> bad[] = {
      {"?from=yesterday", "from: `yesterday` is not a time (ISO 8601 with a zone, or Unix seconds)"},
      {"?from=2026-01-01T00:00:00", "from: `2026-01-01T00:00:00` is not a time (ISO 8601 with a zone, or Unix seconds)"},
      {"?from=1767229200&to=1767225600", "from must be before to"},
      {"?step=0s", "step must be at least 1s"},
      {"?step=60", "step: durations need a unit, e.g. 10s"},
      {"?from=1767225600&to=1767232800&step=1s", "from, to and step make 7200 buckets; at most 2000 per request"},
      {"?limit=5", "unknown parameter `limit` (expected: from, to, step)"},
  };
  for (const auto& [query, message] : bad) {
    const auto response = answer("GET", base + query);
    EXPECT_EQ(response.status, 400u) << query;
    EXPECT_EQ(body(response)["error"]["message"], message) << query;
  }
  EXPECT_EQ(answer("GET", "/api/v1/endpoints/nope/history").status, 404u);
  EXPECT_EQ(answer("GET", "/api/v1/endpoints/dynamodb.us-east-1/history?from=1767225600&to=1767232800&step=4s").status,
            200u);  // 1,800 buckets
}

TEST_F(ApiHandlerTest, WithoutAHistoryStoreHistoryIs503) {
  handler([](auto& options) {
    options.history = nullptr;
    options.history_problem = "store.path is :memory:";
  });
  const auto response = answer("GET", "/api/v1/endpoints/dynamodb.us-east-1/history");
  EXPECT_EQ(response.status, 503u);
  EXPECT_EQ(body(response)["error"]["message"], "history is not available: store.path is :memory:");
}

TEST_F(ApiHandlerTest, TrendsFromMemoryOrFromTheStore) {
  analyse_first_round();
  state_.update(8, kNewYear + 11s, analyzer_.analyze(test::first_round(kNewYear + 10s)));
  const auto rounds = body(answer("GET", "/api/v1/trends"));
  ASSERT_EQ(rounds.size(), 2u);
  EXPECT_EQ(rounds[1], (json{{"at", "2026-01-01T00:00:11.000Z"}, {"healthy", 2}, {"warning", 0}, {"critical", 1}}));
  EXPECT_EQ(body(answer("GET", "/api/v1/trends?rounds=1")).size(), 1u);
  EXPECT_EQ(answer("GET", "/api/v1/trends?rounds=0").status, 400u);
  EXPECT_EQ(answer("GET", "/api/v1/trends?rounds=1001").status, 400u);
  EXPECT_EQ(answer("GET", "/api/v1/trends?rounds=5&step=1m").status, 400u);

  Observation a;
  a.result = test::dns_answer("dynamodb.us-east-1", kNewYear + 5s, 10ms, "192.0.2.10");
  a.status = HealthStatus::healthy;
  Observation b;
  b.result = test::dns_nodata("s3.us-east-1", kNewYear + 6s);
  b.status = HealthStatus::critical;
  ASSERT_TRUE(store()->append(std::vector{a, b}).has_value());
  const auto stored = answer("GET", "/api/v1/trends?from=1767225600&to=1767225720&step=1m");
  ASSERT_EQ(stored.status, 200u) << stored.body;
  EXPECT_EQ(body(stored), (json::array({{{"at", "2026-01-01T00:00:00.000Z"}, {"healthy", 1}, {"warning", 0},
                                         {"critical", 1}}})));
}

TEST_F(ApiHandlerTest, AlertsAndApplicationsAreEmptyListsForNow) {
  EXPECT_EQ(answer("GET", "/api/v1/alerts").body, "[]");
  EXPECT_EQ(answer("GET", "/api/v1/applications").body, "[]");
}

TEST_F(ApiHandlerTest, TheStreamNeedsAWebSocketFromThisOrigin) {
  handler();
  ApiRequest request;
  request.method = "GET";
  request.target = "/api/v1/stream";
  request.host = "127.0.0.1:8080";
  EXPECT_EQ(std::get<ApiResponse>(handler_->handle(request)).status, 400u);
  request.websocket_upgrade = true;
  EXPECT_TRUE(std::holds_alternative<UpgradeToWebSocket>(handler_->handle(request)));  // no Origin: not a browser
  request.origin = "http://127.0.0.1:8080";
  EXPECT_TRUE(std::holds_alternative<UpgradeToWebSocket>(handler_->handle(request)));
  request.origin = "https://evil.example";
  const auto refused = std::get<ApiResponse>(handler_->handle(request));
  EXPECT_EQ(refused.status, 403u);
  EXPECT_EQ(error_code(refused), "forbidden");
  request.origin = "null";
  EXPECT_EQ(std::get<ApiResponse>(handler_->handle(request)).status, 403u);
}

TEST_F(ApiHandlerTest, StaticFilesWithTheirTypesAndNoWayOut) {
  const auto index = answer("GET", "/");
  EXPECT_EQ(index.status, 200u);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(index.body, "<!doctype html><title>regionguard</title>");
  const auto script = answer("GET", "/assets/app.js");
  EXPECT_EQ(script.status, 200u);
  EXPECT_EQ(script.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(answer("HEAD", "/assets/app.js").status, 200u);

  for (const char* escape : {"/../history.db", "/assets/../../history.db", "/%2e%2e/history.db", "/%2E%2E%2fhistory.db",
                             "/assets/..%2f..%2fhistory.db", "/.%2e/history.db", "/..\\history.db"}) {
    const auto response = answer("GET", escape);
    EXPECT_EQ(response.status, 400u) << escape;
    EXPECT_EQ(response.body.find("SQLite"), std::string::npos) << escape;
  }
  EXPECT_EQ(answer("GET", "/missing.js").status, 404u);
  EXPECT_EQ(answer("GET", "/assets").status, 404u);  // a directory
  EXPECT_EQ(answer("GET", "//etc/passwd").status, 404u);  // "etc/passwd" under the root: not there
}

TEST_F(ApiHandlerTest, ASymlinkOutOfTheRootIsNotFollowed) {
  std::filesystem::create_symlink(dir_.path() / "history.db", web_root() / "db");
  store();  // creates history.db
  EXPECT_EQ(answer("GET", "/db").status, 404u);
}

// docs/api.md promises JSON errors, and a client has no business knowing where files live (the
// daemon's start-up log says how to build the dashboard and where it looked).
TEST_F(ApiHandlerTest, WithoutABuiltDashboardTheRootIsAJsonErrorThatNamesNoPath) {
  std::filesystem::remove(web_root() / "index.html");
  const auto response = answer("GET", "/");
  EXPECT_EQ(response.status, 503u);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(json::parse(response.body)["error"]["code"], "unavailable");
  EXPECT_THAT(response.body, testing::HasSubstr("dashboard is not built"));
  EXPECT_EQ(response.body.find(web_root().string()), std::string::npos) << response.body;
}

TEST_F(ApiHandlerTest, MetricsAreServedInTheTextFormat) {
  analyse_first_round();
  const auto response = answer("GET", "/metrics");
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(response.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_THAT(response.body, testing::HasSubstr("regionguard_probe_success{endpoint=\"s3.us-east-1\""));
}

TEST(BucketCount, CountsStepAlignedBucketsTheRangeTouches) {
  EXPECT_EQ(bucket_count(kNewYear, kNewYear + 1h, 1min), 60);
  EXPECT_EQ(bucket_count(kNewYear + 30s, kNewYear + 1h, 1min), 60);
  EXPECT_EQ(bucket_count(kNewYear + 30s, kNewYear + 1h + 1s, 1min), 61);
  EXPECT_EQ(bucket_count(kNewYear, kNewYear + 1s, 1h), 1);
}

// Issue 16: `step=922720385d` is 7.97e19 µs. Converted to microseconds without a bound it
// overflowed (UBSan: signed overflow in bucket_count) and the wrapped step reached the store. No
// token is needed for reads, so anyone could send it; now it is a 400 that names the limit.
TEST_F(ApiHandlerTest, AStepTooLongToCountIn64BitMicrosecondsIs400) {
  const std::string history = "/api/v1/endpoints/dynamodb.us-east-1/history";
  for (const std::string& target : {history + "?step=922720385d", history + "?step=367d",
                                   std::string("/api/v1/trends?from=1767225600&to=1767232800&step=922720385d")}) {
    const auto response = answer("GET", target);
    EXPECT_EQ(response.status, 400u) << target;
    EXPECT_EQ(body(response)["error"]["message"], "step must be at most 366d") << target;
  }
  // The longest step allowed is one bucket, as any step longer than the range.
  const auto longest = answer("GET", history + "?from=1767225600&to=1767232800&step=366d");
  ASSERT_EQ(longest.status, 200u) << longest.body;
  EXPECT_EQ(body(longest)["step_ms"], 366LL * 86'400'000);
}

TEST(BucketCount, AStepBeyondWhatMicrosecondsHoldIsOneBucketNotAnOverflow) {
  EXPECT_EQ(bucket_count(kNewYear, kNewYear + 1h, std::chrono::milliseconds::max()), 1);
  EXPECT_EQ(bucket_count(from_unix_us(-1'000'000), kNewYear, std::chrono::milliseconds::max()), 2);  // 1969 and 1970 on
}

}  // namespace
}  // namespace rg

namespace rg {
namespace {

TEST_F(ApiHandlerTest, ReloadNeedsTheTokenAndAnswersWhatChangedOrEveryError) {
  int reloads = 0;
  ReloadReport next;
  next.reloaded = true;
  next.diff.added = {"s3.eu-west-1"};
  next.diff.removed = {"dynamodb.eu-west-1"};
  next.diff.unchanged = {"dynamodb.us-east-1", "s3.us-east-1"};
  next.diff.applied = {"notifiers"};
  next.diff.needs_restart = {"server"};
  next.deferred = {"applications"};
  ReloadStatus status;
  reload_hooks_.reload = [&] {
    ++reloads;
    status.reloads += 1;
    status.last_successful = next.reloaded;
    status.last_errors = next.errors.size();
    if (next.reloaded) status.last_success = kNewYear + 1h;
    return next;
  };
  reload_hooks_.status = [&] { return status; };
  handler();

  EXPECT_EQ(answer("POST", "/api/v1/reload").status, 401u);
  EXPECT_EQ(answer("POST", "/api/v1/reload", "Bearer wrong-token-0123456789").status, 401u);
  EXPECT_EQ(answer("POST", "/api/v1/reload", bearer(), "{\"file\": \"/etc/passwd\"}").status, 400u);
  EXPECT_EQ(answer("GET", "/api/v1/reload", bearer()).status, 405u);
  EXPECT_EQ(reloads, 0);

  const auto applied = answer("POST", "/api/v1/reload", bearer());
  EXPECT_EQ(applied.status, 200u);
  EXPECT_EQ(body(applied), (json{{"reloaded", true},
                                 {"errors", json::array()},
                                 {"endpoints",
                                  {{"added", {"s3.eu-west-1"}},
                                   {"removed", {"dynamodb.eu-west-1"}},
                                   {"changed", json::array()},
                                   {"unchanged", 2}}},
                                 {"applied", {"notifiers"}},
                                 {"needs_restart", {"server"}},
                                 {"deferred", {"applications"}}}));

  next = ReloadReport{};
  next.errors = {"r.yaml:3:5: endpoints[0].service: unknown service `x`", "r.yaml:4:5: endpoints[1].region: unknown"};
  const auto refused = answer("POST", "/api/v1/reload", bearer(), "{}");
  EXPECT_EQ(refused.status, 422u);
  EXPECT_EQ(body(refused), (json{{"reloaded", false}, {"errors", next.errors}}));
  EXPECT_EQ(reloads, 2);

  const auto page = answer("GET", "/metrics").body;
  EXPECT_THAT(page, testing::HasSubstr("\nregionguard_config_last_reload_successful 0\n"));
  EXPECT_THAT(page, testing::HasSubstr("\nregionguard_config_last_reload_success_timestamp_seconds 1767229200\n"));
  EXPECT_THAT(page, testing::HasSubstr("\nregionguard_config_last_reload_errors 2\n"));
  EXPECT_THAT(page, testing::HasSubstr("\nregionguard_config_reloads_total 2\n"));
}

}  // namespace
}  // namespace rg
