#include "present/bearer_auth.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/text.h"

namespace rg {
namespace {

std::array<unsigned char, 32> sha256(std::string_view text) {
  std::array<unsigned char, 32> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  return digest;
}

}  // namespace

BearerAuth::BearerAuth(std::string_view token) : configured_(!token.empty()), digest_(sha256(token)) {}

bool BearerAuth::accepts(std::string_view authorization) const {
  if (!configured_) return false;
  constexpr std::string_view scheme = "bearer ";
  if (authorization.size() < scheme.size() || !iequals(authorization.substr(0, scheme.size()), scheme)) return false;
  const auto offered = sha256(trim(authorization.substr(scheme.size())));
  return CRYPTO_memcmp(offered.data(), digest_.data(), digest_.size()) == 0;
}

std::expected<std::string, std::string> load_token(const ServerConfig& server) {
  if (server.token_file.empty()) return server.token;
  std::ifstream in(server.token_file, std::ios::binary);
  if (!in) return std::unexpected("cannot read server.token_file " + server.token_file + ": " + std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  const std::string token(trim(text.str()));
  if (token.empty()) return std::unexpected("server.token_file " + server.token_file + " is empty");
  if (token.find_first_of(" \t\r\n") != std::string::npos)
    return std::unexpected("server.token_file " + server.token_file + " holds more than one word");
  if (token.size() < 16)
    return std::unexpected("the token in server.token_file " + server.token_file + " is shorter than 16 characters");
  return token;
}

}  // namespace rg
