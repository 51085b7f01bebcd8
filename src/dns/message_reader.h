#pragma once
// The one reader of the DNS wire format (RFC 1035): a prober's response summary and a whole
// message with every section, both walked by the same code and failing with the same texts.
// Written here rather than with c-ares's ares_parse_*_reply so that one parser handles every
// record type, reports *why* a packet is malformed ("answer 1: record data runs past the end"),
// keeps TTLs, and sees the additional section where TSIG lives.
#include <cstdint>
#include <expected>
#include <span>
#include <string>

#include "dns/message.h"

namespace rg::dns {

// A response as a prober judges it: the header and the answer section, each record's data as
// presentation text and names as the server wrote them. The authority and additional sections
// are not read, so they cannot fail the probe.
std::expected<Response, std::string> parse_response(std::span<const std::uint8_t> packet);

// True for a response with the TC bit set: all the TCP fallback needs to know, without parsing
// the records.
bool response_truncated(std::span<const std::uint8_t> packet);

// Every section of a message, a query or an update as well as a response; names canonical
// (lower case, unusual octets escaped) so that they compare with configured names.
std::expected<Message, std::string> parse_message(std::span<const std::uint8_t> packet);

}  // namespace rg::dns
