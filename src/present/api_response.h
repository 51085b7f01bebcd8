#pragma once
// An HTTP answer as the API builds it, independent of Beast so that routing and handlers are
// tested without sockets; the server turns it into a Beast response.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "present/refusals.h"

namespace rg {

struct ApiResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type and Content-Length
  // Set when the answer turns a client away for one of the reasons the server counts and logs
  // (RefusalLog), with what the log line should name besides the source (a Host, a path).
  std::optional<RefusalReason> refusal;
  std::string refusal_detail;

  std::string header(std::string_view name) const;  // "" when absent
};

ApiResponse json_response(unsigned status, const nlohmann::json& body);
ApiResponse text_response(unsigned status, std::string content_type, std::string body);

// docs/api.md's error object: {"error": {"code": CODE, "message": MESSAGE}}.
//   400 bad_request, 401 unauthorized (with WWW-Authenticate: Bearer), 403 forbidden, 404
//   not_found, 405 method_not_allowed (with Allow), 408 request_timeout, 413 payload_too_large,
//   421 misdirected, 429 too_many_requests (with Retry-After), 503 unavailable.
ApiResponse error_response(unsigned status, std::string_view code, std::string_view message);
ApiResponse bad_request(std::string_view message);
ApiResponse not_found(std::string_view message);
ApiResponse method_not_allowed(std::string_view allow);
ApiResponse unauthorized(std::string_view message);
ApiResponse unavailable(std::string_view message);
ApiResponse payload_too_large(std::size_t limit);
// 429 with Retry-After, and 408 / 421 with their docs/api.md codes; each marked as `reason`.
ApiResponse too_many_requests(std::string_view message, RefusalReason reason, unsigned retry_after_seconds = 1);
ApiResponse request_timeout(std::string_view message);
ApiResponse misdirected(std::string_view message);
// `response` marked as a refusal for `reason`.
ApiResponse refused(ApiResponse response, RefusalReason reason, std::string detail = {});

}  // namespace rg
