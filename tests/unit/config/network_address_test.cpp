// Resolver addresses and CIDR ranges as written in the configuration.
#include "config/network_address.h"

#include <gtest/gtest.h>

namespace rg {
namespace {

NetworkAddress parsed(std::string_view text, std::uint16_t default_port = 53) {
  const auto address = parse_network_address(text, default_port);
  EXPECT_TRUE(address.has_value()) << text << ": " << (address ? "" : address.error());
  return address.value_or(NetworkAddress{});
}

std::string error_of(std::string_view text) {
  const auto address = parse_network_address(text);
  EXPECT_FALSE(address.has_value()) << text << " parsed as " << (address ? address->to_string() : "");
  return address ? "" : address.error();
}

Cidr cidr(std::string_view text) {
  const auto range = parse_cidr(text);
  EXPECT_TRUE(range.has_value()) << text << ": " << (range ? "" : range.error());
  return range.value_or(Cidr{});
}

std::string cidr_error(std::string_view text) {
  const auto range = parse_cidr(text);
  EXPECT_FALSE(range.has_value()) << text << " parsed as " << (range ? range->to_string() : "");
  return range ? "" : range.error();
}

// ── parse_network_address ────────────────────────────────────────────────────────────────────

TEST(ParseNetworkAddress, Ipv4WithAndWithoutPort) {
  EXPECT_EQ(parsed("192.0.2.1"), (NetworkAddress{"192.0.2.1", 53}));
  EXPECT_EQ(parsed("192.0.2.1:5353"), (NetworkAddress{"192.0.2.1", 5353}));
  EXPECT_EQ(parsed("127.0.0.1", 8053), (NetworkAddress{"127.0.0.1", 8053}));
  EXPECT_EQ(parsed("0.0.0.0:1"), (NetworkAddress{"0.0.0.0", 1}));
  EXPECT_EQ(parsed("255.255.255.255:65535"), (NetworkAddress{"255.255.255.255", 65535}));
}

TEST(ParseNetworkAddress, Ipv6IsBracketedWhenItHasAPort) {
  EXPECT_EQ(parsed("::1"), (NetworkAddress{"::1", 53}));
  EXPECT_EQ(parsed("[::1]"), (NetworkAddress{"::1", 53}));
  EXPECT_EQ(parsed("[::1]:5353"), (NetworkAddress{"::1", 5353}));
  // Without brackets every colon belongs to the address: this is 2001:db8::1:53, not port 53.
  EXPECT_EQ(parsed("2001:db8::1:53"), (NetworkAddress{"2001:db8::1:53", 53}));
  EXPECT_EQ(parsed("::ffff:192.0.2.1"), (NetworkAddress{"::ffff:192.0.2.1", 53}));
}

TEST(ParseNetworkAddress, Ipv6IsStoredInCanonicalForm) {
  EXPECT_EQ(parsed("2001:DB8:0:0::1").host, "2001:db8::1");
  EXPECT_EQ(parsed("[2001:0db8::0001]:53"), parsed("2001:db8::1"));
}

TEST(ParseNetworkAddress, PrintsBackWhatItParsed) {
  EXPECT_EQ(parsed("192.0.2.1").to_string(), "192.0.2.1:53");
  EXPECT_EQ(parsed("[2001:db8::1]:5353").to_string(), "[2001:db8::1]:5353");
  EXPECT_EQ(parsed("::1").to_string(), "[::1]:53");
}

TEST(ParseNetworkAddress, RefusesHostnamesWithAReason) {
  EXPECT_EQ(error_of("dns.google"), "`dns.google` is a hostname; give an IP address (a resolver named by "
                                    "hostname would need another resolver to find it)");
  EXPECT_EQ(error_of("localhost:53"), "`localhost` is a hostname; give an IP address (a resolver named by "
                                      "hostname would need another resolver to find it)");
}

TEST(ParseNetworkAddress, RefusesMalformedAddressesAndPorts) {
  EXPECT_EQ(error_of(""), "address is empty");
  EXPECT_EQ(error_of("192.0.2.256"), "`192.0.2.256` is not an IP address");
  EXPECT_EQ(error_of("192.0.2"), "`192.0.2` is not an IP address");
  EXPECT_EQ(error_of("01.2.3.4"), "`01.2.3.4` is not an IP address");  // octal or decimal? refuse
  EXPECT_EQ(error_of("2001:db8::1::2"), "`2001:db8::1::2` is not an IP address");
  EXPECT_EQ(error_of("fe80::1%eth0"), "`fe80::1%eth0` is not an IP address");
  EXPECT_EQ(error_of("192.0.2.1:0"), "invalid port `0` (expected 1-65535)");
  EXPECT_EQ(error_of("192.0.2.1:65536"), "invalid port `65536` (expected 1-65535)");
  EXPECT_EQ(error_of("192.0.2.1:"), "invalid port `` (expected 1-65535)");
  EXPECT_EQ(error_of("192.0.2.1:53x"), "invalid port `53x` (expected 1-65535)");
  EXPECT_EQ(error_of("[::1"), "missing `]` in `[::1`");
  EXPECT_EQ(error_of("[::1]53"), "expected `:port` after `]` in `[::1]53`");
  EXPECT_EQ(error_of("[192.0.2.1]:53"), "`[192.0.2.1]:53`: only IPv6 addresses go in brackets, as [::1]:53");
}

// ── parse_cidr ───────────────────────────────────────────────────────────────────────────────

TEST(ParseCidr, ReadsRangesAndBareAddresses) {
  EXPECT_EQ(cidr("192.0.2.0/24").to_string(), "192.0.2.0/24");
  EXPECT_EQ(cidr("192.0.2.7").to_string(), "192.0.2.7/32");
  EXPECT_EQ(cidr("0.0.0.0/0").to_string(), "0.0.0.0/0");
  EXPECT_EQ(cidr("2001:DB8::/32").to_string(), "2001:db8::/32");
  EXPECT_EQ(cidr("2001:db8::1").to_string(), "2001:db8::1/128");
  EXPECT_EQ(cidr("::/0").to_string(), "::/0");
  EXPECT_FALSE(cidr("192.0.2.0/24").is_v6);
  EXPECT_TRUE(cidr("::/0").is_v6);
}

TEST(ParseCidr, RefusesBadPrefixesAndHostBits) {
  EXPECT_EQ(cidr_error("192.0.2.0/33"), "invalid prefix length in `192.0.2.0/33` (expected 0-32)");
  EXPECT_EQ(cidr_error("2001:db8::/129"), "invalid prefix length in `2001:db8::/129` (expected 0-128)");
  EXPECT_EQ(cidr_error("192.0.2.0/"), "invalid prefix length in `192.0.2.0/` (expected 0-32)");
  EXPECT_EQ(cidr_error("192.0.2.0/-1"), "invalid prefix length in `192.0.2.0/-1` (expected 0-32)");
  EXPECT_EQ(cidr_error("192.0.2.0/2x"), "invalid prefix length in `192.0.2.0/2x` (expected 0-32)");
  EXPECT_EQ(cidr_error("example.com/24"), "`example.com/24` is not an IP address or CIDR range");
  EXPECT_EQ(cidr_error("10.1.2.3/8"), "`10.1.2.3/8` has bits set after the prefix (did you mean `10.0.0.0/8`?)");
  EXPECT_EQ(cidr_error("2001:db8::1/64"),
            "`2001:db8::1/64` has bits set after the prefix (did you mean `2001:db8::/64`?)");
}

// ── Cidr::contains ───────────────────────────────────────────────────────────────────────────

TEST(CidrContains, Ipv4RangeBoundaries) {
  const Cidr range = cidr("192.0.2.0/24");
  EXPECT_TRUE(range.contains("192.0.2.0"));
  EXPECT_TRUE(range.contains("192.0.2.255"));
  EXPECT_FALSE(range.contains("192.0.1.255"));
  EXPECT_FALSE(range.contains("192.0.3.0"));
}

TEST(CidrContains, PrefixesThatEndInsideAByte) {
  const Cidr range = cidr("198.51.100.64/27");  // .64 - .95
  EXPECT_FALSE(range.contains("198.51.100.63"));
  EXPECT_TRUE(range.contains("198.51.100.64"));
  EXPECT_TRUE(range.contains("198.51.100.95"));
  EXPECT_FALSE(range.contains("198.51.100.96"));
  const Cidr v6 = cidr("2001:db8:8000::/33");
  EXPECT_TRUE(v6.contains("2001:db8:8000::1"));
  EXPECT_TRUE(v6.contains("2001:db8:ffff:ffff::"));
  EXPECT_FALSE(v6.contains("2001:db8:7fff:ffff::"));
}

TEST(CidrContains, ZeroAndFullPrefixes) {
  EXPECT_TRUE(cidr("0.0.0.0/0").contains("203.0.113.9"));
  EXPECT_TRUE(cidr("::/0").contains("2001:db8::1"));
  EXPECT_TRUE(cidr("192.0.2.7").contains("192.0.2.7"));
  EXPECT_FALSE(cidr("192.0.2.7").contains("192.0.2.6"));
  EXPECT_TRUE(cidr("2001:db8::1").contains("2001:0db8:0::1"));
  EXPECT_FALSE(cidr("2001:db8::1").contains("2001:db8::2"));
}

TEST(CidrContains, FamiliesDoNotMixExceptForMappedIpv4) {
  EXPECT_FALSE(cidr("0.0.0.0/0").contains("2001:db8::1"));
  EXPECT_FALSE(cidr("::/0").contains("192.0.2.1"));
  // A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d; it is still that IPv4 address.
  EXPECT_TRUE(cidr("192.0.2.0/24").contains("::ffff:192.0.2.1"));
  EXPECT_FALSE(cidr("192.0.2.0/24").contains("::ffff:192.0.3.1"));
}

TEST(CidrContains, UnparsableAddressesAreNotContained) {
  EXPECT_FALSE(cidr("0.0.0.0/0").contains(""));
  EXPECT_FALSE(cidr("0.0.0.0/0").contains("not-an-address"));
  EXPECT_FALSE(cidr("0.0.0.0/0").contains("192.0.2.1/32"));
}

}  // namespace
}  // namespace rg
