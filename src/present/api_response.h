#pragma once
// An HTTP answer as the API builds it, independent of Beast so that routing and handlers are
// tested without sockets; the server turns it into a Beast response.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace rg {

struct ApiResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type and Content-Length

  std::string header(std::string_view name) const;  // "" when absent
};

ApiResponse json_response(unsigned status, const nlohmann::json& body);

// docs/api.md's error object: {"error": {"code": CODE, "message": MESSAGE}}.
//   400 bad_request, 401 unauthorized (with WWW-Authenticate: Bearer), 403 forbidden, 404
//   not_found, 405 method_not_allowed (with Allow), 413 payload_too_large, 503 unavailable.
ApiResponse error_response(unsigned status, std::string_view code, std::string_view message);
ApiResponse bad_request(std::string_view message);
ApiResponse not_found(std::string_view message);
ApiResponse method_not_allowed(std::string_view allow);
ApiResponse unauthorized(std::string_view message);
ApiResponse unavailable(std::string_view message);
ApiResponse payload_too_large(std::size_t limit);

}  // namespace rg
