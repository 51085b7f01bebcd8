#pragma once
// Credential sources that need HTTP: EC2 instance metadata (IMDSv2), ECS/EKS container
// credentials, STS AssumeRoleWithWebIdentity and STS AssumeRole. Each is split into a request
// builder and a response parser (pure functions, tested alone), and a CredentialFetcher that
// strings them together without doing any I/O itself: it hands out the next request and is fed
// the answer, so a transport (libcurl multi on the event loop, or a blocking client) plugs in
// from outside.
//
//   auto fetcher = ...;                       // from a CredentialProvider (credentials.h)
//   FetchStep step = fetcher->start(now);
//   while (auto* request = std::get_if<HttpRequest>(&step)) {
//     step = /* answer arrived */ ? fetcher->on_response(answer) : fetcher->on_transport_error(error);
//   }
//   std::expected<AwsCredentials, AwsError> result = std::get<1>(std::move(step));
//
// Retries and timeouts belong to the transport (botocore: 1 s timeout, 1 attempt for IMDS; 2 s
// and 3 attempts for containers).
#include <chrono>
#include <expected>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "aws/aws_credentials.h"
#include "aws/aws_environment.h"
#include "aws/aws_error.h"
#include "aws/endpoints.h"
#include "aws/http_message.h"
#include "aws/shared_config.h"
#include "core/time.h"

namespace rg::aws {

// The next request to send, or how the fetch ended.
using FetchStep = std::variant<HttpRequest, std::expected<AwsCredentials, AwsError>>;

class CredentialFetcher {
 public:
  virtual ~CredentialFetcher() = default;
  // "imds", "container", "sts-web-identity", "sts-assume-role": for logs.
  virtual std::string_view name() const = 0;
  // Begins a fetch (again, for a refresh): the first request, or an outcome reached without HTTP
  // (a token file that cannot be read). now is used for signing and default session names.
  virtual FetchStep start(TimePoint now) = 0;
  // The answer to the request last handed out, whatever its status.
  virtual FetchStep on_response(const HttpResponse& response) = 0;
  // The request last handed out got no answer. By default the fetch fails with that error.
  virtual FetchStep on_transport_error(const AwsError& error);
};

// A blocking transport: one request in, one answer (or a transport error) out.
using HttpSend = std::function<std::expected<HttpResponse, AwsError>(const HttpRequest&)>;
// Drives a fetcher to the end with a blocking transport. Stops with a bad_response error after
// max_requests requests (a fetcher bug must not loop forever).
std::expected<AwsCredentials, AwsError> fetch_credentials(CredentialFetcher& fetcher, TimePoint now,
                                                          const HttpSend& send, int max_requests = 16);

// --- EC2 instance metadata (IMDSv2, with IMDSv1 as fallback unless disabled) -------------------

struct ImdsSettings {
  std::string endpoint = "http://169.254.169.254";  // no trailing slash
  std::chrono::seconds token_ttl{21600};             // as botocore asks
  bool v1_fallback = true;  // without a token when the token PUT is refused (403/404/405) or unanswered
};

// AWS_EC2_METADATA_SERVICE_ENDPOINT (else the profile's ec2_metadata_service_endpoint);
// AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE / ec2_metadata_service_endpoint_mode "IPv6" ->
// http://[fd00:ec2::254]; AWS_EC2_METADATA_V1_DISABLED / ec2_metadata_v1_disabled. An endpoint that
// is not an http(s) URL is an invalid_config error.
std::expected<ImdsSettings, AwsError> imds_settings(const AwsEnvironment& env, const ConfigSection* profile);
// True when AWS_EC2_METADATA_DISABLED is "true": the chain skips IMDS.
bool imds_disabled(const AwsEnvironment& env);

// PUT /latest/api/token with X-aws-ec2-metadata-token-ttl-seconds.
HttpRequest build_imds_token_request(const ImdsSettings& settings);
// GET /latest/meta-data/iam/security-credentials/ (the role name), with the token when there is one.
HttpRequest build_imds_role_request(const ImdsSettings& settings, const std::optional<std::string>& token);
// GET /latest/meta-data/iam/security-credentials/ROLE.
HttpRequest build_imds_credentials_request(const ImdsSettings& settings, std::string_view role,
                                           const std::optional<std::string>& token);
// The first non-empty line: an instance has at most one role.
std::expected<std::string, AwsError> parse_imds_role(std::string_view body);
// {"Code":"Success","LastUpdated":...,"Type":"AWS-HMAC","AccessKeyId":...,"SecretAccessKey":...,
//  "Token":...,"Expiration":"2026-11-21T13:34:41Z"}. A Code other than Success is a service_error
// with that code and the Message (IMDS answers 200 with such a document when, e.g., the role does
// not trust EC2).
std::expected<AwsCredentials, AwsError> parse_imds_credentials(std::string_view body);

class ImdsCredentialFetcher final : public CredentialFetcher {
 public:
  explicit ImdsCredentialFetcher(ImdsSettings settings) : settings_(std::move(settings)) {}
  std::string_view name() const override { return "imds"; }
  FetchStep start(TimePoint now) override;
  FetchStep on_response(const HttpResponse& response) override;
  FetchStep on_transport_error(const AwsError& error) override;

 private:
  enum class State { token, role, credentials, done };
  FetchStep without_token(const std::string& why);

  ImdsSettings settings_;
  State state_ = State::done;
  std::optional<std::string> token_;
  std::string role_;
};

// --- ECS / EKS container credentials -------------------------------------------------------------

struct ContainerSettings {
  std::string url;                                  // full URL of the credentials endpoint
  std::optional<std::string> auth_token;            // AWS_CONTAINER_AUTHORIZATION_TOKEN
  std::optional<std::filesystem::path> token_file;  // AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (wins; read per fetch)
};

// nullopt when neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (-> http://169.254.170.2 + it, wins)
// nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set. A full URI must be https, or http to a loopback
// address or one of 169.254.170.2, 169.254.170.23, fd00:ec2::23, localhost (as botocore).
std::expected<std::optional<ContainerSettings>, AwsError> container_settings(const AwsEnvironment& env);
// GET with Accept: application/json and Authorization: the token (file or value). A token with a
// CR or LF is refused (header injection).
std::expected<HttpRequest, AwsError> build_container_credentials_request(const ContainerSettings& settings);
// {"AccessKeyId":...,"SecretAccessKey":...,"Token":...,"Expiration":...,"RoleArn":...,"AccountId":...}
std::expected<AwsCredentials, AwsError> parse_container_credentials(std::string_view body);

class ContainerCredentialFetcher final : public CredentialFetcher {
 public:
  explicit ContainerCredentialFetcher(ContainerSettings settings) : settings_(std::move(settings)) {}
  std::string_view name() const override { return "container"; }
  FetchStep start(TimePoint now) override;
  FetchStep on_response(const HttpResponse& response) override;

 private:
  ContainerSettings settings_;
};

// --- STS --------------------------------------------------------------------------------------------

struct AssumeRoleParams {
  std::string role_arn;
  std::string session_name;               // 2-64 of [A-Za-z0-9_+=,.@-]; empty: "regionguard-<unix time>"
  std::optional<std::string> external_id;
  std::optional<int> duration_seconds;    // 900..43200
};

struct WebIdentityParams {
  std::string role_arn;
  std::string session_name;  // as above
  std::filesystem::path token_file;
  std::optional<int> duration_seconds;
};

// POST / to the STS endpoint, form body "Action=AssumeRole&Version=2011-06-15&RoleArn=...". Not
// signed: sign it with the source credentials (service "sts", the endpoint's signing region).
std::expected<HttpRequest, AwsError> build_assume_role_request(const Endpoint& sts, const AssumeRoleParams& params);
// Action=AssumeRoleWithWebIdentity with the token. This call is not signed at all (the token is
// the proof), as in botocore.
std::expected<HttpRequest, AwsError> build_assume_role_with_web_identity_request(const Endpoint& sts,
                                                                                 const WebIdentityParams& params,
                                                                                 std::string_view web_identity_token);
// <AssumeRoleResponse> or <AssumeRoleWithWebIdentityResponse>: Credentials/{AccessKeyId,
// SecretAccessKey, SessionToken, Expiration}; the account id comes from AssumedRoleUser/Arn.
std::expected<AwsCredentials, AwsError> parse_assume_role_response(std::string_view xml);

class StsWebIdentityFetcher final : public CredentialFetcher {
 public:
  StsWebIdentityFetcher(Endpoint sts, WebIdentityParams params) : sts_(std::move(sts)), params_(std::move(params)) {}
  std::string_view name() const override { return "sts-web-identity"; }
  FetchStep start(TimePoint now) override;
  FetchStep on_response(const HttpResponse& response) override;

 private:
  Endpoint sts_;
  WebIdentityParams params_;
};

// A role chain: source credentials (given, or from another fetcher), then AssumeRole for each
// role in turn, each call signed with the credentials the previous one produced.
class StsAssumeRoleFetcher final : public CredentialFetcher {
 public:
  using Source = std::variant<AwsCredentials, std::unique_ptr<CredentialFetcher>>;
  StsAssumeRoleFetcher(Endpoint sts, Source source, std::vector<AssumeRoleParams> roles)
      : sts_(std::move(sts)), source_(std::move(source)), roles_(std::move(roles)) {}
  std::string_view name() const override { return "sts-assume-role"; }
  FetchStep start(TimePoint now) override;
  FetchStep on_response(const HttpResponse& response) override;
  FetchStep on_transport_error(const AwsError& error) override;

 private:
  FetchStep from_source(FetchStep step);
  FetchStep assume_next(const AwsCredentials& with);

  Endpoint sts_;
  Source source_;
  std::vector<AssumeRoleParams> roles_;
  TimePoint now_{};
  std::size_t next_role_ = 0;
  bool in_source_ = false;
};

}  // namespace rg::aws
