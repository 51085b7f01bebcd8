#include "present/api_response.h"

#include <algorithm>

#include "core/text.h"

namespace rg {

std::string ApiResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (iequals(key, name)) return value;
  return "";
}

ApiResponse json_response(unsigned status, const nlohmann::json& body) {
  // Replacement characters instead of an exception for text that is not UTF-8 (a TXT answer can
  // hold any bytes).
  return text_response(status, "application/json",
                       body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

ApiResponse text_response(unsigned status, std::string content_type, std::string body) {
  ApiResponse response;
  response.status = status;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  return response;
}

ApiResponse error_response(unsigned status, std::string_view code, std::string_view message) {
  return json_response(status, {{"error", {{"code", code}, {"message", message}}}});
}

ApiResponse bad_request(std::string_view message) { return error_response(400, "bad_request", message); }

ApiResponse not_found(std::string_view message) { return error_response(404, "not_found", message); }

ApiResponse method_not_allowed(std::string_view allow) {
  auto response = error_response(405, "method_not_allowed", "this resource allows " + std::string(allow));
  response.headers.emplace_back("Allow", std::string(allow));
  return response;
}

ApiResponse unauthorized(std::string_view message) {
  auto response = error_response(401, "unauthorized", message);
  response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"regionguard\"");
  return response;
}

ApiResponse unavailable(std::string_view message) { return error_response(503, "unavailable", message); }

ApiResponse payload_too_large(std::size_t limit) {
  return error_response(413, "payload_too_large",
                        "the request body is larger than " + std::to_string(limit / 1024) + " KiB");
}

ApiResponse too_many_requests(std::string_view message, RefusalReason reason, unsigned retry_after_seconds) {
  auto response = error_response(429, "too_many_requests", message);
  response.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
  return refused(std::move(response), reason);
}

ApiResponse request_timeout(std::string_view message) {
  auto response = error_response(408, "request_timeout", message);
  response.headers.emplace_back("Connection", "close");
  return refused(std::move(response), RefusalReason::header_timeout);
}

ApiResponse misdirected(std::string_view message) { return error_response(421, "misdirected", message); }

ApiResponse refused(ApiResponse response, RefusalReason reason, std::string detail) {
  response.refusal = reason;
  response.refusal_detail = std::move(detail);
  return response;
}

}  // namespace rg
