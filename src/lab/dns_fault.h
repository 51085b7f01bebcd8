#pragma once

// The faults the DNS fault proxy injects and the answers it makes up for them, kept apart
// from the sockets so each answer can be read (and tested) on its own.

#include "lab/dns_wire.h"

#include <optional>
#include <string_view>

namespace rg::lab {

enum class DnsFault {
  none,       // relay the upstream answer
  delay,      // relay the upstream answer after a delay
  drop,       // never answer
  servfail,   // RCODE 2
  nxdomain,   // RCODE 3
  nodata,     // NOERROR with no answer records (the empty dynamodb.us-east-1 answer of Oct 2025)
  refused,    // RCODE 5
  truncate,   // TC=1 and no records over UDP; TCP is relayed
  malformed,  // valid header and question, then a cut-off answer record
  loss,       // relay, but lose a share of the queries at random and delay the rest by up to
              // the fault's delay (jitter): a lossy network, `regionguard lab`'s noise
};

std::string_view to_string(DnsFault fault);

namespace dns {

// The answer a fault makes up without asking the upstream server, if it is such a fault:
// servfail, nxdomain, refused, malformed, and truncate over UDP. nullopt for the others.
std::optional<Bytes> made_up_answer(DnsFault fault, bool over_udp, std::span<const std::uint8_t> query,
                                    const QueryView& view);

// An answer to `query` (which parse_query accepted) with this RCODE: same ID, opcode and RD,
// QR=1, RA=1, the question copied, no records.
Bytes make_error_answer(std::span<const std::uint8_t> query, const QueryView& view, std::uint8_t rcode);

// NOERROR, TC=1, question copied, no records: "ask again over TCP".
Bytes make_truncated_answer(std::span<const std::uint8_t> query, const QueryView& view);

// NOERROR with ANCOUNT=1 whose one answer record stops after its owner name and 3 bytes:
// the ID and question match, so a resolver cannot discard it as someone else's answer and
// must report a bad response.
Bytes make_malformed_answer(std::span<const std::uint8_t> query, const QueryView& view);

// A NODATA as the upstream server itself gives it. The proxy asks upstream for the same name
// with `nodata_probe_type`, which no test zone holds, so the upstream answers with an empty,
// authoritative NOERROR and the SOA that sets the negative-caching TTL (or NXDOMAIN, when the
// name does not exist). This turns that answer into the answer to the client's query: its
// type back in the question, RCODE NOERROR, no answer records (a CNAME chain is removed too),
// authority and additional sections kept. nullopt if `probe_answer` cannot be parsed.
inline constexpr std::uint16_t nodata_probe_type = 65280;  // first of the private-use types
Bytes make_nodata_probe(std::span<const std::uint8_t> query, const QueryView& view);
std::optional<Bytes> make_nodata_answer(std::span<const std::uint8_t> probe_answer, std::uint16_t original_type);

// NODATA made from the query alone, for when there is no usable upstream answer.
Bytes make_nodata_answer(std::span<const std::uint8_t> query, const QueryView& view);

}  // namespace dns
}  // namespace rg::lab
