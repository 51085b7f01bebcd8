#pragma once
// Small value types for addresses in the configuration: "host:port" resolvers and CIDR ranges.
#include <array>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace rg {

struct NetworkAddress {
  std::string host;  // an IPv4 or IPv6 literal
  std::uint16_t port = 53;
  friend bool operator==(const NetworkAddress&, const NetworkAddress&) = default;
  std::string to_string() const;  // "127.0.0.1:5353", "[::1]:53"
};

// Parses "1.2.3.4", "1.2.3.4:5353", "::1", "[::1]:5353". Hostnames are refused: a resolver given
// by name would need a resolver to find it.
std::expected<NetworkAddress, std::string> parse_network_address(std::string_view text,
                                                                  std::uint16_t default_port = 53);

struct Cidr {
  bool is_v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // network address (first 4 bytes used for IPv4)
  int prefix_length = 32;
  friend bool operator==(const Cidr&, const Cidr&) = default;
  bool contains(std::string_view address) const;  // false for an unparsable address
  std::string to_string() const;
};

// "192.0.2.0/24", "2001:db8::/32", or a bare address meaning /32 or /128.
std::expected<Cidr, std::string> parse_cidr(std::string_view text);

}  // namespace rg
