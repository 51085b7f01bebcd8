#pragma once
// The credential chain, in botocore's order, and the caching policy.
//
//   1. environment      AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (or the older
//                       AWS_SECURITY_TOKEN), AWS_CREDENTIAL_EXPIRATION, AWS_ACCOUNT_ID. Skipped when a
//                       profile is chosen explicitly (CredentialChainOptions::profile), as botocore
//                       skips it for Session(profile_name=...); AWS_PROFILE does not skip it.
//   2. assume role      the profile has role_arn (and no web_identity_token_file): AssumeRole from
//                       source_profile (recursively: role chains) or credential_source
//                       (Environment, Ec2InstanceMetadata, EcsContainer)
//   3. web identity     AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (+ AWS_ROLE_SESSION_NAME), each
//                       falling back to the profile's web_identity_token_file / role_arn /
//                       role_session_name -> STS AssumeRoleWithWebIdentity
//   4. (SSO)            sso_start_url / sso_session in the profile: refused with a clear error,
//                       not supported here
//   5. shared credentials file   aws_access_key_id in [profile] of ~/.aws/credentials
//   6. credential_process        in the profile (either file; the credentials file wins)
//   7. config file               aws_access_key_id in [profile NAME] of ~/.aws/config
//   8. container        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI
//   9. instance metadata (IMDSv2) unless AWS_EC2_METADATA_DISABLED=true
//
// Resolving the chain reads only the environment and the two files; it never runs a process or
// sends a request. The chosen provider's load() then gives credentials (environment, files,
// credential_process — which runs the command, blocking) or a CredentialFetcher to drive over
// HTTP (credential_fetchers.h). Calling load() again is how credentials are refreshed.
//
// As in botocore, the first source that is configured decides: a configured source that then
// fails (a partial key pair, a failing credential_process) is an error, not a reason to try the
// next one.
#include <chrono>
#include <expected>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "aws/aws_credentials.h"
#include "aws/aws_environment.h"
#include "aws/aws_error.h"
#include "aws/credential_fetchers.h"
#include "aws/credential_process.h"
#include "aws/shared_config.h"
#include "core/time.h"

namespace rg::aws {

enum class CredentialSource {
  environment,
  assume_role,
  web_identity,
  shared_credentials_file,
  credential_process,
  config_file,
  container,
  instance_metadata,
};
std::string_view to_string(CredentialSource source);

// Credentials now, or a fetcher that will get them over HTTP.
using CredentialLoad = std::variant<AwsCredentials, std::unique_ptr<CredentialFetcher>>;

class CredentialProvider {
 public:
  virtual ~CredentialProvider() = default;
  virtual CredentialSource source() const = 0;
  // For logs, never secrets: "shared credentials file /home/u/.aws/credentials, profile prod".
  virtual std::string describe() const = 0;
  // Loads (again, to refresh).
  virtual std::expected<CredentialLoad, AwsError> load() = 0;
};

struct CredentialChainOptions {
  // An explicit profile (regionguard's config). Empty: AWS_DEFAULT_PROFILE, AWS_PROFILE, "default".
  std::optional<std::string> profile;
  // The region of the STS calls (assume role, web identity). Empty: resolve_region(), then us-east-1.
  std::optional<std::string> region;
  // Endpoint overrides, as EndpointSettings::overrides (for "sts").
  std::map<std::string, std::string, std::less<>> endpoint_overrides;
  std::chrono::milliseconds process_timeout = kDefaultProcessTimeout;
};

// Walks the chain. Errors: invalid_config (a malformed file, a profile that does not exist when
// named explicitly or by AWS_PROFILE, an incomplete key pair, role_arn without a source, a cycle
// of source_profiles, mfa_serial, SSO), no_credentials when nothing is configured and IMDS is
// disabled.
std::expected<std::unique_ptr<CredentialProvider>, AwsError> resolve_credential_provider(
    const AwsEnvironment& env, const CredentialChainOptions& options = {});

// load() and, when that gives a fetcher, drive it with a blocking transport.
std::expected<AwsCredentials, AwsError> load_credentials(CredentialProvider& provider, TimePoint now,
                                                         const HttpSend& send);

// --- caching -------------------------------------------------------------------------------------

// botocore's windows: from 15 minutes before expiry a refresh is advised (on failure the cached
// credentials stay in use); from 10 minutes before, it is mandatory (do not sign with them until
// refreshed).
struct RefreshPolicy {
  std::chrono::seconds advisory{15 * 60};
  std::chrono::seconds mandatory{10 * 60};
};

enum class RefreshNeed {
  none,       // fresh, or long-term keys that never expire
  advisory,   // refresh in the background; keep using the cached ones meanwhile
  mandatory,  // nothing cached, expired, or about to be: refresh before signing
};
std::string_view to_string(RefreshNeed need);

// The cache and its refresh decisions; the time is always passed in. It does not refresh by
// itself: whoever owns it asks need(now), loads, and store()s.
class CachedCredentials {
 public:
  explicit CachedCredentials(RefreshPolicy policy = {});

  RefreshNeed need(TimePoint now) const;
  // The cached credentials while they have not expired (even inside the mandatory window: the
  // caller decides whether to wait for the refresh); nullopt when empty or expired.
  std::optional<AwsCredentials> get(TimePoint now) const;
  // When the next refresh becomes advisable; nullopt when empty or they never expire.
  std::optional<TimePoint> refresh_at() const;

  void store(AwsCredentials credentials);
  void clear();
  bool empty() const { return !value_.has_value(); }
  const RefreshPolicy& policy() const { return policy_; }

 private:
  RefreshPolicy policy_;
  std::optional<AwsCredentials> value_;
};

}  // namespace rg::aws
