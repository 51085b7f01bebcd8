#include "act/failover/webhook_step.h"

#include <nlohmann/json.hpp>

#include "config/duration.h"

namespace rg::act {
namespace {

constexpr std::size_t kBodyExcerpt = 300;  // of a receiver's answer, in a journal row or an error

}  // namespace

std::string webhook_body(const CustomCallFacts& facts) {
  nlohmann::json body{{"app", facts.plan->app},
                      {"kind", facts.plan->kind},
                      {"from", facts.plan->from},
                      {"to", facts.plan->to},
                      {"generation", facts.plan->generation},
                      {"step", facts.step},
                      {"phase", to_string(facts.phase)},
                      {"idempotency_key", idempotency_key(facts)}};
  return body.dump();
}

std::string describe(const WebhookCall& call) {
  return "POST " + call.url + " (timeout " + format_duration(call.timeout) + ")";
}

StepFunction webhook_function(std::shared_ptr<aws::AwsTransport> transport, WebhookCall call, CustomCallFacts facts) {
  return [transport = std::move(transport), call = std::move(call), facts = std::move(facts)](StepCallback done) {
    if (!transport) return done(std::unexpected("no HTTP client was given to the plan for webhooks"));
    aws::HttpRequest request{"POST", call.url, {}, webhook_body(facts)};
    for (const auto& header : call.headers) request.headers.push_back(header);
    aws::set_header(request.headers, "Content-Type", "application/json");
    aws::set_header(request.headers, "Idempotency-Key", idempotency_key(facts));
    transport->send(std::move(request), call.timeout, [call, done = std::move(done)](aws::TransportResult result) {
      const std::string what = "POST " + call.url;
      if (!result) {
        if (result.error().kind == aws::AwsErrorKind::timeout)
          return done(std::unexpected(what + ": no answer within " + format_duration(call.timeout)));
        return done(std::unexpected(what + ": " + result.error().message));
      }
      const auto excerpt = tail_excerpt(result->body.substr(0, kBodyExcerpt), kBodyExcerpt);
      const std::string answered = "HTTP " + std::to_string(result->status) + (excerpt.empty() ? "" : ": " + excerpt);
      if (result->status < 200 || result->status > 299)
        return done(std::unexpected(what + " answered " + answered + " (2xx expected)"));
      done(answered);
    });
  };
}

}  // namespace rg::act
