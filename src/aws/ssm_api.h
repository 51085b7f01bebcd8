#pragma once
// AWS Systems Manager Parameter Store (JSON 1.1, X-Amz-Target AmazonSSM.*). Per-region.
#include <cstdint>
#include <optional>
#include <string>

#include "aws/aws_client.h"

namespace rg::aws::ssm {

inline constexpr std::string_view kService = "ssm";
inline constexpr std::string_view kTargetPrefix = "AmazonSSM";

struct Parameter {
  std::string name;
  std::string type;  // String | StringList | SecureString
  std::string value;
  std::int64_t version = 0;
  std::optional<TimePoint> last_modified;
  std::string arn;
  std::optional<std::string> data_type;
};

struct GetParameterRequest {
  std::string name;  // also "name:version" and "name:label"
  bool with_decryption = false;
};

AwsRequest build_get_parameter(const GetParameterRequest& request);
std::expected<Parameter, AwsError> parse_get_parameter(const HttpResponse& response);
void get_parameter(AwsClient& client, const GetParameterRequest& request, ResultCallback<Parameter> done);

struct PutParameterRequest {
  std::string name;
  std::string value;
  std::string type = "String";
  bool overwrite = false;
  std::optional<std::string> description;
  std::optional<std::string> tier;  // Standard | Advanced | Intelligent-Tiering
};

struct PutParameterResult {
  std::int64_t version = 0;
  std::optional<std::string> tier;
};

AwsRequest build_put_parameter(const PutParameterRequest& request);
std::expected<PutParameterResult, AwsError> parse_put_parameter(const HttpResponse& response);
void put_parameter(AwsClient& client, const PutParameterRequest& request, ResultCallback<PutParameterResult> done);

}  // namespace rg::aws::ssm
