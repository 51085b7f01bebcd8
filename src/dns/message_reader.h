#pragma once
// Just enough of the DNS wire format (RFC 1035) to judge a response: the header flags, the rcode
// and the answer records as text. Written here rather than with c-ares's ares_parse_*_reply so that
// one parser handles every record type, reports *why* a packet is malformed, and keeps TTLs.
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <vector>

#include "core/probe_result.h"

namespace rg {

struct DnsResponse {
  std::uint16_t id = 0;
  bool truncated = false;
  int rcode = 0;
  std::vector<DnsAnswer> answers;  // the whole answer section, CNAMEs included
};

// Parses a response; the error text says what was wrong ("answer 1: record data runs past the end").
std::expected<DnsResponse, std::string> parse_dns_response(std::span<const unsigned char> packet);

// True for a response with the TC bit set: all the TCP fallback needs to know, without parsing
// the records.
bool dns_response_truncated(std::span<const unsigned char> packet);

// "A" → 1 ... ; 0 when unknown.
std::uint16_t record_type_code(std::string_view name);
// 1 → "A" ...; "TYPE65" for types without a mnemonic (RFC 3597).
std::string record_type_name(std::uint16_t code);

}  // namespace rg
