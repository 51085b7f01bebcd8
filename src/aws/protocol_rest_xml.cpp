#include "aws/protocol_rest_xml.h"

namespace rg::aws {

AwsRequest rest_xml_request(std::string operation, std::string method, std::string path, QueryParams query,
                            std::string body) {
  AwsRequest request;
  request.operation = std::move(operation);
  request.method = std::move(method);
  request.path = std::move(path);
  request.query = std::move(query);
  request.body = std::move(body);
  return request;
}

std::string path_segment(std::string_view value) { return uri_encode(value, /*encode_slash=*/true); }

std::expected<XmlResponse, AwsError> parse_rest_xml_response(const HttpResponse& response, std::string_view operation,
                                                             std::string_view root) {
  auto doc = parse_xml_document(response.body, operation);
  if (!doc) return std::unexpected(doc.error());
  pugi::xml_node element = (*doc)->document_element();
  if (!root.empty() && xml_local_name(element) != root) {
    return std::unexpected(make_error(AwsErrorKind::bad_response, std::string(operation) + ": expected <" +
                                                                      std::string(root) + ">, the answer is <" +
                                                                      std::string(xml_local_name(element)) + ">"));
  }
  XmlResponse out;
  out.result = element;
  out.document = std::move(*doc);
  return out;
}

std::optional<std::string> etag_header(const HttpResponse& response) {
  auto value = find_header(response.headers, "ETag");
  if (!value) return std::nullopt;
  std::string_view v = *value;
  if (v.starts_with("W/")) v.remove_prefix(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  return std::string(v);
}

}  // namespace rg::aws
