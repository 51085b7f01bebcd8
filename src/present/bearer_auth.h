#pragma once
// Bearer-token authentication (RFC 6750) for the API. The token is compared in constant time
// (SHA-256 of both sides, then CRYPTO_memcmp, so neither its content nor its length leaks through
// timing) and is never logged or printed.
#include <array>
#include <expected>
#include <string>
#include <string_view>

#include "config/config.h"

namespace rg {

class BearerAuth {
 public:
  // An empty token means none is configured: nothing is accepted.
  explicit BearerAuth(std::string_view token);

  bool configured() const { return configured_; }
  // True when `authorization` (the whole header value) is "Bearer <the token>"; the scheme is
  // case-insensitive (RFC 7235).
  bool accepts(std::string_view authorization) const;

 private:
  bool configured_ = false;
  std::array<unsigned char, 32> digest_{};
};

// server.token, or the contents of server.token_file without surrounding whitespace; "" when
// neither is set. The error names the file, never the token.
std::expected<std::string, std::string> load_token(const ServerConfig& server);

}  // namespace rg
