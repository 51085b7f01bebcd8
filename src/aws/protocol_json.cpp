#include "aws/protocol_json.h"

namespace rg::aws {

AwsRequest json_request(std::string_view target_prefix, std::string operation, JsonVersion version,
                        const nlohmann::json& input, bool query_compatible) {
  AwsRequest request;
  request.method = "POST";
  request.path = "/";
  request.headers = {
      {"Content-Type", version == JsonVersion::v1_0 ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1"},
      {"X-Amz-Target", std::string(target_prefix) + "." + operation},
  };
  if (query_compatible) request.headers.emplace_back("x-amzn-query-mode", "true");
  request.body = input.is_null() ? std::string("{}") : input.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  request.operation = std::move(operation);
  return request;
}

std::expected<nlohmann::json, AwsError> parse_json_response(const HttpResponse& response, std::string_view operation) {
  return parse_json_document(response.body, operation);
}

std::function<std::expected<void, AwsError>(const HttpResponse&)> json_no_result(std::string operation) {
  return [operation = std::move(operation)](const HttpResponse& response) -> std::expected<void, AwsError> {
    auto body = parse_json_response(response, operation);
    if (!body) return std::unexpected(body.error());
    return {};
  };
}

}  // namespace rg::aws
