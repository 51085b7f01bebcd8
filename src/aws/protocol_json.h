#pragma once
// The JSON 1.0 / 1.1 protocols (DynamoDB, CloudWatch: 1.0; SSM, ECS: 1.1).
//
// Request: POST / with Content-Type: application/x-amz-json-1.0|1.1 and
// X-Amz-Target: <targetPrefix>.<Operation>, the input as a JSON object (both headers signed).
// CloudWatch is "awsQueryCompatible": botocore also sends x-amzn-query-mode: true, and errors may
// name the Query code in x-amzn-query-error (parse_service_error reads it).
// Answer: a JSON object (an empty body reads as {}). Timestamps are epoch seconds.
#include <nlohmann/json.hpp>

#include <expected>
#include <string>
#include <string_view>

#include "aws/aws_client.h"
#include "aws/aws_json.h"

namespace rg::aws {

enum class JsonVersion { v1_0, v1_1 };

AwsRequest json_request(std::string_view target_prefix, std::string operation, JsonVersion version,
                        const nlohmann::json& input, bool query_compatible = false);

// The 2xx answer's body as a JSON object (bad_response when it is not one).
std::expected<nlohmann::json, AwsError> parse_json_response(const HttpResponse& response, std::string_view operation);

// The parser of an operation whose answer carries nothing regionguard reads: the body must still
// be a JSON object (moto sends "{}", AWS often nothing).
std::function<std::expected<void, AwsError>(const HttpResponse&)> json_no_result(std::string operation);

}  // namespace rg::aws
