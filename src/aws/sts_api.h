#pragma once
// AWS STS GetCallerIdentity (Query protocol, API 2011-06-15): who the credentials are. The
// credential chain's own STS calls (AssumeRole, web identity) live in credential_fetchers.h.
#include <string>

#include "aws/aws_client.h"

namespace rg::aws::sts {

inline constexpr std::string_view kService = "sts";
inline constexpr std::string_view kVersion = "2011-06-15";

struct CallerIdentity {
  std::string account;
  std::string arn;
  std::string user_id;
};

AwsRequest build_get_caller_identity();
std::expected<CallerIdentity, AwsError> parse_get_caller_identity(const HttpResponse& response);
void get_caller_identity(AwsClient& client, ResultCallback<CallerIdentity> done);

}  // namespace rg::aws::sts
