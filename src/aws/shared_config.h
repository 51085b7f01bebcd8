#pragma once
// The shared AWS config and credentials files (~/.aws/config, ~/.aws/credentials), read the way
// botocore reads them:
//  - INI as Python's configparser: "key = value" or "key: value", keys lower-cased, values
//    trimmed, full-line comments with '#' or ';' (no inline comments: "a = b # c" is "b # c"),
//    indented lines continue the previous value, a duplicate section or key is an error;
//  - an indented block under an empty value is a nested section ("s3 =\n  endpoint_url = ...");
//  - config file: profiles are [default] and [profile NAME]; [services NAME] holds per-service
//    settings; other sections are ignored;
//  - credentials file: every [NAME] is a profile (no "profile " prefix);
//  - the profile a session sees is the config-file profile with the credentials-file values of the
//    same name laid over it (botocore's Session.full_config), so credentials-file values win.
#include <expected>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/aws_environment.h"
#include "aws/aws_error.h"

namespace rg::aws {

using ConfigValues = std::map<std::string, std::string, std::less<>>;

struct ConfigSection {
  ConfigValues values;                                       // key -> value (keys lower-cased)
  std::map<std::string, ConfigValues, std::less<>> nested;   // "s3" -> {"endpoint_url": ...}

  std::optional<std::string_view> get(std::string_view key) const;
  friend bool operator==(const ConfigSection&, const ConfigSection&) = default;
};

// Sections in file order; the name is the text between '[' and the last ']', untrimmed, as
// configparser takes it.
struct IniDocument {
  std::vector<std::pair<std::string, ConfigSection>> sections;
  const ConfigSection* find(std::string_view name) const;
};

// file_name is only used in error messages: "config:12: duplicate key 'region' in [default]".
std::expected<IniDocument, AwsError> parse_ini(std::string_view text, std::string_view file_name);

struct SharedConfig {
  std::filesystem::path config_file;       // where it was looked for (it may not exist)
  std::filesystem::path credentials_file;
  std::map<std::string, ConfigSection, std::less<>> config_profiles;       // [default], [profile x]
  std::map<std::string, ConfigSection, std::less<>> credentials_profiles;  // [x]
  std::map<std::string, ConfigSection, std::less<>> services;              // [services x]

  // The profile as botocore's session sees it: config values overlaid by credentials-file
  // values; nullopt when neither file has it.
  std::optional<ConfigSection> profile(std::string_view name) const;
  const ConfigSection* config_profile(std::string_view name) const;
  const ConfigSection* credentials_profile(std::string_view name) const;
};

// Reads AWS_CONFIG_FILE (default ~/.aws/config) and AWS_SHARED_CREDENTIALS_FILE (default
// ~/.aws/credentials). A file that does not exist is empty, not an error; one that cannot be read
// or does not parse is an invalid_config error naming the file and line.
std::expected<SharedConfig, AwsError> load_shared_config(const AwsEnvironment& env);

// The profile to use: the explicit one (e.g. from regionguard's own config), else
// AWS_DEFAULT_PROFILE, else AWS_PROFILE, else "default". (botocore looks at AWS_DEFAULT_PROFILE
// before AWS_PROFILE.)
std::string selected_profile(const AwsEnvironment& env, std::optional<std::string_view> explicit_profile);

// The region for a session: AWS_REGION, else AWS_DEFAULT_REGION, else the profile's "region".
// (botocore itself reads only AWS_DEFAULT_REGION; AWS_REGION is what the other SDKs, the CLI v2 and
// Lambda use, and it wins in the CLI v2.)
std::optional<std::string> resolve_region(const AwsEnvironment& env, const SharedConfig& config,
                                          std::string_view profile);

// Config booleans as botocore reads them: "true" in any case is true, anything else false.
bool config_true(std::optional<std::string_view> value);

}  // namespace rg::aws
