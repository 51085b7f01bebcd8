#pragma once
// AWS clients for a test, on the test's own event loop, all pointed at one endpoint (moto, or a
// fault proxy in front of it) with dummy credentials; and the loop-running waits that turn one
// asynchronous call into an answer. Header-only, like moto_suite.h.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include "aws/aws_client.h"
#include "aws/aws_transport.h"
#include "aws/client_credentials.h"
#include "net/curl_multi.h"

namespace rg::test {

class AwsTestClients {
 public:
  // `endpoint` is asked when a client is first made, so a fixture may start its server later.
  AwsTestClients(boost::asio::io_context& io, std::function<std::string()> endpoint)
      : io_(io), endpoint_(std::move(endpoint)) {}

  // One client per service and region, made on first use.
  aws::AwsClient& client(std::string_view service, std::string_view region) {
    auto& slot = clients_[std::string(service) + "/" + std::string(region)];
    if (!slot) {
      aws::AwsClientConfig config;
      config.service = std::string(service);
      config.region = std::string(region);
      config.endpoints.overrides[std::string(service)] = endpoint_();
      config.call_timeout = std::chrono::seconds(120);
      config.attempt_timeout = std::chrono::seconds(90);  // first calls load moto's backends: slow on a busy machine
      auto created = aws::AwsClient::create(std::move(config), {transport_, credentials_, scheduler_, nullptr, nullptr});
      if (!created) throw std::runtime_error(created.error().to_string());
      slot = std::move(*created);
    }
    return *slot;
  }

  aws::AsioScheduler& scheduler() { return scheduler_; }

  // Runs the loop until `done()` holds or `limit` passes; whether it held.
  template <typename Done>
  bool run_until(Done done, std::chrono::milliseconds limit = std::chrono::seconds(180)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(std::chrono::milliseconds(20));
    }
    return done();
  }

  // Starts a call with `start(callback)` and runs the loop until it answers.
  template <typename Result, typename Start>
  std::expected<Result, aws::AwsError> call(Start start) {
    std::optional<std::expected<Result, aws::AwsError>> out;
    start([&out](std::expected<Result, aws::AwsError> r) { out = std::move(r); });
    if (!run_until([&] { return out.has_value(); }))
      return std::unexpected(aws::make_error(aws::AwsErrorKind::timeout, "the test gave up waiting"));
    return std::move(*out);
  }

  // The same for a call that must succeed: its result, or an exception that says why not.
  template <typename Result, typename Start>
  Result ok(Start start) {
    auto result = call<Result>(std::move(start));
    if (!result) throw std::runtime_error(result.error().to_string());
    if constexpr (!std::is_void_v<Result>) return std::move(*result);
  }

  // A request the product does not make (creating what it reads); it must succeed.
  aws::HttpResponse raw(aws::AwsClient& client, aws::AwsRequest request) {
    const std::string operation = request.operation;
    auto answer = call<aws::HttpResponse>([&](auto done) { client.call(std::move(request), std::move(done)); });
    if (!answer) throw std::runtime_error(operation + ": " + answer.error().to_string());
    return std::move(*answer);
  }

 private:
  boost::asio::io_context& io_;
  std::function<std::string()> endpoint_;
  CurlMulti curl_{io_};
  aws::CurlTransport transport_{curl_};
  aws::AsioScheduler scheduler_{io_};
  std::shared_ptr<aws::ClientCredentials> credentials_ = std::make_shared<aws::FixedCredentials>(
      aws::AwsCredentials{"testing", "testing", std::nullopt, std::nullopt, std::nullopt});
  std::map<std::string, std::unique_ptr<aws::AwsClient>> clients_;  // destroyed first: they use the above
};

}  // namespace rg::test
