#include "aws/protocol_query.h"

namespace rg::aws {

AwsRequest query_request(std::string action, std::string_view version, const QueryParams& params) {
  QueryParams all;
  all.reserve(params.size() + 2);
  all.emplace_back("Action", action);
  all.emplace_back("Version", std::string(version));
  all.insert(all.end(), params.begin(), params.end());
  AwsRequest request;
  request.operation = std::move(action);
  request.method = "POST";
  request.path = "/";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  request.body = encode_form(all);
  return request;
}

void add_member_list(QueryParams& params, std::string_view prefix, const std::vector<std::string>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    params.emplace_back(std::string(prefix) + ".member." + std::to_string(i + 1), values[i]);
  }
}

void add_ec2_list(QueryParams& params, std::string_view prefix, const std::vector<std::string>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    params.emplace_back(std::string(prefix) + "." + std::to_string(i + 1), values[i]);
  }
}

void add_ec2_filters(QueryParams& params, const std::vector<Ec2Filter>& filters) {
  for (std::size_t i = 0; i < filters.size(); ++i) {
    const std::string prefix = "Filter." + std::to_string(i + 1);
    params.emplace_back(prefix + ".Name", filters[i].name);
    add_ec2_list(params, prefix + ".Value", filters[i].values);
  }
}

std::expected<XmlResponse, AwsError> parse_query_response(const HttpResponse& response, std::string_view action) {
  auto doc = parse_xml_document(response.body, action);
  if (!doc) return std::unexpected(doc.error());
  pugi::xml_node root = (*doc)->document_element();
  const std::string expected_root = std::string(action) + "Response";
  if (xml_local_name(root) != expected_root) {
    return std::unexpected(make_error(AwsErrorKind::bad_response, std::string(action) + ": expected <" + expected_root +
                                                                      ">, the answer is <" +
                                                                      std::string(xml_local_name(root)) + ">"));
  }
  XmlResponse out;
  out.result = xml_child(root, std::string(action) + "Result");
  if (!out.result) out.result = root;
  out.document = std::move(*doc);
  return out;
}

std::function<std::expected<void, AwsError>(const HttpResponse&)> query_no_result(std::string action) {
  return [action = std::move(action)](const HttpResponse& response) -> std::expected<void, AwsError> {
    auto xml = parse_query_response(response, action);
    if (!xml) return std::unexpected(xml.error());
    return {};
  };
}

}  // namespace rg::aws
