#pragma once
// The CLI's way to ask a running daemon to act (POST /api/v1/failover/{app}/{op} with the
// configured token), used when the daemon owns an application's failover: two processes must
// never both run plans for it, so the CLI hands the request to the owner instead of acting.
#include <expected>
#include <nlohmann/json.hpp>
#include <string>

#include "config/config.h"

namespace rg {

struct DaemonAnswer {
  long status = 0;
  nlohmann::json body;  // the API's JSON answer (null when it sent none)
};

// Blocking: a CLI command waits for the answer (10 s at most). Errors: the daemon cannot be
// reached, or no token is configured.
std::expected<DaemonAnswer, std::string> post_to_daemon(const ServerConfig& server, const std::string& path,
                                                        const nlohmann::json& body);
// A read (GET) of the daemon's API, with the token when one is configured (server.auth_reads).
std::expected<DaemonAnswer, std::string> get_from_daemon(const ServerConfig& server, const std::string& path);

}  // namespace rg
