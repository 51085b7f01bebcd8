#pragma once
// A real AwsClient (signing, retries, the typed calls' parsers) over a transport whose answers the
// test scripts, on a fake clock: for the answers moto cannot give (a Route 53 batch refused because
// the record changed, a promoted RDS instance, a response lost after the change took effect).
// Header-only, like tests/integration/aws_test_clients.h.
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "act/failover/plan.h"
#include "aws/aws_client.h"
#include "aws/aws_transport.h"
#include "aws/client_credentials.h"

namespace rg::test {

// Time moves only when the earliest timer runs.
class ScriptedScheduler final : public aws::AwsScheduler {
 public:
  TimePoint wall_now() override { return from_unix_us(1'800'000'000'000'000); }
  std::chrono::steady_clock::time_point steady_now() override { return now_; }
  void after(std::chrono::milliseconds delay, std::function<void()> fn) override {
    timers_.emplace(now_ + delay, std::move(fn));
  }
  // Runs timers in time order until none is left (or `limit` of them ran: a runaway loop).
  void run(int limit = 10'000) {
    while (!timers_.empty() && limit-- > 0) {
      auto first = timers_.begin();
      now_ = std::max(now_, first->first);
      auto fn = std::move(first->second);
      timers_.erase(first);
      fn();
    }
  }

 private:
  std::chrono::steady_clock::time_point now_{};
  std::multimap<std::chrono::steady_clock::time_point, std::function<void()>> timers_;
};

// Each request gets the next scripted answer (an HTTP response, or an error such as "no answer"),
// delivered on the scheduler; a request beyond the script gets a 500 that names it.
class ScriptedTransport final : public aws::AwsTransport {
 public:
  explicit ScriptedTransport(ScriptedScheduler& scheduler) : scheduler_(scheduler) {}
  void send(aws::HttpRequest request, std::chrono::milliseconds, aws::TransportCallback done) override {
    aws::TransportResult answer = aws::HttpResponse{500, {}, "<unscripted request " + request.url + ">"};
    if (!answers.empty()) {
      answer = std::move(answers.front());
      answers.pop_front();
    }
    sent.push_back(std::move(request));
    scheduler_.after(std::chrono::milliseconds(1), [done = std::move(done), answer = std::move(answer)] { done(answer); });
  }
  void answer(int status, std::string body) { answers.push_back(aws::HttpResponse{status, {}, std::move(body)}); }
  void no_answer() {
    answers.push_back(std::unexpected(aws::make_error(aws::AwsErrorKind::transport, "connection reset")));
  }

  std::deque<aws::TransportResult> answers;
  std::vector<aws::HttpRequest> sent;

 private:
  ScriptedScheduler& scheduler_;
};

struct ScriptedAws {
  explicit ScriptedAws(std::string service, std::string region = "us-east-1") {
    aws::AwsClientConfig config;
    config.service = std::move(service);
    config.region = std::move(region);
    auto created = aws::AwsClient::create(
        std::move(config), {transport, credentials, scheduler, nullptr, [] { return 0.0; }});  // no jitter
    if (!created) throw std::runtime_error(created.error().to_string());
    client = std::move(*created);
  }

  // Runs one step function to its end.
  act::StepResult run(const act::StepFunction& function) {
    std::optional<act::StepResult> out;
    function([&out](act::StepResult r) { out = std::move(r); });
    scheduler.run();
    return out.value_or(std::unexpected("the step never called back"));
  }

  ScriptedScheduler scheduler;
  ScriptedTransport transport{scheduler};
  std::shared_ptr<aws::ClientCredentials> credentials = std::make_shared<aws::FixedCredentials>(
      aws::AwsCredentials{"testing", "testing", std::nullopt, std::nullopt, std::nullopt});
  std::unique_ptr<aws::AwsClient> client;
};

}  // namespace rg::test
