#include "aws/credential_fetchers.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <sstream>

#include "aws/aws_time.h"
#include "aws/sigv4.h"
#include "core/text.h"

namespace rg::aws {
namespace {

constexpr std::string_view kImdsV6Endpoint = "http://[fd00:ec2::254]";
constexpr std::string_view kContainerHost = "http://169.254.170.2";
constexpr std::string_view kRolePath = "/latest/meta-data/iam/security-credentials/";
constexpr std::string_view kFormContentType = "application/x-www-form-urlencoded; charset=utf-8";

AwsError bad_response(std::string message, int status = 0) {
  AwsError e = make_error(AwsErrorKind::bad_response, std::move(message));
  e.http_status = status;
  return e;
}

FetchStep fail(AwsError error) { return std::expected<AwsCredentials, AwsError>(std::unexpected(std::move(error))); }

std::string without_trailing_slash(std::string url) {
  while (url.ends_with('/')) url.pop_back();
  return url;
}

std::expected<std::string, AwsError> read_text_file(const std::filesystem::path& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(make_error(AwsErrorKind::io, "cannot read " + std::string(what) + " " + path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The fields IMDS and container answers share: AccessKeyId, SecretAccessKey, Token, Expiration.
std::expected<AwsCredentials, AwsError> parse_json_credentials(std::string_view body, std::string_view source) {
  const auto doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return std::unexpected(bad_response(std::string(source) + " answer is not a JSON object"));
  auto text = [&](const char* key) -> std::optional<std::string> {
    auto it = doc.find(key);
    if (it == doc.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  AwsCredentials creds;
  auto access_key = text("AccessKeyId");
  auto secret = text("SecretAccessKey");
  auto token = text("Token");
  auto expiration = text("Expiration");
  for (auto [value, key] : {std::pair{&access_key, "AccessKeyId"}, std::pair{&secret, "SecretAccessKey"},
                            std::pair{&token, "Token"}, std::pair{&expiration, "Expiration"}}) {
    if (!*value || (*value)->empty()) {
      return std::unexpected(bad_response(std::string(source) + " answer lacks " + key));
    }
  }
  auto when = parse_iso8601(*expiration);
  if (!when) return std::unexpected(bad_response(std::string(source) + " answer has a bad Expiration: " + when.error().message));
  creds.access_key_id = std::move(*access_key);
  creds.secret_access_key = std::move(*secret);
  creds.session_token = std::move(*token);
  creds.expiration = *when;
  if (auto account = text("AccountId"); account && !account->empty()) creds.account_id = std::move(account);
  return creds;
}

bool valid_session_name(std::string_view name) {
  if (name.size() < 2 || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '+' ||
                    c == '=' || c == ',' || c == '.' || c == '@' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::expected<std::string, AwsError> session_name_or_default(const std::string& given, TimePoint now) {
  if (given.empty()) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    return "regionguard-" + std::to_string(seconds);
  }
  if (!valid_session_name(given)) {
    return std::unexpected(make_error(AwsErrorKind::invalid_config,
                                      "role session name '" + given + "' must be 2-64 of letters, digits and _+=,.@-"));
  }
  return given;
}

std::expected<void, AwsError> check_role(const std::string& role_arn, std::optional<int> duration) {
  if (!role_arn.starts_with("arn:") || role_arn.size() < 20) {
    return std::unexpected(make_error(AwsErrorKind::invalid_config, "role_arn '" + role_arn + "' is not a role ARN"));
  }
  if (duration && (*duration < 900 || *duration > 43200)) {
    return std::unexpected(make_error(AwsErrorKind::invalid_config,
                                      "duration_seconds must be 900 to 43200, not " + std::to_string(*duration)));
  }
  return {};
}

HttpRequest sts_post(const Endpoint& sts, const QueryParams& form) {
  HttpRequest request;
  request.method = "POST";
  request.url = sts.url + "/";
  request.headers.emplace_back("Content-Type", std::string(kFormContentType));
  request.body = encode_form(form);
  return request;
}

pugi::xml_node child_local(pugi::xml_node parent, std::string_view local) {
  for (pugi::xml_node n : parent.children()) {
    if (n.type() != pugi::node_element) continue;
    std::string_view name = n.name();
    if (const auto colon = name.find(':'); colon != std::string_view::npos) name = name.substr(colon + 1);
    if (name == local) return n;
  }
  return {};
}

FetchStep answer_or_error(const HttpResponse& response, std::expected<AwsCredentials, AwsError> (*parse)(std::string_view)) {
  if (response.status != 200) return fail(parse_service_error(response));
  auto creds = parse(response.body);
  if (!creds && creds.error().http_status == 0) creds.error().http_status = response.status;
  return creds;
}

}  // namespace

// --- driver -----------------------------------------------------------------------------------------

FetchStep CredentialFetcher::on_transport_error(const AwsError& error) { return fail(error); }

std::expected<AwsCredentials, AwsError> fetch_credentials(CredentialFetcher& fetcher, TimePoint now,
                                                          const HttpSend& send, int max_requests) {
  FetchStep step = fetcher.start(now);
  for (int sent = 0; std::holds_alternative<HttpRequest>(step); ++sent) {
    if (sent >= max_requests) {
      return std::unexpected(bad_response(std::string(fetcher.name()) + " made more than " +
                                          std::to_string(max_requests) + " requests"));
    }
    auto answer = send(std::get<HttpRequest>(step));
    step = answer ? fetcher.on_response(*answer) : fetcher.on_transport_error(answer.error());
  }
  return std::get<1>(std::move(step));
}

// --- IMDS ---------------------------------------------------------------------------------------------

bool imds_disabled(const AwsEnvironment& env) { return config_true(env.get("AWS_EC2_METADATA_DISABLED")); }

std::expected<ImdsSettings, AwsError> imds_settings(const AwsEnvironment& env, const ConfigSection* profile) {
  ImdsSettings out;
  auto setting = [&](std::string_view env_name, std::string_view config_key) -> std::optional<std::string> {
    if (auto value = env.get(env_name)) return value;
    if (profile != nullptr) {
      if (auto value = profile->get(config_key); value && !value->empty()) return std::string(*value);
    }
    return std::nullopt;
  };
  const auto endpoint = setting("AWS_EC2_METADATA_SERVICE_ENDPOINT", "ec2_metadata_service_endpoint");
  const auto mode = setting("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ec2_metadata_service_endpoint_mode");
  if (mode && !iequals(*mode, "ipv4") && !iequals(*mode, "ipv6")) {
    return std::unexpected(make_error(AwsErrorKind::invalid_config, "EC2 metadata endpoint mode must be IPv4 or IPv6, not '" + *mode + "'"));
  }
  if (endpoint) {
    if (auto url = parse_url(*endpoint); !url) {
      return std::unexpected(make_error(AwsErrorKind::invalid_config, "EC2 metadata endpoint: " + url.error().message));
    }
    out.endpoint = without_trailing_slash(*endpoint);
  } else if (mode && iequals(*mode, "ipv6")) {
    out.endpoint = std::string(kImdsV6Endpoint);
  }
  out.v1_fallback = !config_true(setting("AWS_EC2_METADATA_V1_DISABLED", "ec2_metadata_v1_disabled"));
  return out;
}

HttpRequest build_imds_token_request(const ImdsSettings& settings) {
  HttpRequest request;
  request.method = "PUT";
  request.url = settings.endpoint + "/latest/api/token";
  request.headers.emplace_back("X-aws-ec2-metadata-token-ttl-seconds", std::to_string(settings.token_ttl.count()));
  return request;
}

HttpRequest build_imds_role_request(const ImdsSettings& settings, const std::optional<std::string>& token) {
  HttpRequest request;
  request.method = "GET";
  request.url = settings.endpoint + std::string(kRolePath);
  if (token) request.headers.emplace_back("X-aws-ec2-metadata-token", *token);
  return request;
}

HttpRequest build_imds_credentials_request(const ImdsSettings& settings, std::string_view role,
                                           const std::optional<std::string>& token) {
  HttpRequest request = build_imds_role_request(settings, token);
  request.url += uri_encode(role);
  return request;
}

std::expected<std::string, AwsError> parse_imds_role(std::string_view body) {
  std::istringstream in{std::string(body)};
  for (std::string line; std::getline(in, line);) {
    if (std::string role{trim(line)}; !role.empty()) return role;
  }
  return std::unexpected(bad_response("instance metadata lists no IAM role"));
}

std::expected<AwsCredentials, AwsError> parse_imds_credentials(std::string_view body) {
  const auto doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_object()) {
    if (auto code = doc.find("Code"); code != doc.end() && code->is_string() && code->get<std::string>() != "Success") {
      AwsError e = make_error(AwsErrorKind::service_error, doc.value("Message", std::string("instance metadata refused the credentials")));
      e.code = code->get<std::string>();
      e.http_status = 200;
      return std::unexpected(std::move(e));
    }
  }
  return parse_json_credentials(body, "instance metadata");
}

FetchStep ImdsCredentialFetcher::start(TimePoint) {
  token_.reset();
  role_.clear();
  state_ = State::token;
  return build_imds_token_request(settings_);
}

FetchStep ImdsCredentialFetcher::without_token(const std::string& why) {
  if (!settings_.v1_fallback) {
    state_ = State::done;
    return fail(make_error(AwsErrorKind::service_error,
                           "instance metadata gave no session token (" + why + ") and IMDSv1 is disabled"));
  }
  state_ = State::role;
  return build_imds_role_request(settings_, std::nullopt);
}

FetchStep ImdsCredentialFetcher::on_response(const HttpResponse& response) {
  switch (state_) {
    case State::token:
      if (response.status == 200 && !trim(response.body).empty()) {
        token_ = trim(response.body);
        state_ = State::role;
        return build_imds_role_request(settings_, token_);
      }
      if (response.status == 403 || response.status == 404 || response.status == 405) {
        return without_token("HTTP " + std::to_string(response.status));
      }
      state_ = State::done;
      return fail(parse_service_error(response));
    case State::role: {
      if (response.status != 200) {
        state_ = State::done;
        AwsError e = parse_service_error(response);
        if (response.status == 404) e.message = "no IAM role is attached to this instance (" + e.message + ")";
        return fail(std::move(e));
      }
      auto role = parse_imds_role(response.body);
      if (!role) {
        state_ = State::done;
        return fail(role.error());
      }
      role_ = std::move(*role);
      state_ = State::credentials;
      return build_imds_credentials_request(settings_, role_, token_);
    }
    case State::credentials:
      state_ = State::done;
      return answer_or_error(response, &parse_imds_credentials);
    case State::done: break;
  }
  return fail(bad_response("instance metadata fetcher got an answer it did not ask for"));
}

FetchStep ImdsCredentialFetcher::on_transport_error(const AwsError& error) {
  if (state_ == State::token) return without_token(error.message);
  state_ = State::done;
  return fail(error);
}

// --- containers ---------------------------------------------------------------------------------------

std::expected<std::optional<ContainerSettings>, AwsError> container_settings(const AwsEnvironment& env) {
  ContainerSettings out;
  if (auto relative = env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    out.url = std::string(kContainerHost) + *relative;
  } else if (auto full = env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    auto url = parse_url(*full);
    if (!url) return std::unexpected(make_error(AwsErrorKind::invalid_config, "AWS_CONTAINER_CREDENTIALS_FULL_URI: " + url.error().message));
    if (url->scheme != "https") {
      std::string host = to_lower(url->host);
      if (host.starts_with('[')) host = host.substr(1, host.size() - 2);
      const bool loopback = host == "::1" || host.starts_with("127.");
      const bool allowed = host == "169.254.170.2" || host == "169.254.170.23" || host == "fd00:ec2::23" || host == "localhost";
      if (!loopback && !allowed) {
        return std::unexpected(make_error(
            AwsErrorKind::invalid_config,
            "AWS_CONTAINER_CREDENTIALS_FULL_URI: plain http is only allowed to a loopback address or one of "
            "169.254.170.2, 169.254.170.23, fd00:ec2::23, localhost; not '" + url->host + "'"));
      }
    }
    out.url = *full;
  } else {
    return std::optional<ContainerSettings>{};
  }
  if (auto file = env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) out.token_file = *file;
  else if (auto token = env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN")) out.auth_token = *token;
  return std::optional<ContainerSettings>{std::move(out)};
}

std::expected<HttpRequest, AwsError> build_container_credentials_request(const ContainerSettings& settings) {
  HttpRequest request;
  request.method = "GET";
  request.url = settings.url;
  request.headers.emplace_back("Accept", "application/json");
  std::optional<std::string> token = settings.auth_token;
  if (settings.token_file) {
    auto text = read_text_file(*settings.token_file, "container authorization token file");
    if (!text) return std::unexpected(text.error());
    token = std::move(*text);
  }
  if (token) {
    if (token->find_first_of("\r\n") != std::string::npos) {
      return std::unexpected(make_error(AwsErrorKind::invalid_config, "the container authorization token contains a line break"));
    }
    request.headers.emplace_back("Authorization", *token);
  }
  return request;
}

std::expected<AwsCredentials, AwsError> parse_container_credentials(std::string_view body) {
  return parse_json_credentials(body, "container credentials endpoint");
}

FetchStep ContainerCredentialFetcher::start(TimePoint) {
  auto request = build_container_credentials_request(settings_);
  if (!request) return fail(request.error());
  return std::move(*request);
}

FetchStep ContainerCredentialFetcher::on_response(const HttpResponse& response) {
  return answer_or_error(response, &parse_container_credentials);
}

// --- STS -----------------------------------------------------------------------------------------------

std::expected<HttpRequest, AwsError> build_assume_role_request(const Endpoint& sts, const AssumeRoleParams& params) {
  if (auto ok = check_role(params.role_arn, params.duration_seconds); !ok) return std::unexpected(ok.error());
  if (!valid_session_name(params.session_name)) {
    return std::unexpected(make_error(AwsErrorKind::invalid_config, "role session name '" + params.session_name +
                                                                        "' must be 2-64 of letters, digits and _+=,.@-"));
  }
  QueryParams form{{"Action", "AssumeRole"},
                   {"Version", "2011-06-15"},
                   {"RoleArn", params.role_arn},
                   {"RoleSessionName", params.session_name}};
  if (params.duration_seconds) form.emplace_back("DurationSeconds", std::to_string(*params.duration_seconds));
  if (params.external_id) form.emplace_back("ExternalId", *params.external_id);
  return sts_post(sts, form);
}

std::expected<HttpRequest, AwsError> build_assume_role_with_web_identity_request(const Endpoint& sts,
                                                                                 const WebIdentityParams& params,
                                                                                 std::string_view web_identity_token) {
  if (auto ok = check_role(params.role_arn, params.duration_seconds); !ok) return std::unexpected(ok.error());
  if (!valid_session_name(params.session_name)) {
    return std::unexpected(make_error(AwsErrorKind::invalid_config, "role session name '" + params.session_name +
                                                                        "' must be 2-64 of letters, digits and _+=,.@-"));
  }
  if (web_identity_token.empty()) {
    return std::unexpected(make_error(AwsErrorKind::invalid_config, "the web identity token is empty"));
  }
  QueryParams form{{"Action", "AssumeRoleWithWebIdentity"},
                   {"Version", "2011-06-15"},
                   {"RoleArn", params.role_arn},
                   {"RoleSessionName", params.session_name},
                   {"WebIdentityToken", std::string(web_identity_token)}};
  if (params.duration_seconds) form.emplace_back("DurationSeconds", std::to_string(*params.duration_seconds));
  return sts_post(sts, form);
}

std::expected<AwsCredentials, AwsError> parse_assume_role_response(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return std::unexpected(bad_response("STS answer is not XML"));
  const pugi::xml_node root = doc.document_element();
  pugi::xml_node result = child_local(root, "AssumeRoleResult");
  if (!result) result = child_local(root, "AssumeRoleWithWebIdentityResult");
  if (!result) return std::unexpected(bad_response("STS answer has no AssumeRoleResult"));
  const pugi::xml_node credentials = child_local(result, "Credentials");
  auto field = [&](std::string_view name) { return std::string(trim(child_local(credentials, name).text().get())); };
  AwsCredentials creds;
  creds.access_key_id = field("AccessKeyId");
  creds.secret_access_key = field("SecretAccessKey");
  const std::string token = field("SessionToken");
  const std::string expiration = field("Expiration");
  for (auto [value, name] : {std::pair<const std::string*, const char*>{&creds.access_key_id, "AccessKeyId"},
                             std::pair<const std::string*, const char*>{&creds.secret_access_key, "SecretAccessKey"},
                             std::pair<const std::string*, const char*>{&token, "SessionToken"},
                             std::pair<const std::string*, const char*>{&expiration, "Expiration"}}) {
    if (value->empty()) return std::unexpected(bad_response(std::string("STS answer lacks Credentials/") + name));
  }
  creds.session_token = token;
  auto when = parse_iso8601(expiration);
  if (!when) return std::unexpected(bad_response("STS answer has a bad Expiration: " + when.error().message));
  creds.expiration = *when;
  // arn:aws:sts::123456789012:assumed-role/name/session -> 123456789012
  const std::string arn{trim(child_local(child_local(result, "AssumedRoleUser"), "Arn").text().get())};
  std::size_t start = 0;
  for (int field_index = 0; field_index < 4 && start != std::string::npos; ++field_index) {
    start = arn.find(':', start);
    if (start != std::string::npos) ++start;
  }
  if (start != std::string::npos) {
    const auto end = arn.find(':', start);
    if (end != std::string::npos && end > start) creds.account_id = arn.substr(start, end - start);
  }
  return creds;
}

FetchStep StsWebIdentityFetcher::start(TimePoint now) {
  auto token = read_text_file(params_.token_file, "web identity token file");
  if (!token) return fail(token.error());
  WebIdentityParams params = params_;
  auto name = session_name_or_default(params.session_name, now);
  if (!name) return fail(name.error());
  params.session_name = std::move(*name);
  auto request = build_assume_role_with_web_identity_request(sts_, params, trim(*token));
  if (!request) return fail(request.error());
  return std::move(*request);
}

FetchStep StsWebIdentityFetcher::on_response(const HttpResponse& response) {
  return answer_or_error(response, &parse_assume_role_response);
}

FetchStep StsAssumeRoleFetcher::start(TimePoint now) {
  now_ = now;
  next_role_ = 0;
  if (roles_.empty()) return fail(make_error(AwsErrorKind::invalid_config, "a role chain needs at least one role"));
  if (auto* fetcher = std::get_if<std::unique_ptr<CredentialFetcher>>(&source_)) {
    in_source_ = true;
    return from_source((*fetcher)->start(now));
  }
  in_source_ = false;
  return assume_next(std::get<AwsCredentials>(source_));
}

FetchStep StsAssumeRoleFetcher::from_source(FetchStep step) {
  if (std::holds_alternative<HttpRequest>(step)) return step;
  in_source_ = false;
  auto& outcome = std::get<1>(step);
  if (!outcome) return step;
  return assume_next(*outcome);
}

FetchStep StsAssumeRoleFetcher::assume_next(const AwsCredentials& with) {
  AssumeRoleParams params = roles_[next_role_];
  auto name = session_name_or_default(params.session_name, now_);
  if (!name) return fail(name.error());
  params.session_name = std::move(*name);
  auto request = build_assume_role_request(sts_, params);
  if (!request) return fail(request.error());
  SigningParams signing{with, sts_.signing_region, sts_.signing_name.empty() ? "sts" : sts_.signing_name, now_, {}, {}};
  auto signed_request = sign_request(*request, signing);
  if (!signed_request) return fail(signed_request.error());
  ++next_role_;
  return std::move(signed_request->request);
}

FetchStep StsAssumeRoleFetcher::on_response(const HttpResponse& response) {
  if (in_source_) return from_source(std::get<std::unique_ptr<CredentialFetcher>>(source_)->on_response(response));
  if (response.status != 200) return fail(parse_service_error(response));
  auto creds = parse_assume_role_response(response.body);
  if (!creds) return fail(creds.error());
  if (next_role_ >= roles_.size()) return std::move(*creds);
  return assume_next(*creds);
}

FetchStep StsAssumeRoleFetcher::on_transport_error(const AwsError& error) {
  if (in_source_) return from_source(std::get<std::unique_ptr<CredentialFetcher>>(source_)->on_transport_error(error));
  return fail(error);
}

}  // namespace rg::aws
