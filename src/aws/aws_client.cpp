#include "aws/aws_client.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <random>

#include "aws/sigv4.h"

namespace rg::aws {

// --- AsioScheduler ---------------------------------------------------------------------------------

TimePoint AsioScheduler::wall_now() { return now_us(); }

std::chrono::steady_clock::time_point AsioScheduler::steady_now() { return std::chrono::steady_clock::now(); }

void AsioScheduler::after(std::chrono::milliseconds delay, std::function<void()> fn) {
  auto timer = std::make_shared<boost::asio::steady_timer>(io_, delay);
  timer->async_wait([timer, fn = std::move(fn)](const boost::system::error_code& ec) {
    if (!ec) fn();
  });
}

// --- AwsClient -------------------------------------------------------------------------------------

namespace {

// Codes with which a service says the session token has expired: the cache must be refreshed.
bool is_expired_credentials_code(std::string_view code) {
  return code == "ExpiredToken" || code == "ExpiredTokenException" || code == "RequestExpired" ||
         code == "InvalidClientTokenId.Expired";
}

std::string build_query(const QueryParams& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out.push_back('&');
    out += uri_encode(key);
    if (!value.empty()) {  // "?versioning", as botocore writes S3's sub-resources
      out.push_back('=');
      out += uri_encode(value);
    }
  }
  return out;
}

std::string describe_ms(std::chrono::milliseconds ms) {
  if (ms.count() % 1000 == 0) return std::to_string(ms.count() / 1000) + " s";
  return std::to_string(ms.count()) + " ms";
}

}  // namespace

struct AwsClient::Impl {
  Impl(AwsClientConfig c, AwsClientDeps d, const ServiceInfo& s, Endpoint e)
      : config(std::move(c)), deps(std::move(d)), service(s), endpoint(std::move(e)),
        policy(config.retry, deps.quota, deps.random) {}

  AwsClientConfig config;
  AwsClientDeps deps;
  const ServiceInfo& service;
  Endpoint endpoint;
  RetryPolicy policy;
  bool alive = true;
};

// One call: its attempts, backoff and deadline.
struct AwsClient::Call : std::enable_shared_from_this<AwsClient::Call> {
  std::shared_ptr<Impl> impl;
  AwsRequest request;
  AwsResponseCallback done;
  std::chrono::milliseconds call_timeout{};
  std::chrono::milliseconds attempt_timeout{};
  std::chrono::steady_clock::time_point deadline{};
  int attempt = 0;
  int last_cost = 0;
  bool attempt_cut_by_deadline = false;

  std::chrono::milliseconds time_left() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - impl->deps.scheduler.steady_now());
  }

  void finish(AwsResponse result) {
    if (!result) result.error().attempts = attempt;
    auto callback = std::move(done);
    done = nullptr;
    if (callback) callback(std::move(result));
  }

  void fail(AwsErrorKind kind, std::string message) { finish(std::unexpected(make_error(kind, std::move(message)))); }

  std::string where() const { return request.operation + " to " + impl->endpoint.url; }

  void next_attempt() {
    if (!impl->alive) return;
    ++attempt;
    const std::chrono::milliseconds left = time_left();
    if (left.count() <= 0) {
      fail(AwsErrorKind::timeout, where() + ": the call's deadline of " + describe_ms(call_timeout) + " passed");
      return;
    }
    impl->deps.credentials->get(impl->deps.scheduler.wall_now(),
                                [self = shared_from_this()](std::expected<AwsCredentials, AwsError> creds) {
                                  self->send_with(std::move(creds));
                                });
  }

  void send_with(std::expected<AwsCredentials, AwsError> creds) {
    if (!impl->alive) return;
    if (!creds) {
      AwsError error = std::move(creds.error());
      error.message = request.operation + ": no credentials to sign with: " + error.message;
      finish(std::unexpected(std::move(error)));
      return;
    }
    HttpRequest http;
    http.method = request.method;
    std::string base = impl->endpoint.url;
    if (!request.host_prefix.empty()) {
      const auto scheme_end = base.find("://");
      base.insert(scheme_end == std::string::npos ? 0 : scheme_end + 3, request.host_prefix);
    }
    http.url = base + (request.path.empty() ? "/" : request.path);
    if (!request.query.empty()) http.url += "?" + build_query(request.query);
    http.headers = request.headers;
    http.body = request.body;

    SigningParams params;
    params.credentials = std::move(*creds);
    params.region = impl->endpoint.signing_region;
    params.service = impl->endpoint.signing_name;
    params.time = impl->deps.scheduler.wall_now();
    auto signed_request = sign_request(http, params);
    if (!signed_request) {
      AwsError error = std::move(signed_request.error());
      error.message = request.operation + ": " + error.message;
      finish(std::unexpected(std::move(error)));
      return;
    }

    const std::chrono::milliseconds left = time_left();
    if (left.count() <= 0) {
      fail(AwsErrorKind::timeout, where() + ": the call's deadline of " + describe_ms(call_timeout) + " passed");
      return;
    }
    attempt_cut_by_deadline = left < attempt_timeout;
    const std::chrono::milliseconds timeout = attempt_cut_by_deadline ? left : attempt_timeout;
    impl->deps.transport.send(std::move(signed_request->request), timeout,
                              [self = shared_from_this()](TransportResult answer) { self->on_answer(std::move(answer)); });
  }

  void on_answer(TransportResult answer) {
    if (!impl->alive) return;
    if (answer && answer->status >= 200 && answer->status < 300) {
      impl->policy.on_success(last_cost);
      finish(std::move(answer));
      return;
    }
    AwsError error = answer ? parse_service_error(*answer) : std::move(answer.error());
    if (error.kind == AwsErrorKind::timeout && attempt_cut_by_deadline) {
      error.message = where() + ": the call's deadline of " + describe_ms(call_timeout) + " passed (attempt " +
                      std::to_string(attempt) + "): " + error.message;
      finish(std::unexpected(std::move(error)));
      return;
    }
    if (error.kind == AwsErrorKind::service_error && is_expired_credentials_code(error.code)) {
      impl->deps.credentials->invalidate();
    }
    const RetryDecision decision = impl->policy.on_failure(error, attempt, time_left());
    if (!decision.retry) {
      if (error.kind != AwsErrorKind::service_error) error.message = where() + ": " + error.message;
      if (decision.kind != RetryKind::none) error.message += " (not retried: " + decision.reason + ")";
      finish(std::unexpected(std::move(error)));
      return;
    }
    last_cost = decision.cost;
    impl->deps.scheduler.after(decision.delay, [self = shared_from_this()] { self->next_attempt(); });
  }
};

AwsClient::AwsClient(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

AwsClient::~AwsClient() { impl_->alive = false; }

std::expected<std::unique_ptr<AwsClient>, AwsError> AwsClient::create(AwsClientConfig config, AwsClientDeps deps) {
  const ServiceInfo* service = find_service(config.service);
  if (service == nullptr) {
    return std::unexpected(make_error(AwsErrorKind::invalid_argument, "unknown AWS service '" + config.service + "'"));
  }
  if (!deps.credentials) {
    return std::unexpected(make_error(AwsErrorKind::invalid_argument, "an AWS client needs a credentials source"));
  }
  auto endpoint = resolve_endpoint(service->name, config.region, config.endpoints);
  if (!endpoint) return std::unexpected(endpoint.error());
  if (config.retry.max_attempts < 1) config.retry.max_attempts = 1;
  if (!deps.random) {
    auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
    deps.random = [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
  }
  auto impl = std::make_shared<Impl>(std::move(config), std::move(deps), *service, std::move(*endpoint));
  return std::unique_ptr<AwsClient>(new AwsClient(std::move(impl)));
}

void AwsClient::call(AwsRequest request, AwsResponseCallback done, CallOptions options) {
  auto call = std::make_shared<Call>();
  call->impl = impl_;
  call->request = std::move(request);
  call->done = std::move(done);
  call->call_timeout = options.call_timeout.value_or(impl_->config.call_timeout);
  call->attempt_timeout = options.attempt_timeout.value_or(impl_->config.attempt_timeout);
  call->deadline = impl_->deps.scheduler.steady_now() + call->call_timeout;
  call->next_attempt();
}

const ServiceInfo& AwsClient::service() const { return impl_->service; }
const std::string& AwsClient::region() const { return impl_->config.region; }
const Endpoint& AwsClient::endpoint() const { return impl_->endpoint; }
RetryQuota& AwsClient::quota() { return impl_->policy.quota(); }

void call_service(AwsClient& client, std::string_view service, AwsRequest request, std::function<void(AwsResponse)> on_answer,
                  CallOptions options) {
  if (client.service().name != service) {
    AwsError error = make_error(AwsErrorKind::invalid_argument, request.operation + " is a " + std::string(service) +
                                                                    " call, but the client is for " +
                                                                    std::string(client.service().name));
    on_answer(std::unexpected(std::move(error)));
    return;
  }
  client.call(std::move(request), std::move(on_answer), options);
}

}  // namespace rg::aws
