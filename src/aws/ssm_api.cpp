#include "aws/ssm_api.h"

#include "aws/protocol_json.h"

namespace rg::aws::ssm {

AwsRequest build_get_parameter(const GetParameterRequest& r) {
  return json_request(kTargetPrefix, "GetParameter", JsonVersion::v1_1, {{"Name", r.name}, {"WithDecryption", r.with_decryption}});
}

std::expected<Parameter, AwsError> parse_get_parameter(const HttpResponse& response) {
  constexpr std::string_view op = "GetParameter";
  auto body = parse_json_response(response, op);
  if (!body) return std::unexpected(body.error());
  const auto& p = json_object(*body, "Parameter");
  if (p.empty()) return std::unexpected(missing_field(op, "Parameter"));
  Parameter out;
  out.name = json_str(p, "Name");
  out.type = json_str(p, "Type");
  auto value = json_opt_str(p, "Value");
  if (!value) return std::unexpected(missing_field(op, "Parameter.Value"));
  out.value = std::move(*value);
  out.version = json_int(p, "Version").value_or(0);
  out.last_modified = json_time(p, "LastModifiedDate");
  out.arn = json_str(p, "ARN");
  out.data_type = json_opt_str(p, "DataType");
  return out;
}

void get_parameter(AwsClient& client, const GetParameterRequest& r, ResultCallback<Parameter> done) {
  call_and_parse<Parameter>(client, kService, build_get_parameter(r), parse_get_parameter, std::move(done));
}

AwsRequest build_put_parameter(const PutParameterRequest& r) {
  nlohmann::json input = {{"Name", r.name}, {"Value", r.value}, {"Type", r.type}, {"Overwrite", r.overwrite}};
  if (r.description) input["Description"] = *r.description;
  if (r.tier) input["Tier"] = *r.tier;
  return json_request(kTargetPrefix, "PutParameter", JsonVersion::v1_1, input);
}

std::expected<PutParameterResult, AwsError> parse_put_parameter(const HttpResponse& response) {
  constexpr std::string_view op = "PutParameter";
  auto body = parse_json_response(response, op);
  if (!body) return std::unexpected(body.error());
  auto version = json_int(*body, "Version");
  if (!version) return std::unexpected(missing_field(op, "Version"));
  return PutParameterResult{*version, json_opt_str(*body, "Tier")};
}

void put_parameter(AwsClient& client, const PutParameterRequest& r, ResultCallback<PutParameterResult> done) {
  call_and_parse<PutParameterResult>(client, kService, build_put_parameter(r), parse_put_parameter, std::move(done));
}

}  // namespace rg::aws::ssm
