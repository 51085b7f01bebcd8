// What the handler does about hostile or careless clients, without sockets: the Host check
// against DNS rebinding (and the open probes it exempts), what a reserve or gate connection may
// ask, wrong-token guessing limited per source, /metrics rendered once a round and limited per
// source, refusals decided before a body is read, /gate answers made once per gate state, and
// dotfiles under the web root. Time is a fake monotonic clock.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "present/api_handler.h"
#include "support/temp_dir.h"
#include "unit/present/present_fixture.h"

namespace rg {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using Listener = ApiRequest::Listener;

constexpr std::string_view kToken = "s3cr3t-t0ken-0123456789";

class ApiHandlerGuardsTest : public testing::Test {
 protected:
  ApiHandlerGuardsTest() {
    std::filesystem::create_directories(dir_.path() / "web" / ".git");
    std::ofstream(dir_.path() / "web" / "index.html") << "<!doctype html>";
    std::ofstream(dir_.path() / "web" / ".env") << "SECRET=1";
    std::ofstream(dir_.path() / "web" / ".git" / "config") << "[core]";
    ApiHandler::Options options;
    options.token = std::string(kToken);
    options.web_root = dir_.path() / "web";
    options.store_open = true;
    options.allowed_hosts = {"dash.example.com"};
    ApiHandler::Hooks hooks;
    hooks.now = [] { return test::kNewYear + 1h; };
    hooks.monotonic_now = [this] { return clock_; };
    hooks.trigger_round = [] { return true; };
    hooks.refusals = [this] {
      ++refusal_reads_;
      return std::vector<std::pair<std::string, std::uint64_t>>{{"unknown_host", 3}};
    };
    hooks.failover.gate = [this](const std::string& app, const std::string& region) -> std::optional<GateAnswer> {
      ++gate_lookups_;
      if (app != "shop") return std::nullopt;
      return GateAnswer{region == active_, active_};
    };
    hooks.failover.gate_generation = [this] { return gate_generation_; };
    hooks.failover.applications = [] {
      return json::array({{{"name", "shop"}, {"recovery", {{"text", "recovered in 41 s: detect 3 s"}}}}});
    };
    handler_.emplace(state_, probes_, std::move(options), std::move(hooks));
    const auto analyzed = analyzer_.analyze(test::first_round());
    state_.update(7, test::kNewYear + 1s, analyzed);
  }

  ApiResponse answer(std::string method, std::string target, std::string host = "127.0.0.1:8080",
                     Listener listener = Listener::main, std::string authorization = "",
                     std::string client = "192.0.2.10") {
    ApiRequest request;
    request.method = std::move(method);
    request.target = std::move(target);
    request.host = std::move(host);
    request.listener = listener;
    request.authorization = std::move(authorization);
    request.client = std::move(client);
    auto result = handler_->handle(request);
    if (auto* work = std::get_if<BlockingWork>(&result)) return work->run();
    if (std::holds_alternative<UpgradeToWebSocket>(result)) return text_response(101, "", "");
    return std::get<ApiResponse>(result);
  }

  static std::string error_code(const ApiResponse& response) {
    return json::parse(response.body)["error"]["code"];
  }

  test::TempDir dir_{"rg-api-guards-"};
  Config config_ = test::make_config();
  RoundAnalyzer analyzer_{config_};
  DashboardState state_{config_};
  ProbeMetrics probes_;
  std::optional<ApiHandler> handler_;
  std::chrono::steady_clock::time_point clock_ = std::chrono::steady_clock::time_point{} + 1h;
  std::string active_ = "us-east-1";
  std::uint64_t gate_generation_ = 1;
  int gate_lookups_ = 0;
  int refusal_reads_ = 0;
};

// A page on evil.example, its name rebound to 127.0.0.1, sends Host: evil.example:8080 and could
// otherwise read every open route.
TEST_F(ApiHandlerGuardsTest, ARequestNamingAnotherHostIsMisdirectedAndCounted) {
  const auto rebound = answer("GET", "/api/v1/summary", "evil.example:8080");
  EXPECT_EQ(rebound.status, 421u);
  EXPECT_EQ(error_code(rebound), "misdirected");
  EXPECT_THAT(rebound.body, testing::HasSubstr("server.allowed_hosts"));
  EXPECT_EQ(rebound.refusal, RefusalReason::unknown_host);
  EXPECT_THAT(rebound.refusal_detail, testing::HasSubstr("evil.example:8080"));  // for the operator's log
  EXPECT_EQ(answer("GET", "/", "evil.example").status, 421u);
  EXPECT_EQ(answer("GET", "/metrics", "evil.example").status, 421u);
  // The absolute form's authority stands for Host: it cannot smuggle another name past the check.
  EXPECT_EQ(answer("GET", "http://evil.example/api/v1/summary", "127.0.0.1:8080").status, 421u);
  EXPECT_EQ(answer("GET", "http://127.0.0.1:8080/api/v1/summary", "evil.example").status, 200u);

  for (const char* host : {"127.0.0.1:8080", "localhost:8080", "[::1]:8080", "dash.example.com", "DASH.example.com:443"})
    EXPECT_EQ(answer("GET", "/api/v1/summary", host).status, 200u) << host;
}

// Route 53's checkers and load balancers send their own host names; these routes are open and
// reveal nothing a page could steal.
TEST_F(ApiHandlerGuardsTest, TheOpenProbesAnswerWhateverTheHost) {
  EXPECT_EQ(answer("GET", "/healthz", "lb-1234.elb.amazonaws.com").status, 200u);
  EXPECT_EQ(answer("GET", "/readyz", "lb-1234.elb.amazonaws.com").status, 200u);
  EXPECT_EQ(answer("GET", "/gate/shop/us-east-1", "gate.shop.example").status, 200u);
  EXPECT_EQ(answer("GET", "/gate/shop/us-west-2", "gate.shop.example").status, 503u);
}

TEST_F(ApiHandlerGuardsTest, AReserveConnectionGetsOnlyTheHealthProbesAndTheGate) {
  EXPECT_EQ(answer("GET", "/healthz", "127.0.0.1", Listener::reserve).status, 200u);
  EXPECT_EQ(answer("GET", "/readyz", "127.0.0.1", Listener::reserve).status, 200u);
  EXPECT_EQ(answer("GET", "/gate/shop/us-east-1", "127.0.0.1", Listener::reserve).status, 200u);
  const auto busy = answer("GET", "/api/v1/summary", "127.0.0.1", Listener::reserve);
  EXPECT_EQ(busy.status, 429u);  // not 503: a closed gate's status means something else
  EXPECT_EQ(busy.header("Retry-After"), "1");
  EXPECT_EQ(busy.refusal, RefusalReason::too_many_clients);
}

TEST_F(ApiHandlerGuardsTest, TheGateListenerServesTheGateAndHealthzOnly) {
  EXPECT_EQ(answer("GET", "/gate/shop/us-east-1", "anything.example", Listener::gate).status, 200u);
  EXPECT_EQ(answer("GET", "/healthz", "anything.example", Listener::gate).status, 200u);
  for (const char* target : {"/api/v1/summary", "/metrics", "/", "/api/v1/stream", "/readyz"})
    EXPECT_EQ(answer("GET", target, "127.0.0.1", Listener::gate).status, 404u) << target;
  EXPECT_EQ(answer("POST", "/api/v1/probe", "127.0.0.1", Listener::gate, "Bearer " + std::string(kToken)).status, 404u);
}

// 65,000 guesses a second on one connection, before: now ten, then one every six seconds.
TEST_F(ApiHandlerGuardsTest, WrongTokensFromOneSourceAreLimitedAndCounted) {
  for (int i = 0; i < 10; ++i) {
    const auto wrong = answer("POST", "/api/v1/probe", "127.0.0.1", Listener::main, "Bearer guess-" + std::to_string(i));
    ASSERT_EQ(wrong.status, 401u) << i;
    EXPECT_EQ(wrong.refusal, RefusalReason::auth_failed);
  }
  const auto limited = answer("POST", "/api/v1/probe", "127.0.0.1", Listener::main, "Bearer guess-11");
  EXPECT_EQ(limited.status, 429u);
  EXPECT_EQ(limited.refusal, RefusalReason::auth_rate_limited);
  EXPECT_EQ(limited.header("Retry-After"), "60");
  // Even the right token waits: the guesser might have found it.
  const std::string right = "Bearer " + std::string(kToken);
  EXPECT_EQ(answer("POST", "/api/v1/probe", "127.0.0.1", Listener::main, right).status, 429u);
  // Another source is not affected.
  EXPECT_EQ(answer("POST", "/api/v1/probe", "127.0.0.1", Listener::main, right, "192.0.2.99").status, 202u);
  // Six seconds later one more try is allowed.
  clock_ += 6s;
  EXPECT_EQ(answer("POST", "/api/v1/probe", "127.0.0.1", Listener::main, right).status, 202u);
  // A missing token is a mistake, not a guess: it costs nothing.
  clock_ += 1h;
  for (int i = 0; i < 30; ++i) EXPECT_EQ(answer("POST", "/api/v1/probe").status, 401u);
  EXPECT_EQ(answer("POST", "/api/v1/probe", "127.0.0.1", Listener::main, right).status, 202u);
}

TEST_F(ApiHandlerGuardsTest, MetricsAreRenderedOnceARoundAndLimitedPerSource) {
  const auto first = answer("GET", "/metrics");
  ASSERT_EQ(first.status, 200u);
  EXPECT_THAT(first.body, testing::HasSubstr("regionguard_http_refusals_total{reason=\"unknown_host\"} 3"));
  EXPECT_EQ(refusal_reads_, 1);
  EXPECT_EQ(answer("GET", "/metrics").body, first.body);
  EXPECT_EQ(refusal_reads_, 1);  // the same round, within a second: the page made before
  clock_ += 1s;
  answer("GET", "/metrics");
  EXPECT_EQ(refusal_reads_, 2);  // a second later it is made again
  state_.update(8, test::kNewYear + 2s, analyzer_.analyze(test::first_round(test::kNewYear + 2s)));
  answer("GET", "/metrics");
  EXPECT_EQ(refusal_reads_, 3);  // and after a new round
  const std::string right = "Bearer " + std::string(kToken);
  ASSERT_EQ(answer("POST", "/api/v1/probe", "127.0.0.1", Listener::main, right).status, 202u);
  EXPECT_THAT(answer("GET", "/metrics").body, testing::HasSubstr("regionguard_triggered_rounds_total 1"));
  EXPECT_EQ(refusal_reads_, 4);  // and when a counter it shows changed

  // One source may fetch a burst of twenty, then ten a second.
  clock_ += 1h;
  for (int i = 0; i < 20; ++i) ASSERT_EQ(answer("GET", "/metrics").status, 200u) << i;
  const auto limited = answer("GET", "/metrics");
  EXPECT_EQ(limited.status, 429u);
  EXPECT_EQ(limited.refusal, RefusalReason::rate_limited);
  EXPECT_EQ(answer("GET", "/metrics", "127.0.0.1", Listener::main, "", "192.0.2.11").status, 200u);
  clock_ += 100ms;
  EXPECT_EQ(answer("GET", "/metrics").status, 200u);
}

TEST_F(ApiHandlerGuardsTest, GateAnswersAreMadeOncePerGateState) {
  EXPECT_EQ(answer("GET", "/gate/shop/us-east-1").status, 200u);
  EXPECT_EQ(answer("GET", "/gate/shop/us-east-1").status, 200u);
  EXPECT_EQ(answer("HEAD", "/gate/shop/us-east-1").status, 200u);
  EXPECT_EQ(gate_lookups_, 1);
  // The controller moves traffic: the next answers follow at once.
  active_ = "us-west-2";
  ++gate_generation_;
  EXPECT_EQ(answer("GET", "/gate/shop/us-east-1").status, 503u);
  const auto west = answer("GET", "/gate/shop/us-west-2");
  EXPECT_EQ(west.status, 200u);
  EXPECT_EQ(json::parse(west.body)["active_region"], "us-west-2");
  EXPECT_EQ(gate_lookups_, 3);
  // Unknown gates are not remembered (no table an attacker can grow).
  for (int i = 0; i < 3; ++i) EXPECT_EQ(answer("GET", "/gate/nope/r" + std::to_string(i)).status, 404u);
  EXPECT_EQ(gate_lookups_, 6);
}

// 100 Continue used to be sent before the token was checked, inviting the body of a request that
// was going to be refused anyway.
TEST_F(ApiHandlerGuardsTest, RefusalsThatDoNotDependOnTheBodyAreKnownBeforeIt) {
  ApiRequest request;
  request.method = "POST";
  request.target = "/api/v1/alerts/silences";
  request.host = "127.0.0.1:8080";
  request.client = "192.0.2.10";
  request.authorization = "Bearer wrong";
  auto refusal = handler_->refuse_before_body(request);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->status, 401u);
  request.authorization = "Bearer " + std::string(kToken);
  EXPECT_FALSE(handler_->refuse_before_body(request).has_value());
  request.host = "evil.example";
  EXPECT_EQ(handler_->refuse_before_body(request).value().status, 421u);
  request.host = "127.0.0.1";
  request.target = "/api/v1/probe";
  request.listener = Listener::gate;
  EXPECT_EQ(handler_->refuse_before_body(request).value().status, 404u);
}

TEST_F(ApiHandlerGuardsTest, DotfilesUnderTheWebRootAreNeverServed) {
  EXPECT_EQ(answer("GET", "/").status, 200u);
  for (const char* target : {"/.env", "/.git/config", "/.git/", "/%2Egit/config"})
    EXPECT_EQ(answer("GET", target).status, 404u) << target;
}

// GET /api/v1/failover/{app}: one application's object of /applications, its recovery time
// included; the operations stay POST-only.
TEST_F(ApiHandlerGuardsTest, OneApplicationIsReadByNameAndAnUnknownOneIsNotFound) {
  const auto shop = answer("GET", "/api/v1/failover/shop");
  ASSERT_EQ(shop.status, 200u) << shop.body;
  EXPECT_EQ(json::parse(shop.body)["recovery"]["text"], "recovered in 41 s: detect 3 s");
  const auto nope = answer("GET", "/api/v1/failover/nope");
  EXPECT_EQ(nope.status, 404u);
  EXPECT_THAT(nope.body, testing::HasSubstr("no application 'nope'"));
  EXPECT_EQ(answer("GET", "/api/v1/failover/shop/execute").status, 405u);
}

}  // namespace
}  // namespace rg
