// The webhook custom step against the in-process HTTP server (support/http_test_server.h) through
// the real libcurl multi client: the body and the Idempotency-Key arrive, configured headers go
// along, a non-2xx answer and a receiver that does not answer in time fail the step.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>
#include <optional>

#include "act/failover/custom_steps.h"
#include "net/curl_multi.h"
#include "support/http_test_server.h"

namespace rg::act {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

class CustomWebhookTest : public ::testing::Test {
 protected:
  // A plan with one webhook step to `target` on the test server (and an undo to /echo).
  Plan plan_to(const std::string& target, std::chrono::milliseconds timeout = 5s) {
    CustomStepConfig step;
    step.name = "tell-cdn";
    step.action = CustomCallConfig{CustomCallConfig::Kind::webhook, {}, server.url(target),
                                   {{"Authorization", "Bearer s3cret"}}, timeout};
    step.undo = CustomCallConfig{CustomCallConfig::Kind::webhook, {}, server.url("/echo"), {}, timeout};
    Plan plan{"shop", "failback", "us-west-2", "us-east-1", {}, {}};
    append_custom_steps(plan, {step}, {io.get_executor(), &curl});
    plan.facts->generation = 9;  // as the executor sets it when the run starts
    return plan;
  }

  StepResult call(const StepFunction& function) {
    std::optional<StepResult> result;
    function([&](StepResult r) { result = std::move(r); });
    while (!result && io.run_one()) {
    }
    EXPECT_TRUE(result.has_value()) << "the step never answered";
    return result.value_or(std::unexpected("no answer"));
  }

  test::HttpTestServer server;
  boost::asio::io_context io;
  CurlMulti curl{io};
};

TEST_F(CustomWebhookTest, PostsThePlanFactsWithAnIdempotencyKeyAndTheConfiguredHeaders) {
  const auto plan = plan_to("/echo");
  const auto result = call(plan.steps.at(0).action);
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_THAT(*result, testing::StartsWith("HTTP 200: "));
  const auto requests = server.recorded("/echo");
  ASSERT_EQ(requests.size(), 1u);
  const auto& request = requests[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.header("Idempotency-Key"), "shop:9:tell-cdn");
  EXPECT_EQ(request.header("Content-Type"), "application/json");
  EXPECT_EQ(request.header("Authorization"), "Bearer s3cret");
  EXPECT_EQ(nlohmann::json::parse(request.body),
            (nlohmann::json{{"app", "shop"}, {"kind", "failback"}, {"from", "us-west-2"}, {"to", "us-east-1"},
                            {"generation", 9}, {"step", "tell-cdn"}, {"phase", "action"},
                            {"idempotency_key", "shop:9:tell-cdn"}}));
}

TEST_F(CustomWebhookTest, TheUndoSaysItIsOneWithAKeyOfItsOwn) {
  const auto plan = plan_to("/echo");
  const auto result = call(plan.steps.at(0).undo);
  ASSERT_TRUE(result.has_value()) << result.error();
  const auto request = server.recorded("/echo").at(0);
  EXPECT_EQ(request.header("Idempotency-Key"), "shop:9:tell-cdn:undo");
  EXPECT_EQ(nlohmann::json::parse(request.body).at("phase"), "undo");
  EXPECT_FALSE(request.header("Authorization").has_value());  // the undo's own headers: none
}

// The test server takes POST only on /echo; elsewhere it answers 405, a non-2xx answer like any.
TEST_F(CustomWebhookTest, AnAnswerOutside2xxFailsWithItsStatusAndBody) {
  const auto plan = plan_to("/status/503");
  const auto result = call(plan.steps.at(0).action);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error(), "POST " + server.url("/status/503") + " answered HTTP 405: method not allowed (2xx expected)");
  EXPECT_EQ(server.requests("/status/503"), 1u);  // not retried here: the executor decides
}

// A receiver that takes longer than the step's timeout: the step fails rather than holding the
// plan, and says it gave up waiting.
TEST_F(CustomWebhookTest, AReceiverSlowerThanTheTimeoutFailsTheStep) {
  const auto plan = plan_to("/slow-headers?ms=5000", 300ms);
  const auto result = call(plan.steps.at(0).action);
  ASSERT_FALSE(result.has_value());
  EXPECT_THAT(result.error(), HasSubstr("POST " + server.url("/slow-headers?ms=5000")));
  EXPECT_EQ(server.requests("/slow-headers"), 1u);
}

TEST_F(CustomWebhookTest, NoReceiverAtAllFailsSayingSo) {
  std::string url;
  {
    test::HttpTestServer gone;
    url = gone.url("/echo");
  }
  CustomStepConfig step{"tell-cdn", CustomCallConfig{CustomCallConfig::Kind::webhook, {}, url, {}, 5s}, {}, false};
  Plan plan{"shop", "failover", "us-east-1", "us-west-2", {}, {}};
  append_custom_steps(plan, {step}, {io.get_executor(), &curl});
  const auto result = call(plan.steps.at(0).action);
  ASSERT_FALSE(result.has_value());
  EXPECT_THAT(result.error(), HasSubstr("POST " + url + ": "));
}

}  // namespace
}  // namespace rg::act
