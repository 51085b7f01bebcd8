#include "aws/sts_api.h"

#include "aws/protocol_query.h"

namespace rg::aws::sts {

AwsRequest build_get_caller_identity() { return query_request("GetCallerIdentity", kVersion, {}); }

std::expected<CallerIdentity, AwsError> parse_get_caller_identity(const HttpResponse& response) {
  constexpr std::string_view op = "GetCallerIdentity";
  auto xml = parse_query_response(response, op);
  if (!xml) return std::unexpected(xml.error());
  CallerIdentity out{xml_text(xml->result, "Account"), xml_text(xml->result, "Arn"), xml_text(xml->result, "UserId")};
  if (out.account.empty() || out.arn.empty()) return std::unexpected(missing_element(op, "Account/Arn"));
  return out;
}

void get_caller_identity(AwsClient& client, ResultCallback<CallerIdentity> done) {
  call_and_parse<CallerIdentity>(client, kService, build_get_caller_identity(), parse_get_caller_identity, std::move(done));
}

}  // namespace rg::aws::sts
