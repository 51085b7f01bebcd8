#include "aws/credentials.h"

#include <charconv>
#include <functional>
#include <set>

#include "aws/aws_time.h"
#include "aws/endpoints.h"

namespace rg::aws {
namespace {

AwsError config_error(std::string message) { return make_error(AwsErrorKind::invalid_config, std::move(message)); }

// --- providers ------------------------------------------------------------------------------------

class EnvironmentProvider final : public CredentialProvider {
 public:
  explicit EnvironmentProvider(AwsEnvironment env) : env_(std::move(env)) {}
  CredentialSource source() const override { return CredentialSource::environment; }
  std::string describe() const override { return "environment variables"; }
  std::expected<CredentialLoad, AwsError> load() override {
    AwsCredentials creds;
    auto access_key = env_.get("AWS_ACCESS_KEY_ID");
    auto secret = env_.get("AWS_SECRET_ACCESS_KEY");
    if (!access_key) return std::unexpected(make_error(AwsErrorKind::no_credentials, "AWS_ACCESS_KEY_ID is no longer set"));
    if (!secret) return std::unexpected(config_error("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"));
    creds.access_key_id = std::move(*access_key);
    creds.secret_access_key = std::move(*secret);
    creds.session_token = env_.get("AWS_SECURITY_TOKEN");  // botocore looks at the older name first
    if (!creds.session_token) creds.session_token = env_.get("AWS_SESSION_TOKEN");
    if (auto expiry = env_.get("AWS_CREDENTIAL_EXPIRATION")) {
      auto when = parse_iso8601(*expiry);
      if (!when) return std::unexpected(config_error("AWS_CREDENTIAL_EXPIRATION: " + when.error().message));
      creds.expiration = *when;
    }
    creds.account_id = env_.get("AWS_ACCOUNT_ID");
    return CredentialLoad{std::move(creds)};
  }

 private:
  AwsEnvironment env_;
};

class StaticProvider final : public CredentialProvider {
 public:
  StaticProvider(CredentialSource source, std::string description, AwsCredentials creds)
      : source_(source), description_(std::move(description)), creds_(std::move(creds)) {}
  CredentialSource source() const override { return source_; }
  std::string describe() const override { return description_; }
  std::expected<CredentialLoad, AwsError> load() override { return CredentialLoad{creds_}; }

 private:
  CredentialSource source_;
  std::string description_;
  AwsCredentials creds_;
};

class ProcessProvider final : public CredentialProvider {
 public:
  ProcessProvider(std::string command, std::chrono::milliseconds timeout, std::optional<std::string> account_id,
                  std::string description)
      : command_(std::move(command)), timeout_(timeout), account_id_(std::move(account_id)),
        description_(std::move(description)) {}
  CredentialSource source() const override { return CredentialSource::credential_process; }
  std::string describe() const override { return description_; }
  std::expected<CredentialLoad, AwsError> load() override {
    auto creds = run_credential_process(command_, timeout_);
    if (!creds) return std::unexpected(creds.error());
    if (!creds->account_id) creds->account_id = account_id_;  // aws_account_id of the profile
    return CredentialLoad{std::move(*creds)};
  }

 private:
  std::string command_;
  std::chrono::milliseconds timeout_;
  std::optional<std::string> account_id_;
  std::string description_;
};

using FetcherFactory = std::function<std::expected<std::unique_ptr<CredentialFetcher>, AwsError>()>;

class FetcherProvider final : public CredentialProvider {
 public:
  FetcherProvider(CredentialSource source, std::string description, FetcherFactory factory)
      : source_(source), description_(std::move(description)), factory_(std::move(factory)) {}
  CredentialSource source() const override { return source_; }
  std::string describe() const override { return description_; }
  std::expected<CredentialLoad, AwsError> load() override {
    auto fetcher = factory_();
    if (!fetcher) return std::unexpected(fetcher.error());
    return CredentialLoad{std::move(*fetcher)};
  }

 private:
  CredentialSource source_;
  std::string description_;
  FetcherFactory factory_;
};

// AssumeRole with the credentials of another provider (a source profile, or a credential_source).
class AssumeRoleProvider final : public CredentialProvider {
 public:
  AssumeRoleProvider(std::unique_ptr<CredentialProvider> base, AssumeRoleParams role, Endpoint sts, std::string profile)
      : base_(std::move(base)), role_(std::move(role)), sts_(std::move(sts)), profile_(std::move(profile)) {}
  CredentialSource source() const override { return CredentialSource::assume_role; }
  std::string describe() const override {
    return "assume role " + role_.role_arn + " (profile " + profile_ + ") with " + base_->describe();
  }
  std::expected<CredentialLoad, AwsError> load() override {
    auto base = base_->load();
    if (!base) return std::unexpected(base.error());
    StsAssumeRoleFetcher::Source source;
    if (auto* creds = std::get_if<AwsCredentials>(&*base)) source = std::move(*creds);
    else source = std::move(std::get<std::unique_ptr<CredentialFetcher>>(*base));
    return CredentialLoad{std::make_unique<StsAssumeRoleFetcher>(sts_, std::move(source), std::vector{role_})};
  }

 private:
  std::unique_ptr<CredentialProvider> base_;
  AssumeRoleParams role_;
  Endpoint sts_;
  std::string profile_;
};

// --- the chain ------------------------------------------------------------------------------------

using ProviderResult = std::expected<std::unique_ptr<CredentialProvider>, AwsError>;

struct Chain {
  const AwsEnvironment& env;
  const SharedConfig& config;
  const CredentialChainOptions& options;
  std::string profile;

  std::expected<Endpoint, AwsError> sts_endpoint() const {
    std::optional<std::string> region = options.region;
    if (!region) region = resolve_region(env, config, profile);
    EndpointSettings settings{options.endpoint_overrides, &env, &config, profile};
    return resolve_endpoint("sts", region.value_or("us-east-1"), settings);
  }

  std::expected<AwsCredentials, AwsError> static_keys(const ConfigSection& section, const std::string& where) const {
    AwsCredentials creds;
    creds.access_key_id = std::string(*section.get("aws_access_key_id"));
    const auto secret = section.get("aws_secret_access_key");
    if (creds.access_key_id.empty() || !secret || secret->empty()) {
      return std::unexpected(config_error(where + " has aws_access_key_id but no aws_secret_access_key"));
    }
    creds.secret_access_key = std::string(*secret);
    if (auto token = section.get("aws_security_token"); token && !token->empty()) creds.session_token = std::string(*token);
    else if (auto session = section.get("aws_session_token"); session && !session->empty()) creds.session_token = std::string(*session);
    if (auto account = section.get("aws_account_id"); account && !account->empty()) creds.account_id = std::string(*account);
    return creds;
  }

  ProviderResult environment_provider() const {
    if (!env.get("AWS_SECRET_ACCESS_KEY")) {
      return std::unexpected(config_error("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"));
    }
    return std::make_unique<EnvironmentProvider>(env);
  }

  ProviderResult container_provider() const {
    auto settings = container_settings(env);
    if (!settings) return std::unexpected(settings.error());
    if (!*settings) return nullptr;
    ContainerSettings s = **settings;
    return std::make_unique<FetcherProvider>(CredentialSource::container, "container credentials " + s.url,
                                             [s]() -> std::expected<std::unique_ptr<CredentialFetcher>, AwsError> {
                                               return std::make_unique<ContainerCredentialFetcher>(s);
                                             });
  }

  ProviderResult imds_provider(const ConfigSection* section) const {
    auto settings = imds_settings(env, section);
    if (!settings) return std::unexpected(settings.error());
    ImdsSettings s = *settings;
    return std::make_unique<FetcherProvider>(CredentialSource::instance_metadata, "EC2 instance metadata " + s.endpoint,
                                             [s]() -> std::expected<std::unique_ptr<CredentialFetcher>, AwsError> {
                                               return std::make_unique<ImdsCredentialFetcher>(s);
                                             });
  }

  // botocore's ProfileProviderBuilder: web identity, (SSO), shared credentials file, (login),
  // credential_process, config file. nullptr when the profile configures none of them.
  ProviderResult profile_providers(const std::string& name, bool disable_env) const {
    const std::optional<ConfigSection> merged = config.profile(name);

    // Web identity: each setting from the environment first, then the profile.
    auto setting = [&](std::string_view env_name, std::string_view key) -> std::optional<std::string> {
      if (!disable_env) {
        if (auto value = env.get(env_name)) return value;
      }
      if (merged) {
        if (auto value = merged->get(key); value && !value->empty()) return std::string(*value);
      }
      return std::nullopt;
    };
    if (auto token_file = setting("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file")) {
      auto role_arn = setting("AWS_ROLE_ARN", "role_arn");
      if (!role_arn) {
        return std::unexpected(config_error("web identity is configured (token file " + *token_file +
                                            ") but no role ARN: set role_arn in the profile or AWS_ROLE_ARN"));
      }
      auto sts = sts_endpoint();
      if (!sts) return std::unexpected(sts.error());
      WebIdentityParams params{*role_arn, setting("AWS_ROLE_SESSION_NAME", "role_session_name").value_or(""),
                               env.expand_user(*token_file), std::nullopt};
      if (auto duration = merged ? merged->get("duration_seconds") : std::nullopt) {
        auto seconds = parse_duration_seconds(*duration);
        if (!seconds) return std::unexpected(seconds.error());
        params.duration_seconds = *seconds;
      }
      Endpoint endpoint = *sts;
      return std::make_unique<FetcherProvider>(
          CredentialSource::web_identity, "web identity " + params.role_arn + " with token " + params.token_file.string(),
          [endpoint, params]() -> std::expected<std::unique_ptr<CredentialFetcher>, AwsError> {
            return std::make_unique<StsWebIdentityFetcher>(endpoint, params);
          });
    }
    if (!merged) return nullptr;

    if (merged->get("sso_start_url") || merged->get("sso_session")) {
      return std::unexpected(config_error("profile '" + name + "' uses IAM Identity Center (SSO), which regionguard does "
                                          "not support; use credential_process or role credentials"));
    }
    if (const ConfigSection* creds_section = config.credentials_profile(name);
        creds_section != nullptr && creds_section->get("aws_access_key_id")) {
      const std::string where = config.credentials_file.string() + " [" + name + "]";
      auto creds = static_keys(*creds_section, where);
      if (!creds) return std::unexpected(creds.error());
      return std::make_unique<StaticProvider>(CredentialSource::shared_credentials_file, "shared credentials file " + where,
                                              std::move(*creds));
    }
    if (auto command = merged->get("credential_process"); command && !command->empty()) {
      std::optional<std::string> account;
      if (auto a = merged->get("aws_account_id"); a && !a->empty()) account = std::string(*a);
      return std::make_unique<ProcessProvider>(std::string(*command), options.process_timeout, std::move(account),
                                               "credential_process of profile " + name);
    }
    if (const ConfigSection* config_section = config.config_profile(name);
        config_section != nullptr && config_section->get("aws_access_key_id")) {
      const std::string where = config.config_file.string() + " [" + (name == "default" ? name : "profile " + name) + "]";
      auto creds = static_keys(*config_section, where);
      if (!creds) return std::unexpected(creds.error());
      return std::make_unique<StaticProvider>(CredentialSource::config_file, "config file " + where, std::move(*creds));
    }
    return nullptr;
  }

  static std::expected<int, AwsError> parse_duration_seconds(std::string_view text) {
    int value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) {
      return std::unexpected(config_error("duration_seconds '" + std::string(text) + "' is not a number of seconds"));
    }
    return value;
  }

  static bool has_static_keys(const ConfigSection& section) { return section.get("aws_access_key_id").has_value(); }
  static bool has_assume_role(const ConfigSection& section) {
    return section.get("role_arn").has_value() && !section.get("web_identity_token_file").has_value();
  }

  // AssumeRole for a profile with role_arn; visited guards against source_profile cycles.
  ProviderResult assume_role_provider(const std::string& name, std::set<std::string> visited) const {
    const ConfigSection profile_section = *config.profile(name);
    AssumeRoleParams role;
    role.role_arn = std::string(*profile_section.get("role_arn"));
    if (auto session = profile_section.get("role_session_name")) role.session_name = std::string(*session);
    if (auto external = profile_section.get("external_id")) role.external_id = std::string(*external);
    if (auto duration = profile_section.get("duration_seconds")) {
      auto seconds = parse_duration_seconds(*duration);
      if (!seconds) return std::unexpected(seconds.error());
      role.duration_seconds = *seconds;
    }
    if (profile_section.get("mfa_serial")) {
      return std::unexpected(config_error("profile '" + name + "' needs an MFA token (mfa_serial), which a daemon cannot "
                                          "prompt for"));
    }
    const auto source_profile = profile_section.get("source_profile");
    const auto credential_source = profile_section.get("credential_source");
    if (source_profile && credential_source) {
      return std::unexpected(config_error("profile '" + name + "' has both source_profile and credential_source"));
    }
    if (!source_profile && !credential_source) {
      return std::unexpected(config_error("profile '" + name + "' has role_arn but neither source_profile nor credential_source"));
    }

    std::unique_ptr<CredentialProvider> base;
    if (credential_source) {
      if (*credential_source == "Environment") {
        if (!env.get("AWS_ACCESS_KEY_ID")) {
          return std::unexpected(config_error("profile '" + name + "' takes its credentials from the environment, "
                                              "but AWS_ACCESS_KEY_ID is not set"));
        }
        auto p = environment_provider();
        if (!p) return p;
        base = std::move(*p);
      } else if (*credential_source == "Ec2InstanceMetadata") {
        auto p = imds_provider(&profile_section);
        if (!p) return p;
        base = std::move(*p);
      } else if (*credential_source == "EcsContainer") {
        auto p = container_provider();
        if (!p) return p;
        if (!*p) {
          return std::unexpected(config_error("profile '" + name + "' takes its credentials from the container, but "
                                              "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/_FULL_URI is not set"));
        }
        base = std::move(*p);
      } else {
        return std::unexpected(config_error("profile '" + name + "': unknown credential_source '" +
                                            std::string(*credential_source) +
                                            "' (Environment, Ec2InstanceMetadata or EcsContainer)"));
      }
    } else {
      const std::string source(*source_profile);
      const std::optional<ConfigSection> source_section = config.profile(source);
      if (!source_section) {
        return std::unexpected(config_error("profile '" + name + "' has source_profile '" + source + "', which does not exist"));
      }
      const bool self_with_keys = source == name && has_static_keys(*source_section);
      if (visited.contains(source) && !self_with_keys) {
        return std::unexpected(config_error("source_profile loop through profile '" + source + "'"));
      }
      visited.insert(source);
      if (self_with_keys || has_static_keys(*source_section) || !has_assume_role(*source_section)) {
        auto p = profile_providers(source, /*disable_env=*/true);
        if (!p) return p;
        if (!*p) return std::unexpected(config_error("source profile '" + source + "' has no credentials"));
        base = std::move(*p);
      } else {
        auto p = assume_role_provider(source, std::move(visited));
        if (!p) return p;
        base = std::move(*p);
      }
    }
    auto sts = sts_endpoint();
    if (!sts) return std::unexpected(sts.error());
    return std::make_unique<AssumeRoleProvider>(std::move(base), std::move(role), std::move(*sts), name);
  }
};

}  // namespace

std::string_view to_string(CredentialSource source) {
  switch (source) {
    case CredentialSource::environment: return "environment";
    case CredentialSource::assume_role: return "assume-role";
    case CredentialSource::web_identity: return "web-identity";
    case CredentialSource::shared_credentials_file: return "shared-credentials-file";
    case CredentialSource::credential_process: return "credential-process";
    case CredentialSource::config_file: return "config-file";
    case CredentialSource::container: return "container";
    case CredentialSource::instance_metadata: return "instance-metadata";
  }
  return "unknown";
}

std::expected<std::unique_ptr<CredentialProvider>, AwsError> resolve_credential_provider(
    const AwsEnvironment& env, const CredentialChainOptions& options) {
  auto config = load_shared_config(env);
  if (!config) return std::unexpected(config.error());
  const bool explicit_profile = options.profile && !options.profile->empty();
  Chain chain{env, *config, options, selected_profile(env, options.profile)};

  const bool profile_named = explicit_profile || env.get("AWS_DEFAULT_PROFILE") || env.get("AWS_PROFILE");
  const std::optional<ConfigSection> profile = config->profile(chain.profile);
  if (profile_named && !profile) {
    return std::unexpected(config_error("profile '" + chain.profile + "' is in neither " + config->config_file.string() +
                                        " nor " + config->credentials_file.string()));
  }

  if (!explicit_profile && env.get("AWS_ACCESS_KEY_ID")) return chain.environment_provider();
  if (profile && Chain::has_assume_role(*profile)) return chain.assume_role_provider(chain.profile, {chain.profile});

  auto from_profile = chain.profile_providers(chain.profile, /*disable_env=*/explicit_profile);
  if (!from_profile || *from_profile) return from_profile;

  auto container = chain.container_provider();
  if (!container || *container) return container;

  if (!imds_disabled(env)) return chain.imds_provider(profile ? &*profile : nullptr);
  return std::unexpected(make_error(
      AwsErrorKind::no_credentials,
      "no AWS credentials: none in the environment, in profile '" + chain.profile + "' of " + config->config_file.string() +
          " or " + config->credentials_file.string() + ", no container credentials, and EC2 metadata is disabled"));
}

std::expected<AwsCredentials, AwsError> load_credentials(CredentialProvider& provider, TimePoint now,
                                                         const HttpSend& send) {
  auto loaded = provider.load();
  if (!loaded) return std::unexpected(loaded.error());
  if (auto* creds = std::get_if<AwsCredentials>(&*loaded)) return std::move(*creds);
  return fetch_credentials(*std::get<std::unique_ptr<CredentialFetcher>>(*loaded), now, send);
}

// --- caching ---------------------------------------------------------------------------------------

std::string_view to_string(RefreshNeed need) {
  switch (need) {
    case RefreshNeed::none: return "none";
    case RefreshNeed::advisory: return "advisory";
    case RefreshNeed::mandatory: return "mandatory";
  }
  return "unknown";
}

CachedCredentials::CachedCredentials(RefreshPolicy policy) : policy_(policy) {}

RefreshNeed CachedCredentials::need(TimePoint now) const {
  if (!value_) return RefreshNeed::mandatory;
  if (!value_->expiration) return RefreshNeed::none;
  const TimePoint expiry = *value_->expiration;
  if (now >= expiry - policy_.mandatory) return RefreshNeed::mandatory;
  if (now >= expiry - policy_.advisory) return RefreshNeed::advisory;
  return RefreshNeed::none;
}

std::optional<AwsCredentials> CachedCredentials::get(TimePoint now) const {
  if (!value_) return std::nullopt;
  if (value_->expiration && now >= *value_->expiration) return std::nullopt;
  return value_;
}

std::optional<TimePoint> CachedCredentials::refresh_at() const {
  if (!value_ || !value_->expiration) return std::nullopt;
  return *value_->expiration - policy_.advisory;
}

void CachedCredentials::store(AwsCredentials credentials) { value_ = std::move(credentials); }

void CachedCredentials::clear() { value_.reset(); }

}  // namespace rg::aws
