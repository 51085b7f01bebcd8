#pragma once
// Every request or connection the server turns away, counted by reason for /metrics
// (regionguard_http_refusals_total{reason}) and logged at most once per source and reason a
// minute, with how many were not logged since: a flood is visible without flooding the log.
// Pure bookkeeping with time passed in; the server does the logging.
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace rg {

enum class RefusalReason {
  too_many_clients,   // the listener's connection budget (and its reserve) is full
  per_address_limit,  // this source holds server.max_clients_per_address connections
  header_timeout,     // the request header did not arrive whole in time (408)
  source_not_allowed, // not in server.gate_allow
  unknown_host,       // a Host that is not one of this server's names (421), against DNS rebinding
  bad_framing,        // Transfer-Encoding / Content-Length that could smuggle a request (400)
  rate_limited,       // /metrics scraped too often by one source (429)
  auth_failed,        // a missing or wrong bearer token (401)
  auth_rate_limited,  // too many wrong tokens from one source (429)
  websocket_flood,    // a WebSocket client sending more than a stream client ever needs (1008)
  websocket_too_slow, // a WebSocket client not reading what it is sent (1008)
};
inline constexpr std::size_t kRefusalReasons = 11;

std::string_view to_string(RefusalReason reason);

class RefusalLog {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr auto kLogEvery = std::chrono::minutes(1);

  // Counts the refusal; returns what to log now (the number of refusals of this reason from
  // this source since the last line, this one included), or nullopt when a line was written
  // for them less than a minute ago.
  std::optional<std::uint64_t> note(RefusalReason reason, const std::string& source, Clock::time_point now);

  std::uint64_t count(RefusalReason reason) const { return counts_[static_cast<std::size_t>(reason)]; }

 private:
  struct Recent {
    Clock::time_point logged;
    std::uint64_t since = 0;
  };
  std::array<std::uint64_t, kRefusalReasons> counts_{};
  std::unordered_map<std::string, Recent> recent_;  // by reason and source
};

}  // namespace rg
