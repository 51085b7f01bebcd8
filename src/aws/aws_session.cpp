#include "aws/aws_session.h"

#include "aws/credentials.h"

namespace rg::aws {

AwsSession::AwsSession(boost::asio::io_context& io, CurlMulti& curl, const AwsConfig& config)
    : io_(io), config_(config), env_(AwsEnvironment::from_process()), transport_(curl), scheduler_(io) {}

AwsSession::~AwsSession() = default;

// Resolved on first use, not at start-up: a configuration without AWS checks never touches
// ~/.aws or IMDS.
std::expected<std::shared_ptr<ClientCredentials>, AwsError> AwsSession::credentials() {
  if (!credentials_) {
    CredentialChainOptions options;
    if (!config_.endpoint_url.empty()) options.endpoint_overrides["sts"] = config_.endpoint_url;
    auto provider = resolve_credential_provider(env_, options);
    if (!provider) {
      credentials_ = std::unexpected(provider.error());
    } else {
      credentials_ = std::shared_ptr<ClientCredentials>(
          std::make_shared<RefreshingCredentials>(io_, std::move(*provider), blocking_http_send()));
    }
  }
  return *credentials_;
}

std::string AwsSession::describe_credentials() {
  const auto found = credentials();
  return found ? (*found)->describe() : found.error().message;
}

std::expected<AwsClient*, AwsError> AwsSession::client(const std::string& service, const std::string& region,
                                                      Millis timeout, const std::string& endpoint) {
  // Typed calls take the client's timeouts, so checks with different timeouts get their own client.
  const auto key = std::tuple{service, region, timeout, endpoint};
  if (const auto it = clients_.find(key); it != clients_.end()) return it->second.get();
  auto made = make_client(service, region, timeout, endpoint, transport_);
  if (!made) return std::unexpected(made.error());
  return clients_.emplace(key, std::move(*made)).first->second.get();
}

std::expected<std::unique_ptr<AwsClient>, AwsError> AwsSession::make_client(const std::string& service, const std::string& region,
                                                           Millis timeout, const std::string& endpoint,
                                                           AwsTransport& transport) {
  auto found = credentials();
  if (!found) return std::unexpected(found.error());
  AwsClientConfig client_config;
  client_config.service = service;
  client_config.region = region;
  client_config.endpoints.env = &env_;
  if (!endpoint.empty()) client_config.endpoints.overrides[service] = endpoint;
  else if (!config_.endpoint_url.empty()) client_config.endpoints.overrides[service] = config_.endpoint_url;
  client_config.call_timeout = timeout;
  client_config.attempt_timeout = timeout;
  auto created =
      AwsClient::create(std::move(client_config), AwsClientDeps{transport, *found, scheduler_, nullptr, nullptr});
  return created;
}

ClientLookup AwsSession::lookup(Millis timeout) {
  return [this, timeout](std::string_view service, const std::string& region) -> std::expected<AwsClient*, std::string> {
    auto found = client(std::string(service), region, timeout);
    if (!found) return std::unexpected(found.error().to_string());
    return *found;
  };
}

ClientLookup AwsSession::guarded_lookup(Millis timeout, SendGuard guard) {
  if (!guarded_transport_) guarded_transport_ = std::make_unique<GuardedTransport>(io_, transport_, std::move(guard));
  return [this, timeout](std::string_view service, const std::string& region) -> std::expected<AwsClient*, std::string> {
    const auto key = std::tuple{std::string(service), region, timeout, std::string()};
    if (const auto it = guarded_clients_.find(key); it != guarded_clients_.end()) return it->second.get();
    auto made = make_client(std::string(service), region, timeout, {}, *guarded_transport_);
    if (!made) return std::unexpected(made.error().to_string());
    return guarded_clients_.emplace(key, std::move(*made)).first->second.get();
  };
}

}  // namespace rg::aws
