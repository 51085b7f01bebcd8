#pragma once
// One AWS service in one region: resolve the endpoint (once), get cached credentials, sign
// (SigV4 with the real signing name and region), send, retry (standard mode, retry_policy.h) and
// turn non-2xx answers into typed AwsErrors. The protocol layers (protocol_query.h,
// protocol_rest_xml.h, protocol_json.h) build the AwsRequest and read the 2xx body; the per-service
// files (route53_api.h, ...) put the two together into typed calls.
//
// Everything happens on the event loop; callbacks run there. Time is injected (AwsScheduler) and
// so is the jitter's randomness, so a test can drive every retry with a fake clock.
//
// A call ends with exactly one callback: the 2xx answer, or an AwsError:
//   service_error  AWS answered with an error (code, message, HTTP status, request id)
//   timeout        the call's deadline passed, or the last attempt's timeout did
//   transport      no answer (refused, reset, cut short) after the last attempt
//   no_credentials / invalid_config / credential_process / ...  the credentials could not be had
//   invalid_argument  the request could not be built or signed
// error.attempts says how many attempts were made. The callback runs on the loop; when the call
// fails before anything is sent (no credentials, a request that cannot be signed, a typed call on
// a client of another service) it runs before call() returns.
#include <chrono>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "aws/aws_error.h"
#include "aws/aws_transport.h"
#include "aws/client_credentials.h"
#include "aws/endpoints.h"
#include "aws/http_message.h"
#include "aws/retry_policy.h"
#include "core/time.h"

namespace boost::asio {
class io_context;
}

namespace rg::aws {

// Clocks and timers, injectable.
class AwsScheduler {
 public:
  virtual ~AwsScheduler() = default;
  virtual TimePoint wall_now() = 0;  // X-Amz-Date and credential expiry
  virtual std::chrono::steady_clock::time_point steady_now() = 0;  // deadlines
  // Runs fn on the loop after `delay` (backoff between attempts).
  virtual void after(std::chrono::milliseconds delay, std::function<void()> fn) = 0;
};

// The real clocks and a steady_timer per wait.
class AsioScheduler final : public AwsScheduler {
 public:
  explicit AsioScheduler(boost::asio::io_context& io) : io_(io) {}
  TimePoint wall_now() override;
  std::chrono::steady_clock::time_point steady_now() override;
  void after(std::chrono::milliseconds delay, std::function<void()> fn) override;

 private:
  boost::asio::io_context& io_;
};

// What a protocol builds: the request before it has an endpoint and a signature.
struct AwsRequest {
  std::string operation;     // "GetParameter": for error messages and the fault proxy's logs
  std::string method = "POST";
  std::string path = "/";    // as on the wire (segments uri_encode()d), after the endpoint's base path
  QueryParams query;         // encoded with encode_query
  HttpHeaders headers;       // signed as they are (Content-Type, X-Amz-Target, If-Match, ...)
  std::string body;
  std::string host_prefix;   // prepended to the endpoint's host: "bucket." for S3 virtual-hosted style
};

struct AwsClientConfig {
  std::string service;      // any name find_service() takes: "cloudwatch", "route53", "monitoring"
  std::string region;       // the client's region; global services still sign for their home region
  EndpointSettings endpoints;  // read only by create()
  RetryOptions retry;
  std::chrono::milliseconds call_timeout{30000};     // a whole call: attempts and backoff
  std::chrono::milliseconds attempt_timeout{10000};  // one attempt, connect to last byte
};

struct AwsClientDeps {
  AwsTransport& transport;
  std::shared_ptr<ClientCredentials> credentials;
  AwsScheduler& scheduler;
  std::shared_ptr<RetryQuota> quota;      // null: the client's own bucket of retry.quota_capacity
  std::function<double()> random;         // uniform [0,1) for the jitter; null: a seeded std::mt19937_64
};

// Per-call overrides of the client's timeouts.
struct CallOptions {
  std::optional<std::chrono::milliseconds> call_timeout;
  std::optional<std::chrono::milliseconds> attempt_timeout;
};

using AwsResponse = std::expected<HttpResponse, AwsError>;
using AwsResponseCallback = std::function<void(AwsResponse)>;

class AwsClient {
 public:
  // Errors: unknown service, invalid region, an invalid configured endpoint, no credentials object.
  static std::expected<std::unique_ptr<AwsClient>, AwsError> create(AwsClientConfig config, AwsClientDeps deps);
  // Calls still in flight are abandoned: their callbacks never run.
  ~AwsClient();
  AwsClient(const AwsClient&) = delete;
  AwsClient& operator=(const AwsClient&) = delete;

  void call(AwsRequest request, AwsResponseCallback done, CallOptions options = {});

  const ServiceInfo& service() const;
  const std::string& region() const;
  const Endpoint& endpoint() const;
  RetryQuota& quota();

 private:
  struct Impl;
  struct Call;
  explicit AwsClient(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

// The plumbing of every typed call: check the client is for `service`, call, hand a 2xx answer to
// `parse`. A parser that throws (it should not) gives a bad_response error, never a crash.
template <typename Result>
using ResultCallback = std::function<void(std::expected<Result, AwsError>)>;

void call_service(AwsClient& client, std::string_view service, AwsRequest request,
                  std::function<void(AwsResponse)> on_answer, CallOptions options = {});

template <typename Result, typename Parse>
void call_and_parse(AwsClient& client, std::string_view service, AwsRequest request, Parse parse,
                    ResultCallback<Result> done, CallOptions options = {}) {
  std::string operation = request.operation;
  call_service(
      client, service, std::move(request),
      [parse = std::move(parse), done = std::move(done), operation = std::move(operation)](AwsResponse answer) {
        if (!answer) {
          done(std::unexpected(std::move(answer.error())));
          return;
        }
        std::expected<Result, AwsError> result = std::unexpected(AwsError{});
        try {
          result = parse(*answer);
        } catch (const std::exception& e) {
          result = std::unexpected(make_error(AwsErrorKind::bad_response, operation + ": unreadable answer: " + e.what()));
        }
        done(std::move(result));
      },
      options);
}

}  // namespace rg::aws
