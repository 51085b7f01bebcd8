#pragma once
// A custom step that POSTs to a webhook (`plan.custom_steps[].webhook`, README "custom_steps"):
// a JSON body with the plan's facts (custom_step_facts.h) and an Idempotency-Key header
// (app:generation:step), so that a receiver can dedupe a step the executor runs again after a
// restart. A 2xx answer is success; any other status, no answer or no answer in time fails the
// step with the status and the start of the body. Nothing is retried here: the executor decides
// what a failure means (roll back, roll forward, halt).
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "act/failover/custom_step_facts.h"
#include "act/failover/plan.h"
#include "aws/aws_transport.h"

namespace rg::act {

struct WebhookCall {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // sent as given (Authorization...)
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};
};

// The body: {"app", "kind", "from", "to", "generation", "step", "phase", "idempotency_key"}.
std::string webhook_body(const CustomCallFacts& facts);

// POSTs through `transport` (null fails the step and says so).
StepFunction webhook_function(std::shared_ptr<aws::AwsTransport> transport, WebhookCall call, CustomCallFacts facts);

// "POST https://hooks.example.com/failover (timeout 10s)": for the dry run's step list.
std::string describe(const WebhookCall& call);

}  // namespace rg::act
