#pragma once
// Plain HTTP request and response values exchanged between the AWS client layer and a transport.
// Nothing here does I/O: a request is built and signed here, sent by a transport (libcurl multi),
// and the response comes back as a value.
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/aws_error.h"
#include "core/text.h"  // iequals, to_lower

namespace rg::aws {

// In order, names as written (case kept), a name may repeat.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;
using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;   // "GET", "POST", "PUT"
  std::string url;      // absolute and exactly as sent: "https://host[:port]/path?query", with the
                        // path and query already percent-encoded (see uri_encode, encode_query)
  HttpHeaders headers;  // the transport must send these as they are and add none that are signed
  std::string body;
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;
};

// The first value of a header, by case-insensitive name.
std::optional<std::string_view> find_header(const HttpHeaders& headers, std::string_view name);
// Removes every header of that name (case-insensitive), then appends name: value.
void set_header(HttpHeaders& headers, std::string_view name, std::string value);
void remove_header(HttpHeaders& headers, std::string_view name);

struct Url {
  std::string scheme;                // lower-cased: "https"
  std::string host;                  // as written; an IPv6 literal keeps its brackets: "[::1]"
  std::optional<std::uint16_t> port; // only when written
  std::string path;                  // as on the wire (percent-encoded); "" when absent
  std::string query;                 // without the '?'; "" when absent. A fragment is dropped.
};

// Absolute http(s) URLs only. Refuses user info, an empty host, a bad port, spaces and control
// characters (a URL here is always machine-built; such a character means a bug upstream).
std::expected<Url, AwsError> parse_url(std::string_view url);

// The Host header value a URL implies, as AWS and botocore compute it: host lower-cased, the port
// kept only when it is not the scheme's default. "https://S3.amazonaws.com:443/" -> "s3.amazonaws.com".
std::string host_header_value(const Url& url);

// Percent-encoding by AWS's rules (RFC 3986): A-Z a-z 0-9 - _ . ~ are kept, every other byte is
// %XX with upper-case hex; UTF-8 text is encoded byte by byte; a space is %20, never '+'.
// With encode_slash false, '/' is kept too (paths).
std::string uri_encode(std::string_view text, bool encode_slash = true);
// Decodes %XX; a '%' not followed by two hex digits stays as is; '+' stays '+'.
std::string uri_decode(std::string_view text);

// "k=v&k2=v2" in the given order, each key and value uri_encode()d. Repeated keys stay repeated.
std::string encode_query(const QueryParams& params);
// application/x-www-form-urlencoded as botocore writes Query-protocol bodies (Action=...):
// as encode_query, but a space is '+'.
std::string encode_form(const QueryParams& params);

}  // namespace rg::aws
