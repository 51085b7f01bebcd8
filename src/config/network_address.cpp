#include "config/network_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <optional>

namespace rg {
namespace {

// An IP literal in network byte order; IPv4 in the first four bytes.
struct IpBytes {
  bool is_v6 = false;
  std::array<std::uint8_t, 16> bytes{};
};

std::optional<IpBytes> parse_ip(std::string_view text) {
  const std::string zero_terminated(text);  // inet_pton wants a C string
  IpBytes ip;
  if (inet_pton(AF_INET, zero_terminated.c_str(), ip.bytes.data()) == 1) {
    return ip;
  }
  if (inet_pton(AF_INET6, zero_terminated.c_str(), ip.bytes.data()) == 1) {
    ip.is_v6 = true;
    return ip;
  }
  return std::nullopt;
}

// Canonical text, so "2001:DB8:0::1" and "2001:db8::1" compare equal once parsed.
std::string format_ip(const IpBytes& ip) {
  std::array<char, INET6_ADDRSTRLEN> buffer{};
  inet_ntop(ip.is_v6 ? AF_INET6 : AF_INET, ip.bytes.data(), buffer.data(),
            static_cast<socklen_t>(buffer.size()));
  return buffer.data();
}

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Name characters with at least one letter: somebody wrote a name ("dns.google", "localhost")
// where an IP address belongs, and deserves a better message than "not an IP address".
bool looks_like_hostname(std::string_view host) {
  const bool name_chars = std::ranges::all_of(
      host, [](char c) { return is_alpha(c) || is_digit(c) || c == '.' || c == '-' || c == '_'; });
  return name_chars && std::ranges::any_of(host, is_alpha);
}

std::expected<std::uint16_t, std::string> parse_port(std::string_view text) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value == 0 ||
      value > 65535) {
    return std::unexpected("invalid port `" + std::string(text) + "` (expected 1-65535)");
  }
  return static_cast<std::uint16_t>(value);
}

struct HostPort {
  std::string_view host;
  std::optional<std::string_view> port;
};

// "[v6]:port", "[v6]", "v4:port", "v4", "v6" (two or more colons and no brackets: all address).
std::expected<HostPort, std::string> split_host_port(std::string_view text) {
  if (text.starts_with('[')) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) {
      return std::unexpected("missing `]` in `" + std::string(text) + "`");
    }
    const std::string_view rest = text.substr(close + 1);
    if (rest.empty()) {
      return HostPort{text.substr(1, close - 1), std::nullopt};
    }
    if (!rest.starts_with(':')) {
      return std::unexpected("expected `:port` after `]` in `" + std::string(text) + "`");
    }
    return HostPort{text.substr(1, close - 1), rest.substr(1)};
  }
  const std::size_t colon = text.find(':');
  if (colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
    return HostPort{text.substr(0, colon), text.substr(colon + 1)};
  }
  return HostPort{text, std::nullopt};
}

// The range with every bit after the prefix cleared: 192.0.2.7/24 -> 192.0.2.0/24.
Cidr network_of(const Cidr& cidr) {
  Cidr network = cidr;
  for (int bit = cidr.prefix_length; bit < (cidr.is_v6 ? 128 : 32); ++bit) {
    network.bytes[bit / 8] = static_cast<std::uint8_t>(network.bytes[bit / 8] & ~(0x80u >> (bit % 8)));
  }
  return network;
}

// The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:192.0.2.1), which is how a
// dual-stack socket reports an IPv4 peer.
std::optional<IpBytes> unmap_v4(const IpBytes& ip) {
  static constexpr std::array<std::uint8_t, 12> prefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (!ip.is_v6 || !std::equal(prefix.begin(), prefix.end(), ip.bytes.begin())) {
    return std::nullopt;
  }
  IpBytes v4;
  std::copy(ip.bytes.begin() + 12, ip.bytes.end(), v4.bytes.begin());
  return v4;
}

}  // namespace

std::string NetworkAddress::to_string() const {
  const bool is_v6 = host.find(':') != std::string::npos;
  return (is_v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::expected<NetworkAddress, std::string> parse_network_address(std::string_view text,
                                                                  std::uint16_t default_port) {
  if (text.empty()) {
    return std::unexpected("address is empty");
  }
  const auto parts = split_host_port(text);
  if (!parts) {
    return std::unexpected(parts.error());
  }
  if (looks_like_hostname(parts->host)) {
    return std::unexpected("`" + std::string(parts->host) +
                           "` is a hostname; give an IP address (a resolver named by hostname "
                           "would need another resolver to find it)");
  }
  const auto ip = parse_ip(parts->host);
  if (!ip) {
    return std::unexpected("`" + std::string(text) + "` is not an IP address");
  }
  // Brackets exist to separate an IPv6 address from its port; "[192.0.2.1]" is a typo.
  if (text.starts_with('[') && !ip->is_v6) {
    return std::unexpected("`" + std::string(text) + "`: only IPv6 addresses go in brackets, as [::1]:53");
  }
  NetworkAddress address{format_ip(*ip), default_port};
  if (parts->port) {
    const auto port = parse_port(*parts->port);
    if (!port) {
      return std::unexpected(port.error());
    }
    address.port = *port;
  }
  return address;
}

bool Cidr::contains(std::string_view address) const {
  auto ip = parse_ip(address);
  if (ip && !is_v6) {
    ip = ip->is_v6 ? unmap_v4(*ip) : ip;
  }
  if (!ip || ip->is_v6 != is_v6) {
    return false;
  }
  const int full_bytes = prefix_length / 8;
  if (!std::equal(bytes.begin(), bytes.begin() + full_bytes, ip->bytes.begin())) {
    return false;
  }
  const int rest_bits = prefix_length % 8;
  if (rest_bits == 0) {
    return true;
  }
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest_bits));
  return (bytes[full_bytes] & mask) == (ip->bytes[full_bytes] & mask);
}

std::string Cidr::to_string() const {
  return format_ip(IpBytes{is_v6, bytes}) + "/" + std::to_string(prefix_length);
}

std::expected<Cidr, std::string> parse_cidr(std::string_view text) {
  const std::size_t slash = text.find('/');
  const std::string_view address = text.substr(0, slash);
  const auto ip = parse_ip(address);
  if (!ip) {
    return std::unexpected("`" + std::string(text) + "` is not an IP address or CIDR range");
  }
  Cidr cidr{ip->is_v6, ip->bytes, ip->is_v6 ? 128 : 32};
  if (slash == std::string_view::npos) {
    return cidr;
  }
  const std::string_view prefix = text.substr(slash + 1);
  int length = -1;
  const auto [end, ec] = std::from_chars(prefix.data(), prefix.data() + prefix.size(), length);
  const int max_length = ip->is_v6 ? 128 : 32;
  if (prefix.empty() || ec != std::errc{} || end != prefix.data() + prefix.size() || length < 0 ||
      length > max_length) {
    return std::unexpected("invalid prefix length in `" + std::string(text) + "` (expected 0-" +
                           std::to_string(max_length) + ")");
  }
  cidr.prefix_length = length;
  // Refused rather than silently masked: "10.1.2.3/8" is more often a typo than a wish for 10/8.
  if (const Cidr network = network_of(cidr); network != cidr) {
    return std::unexpected("`" + std::string(text) + "` has bits set after the prefix (did you mean `" +
                           network.to_string() + "`?)");
  }
  return cidr;
}

}  // namespace rg
