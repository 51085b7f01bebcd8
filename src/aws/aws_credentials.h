#pragma once
// One set of AWS credentials, as every provider of the chain produces them.
#include <optional>
#include <string>

#include "core/time.h"

namespace rg::aws {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::optional<std::string> session_token;  // temporary credentials: sent as X-Amz-Security-Token
  std::optional<TimePoint> expiration;       // none for long-term keys, which do not expire
  std::optional<std::string> account_id;     // when the source says (ECS, IMDS, STS, credential_process)

  friend bool operator==(const AwsCredentials&, const AwsCredentials&) = default;
};

}  // namespace rg::aws
