#include "present/api_response.h"

#include <algorithm>

namespace rg {

std::string ApiResponse::header(std::string_view name) const {
  const auto lower = [](std::string_view text) {
    std::string out(text);
    std::ranges::transform(out, out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
  };
  for (const auto& [key, value] : headers)
    if (lower(key) == lower(name)) return value;
  return "";
}

ApiResponse json_response(unsigned status, const nlohmann::json& body) {
  // Replacement characters instead of an exception for text that is not UTF-8 (a TXT answer can
  // hold any bytes).
  return {status, "application/json", body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), {}};
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

}  // namespace rg
