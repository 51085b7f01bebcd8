#pragma once
// The REST-XML protocol (Route 53, CloudFront, S3): the operation is the method and the path
// ("POST /2013-04-01/hostedzone/Z1/rrset/"), inputs go in path segments, the query string,
// headers (If-Match) and an XML body; outputs come back as an XML body and headers (ETag,
// Location). botocore sends no Content-Type with REST-XML bodies, and neither do we.
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "aws/aws_client.h"
#include "aws/aws_xml.h"

namespace rg::aws {

// path: already encoded; use path_segment() for each value put in it.
AwsRequest rest_xml_request(std::string operation, std::string method, std::string path, QueryParams query = {},
                            std::string body = {});
// A value as one path segment: uri_encode()d, '/' included.
std::string path_segment(std::string_view value);

// The 2xx answer's XML; result is the document element, which must be named `root` (bad_response
// otherwise). An empty root name accepts any.
std::expected<XmlResponse, AwsError> parse_rest_xml_response(const HttpResponse& response, std::string_view operation,
                                                             std::string_view root);

// The ETag header, with surrounding quotes removed (CloudFront sends it bare, S3 quoted).
std::optional<std::string> etag_header(const HttpResponse& response);

}  // namespace rg::aws
