#pragma once
// The one writer of the DNS wire format (RFC 1035): names and record data in wire form, a
// query, and the big-endian fields from which act/failover/dns_update.h builds RFC 2136
// updates and their TSIG records.
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>

#include "dns/message.h"

namespace rg::dns {

// Lower case with one trailing dot: names compare equal however the configuration wrote them.
std::string canonical_name(std::string_view name);
// Uncompressed wire form of an absolute name (lower case, as TSIG's canonical form wants).
std::expected<Bytes, std::string> encode_name(std::string_view name);
// RDATA of an A (dotted quad), AAAA (RFC 4291 text) or CNAME/NS (a name) value.
std::expected<Bytes, std::string> encode_rdata(std::uint16_t type, std::string_view value);

// A configured value in the form Record::value has: an address as inet_ntop writes it, a name
// canonical. The value unchanged when it does not parse (it will then match nothing).
std::string normalize_value(std::uint16_t type, std::string_view value);

// Appends big-endian fields.
class Writer {
 public:
  void u16(std::uint16_t v);
  void u32(std::uint32_t v);
  void u48(std::uint64_t v);
  void bytes(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  Bytes& out() { return out_; }

 private:
  Bytes out_;
};

// A standard query for one name and type; `recursion_desired` off for an authoritative server.
std::expected<Bytes, std::string> build_query(std::uint16_t id, std::string_view name, std::uint16_t type,
                                              bool recursion_desired);

}  // namespace rg::dns
