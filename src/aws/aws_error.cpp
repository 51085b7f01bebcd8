#include "aws/aws_error.h"

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "aws/http_message.h"
#include "core/text.h"

namespace rg::aws {
namespace {

// Element text by local name (ignores namespace prefixes), first match in document order.
pugi::xml_node child_local(pugi::xml_node parent, std::string_view local) {
  for (pugi::xml_node n : parent.children()) {
    if (n.type() != pugi::node_element) continue;
    std::string_view name = n.name();
    if (const auto colon = name.find(':'); colon != std::string_view::npos) name = name.substr(colon + 1);
    if (name == local) return n;
  }
  return {};
}

std::string trimmed(std::string_view s) { return std::string(trim(s)); }

// "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException:http://..." -> "ResourceNotFoundException"
std::string clean_json_code(std::string_view type) {
  if (const auto hash = type.rfind('#'); hash != std::string_view::npos) type = type.substr(hash + 1);
  if (const auto colon = type.find(':'); colon != std::string_view::npos) type = type.substr(0, colon);
  return trimmed(type);
}

bool parse_xml_error(std::string_view body, AwsError& out) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return false;
  pugi::xml_node root = doc.document_element();
  if (!root) return false;
  std::string_view root_name = root.name();
  if (const auto colon = root_name.find(':'); colon != std::string_view::npos) root_name = root_name.substr(colon + 1);

  pugi::xml_node error;
  pugi::xml_node request_id;
  if (root_name == "ErrorResponse") {  // Query protocol, REST-XML (Route 53, CloudFront)
    error = child_local(root, "Error");
    request_id = child_local(root, "RequestId");
  } else if (root_name == "Response") {  // EC2
    error = child_local(child_local(root, "Errors"), "Error");
    request_id = child_local(root, "RequestID");
  } else if (root_name == "Error") {  // S3, and a bare error
    error = root;
    request_id = child_local(root, "RequestId");
  } else if (root_name == "InvalidChangeBatch") {  // Route 53's refused change batch: its own shape
    out.code = "InvalidChangeBatch";
    for (pugi::xml_node message : child_local(root, "Messages").children()) {
      if (message.type() != pugi::node_element) continue;
      out.message += (out.message.empty() ? "" : "; ") + trimmed(message.text().get());
    }
    if (out.message.empty()) out.message = trimmed(child_local(root, "message").text().get());
    if (pugi::xml_node id = child_local(root, "RequestId")) out.request_id = trimmed(id.text().get());
    return true;
  }
  if (!error) return false;
  out.code = trimmed(child_local(error, "Code").text().get());
  pugi::xml_node message = child_local(error, "Message");
  if (!message) message = child_local(error, "message");  // Route 53 and SNS also send a lower-case one
  out.message = trimmed(message.text().get());
  if (request_id) out.request_id = trimmed(request_id.text().get());
  return !out.code.empty() || !out.message.empty();
}

bool parse_json_error(std::string_view body, AwsError& out) {
  const auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return false;
  for (const char* key : {"__type", "code", "Code"}) {
    if (auto it = json.find(key); it != json.end() && it->is_string()) {
      out.code = clean_json_code(it->get<std::string>());
      break;
    }
  }
  for (const char* key : {"message", "Message", "errorMessage"}) {
    if (auto it = json.find(key); it != json.end() && it->is_string()) {
      out.message = it->get<std::string>();
      break;
    }
  }
  return !out.code.empty() || !out.message.empty();
}

// An HTML page where an AWS error document belongs: a load balancer's or proxy's page, or moto's
// crash page for an operation it does not implement.
bool looks_like_html(std::string_view body, const HttpHeaders& headers) {
  if (auto type = find_header(headers, "Content-Type"); type && to_lower(*type).find("text/html") != std::string::npos) {
    return true;
  }
  const auto first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return false;
  const std::string start = to_lower(body.substr(first, 15));
  return start.starts_with("<!doctype html") || start.starts_with("<html");
}

// The text of the page's <title>, tags and surrounding space removed; "" when there is none.
std::string html_title(std::string_view body) {
  const std::string lower = to_lower(body);
  const auto open = lower.find("<title");
  if (open == std::string::npos) return {};
  const auto start = lower.find('>', open);
  if (start == std::string::npos) return {};
  const auto end = lower.find("</title", start);
  if (end == std::string::npos) return {};
  return trimmed(body.substr(start + 1, end - start - 1));
}

std::string body_excerpt(std::string_view body) {
  constexpr std::size_t kShown = 200;
  std::string text = trimmed(body.substr(0, kShown));
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  if (body.size() > kShown) text += "...";
  return text;
}

}  // namespace

std::string_view to_string(AwsErrorKind kind) {
  switch (kind) {
    case AwsErrorKind::invalid_argument: return "invalid_argument";
    case AwsErrorKind::invalid_config: return "invalid_config";
    case AwsErrorKind::no_credentials: return "no_credentials";
    case AwsErrorKind::credential_process: return "credential_process";
    case AwsErrorKind::io: return "io";
    case AwsErrorKind::bad_response: return "bad_response";
    case AwsErrorKind::service_error: return "service_error";
    case AwsErrorKind::transport: return "transport";
    case AwsErrorKind::timeout: return "timeout";
    case AwsErrorKind::crypto: return "crypto";
    case AwsErrorKind::fenced: return "fenced";
  }
  return "unknown";
}

std::string AwsError::to_string() const {
  std::string out(aws::to_string(kind));
  out += ": ";
  const std::string status = "HTTP " + std::to_string(http_status);
  if (!code.empty() && http_status != 0) out += code + " (" + status + "): ";
  else if (!code.empty()) out += code + ": ";
  else if (http_status != 0) out += status + ": ";
  out += message;
  if (!request_id.empty()) out += " [request " + request_id + "]";
  if (attempts > 1) out += " (after " + std::to_string(attempts) + " attempts)";
  return out;
}

AwsError make_error(AwsErrorKind kind, std::string message) {
  AwsError e;
  e.kind = kind;
  e.message = std::move(message);
  return e;
}

AwsError parse_service_error(const HttpResponse& response) {
  AwsError out;
  out.kind = AwsErrorKind::service_error;
  out.http_status = response.status;
  if (auto id = find_header(response.headers, "x-amzn-RequestId")) out.request_id = std::string(*id);
  else if (auto amz_id = find_header(response.headers, "x-amz-request-id")) out.request_id = std::string(*amz_id);

  const std::string_view body = response.body;
  const auto first = body.find_first_not_of(" \t\r\n");
  bool parsed = false;
  if (first != std::string_view::npos && body[first] == '<') {
    parsed = parse_xml_error(body, out);
  } else if (first != std::string_view::npos && body[first] == '{') {
    parsed = parse_json_error(body, out);
  }
  // awsQueryCompatible services (CloudWatch, SNS, SQS over JSON) name the Query-protocol code here,
  // "ResourceNotFound;Sender", which is the code their documentation lists.
  if (auto query_error = find_header(response.headers, "x-amzn-query-error")) {
    const std::string code = trimmed(query_error->substr(0, query_error->find(';')));
    if (!code.empty()) out.code = code;
  }
  if (out.code.empty()) {
    if (auto type = find_header(response.headers, "x-amzn-ErrorType")) out.code = clean_json_code(*type);
  }
  if (!parsed && out.message.empty()) {
    if (body.empty()) {
      out.message = "empty error body";
    } else if (looks_like_html(body, response.headers)) {
      const std::string title = html_title(body);
      out.message = "an HTML page instead of an AWS error document" +
                    (title.empty() ? ": " + body_excerpt(body) : " (\"" + title + "\")");
    } else {
      out.message = "unrecognised error body: " + body_excerpt(body);
    }
  }
  return out;
}

}  // namespace rg::aws
