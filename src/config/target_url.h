#pragma once
// The parts of a check's target URL the configuration needs: scheme, host and port.
// scheme://host[:port][/...], with an IPv6 literal in brackets. Enough to validate http(s) URLs and
// to split tcp:// and tls:// targets; curl parses http(s) URLs itself when probing.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rg {

struct TargetUrl {
  std::string scheme;
  std::string host;
  std::uint16_t port = 0;  // 0 when the URL gives none
};

std::optional<TargetUrl> parse_target_url(std::string_view url);

}  // namespace rg
